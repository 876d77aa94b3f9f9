use super::*;
use crate::model::alerts::matcher::Matcher;
use crate::model::profile::Profile;

fn sel(text: &str) -> Vec<Matcher> {
    Matcher::parse_list(text).expect("selector")
}

/// A counted increase per second as [`Promql::requests`] writes it: `agg` over
/// `(increase(x[r]) unless B) or B`, `B` the series of `x` born in the window on a target
/// (`REQ{target selector}`) that had samples before it.
fn counted(agg: &str, x: &str, target: &str, r: &str, r_s: &str) -> String {
    let born = format!("(({x} unless {x} offset {r}) and on (job, instance) {target} offset {r})");
    format!("{agg}((increase({x}[{r}]) unless {born}) or {born}) / {r_s}")
}

#[test]
fn otel_tiles_are_the_grafana_expressions() {
    let q = Promql::new(&Profile::otel_mcp(), &sel(r#"job="mcp""#), 300_000);
    let req = "mcp_server_operation_duration_seconds_count";
    let x = format!(r#"{req}{{job="mcp"}}"#);
    // Written out once in full, the shape every counted expression has.
    assert_eq!(
        q.requests(),
        format!(
            "sum((increase({x}[300s]) unless (({x} unless {x} offset 300s) and on (job, instance) \
             {x} offset 300s)) or (({x} unless {x} offset 300s) and on (job, instance) {x} offset \
             300s)) / 300"
        )
    );
    let e = format!(r#"{req}{{job="mcp",error_type=~".+"}}"#);
    assert_eq!(q.errors(), counted("sum", &e, &x, "300s", "300"));
    assert_eq!(
        q.quantile(0.95).as_deref(),
        Some(
            r#"histogram_quantile(0.95, sum by (le) (rate(mcp_server_operation_duration_seconds_bucket{job="mcp"}[300s])))"#
        )
    );
    let t = format!(r#"{req}{{job="mcp",mcp_method_name="tools/call"}}"#);
    assert_eq!(
        q.by_tool(),
        Some(counted("sum by (gen_ai_tool_name) ", &t, &x, "300s", "300"))
    );
    assert_eq!(
        q.memory(),
        r#"max(process_resident_memory_bytes{job="mcp"})"#
    );
    assert_eq!(q.up(), r#"up{job="mcp"}"#);
}

#[test]
fn by_instance_keeps_the_label_in_every_aggregation() {
    let q = Promql::new(&Profile::otel_mcp(), &sel(r#"job=~"mcp|gw""#), 60_000).by(&["instance"]);
    assert!(
        q.requests().starts_with("sum by (instance) ((increase("),
        "{}",
        q.requests()
    );
    assert!(
        q.quantile(0.99)
            .is_some_and(|e| e.contains("sum by (instance, le) (rate(")),
        "{:?}",
        q.quantile(0.99)
    );
    assert!(
        q.by_tool()
            .is_some_and(|e| e.starts_with("sum by (instance, gen_ai_tool_name) (")),
        "{:?}",
        q.by_tool()
    );
    assert_eq!(
        q.memory(),
        r#"max by (instance) (process_resident_memory_bytes{job=~"mcp|gw"})"#
    );
}

#[test]
fn http_profile_leaves_out_the_polling_paths_but_not_from_up() {
    let q = Promql::new(&Profile::http(), &sel(r#"job="gw""#), 90_500);
    let req = q.requests();
    assert!(req.contains(r#"handler!="/metrics""#), "{req}");
    assert!(req.contains(r#"route!="/health""#), "{req}");
    assert!(req.contains("[90500ms])"), "{req}");
    assert!(req.ends_with(" offset 90500ms)) / 90.5"), "{req}");
    assert!(q.errors().contains(r#"status=~"5..""#), "{}", q.errors());
    assert_eq!(q.up(), r#"up{job="gw"}"#);
    assert_eq!(q.by_tool(), None);
}

#[test]
fn no_selector_writes_no_empty_braces() {
    let q = Promql::new(&Profile::otel_mcp(), &[], 60_000);
    let x = "mcp_server_operation_duration_seconds_count";
    assert_eq!(q.requests(), counted("sum", x, x, "60s", "60"));
    assert_eq!(q.up(), "up");
}

#[test]
fn values_are_escaped() {
    let m = Matcher::equal("service", "a\"b\\c").expect("matcher");
    let q = Promql::new(&Profile::otel_mcp(), &[m], 60_000);
    assert!(q.up().contains(r#"service="a\"b\\c""#), "{}", q.up());
    assert_eq!(escape("x\ny"), "x\\ny");
    assert_eq!(duration(300_000), "300s");
    assert_eq!(duration(1_500), "1500ms");
}

/// The profile auto-detected from `keys` for a target polled at `polling`.
fn detected(keys: &[crate::model::series::SeriesKey], polling: &[&str]) -> Profile {
    use crate::model::profile::ProfileChoice;
    let polling: Vec<String> = polling.iter().map(|p| (*p).to_string()).collect();
    Profile::detect(&ProfileChoice::Auto, None, keys, &polling)
        .expect("detection")
        .expect("a profile")
}

fn key(name: &str, labels: &[(&str, &str)]) -> crate::model::series::SeriesKey {
    crate::model::series::SeriesKey::new(name, labels.iter().copied())
}

#[test]
fn toolhive_counts_tool_calls_by_server() {
    let p = detected(
        &[key(
            "toolhive_mcp_requests_total",
            &[
                ("mcp_method", "tools/call"),
                ("server", "github"),
                ("status", "success"),
            ],
        )],
        &["/metrics", "/health"],
    );
    let q = Promql::new(&p, &sel(r#"job="thv""#), 300_000);
    let req = "toolhive_mcp_requests_total";
    let x = format!(r#"{req}{{job="thv"}}"#);
    assert_eq!(q.requests(), counted("sum", &x, &x, "300s", "300"));
    let e = format!(r#"{req}{{job="thv",status=~"error"}}"#);
    assert_eq!(q.errors(), counted("sum", &e, &x, "300s", "300"));
    assert_eq!(
        q.quantile(0.5).as_deref(),
        Some(
            r#"histogram_quantile(0.5, sum by (le) (rate(toolhive_mcp_request_duration_seconds_bucket{job="thv"}[300s])))"#
        )
    );
    let t = format!(r#"{req}{{job="thv",mcp_method="tools/call"}}"#);
    assert_eq!(
        q.by_tool(),
        Some(counted("sum by (server) ", &t, &x, "300s", "300"))
    );
}

#[test]
fn mcpany_selects_only_series_with_a_status_everywhere() {
    let p = detected(
        &[
            key(
                "mcpany_tools_call_total",
                &[("service_id", "fs"), ("tool", "fs.read")],
            ),
            key(
                "mcpany_tools_call_total",
                &[
                    ("service_id", "fs"),
                    ("status", "success"),
                    ("tool", "fs.read"),
                ],
            ),
        ],
        &["/metrics", "/health"],
    );
    let q = Promql::new(&p, &sel(r#"job="gw""#), 60_000);
    let req = "mcpany_tools_call_total";
    let x = format!(r#"{req}{{job="gw",status=~".+"}}"#);
    assert_eq!(q.requests(), counted("sum", &x, &x, "60s", "60"));
    let e = format!(r#"{req}{{job="gw",status=~".+",status=~"error"}}"#);
    assert_eq!(q.errors(), counted("sum", &e, &x, "60s", "60"));
    assert_eq!(
        q.quantile(0.95).as_deref(),
        Some(
            r#"histogram_quantile(0.95, sum by (le) (rate(mcpany_tools_call_latency_seconds_bucket{job="gw",status=~".+"}[60s])))"#
        )
    );
    assert_eq!(
        q.by_tool(),
        Some(counted("sum by (service_id) ", &x, &x, "60s", "60"))
    );
}

#[test]
fn hand_written_tool_counters_by_their_tool_label() {
    let p = detected(
        &[key(
            "mcp_tool_invocations_total",
            &[("status", "success"), ("tool", "run")],
        )],
        &["/metrics", "/health"],
    );
    let q = Promql::new(&p, &[], 60_000);
    let x = "mcp_tool_invocations_total";
    let e = r#"mcp_tool_invocations_total{status=~"error|failure"}"#;
    assert_eq!(q.errors(), counted("sum", e, x, "60s", "60"));
    assert_eq!(
        q.by_tool(),
        Some(counted("sum by (tool) ", x, x, "60s", "60"))
    );
    assert_eq!(
        q.quantile(0.99).as_deref(),
        Some("histogram_quantile(0.99, sum by (le) (rate(mcp_tool_duration_seconds_bucket[60s])))")
    );
}

#[test]
fn otel_client_reads_the_client_histogram() {
    let p = detected(
        &[key(
            "mcp_client_operation_duration_seconds_count",
            &[("mcp_method_name", "tools/call")],
        )],
        &["/metrics", "/health"],
    );
    let q = Promql::new(&p, &sel(r#"job="gw""#), 60_000);
    let x = r#"mcp_client_operation_duration_seconds_count{job="gw"}"#;
    let e = r#"mcp_client_operation_duration_seconds_count{job="gw",error_type=~".+"}"#;
    assert_eq!(q.errors(), counted("sum", e, x, "60s", "60"));
    let t = r#"mcp_client_operation_duration_seconds_count{job="gw",mcp_method_name="tools/call"}"#;
    assert_eq!(
        q.by_tool(),
        Some(counted("sum by (gen_ai_tool_name) ", t, x, "60s", "60"))
    );
}

#[test]
fn http_leaves_out_the_targets_own_polling_paths_under_its_path_label() {
    let mut keys = vec![
        key(
            "http_requests_total",
            &[("handler", "/metrics/prometheus"), ("status", "2xx")],
        ),
        key(
            "http_requests_total",
            &[("handler", "/mcp"), ("status", "5xx")],
        ),
    ];
    for le in ["0.1", "0.5", "1.0", "+Inf"] {
        keys.push(key(
            "http_request_duration_seconds_bucket",
            &[("handler", "/mcp"), ("le", le)],
        ));
    }
    for le in ["0.01", "0.05", "0.1", "0.5", "1.0", "+Inf"] {
        keys.push(key(
            "http_request_duration_highr_seconds_bucket",
            &[("le", le)],
        ));
    }
    let p = detected(&keys, &["/metrics/prometheus", "/health"]);
    let q = Promql::new(&p, &sel(r#"job="gw""#), 60_000);
    let sel = r#"job="gw",handler!="/metrics/prometheus",handler!="/health""#;
    let x = format!("http_requests_total{{{sel}}}");
    assert_eq!(q.requests(), counted("sum", &x, &x, "60s", "60"));
    let e = format!(r#"http_requests_total{{{sel},status=~"5.."}}"#);
    assert_eq!(q.errors(), counted("sum", &e, &x, "60s", "60"));
    // The finer histogram has no handler label: the exclusions hold for it trivially,
    // as they do in scrape mode.
    assert_eq!(
        q.quantile(0.95),
        Some(format!(
            "histogram_quantile(0.95, sum by (le) (rate(http_request_duration_highr_seconds_bucket{{{sel}}}[60s])))"
        ))
    );
}

#[test]
fn per_tool_columns_are_one_expression_each_for_every_tool() {
    let q = Promql::new(&Profile::otel_mcp(), &sel(r#"job="mcp""#), 300_000);
    let req = "mcp_server_operation_duration_seconds_count";
    let x = format!(r#"{req}{{job="mcp"}}"#);
    let e = format!(r#"{req}{{job="mcp",mcp_method_name="tools/call",error_type=~".+"}}"#);
    assert_eq!(
        q.tool_errors(),
        Some(counted(
            "sum by (gen_ai_tool_name, error_type) ",
            &e,
            &x,
            "300s",
            "300"
        ))
    );
    assert_eq!(
        q.tool_quantile(0.95).as_deref(),
        Some(
            r#"histogram_quantile(0.95, sum by (gen_ai_tool_name, le) (rate(mcp_server_operation_duration_seconds_bucket{job="mcp",mcp_method_name="tools/call"}[300s])))"#
        )
    );
    // Without a tool label there is no per-tool column.
    let http = Promql::new(&Profile::http(), &sel(r#"job="gw""#), 300_000);
    assert_eq!(http.tool_errors(), None);
    assert_eq!(http.tool_quantile(0.5), None);
}

#[test]
fn buckets_are_what_the_quantiles_read_in_one_answer() {
    let q = Promql::new(&Profile::otel_mcp(), &sel(r#"job="mcp""#), 300_000);
    let b = "mcp_server_operation_duration_seconds_bucket";
    assert_eq!(
        q.buckets().as_deref(),
        Some(format!(r#"sum by (le) (rate({b}{{job="mcp"}}[300s]))"#).as_str())
    );
    assert_eq!(
        q.clone().by(&["instance"]).buckets().as_deref(),
        Some(format!(r#"sum by (instance, le) (rate({b}{{job="mcp"}}[300s]))"#).as_str())
    );
    assert_eq!(
        q.tool_buckets().as_deref(),
        Some(
            format!(
                r#"sum by (gen_ai_tool_name, le) (rate({b}{{job="mcp",mcp_method_name="tools/call"}}[300s]))"#
            )
            .as_str()
        )
    );
    // Each quantile is histogram_quantile over exactly that answer.
    let quantile = q.quantile(0.95).unwrap_or_default();
    let buckets = q.buckets().unwrap_or_default();
    assert_eq!(quantile, format!("histogram_quantile(0.95, {buckets})"));
}
