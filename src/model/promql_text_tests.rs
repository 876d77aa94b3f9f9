use super::*;
use crate::model::alerts::matcher::Matcher;
use crate::model::profile::Profile;

fn sel(text: &str) -> Vec<Matcher> {
    Matcher::parse_list(text).expect("selector")
}

#[test]
fn otel_tiles_are_the_grafana_expressions() {
    let q = Promql::new(&Profile::otel_mcp(), &sel(r#"job="mcp""#), 300_000);
    let req = "mcp_server_operation_duration_seconds_count";
    assert_eq!(
        q.requests(),
        format!(r#"sum(rate({req}{{job="mcp"}}[300s]))"#)
    );
    assert_eq!(
        q.errors(),
        format!(r#"sum(rate({req}{{job="mcp",error_type=~".+"}}[300s]))"#)
    );
    assert_eq!(
        q.quantile(0.95).as_deref(),
        Some(
            r#"histogram_quantile(0.95, sum by (le) (rate(mcp_server_operation_duration_seconds_bucket{job="mcp"}[300s])))"#
        )
    );
    assert_eq!(
        q.by_tool(),
        Some(format!(
            r#"sum by (gen_ai_tool_name) (rate({req}{{job="mcp",mcp_method_name="tools/call"}}[300s]))"#
        ))
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
        q.requests().starts_with("sum by (instance) (rate("),
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
    assert!(req.ends_with("[90500ms]))"), "{req}");
    assert!(q.errors().contains(r#"status=~"5..""#), "{}", q.errors());
    assert_eq!(q.up(), r#"up{job="gw"}"#);
    assert_eq!(q.by_tool(), None);
}

#[test]
fn no_selector_writes_no_empty_braces() {
    let q = Promql::new(&Profile::otel_mcp(), &[], 60_000);
    assert_eq!(
        q.requests(),
        "sum(rate(mcp_server_operation_duration_seconds_count[60s]))"
    );
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
