//! Detection from series keys: one test per rule and edge.

use super::*;

fn key(name: &str, labels: &[(&str, &str)]) -> SeriesKey {
    SeriesKey::new(name, labels.iter().copied())
}

/// Bucket series of `name` (a histogram's base name) with `labels`, one per bound.
fn buckets(name: &str, labels: &[(&str, &str)], bounds: &[&str]) -> Vec<SeriesKey> {
    bounds
        .iter()
        .chain(["+Inf"].iter())
        .map(|le| {
            let mut l = labels.to_vec();
            l.push(("le", le));
            key(&format!("{name}_bucket"), &l)
        })
        .collect()
}

fn paths(p: &[&str]) -> Vec<String> {
    p.iter().map(|s| (*s).to_string()).collect()
}

fn auto(keys: &[SeriesKey]) -> Option<Profile> {
    Profile::detect(&ProfileChoice::Auto, None, keys, &default_polling_paths())
        .expect("auto never fails")
}

fn detected(keys: &[SeriesKey]) -> Profile {
    auto(keys).expect("a profile is detected")
}

fn selectors(p: &Profile) -> Vec<String> {
    p.select.iter().map(ToString::to_string).collect()
}

#[test]
fn otel_server_is_preferred_to_every_other_profile() {
    let keys = vec![
        key("http_requests_total", &[("status", "200")]),
        key("mcp_client_operation_duration_seconds_count", &[]),
        key("toolhive_mcp_requests_total", &[("status", "success")]),
        key(
            "mcp_server_operation_duration_seconds_count",
            &[("mcp_method_name", "tools/call")],
        ),
    ];
    let p = detected(&keys);
    assert_eq!(p.kind, ProfileKind::OtelMcp);
    assert_eq!(p.why, "mcp_server_operation_duration_seconds");
    assert!(p.matched);
    // Beside ToolHive's own names the OTel metrics are ToolHive's: errors only for >= 500.
    assert!(!p.sees_tool_errors());
    assert!(p.blind_spot.is_some_and(|b| b.contains("ToolHive")));
    let alone = detected(&keys[3..]);
    assert!(alone.sees_tool_errors());
}

#[test]
fn each_profile_is_detected_from_its_own_counter() {
    for (name, labels, kind) in [
        (
            "mcp_client_operation_duration_seconds_count",
            vec![("mcp_method_name", "tools/call")],
            ProfileKind::OtelMcpClient,
        ),
        (
            "toolhive_mcp_requests_total",
            vec![("status", "success"), ("server", "github")],
            ProfileKind::Toolhive,
        ),
        (
            "mcpany_tools_call_total",
            vec![("status", "success"), ("service_id", "fs")],
            ProfileKind::Mcpany,
        ),
        (
            "mcp_tool_calls_total",
            vec![("status", "success"), ("tool_name", "get_pods")],
            ProfileKind::McpToolCalls,
        ),
        (
            "http_requests_total",
            vec![("status", "200")],
            ProfileKind::Http,
        ),
    ] {
        let p = detected(&[key(name, &labels)]);
        assert_eq!(p.kind, kind, "{name}");
        assert_eq!(p.requests, name);
        assert!(
            p.why.starts_with(name.trim_end_matches("_count")),
            "{}",
            p.why
        );
    }
    assert!(auto(&[key("up", &[]), key("process_cpu_seconds_total", &[])]).is_none());
}

#[test]
fn an_mcp_level_profile_beats_http_on_the_same_scrape() {
    let keys = [
        key("http_requests_total", &[("status", "200")]),
        key(
            "mcp_tool_invocations_total",
            &[("status", "ok"), ("tool", "x")],
        ),
    ];
    assert_eq!(detected(&keys).kind, ProfileKind::McpToolCalls);
    assert!(ProfileKind::McpToolCalls.rank() < ProfileKind::Http.rank());
    assert!(ProfileKind::OtelMcpClient.rank() < ProfileKind::Http.rank());
}

#[test]
fn toolhive_reads_status_and_takes_the_whole_server_as_module() {
    let mut keys = vec![key(
        "toolhive_mcp_requests_total",
        &[
            ("mcp_method", "tools/call"),
            ("server", "github_tools"),
            ("status", "error"),
            ("status_code", "502"),
        ],
    )];
    keys.extend(buckets(
        "toolhive_mcp_request_duration_seconds",
        &[("server", "github_tools")],
        &["0", "5", "10", "25"],
    ));
    let p = detected(&keys);
    assert_eq!(p.why, "toolhive_mcp_requests_total");
    assert_eq!(p.error_label, "status");
    assert!(p.is_error(Some("error")) && !p.is_error(Some("success")));
    assert_eq!(p.tool_label.as_deref(), Some("server"));
    assert_eq!(
        p.tool_call_matcher,
        Some(("mcp_method".to_string(), "tools/call".to_string()))
    );
    let re = Regex::new("^([^._]+)").expect("regex");
    assert_eq!(p.module_of("github_tools", &re), "github_tools");
    assert_eq!(
        p.blind_spot,
        Some("HTTP status only: a tool error answered with HTTP 200 is not counted")
    );
    // Millisecond bounds used as seconds: the quantiles say so.
    let l = p.latency.as_ref().expect("latency");
    assert_eq!(l.bucket, "toolhive_mcp_request_duration_seconds_bucket");
    assert_eq!(l.coarse_from, Some(5.0));
    assert!(
        p.latency_caveat()
            .is_some_and(|c| c.contains("lowest bucket 5s")),
        "{:?}",
        p.latency_caveat()
    );
}

#[test]
fn mcpany_counts_only_the_middleware_series_not_their_go_metrics_twins() {
    let armon = key(
        "mcpany_tools_call_total",
        &[("service_id", "fs"), ("tool", "fs.read_file")],
    );
    let middleware = key(
        "mcpany_tools_call_total",
        &[
            ("error_type", "none"),
            ("service_id", "fs"),
            ("status", "success"),
            ("tool", "fs.read_file"),
        ],
    );
    let p = detected(&[armon.clone(), middleware.clone()]);
    assert_eq!(p.kind, ProfileKind::Mcpany);
    assert_eq!(selectors(&p), vec![r#"status=~".+""#.to_string()]);
    assert!(p.counts(&middleware));
    assert!(!p.counts(&armon));
    assert_eq!(p.tool_label.as_deref(), Some("service_id"));
    assert_eq!(p.modules, ModuleRule::WholeValue);
    assert!(!p.sees_tool_errors());
    // Only the twins (the middleware not yet seen): not an mcpany profile to count with.
    assert!(auto(&[armon]).is_none());
}

#[test]
fn hand_written_counters_come_in_two_shapes() {
    let calls = detected(&[key(
        "mcp_tool_calls_total",
        &[("status", "failure"), ("tool_name", "get_pods")],
    )]);
    assert_eq!(calls.why, "mcp_tool_calls_total");
    assert_eq!(calls.tool_label.as_deref(), Some("tool_name"));
    assert!(calls.is_error(Some("failure")) && calls.is_error(Some("error")));
    assert!(calls.sees_tool_errors());

    let mut keys = vec![key(
        "mcp_tool_invocations_total",
        &[("status", "success"), ("tool", "run_simulation")],
    )];
    keys.extend(buckets(
        "mcp_tool_call_duration_seconds",
        &[("tool", "run_simulation")],
        &["0.1", "1"],
    ));
    let inv = detected(&keys);
    assert_eq!(inv.why, "mcp_tool_invocations_total");
    assert_eq!(inv.tool_label.as_deref(), Some("tool"));
    // The other histogram name, the one present.
    assert_eq!(
        inv.latency_bucket(),
        Some("mcp_tool_call_duration_seconds_bucket")
    );
    assert_eq!(
        inv.latency.as_ref().and_then(|l| l.passed_over.clone()),
        None
    );
}

#[test]
fn http_reads_whichever_status_label_is_there() {
    for label in ["status", "status_code", "code"] {
        let p = detected(&[
            key(
                "http_requests_total",
                &[("handler", "/mcp"), (label, "503")],
            ),
            key(
                "http_requests_total",
                &[("handler", "/mcp"), (label, "200")],
            ),
        ]);
        assert_eq!(p.error_label, label);
        assert!(p.is_error(Some("503")));
    }
    // Grouped status codes: the class 5xx is an error, 4xx is not.
    let grouped = detected(&[key("http_requests_total", &[("status", "5xx")])]);
    assert!(grouped.is_error(Some("5xx")));
    assert!(!grouped.is_error(Some("4xx")));
}

#[test]
fn of_two_histograms_the_finer_one_is_read_and_the_other_named() {
    let mut keys = vec![key(
        "http_requests_total",
        &[("handler", "/mcp"), ("status", "2xx")],
    )];
    keys.extend(buckets(
        "http_request_duration_seconds",
        &[("handler", "/mcp")],
        &["0.1", "0.5", "1.0"],
    ));
    let coarse_only = detected(&keys);
    assert_eq!(
        coarse_only.latency_bucket(),
        Some("http_request_duration_seconds_bucket")
    );
    assert!(coarse_only.latency_caveat().is_none());

    keys.extend(buckets(
        "http_request_duration_highr_seconds",
        &[],
        &["0.01", "0.025", "0.05", "0.1", "0.5", "1", "5"],
    ));
    let p = detected(&keys);
    let l = p.latency.as_ref().expect("latency");
    assert_eq!(l.bucket, "http_request_duration_highr_seconds_bucket");
    assert_eq!(
        l.passed_over.as_deref(),
        Some("http_request_duration_seconds")
    );
    // The finer one has no handler label: polling cannot be left out of it.
    assert!(l.includes_polling);
    let note = p.latency_note().expect("a note");
    assert!(
        note.contains("finer than http_request_duration_seconds") && note.contains("polling"),
        "{note}"
    );
    assert_eq!(
        p.latency_caveat().as_deref(),
        Some("latency http_request_duration_highr_seconds (finer), incl. polling")
    );
}

#[test]
fn histograms_with_as_many_bounds_keep_the_first_choice() {
    let mut keys = vec![key(
        "mcp_tool_calls_total",
        &[("status", "success"), ("tool_name", "t")],
    )];
    keys.extend(buckets(
        "mcp_tool_call_duration_seconds",
        &[],
        &["0.1", "1"],
    ));
    // `1` and `1.0` are one bound.
    keys.extend(buckets(
        "mcp_tool_duration_seconds",
        &[],
        &["0.1", "1", "1.0"],
    ));
    let p = detected(&keys);
    assert_eq!(p.latency_bucket(), Some("mcp_tool_duration_seconds_bucket"));
    assert_eq!(
        p.latency.and_then(|l| l.passed_over).as_deref(),
        Some("mcp_tool_call_duration_seconds")
    );
}

#[test]
fn polling_paths_are_left_out_under_the_path_label_there() {
    let keys = [
        key(
            "http_requests_total",
            &[("path", "/metrics/prometheus"), ("status_code", "200")],
        ),
        key(
            "http_requests_total",
            &[("path", "/mcp"), ("status_code", "200")],
        ),
    ];
    let polling = paths(&["/metrics/prometheus", "/health"]);
    let p = Profile::detect(&ProfileChoice::Auto, None, &keys, &polling)
        .expect("ok")
        .expect("detected");
    assert_eq!(
        selectors(&p),
        vec![
            r#"path!="/metrics/prometheus""#.to_string(),
            r#"path!="/health""#.to_string()
        ]
    );
    assert!(!p.counts(&keys[0]));
    assert!(p.counts(&keys[1]));
    // `/metrics` is not one of this target's polling paths: it counts.
    assert!(p.counts(&key("http_requests_total", &[("path", "/metrics")])));
    // The default histogram guess, not yet seen, does not claim to include polling.
    assert!(p.latency.as_ref().is_some_and(|l| !l.includes_polling));
}

#[test]
fn a_named_profile_resolves_before_its_series_and_fits_them_once_there() {
    let none = Profile::detect(&ProfileChoice::Http, None, [], &default_polling_paths())
        .expect("ok")
        .expect("a named profile always resolves");
    assert_eq!(none.kind, ProfileKind::Http);
    assert!(!none.matched);
    assert_eq!(none.error_label, "status");
    // Every path label, since none is known yet.
    assert_eq!(none.select.len(), 4 * 2);

    let keys = [key(
        "http_requests_total",
        &[("code", "200"), ("handler", "/mcp")],
    )];
    let fitted = Profile::detect(&ProfileChoice::Http, None, &keys, &default_polling_paths())
        .expect("ok")
        .expect("resolved");
    assert!(fitted.matched);
    assert_eq!(fitted.error_label, "code");
    assert_eq!(fitted.select.len(), 2);

    // A named profile is used even when another one's series are there.
    let other = [key("toolhive_mcp_requests_total", &[("status", "success")])];
    let forced = Profile::detect(&ProfileChoice::Http, None, &other, &[])
        .expect("ok")
        .expect("resolved");
    assert_eq!(forced.kind, ProfileKind::Http);
    assert!(forced.select.is_empty());
}

#[test]
fn a_custom_profile_still_comes_from_its_table() {
    let c = CustomProfile {
        requests: "acme_rpc_total".into(),
        error_label: "outcome".into(),
        error_match: "fail|timeout".into(),
        latency_bucket: Some("acme_rpc_seconds_bucket".into()),
        tool_label: Some("rpc".into()),
    };
    let keys = [key("http_requests_total", &[("status", "200")])];
    let p = Profile::detect(&ProfileChoice::Custom, Some(&c), &keys, &[])
        .expect("ok")
        .expect("resolved");
    assert_eq!(p.kind, ProfileKind::Custom);
    assert_eq!(p.why, "acme_rpc_total");
    assert_eq!(p.latency_bucket(), Some("acme_rpc_seconds_bucket"));
    assert!(p.is_error(Some("timeout")) && !p.is_error(Some("ok")));
    assert!(p.wants("acme_rpc_total") && p.wants("acme_rpc_seconds_bucket"));
    let missing = Profile::detect(&ProfileChoice::Custom, None, [], &[]);
    assert!(missing.is_err_and(|e| e.contains("[custom_profile]")));
}
