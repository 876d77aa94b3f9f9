//! The rule engine: pure sequences of [`RuleInput`]s for the edge cases, then recorded
//! series (a server's `/metrics` every 2 s, through the exposition parser and the dashboard)
//! for the pending -> firing -> resolved timings of the built-in rules.

use std::time::Duration;

use regex::Regex;

use super::*;
use crate::model::alerts::{AlertOrigin, AlertState};
use crate::model::dashboard::{ModelConfig, Scrape, ScrapedSample};
use crate::model::exposition::{self, Format};
use crate::model::profile::{ProfileChoice, ProfileKind};
use crate::model::rules::{Cmp, builtin};
use crate::model::series::SeriesKey;
use crate::model::status::HealthInfo;

const SEC: i64 = 1000;
const MIN: i64 = 60 * SEC;

fn rule(alert: &str, expr: RuleExpr, op: Cmp, threshold: f64, for_secs: u64) -> Rule {
    Rule {
        alert: alert.into(),
        expr,
        op,
        threshold,
        for_: Duration::from_secs(for_secs),
        severity: "P1".into(),
        summary: format!("{alert} summary"),
        runbook_url: None,
    }
}

fn engine(rules: Vec<Rule>) -> RuleEngine {
    RuleEngine::new(rules, Duration::from_secs(300))
}

fn ratio(v: f64) -> RuleInput {
    RuleInput {
        error_ratio: Some(v),
        ..RuleInput::default()
    }
}

fn find(e: &RuleEngine, t_ms: i64, name: &str) -> Option<Alert> {
    e.alerts(t_ms).into_iter().find(|a| a.name() == name)
}

fn state(e: &RuleEngine, t_ms: i64, name: &str) -> Option<AlertState> {
    find(e, t_ms, name).map(|a| a.state)
}

fn description(a: &Alert) -> &str {
    a.annotation("description").unwrap_or("")
}

// ---- pure sequences ----

#[test]
fn for_zero_fires_at_the_first_eval_that_holds() {
    let mut e = engine(vec![rule("R", RuleExpr::ErrorRatio, Cmp::Gt, 0.05, 0)]);
    e.eval(0, &ratio(0.01));
    assert!(e.alerts(0).is_empty());
    e.eval(2_000, &ratio(0.06));
    let a = find(&e, 2_000, "R").expect("alert");
    assert_eq!(a.state, AlertState::Firing);
    assert_eq!(a.starts_at_ms, 2_000);
    e.eval(4_000, &ratio(0.04));
    let a = find(&e, 4_000, "R").expect("alert");
    assert_eq!(a.state, AlertState::Resolved);
    assert_eq!((a.starts_at_ms, a.ends_at_ms), (2_000, Some(4_000)));
}

#[test]
fn for_counts_from_active_at_whatever_the_eval_times() {
    let mut e = engine(vec![rule("R", RuleExpr::ErrorRatio, Cmp::Gt, 0.05, 10)]);
    e.eval(1_000, &ratio(0.5));
    assert_eq!(state(&e, 1_000, "R"), Some(AlertState::Pending));
    e.eval(8_000, &ratio(0.5));
    assert_eq!(state(&e, 8_000, "R"), Some(AlertState::Pending));
    e.eval(10_999, &ratio(0.5));
    assert_eq!(state(&e, 10_999, "R"), Some(AlertState::Pending));
    // First eval with t - active_at >= 10 s, as Prometheus' `ts.Sub(ActiveAt) >= holdDuration`.
    e.eval(11_000, &ratio(0.5));
    let a = find(&e, 11_000, "R").expect("alert");
    assert_eq!(a.state, AlertState::Firing);
    assert_eq!(a.starts_at_ms, 1_000);
}

#[test]
fn nan_and_missing_values_do_not_hold() {
    let mut e = engine(vec![
        rule("Firing", RuleExpr::ErrorRatio, Cmp::Gt, 0.05, 0),
        rule("Pending", RuleExpr::P95Seconds, Cmp::Gt, 3.0, 60),
        rule("Low", RuleExpr::RequestRate, Cmp::Lt, 0.5, 0),
    ]);
    let both = RuleInput {
        error_ratio: Some(0.2),
        p95: Some(4.0),
        req_per_sec: Some(10.0),
        ..RuleInput::default()
    };
    e.eval(0, &both);
    assert_eq!(state(&e, 0, "Firing"), Some(AlertState::Firing));
    assert_eq!(state(&e, 0, "Pending"), Some(AlertState::Pending));
    let nan = RuleInput {
        error_ratio: Some(f64::NAN),
        p95: Some(f64::NAN),
        req_per_sec: Some(f64::NAN),
        ..RuleInput::default()
    };
    e.eval(2_000, &nan);
    assert_eq!(state(&e, 2_000, "Firing"), Some(AlertState::Resolved));
    assert_eq!(state(&e, 2_000, "Pending"), None, "pending is dropped");
    assert_eq!(state(&e, 2_000, "Low"), None, "NaN is not < 0.5");
    // NaN is not a value: the last one seen is kept.
    assert_eq!(e.last_value("Firing"), Some(0.2));
    assert_eq!(e.last_value("Pending"), Some(4.0));
    // No sample at all is not zero requests: a `<` rule does not fire on it.
    e.eval(4_000, &RuleInput::default());
    assert_eq!(state(&e, 4_000, "Low"), None);
    assert_eq!(e.last_value("Low"), Some(10.0));
    assert_eq!(e.last_value("Nope"), None);
    let a = find(&e, 4_000, "Firing").expect("resolved alert");
    assert!(
        description(&a).starts_with("no error ratio at the last evaluation"),
        "{}",
        description(&a)
    );
    assert!(
        description(&a).contains("last seen 20.00%, condition > 5.00%"),
        "{}",
        description(&a)
    );
}

#[test]
fn exactly_at_the_threshold_only_inclusive_comparisons_hold() {
    let mut e = engine(vec![
        rule("Gt", RuleExpr::ErrorRatio, Cmp::Gt, 0.05, 0),
        rule("Ge", RuleExpr::ErrorRatio, Cmp::Ge, 0.05, 0),
        rule("Lt", RuleExpr::ErrorRatio, Cmp::Lt, 0.05, 0),
        rule("Le", RuleExpr::ErrorRatio, Cmp::Le, 0.05, 0),
        rule("Down", RuleExpr::TargetDown, Cmp::Ge, 3.0, 0),
        rule("DownGt", RuleExpr::TargetDown, Cmp::Gt, 3.0, 0),
    ]);
    let input = RuleInput {
        failures: 3,
        error_ratio: Some(0.05),
        ..RuleInput::default()
    };
    e.eval(0, &input);
    let firing: Vec<String> = e.alerts(0).iter().map(|a| a.name().to_string()).collect();
    assert_eq!(firing, ["Ge", "Le", "Down"]);
    assert!(e.alerts(0).iter().all(|a| a.state == AlertState::Firing));
}

#[test]
fn a_resolved_alert_that_holds_again_starts_a_new_pending() {
    let mut e = engine(vec![rule("R", RuleExpr::ErrorRatio, Cmp::Gt, 0.05, 60)]);
    e.eval(0, &ratio(0.1));
    e.eval(60_000, &ratio(0.1));
    assert_eq!(state(&e, 60_000, "R"), Some(AlertState::Firing));
    e.eval(62_000, &ratio(0.0));
    assert_eq!(state(&e, 62_000, "R"), Some(AlertState::Resolved));
    e.eval(64_000, &ratio(0.1));
    let a = find(&e, 64_000, "R").expect("alert");
    assert_eq!(a.state, AlertState::Pending);
    assert_eq!((a.starts_at_ms, a.ends_at_ms), (64_000, None));
    e.eval(123_999, &ratio(0.1));
    assert_eq!(state(&e, 123_999, "R"), Some(AlertState::Pending));
    e.eval(124_000, &ratio(0.1));
    assert_eq!(state(&e, 124_000, "R"), Some(AlertState::Firing));
}

#[test]
fn resolved_alerts_are_listed_for_keep_resolved_then_dropped() {
    let r = rule("R", RuleExpr::ErrorRatio, Cmp::Gt, 0.05, 0);
    let mut e = RuleEngine::new(vec![r.clone()], Duration::from_secs(60));
    e.eval(0, &ratio(0.1));
    e.eval(10_000, &ratio(0.0));
    assert_eq!(state(&e, 10_000, "R"), Some(AlertState::Resolved));
    assert_eq!(state(&e, 70_000, "R"), Some(AlertState::Resolved));
    assert_eq!(state(&e, 70_001, "R"), None);
    // Evaluations past the retention forget it for good.
    e.eval(72_000, &ratio(0.0));
    assert_eq!(state(&e, 72_000, "R"), None);
    assert_eq!(state(&e, 10_000, "R"), None);

    let mut e = RuleEngine::new(vec![r], Duration::ZERO);
    e.eval(0, &ratio(0.1));
    e.eval(2_000, &ratio(0.0));
    assert_eq!(state(&e, 2_000, "R"), Some(AlertState::Resolved));
    assert_eq!(state(&e, 2_001, "R"), None);
}

#[test]
fn alerts_carry_labels_annotations_and_times() {
    let mut r = rule(
        "McpErrorRateCritical",
        RuleExpr::ErrorRatio,
        Cmp::Gt,
        0.05,
        0,
    );
    r.runbook_url = Some("https://runbooks.example/error-rate".into());
    let mut bare = rule("Custom", RuleExpr::P99Seconds, Cmp::Ge, 5.0, 300);
    bare.summary = String::new();
    bare.severity = "warning".into();
    let mut e = engine(vec![r, bare]);
    let input = RuleInput {
        error_ratio: Some(0.062),
        p99: Some(7.5),
        ..RuleInput::default()
    };
    e.eval(1_000, &input);
    e.eval(3_000, &input);
    let alerts = e.alerts(3_000);
    assert_eq!(alerts.len(), 2);
    let a = &alerts[0];
    assert_eq!(a.fingerprint, "local:McpErrorRateCritical");
    let labels: Vec<(&str, &str)> = a
        .labels
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        labels,
        [
            ("alertname", "McpErrorRateCritical"),
            ("severity", "P1"),
            ("source", "mcptop")
        ]
    );
    assert_eq!(
        a.annotation("summary"),
        Some("McpErrorRateCritical summary")
    );
    assert_eq!(
        a.annotation("description"),
        Some("error ratio 6.20% > 5.00%")
    );
    assert_eq!(
        a.annotation("runbook_url"),
        Some("https://runbooks.example/error-rate")
    );
    assert_eq!(a.state, AlertState::Firing);
    assert_eq!(a.starts_at_ms, 1_000);
    assert_eq!(a.updated_at_ms, Some(3_000));
    assert_eq!(a.ends_at_ms, None);
    assert_eq!(a.origin, AlertOrigin::Local);
    assert!(a.generator_url.is_none());
    assert!(a.silenced_by.is_empty() && a.inhibited_by.is_empty() && a.receivers.is_empty());
    let b = &alerts[1];
    assert_eq!(b.state, AlertState::Pending);
    assert_eq!(
        b.labels.get("severity").map(String::as_str),
        Some("warning")
    );
    assert_eq!(b.annotation("summary"), Some("P99 >= 5.00 s for 5m"));
    assert_eq!(b.annotation("description"), Some("P99 7.50 s >= 5.00 s"));
    assert_eq!(b.annotation("runbook_url"), None);
}

#[test]
fn descriptions_give_value_and_condition_with_units() {
    let mut e = engine(vec![
        rule("Ratio", RuleExpr::ErrorRatio, Cmp::Gt, 0.05, 0),
        rule("P95", RuleExpr::P95Seconds, Cmp::Gt, 3.0, 0),
        rule("P95ms", RuleExpr::P95Seconds, Cmp::Gt, 0.25, 0),
        rule("Mem", RuleExpr::ResidentMemoryBytes, Cmp::Gt, 1e9, 0),
        rule("MemMB", RuleExpr::ResidentMemoryBytes, Cmp::Gt, 5e8, 0),
        rule("Down", RuleExpr::TargetDown, Cmp::Ge, 3.0, 0),
        rule("Idle", RuleExpr::RequestRate, Cmp::Lt, 0.5, 0),
    ]);
    let input = RuleInput {
        failures: 3,
        error_ratio: Some(0.062),
        p95: Some(3.4),
        p99: None,
        resident_memory_bytes: Some(1.2e9),
        req_per_sec: Some(0.2),
    };
    e.eval(0, &input);
    let said: Vec<(String, String)> = e
        .alerts(0)
        .iter()
        .map(|a| (a.name().to_string(), description(a).to_string()))
        .collect();
    let want = [
        ("Ratio", "error ratio 6.20% > 5.00%"),
        ("P95", "P95 3.40 s > 3.00 s"),
        ("P95ms", "P95 3.40 s > 250 ms"),
        ("Mem", "resident memory 1.20 GB > 1.00 GB"),
        ("MemMB", "resident memory 1.20 GB > 500.00 MB"),
        ("Down", "3 consecutive failures >= 3"),
        ("Idle", "request rate 0.20 req/s < 0.50 req/s"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(said, want);
    // Back under the thresholds: resolved, with the value that no longer holds.
    let calm = RuleInput {
        failures: 0,
        error_ratio: Some(0.041),
        p95: Some(0.2),
        p99: None,
        resident_memory_bytes: Some(4.2e7),
        req_per_sec: Some(3.0),
    };
    e.eval(2_000, &calm);
    let said: Vec<String> = e
        .alerts(2_000)
        .iter()
        .map(|a| description(a).into())
        .collect();
    assert_eq!(
        said,
        [
            "error ratio 4.10%, no longer > 5.00%",
            "P95 200 ms, no longer > 3.00 s",
            "P95 200 ms, no longer > 250 ms",
            "resident memory 42.00 MB, no longer > 1.00 GB",
            "resident memory 42.00 MB, no longer > 500.00 MB",
            "0 consecutive failures, no longer >= 3",
            "request rate 3.00 req/s, no longer < 0.50 req/s",
        ]
    );
    assert!(
        e.alerts(2_000)
            .iter()
            .all(|a| a.state == AlertState::Resolved)
    );
}

#[test]
fn builtin_rules_follow_the_manual() {
    let mut e = engine(builtin());
    let names: Vec<&str> = e.rules().iter().map(|r| r.alert.as_str()).collect();
    assert_eq!(
        names,
        [
            "McpTargetDown",
            "McpErrorRateCritical",
            "McpErrorRateHigh",
            "McpLatencyP95High",
            "McpLatencyP99High",
            "McpMemoryHigh"
        ]
    );
    // 2%: only the 1% rule, pending for its 5 minutes.
    e.eval(0, &ratio(0.02));
    assert_eq!(
        e.alerts(0)
            .iter()
            .map(|a| (a.name(), a.state))
            .collect::<Vec<_>>(),
        [("McpErrorRateHigh", AlertState::Pending)]
    );
    // The health check fails 3 times: P0 at once (`for` 0).
    let down = RuleInput {
        failures: 3,
        ..ratio(0.02)
    };
    e.eval(2_000, &down);
    let a = find(&e, 2_000, "McpTargetDown").expect("target down");
    assert_eq!(a.state, AlertState::Firing);
    assert_eq!(a.labels.get("severity").map(String::as_str), Some("P0"));
}

// ---- recorded series ----

/// The start of the recording, Unix ms.
const T0: i64 = 1_700_000_000_000;

/// A recorded MCP server: request counters growing at the rates in force, a latency
/// histogram (every request 0.3 s) and its resident memory, rendered as the exposition text
/// its `/metrics` would answer.
struct Server {
    kind: ProfileKind,
    ok_per_sec: f64,
    err_per_sec: f64,
    memory_bytes: f64,
    ok: f64,
    err: f64,
    /// `/metrics` requests, which the http profile must not count.
    polls: f64,
}

impl Server {
    fn new(kind: ProfileKind) -> Server {
        Server {
            kind,
            ok_per_sec: 10.0,
            err_per_sec: 0.0,
            memory_bytes: 42e6,
            ok: 12_345.0,
            err: 0.0,
            polls: 100.0,
        }
    }

    fn advance(&mut self, secs: f64) {
        self.ok += self.ok_per_sec * secs;
        self.err += self.err_per_sec * secs;
        self.polls += 1.0;
    }

    /// `/metrics` now. The error series appears with the first error, as client libraries
    /// create a labelled child at its first increment.
    fn exposition(&self) -> String {
        let mut out = String::new();
        let mut series: Vec<(&str, f64)> = vec![("ok", self.ok)];
        if self.err > 0.0 {
            series.push(("err", self.err));
        }
        match self.kind {
            ProfileKind::Http => {
                out.push_str("# TYPE http_requests_total counter\n");
                for (which, n) in &series {
                    let status = if *which == "ok" { "200" } else { "500" };
                    out.push_str(&format!(
                        "http_requests_total{{handler=\"/mcp\",method=\"POST\",status=\"{status}\"}} {n}\n"
                    ));
                }
                out.push_str(&format!(
                    "http_requests_total{{handler=\"/metrics\",method=\"GET\",status=\"200\"}} {}\n",
                    self.polls
                ));
                out.push_str("# TYPE http_request_duration_seconds histogram\n");
                let total = self.ok + self.err;
                for (le, n) in [
                    ("0.1", 0.0),
                    ("0.5", total),
                    ("1.0", total),
                    ("+Inf", total),
                ] {
                    out.push_str(&format!(
                        "http_request_duration_seconds_bucket{{handler=\"/mcp\",le=\"{le}\"}} {n}\n"
                    ));
                }
                out.push_str(&format!(
                    "http_request_duration_seconds_sum{{handler=\"/mcp\"}} {}\n\
                     http_request_duration_seconds_count{{handler=\"/mcp\"}} {total}\n",
                    total * 0.3
                ));
            }
            _ => {
                out.push_str("# TYPE mcp_server_operation_duration_seconds histogram\n");
                for (which, n) in &series {
                    let labels = if *which == "ok" {
                        "mcp_method_name=\"tools/call\",gen_ai_tool_name=\"notion.search\""
                    } else {
                        "mcp_method_name=\"tools/call\",gen_ai_tool_name=\"notion.search\",\
                         error_type=\"tool_error\""
                    };
                    for (le, v) in [("0.1", 0.0), ("0.5", *n), ("1.0", *n), ("+Inf", *n)] {
                        out.push_str(&format!(
                            "mcp_server_operation_duration_seconds_bucket{{{labels},le=\"{le}\"}} {v}\n"
                        ));
                    }
                    out.push_str(&format!(
                        "mcp_server_operation_duration_seconds_sum{{{labels}}} {}\n\
                         mcp_server_operation_duration_seconds_count{{{labels}}} {n}\n",
                        n * 0.3
                    ));
                }
            }
        }
        out.push_str(&format!(
            "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {:e}\n",
            self.memory_bytes
        ));
        out
    }
}

/// A recording played back: a scrape every 2 s into a dashboard, the built-in rules
/// evaluated after each one (as the app does), with the default 5m `keep_resolved`.
struct Run {
    t_ms: i64,
    server: Server,
    dashboard: Dashboard,
    engine: RuleEngine,
}

impl Run {
    fn new(kind: ProfileKind) -> Run {
        let dashboard = Dashboard::new(ModelConfig {
            profile: ProfileChoice::Auto,
            custom_profile: None,
            range: Duration::from_secs(300),
            history: Duration::from_secs(3600),
            interval: Duration::from_secs(2),
            module_pattern: Regex::new("^([^._]+)").expect("literal regex"),
            module_label: None,
        });
        Run {
            t_ms: T0 - 2 * SEC,
            server: Server::new(kind),
            dashboard,
            engine: RuleEngine::new(builtin(), Duration::from_secs(300)),
        }
    }

    /// 2 s later: a good scrape, then an evaluation. Returns what the rules saw.
    fn scrape(&mut self) -> RuleInput {
        self.t_ms += 2 * SEC;
        self.server.advance(2.0);
        let text = self.server.exposition();
        let expo = exposition::parse(&text, Format::Text).expect("recorded exposition parses");
        let samples = expo
            .samples
            .into_iter()
            .map(|s| ScrapedSample {
                key: SeriesKey::new(
                    s.name,
                    s.labels.into_iter().map(|(k, v)| (k, v.into_owned())),
                ),
                value: s.value,
                timestamp_ms: s.timestamp_ms,
            })
            .collect();
        let scrape = Scrape {
            t_ms: self.t_ms,
            duration: Duration::from_millis(4),
            bytes: text.len(),
            samples,
        };
        self.dashboard.apply_scrape(self.t_ms, Ok(scrape));
        self.eval()
    }

    /// 2 s later: a failed scrape (the server goes on counting), then an evaluation.
    fn fail(&mut self) -> RuleInput {
        self.t_ms += 2 * SEC;
        self.server.advance(2.0);
        self.dashboard
            .apply_scrape(self.t_ms, Err("connection refused".into()));
        self.eval()
    }

    fn eval(&mut self) -> RuleInput {
        let input = RuleInput::from_dashboard(&self.dashboard);
        self.engine.eval(self.t_ms, &input);
        input
    }

    /// Good scrapes for `secs` seconds.
    fn run(&mut self, secs: i64) {
        for _ in 0..secs / 2 {
            self.scrape();
        }
    }

    fn alert(&self, name: &str) -> Option<Alert> {
        find(&self.engine, self.t_ms, name)
    }

    fn state(&self, name: &str) -> Option<AlertState> {
        self.alert(name).map(|a| a.state)
    }
}

const CRIT: &str = "McpErrorRateCritical";

/// The error ratio goes from 0 to 20% at T and back to 0 later; `McpErrorRateCritical`
/// (> 5% for 5m) follows, for a server of each profile.
fn error_ratio_recording(kind: ProfileKind) {
    let mut r = Run::new(kind);
    r.run(600);
    assert_eq!(r.dashboard.profile().map(|p| p.kind), Some(kind));
    let input = RuleInput::from_dashboard(&r.dashboard);
    assert_eq!(input.error_ratio, Some(0.0), "{kind}");
    assert!(
        (input.req_per_sec.unwrap_or(0.0) - 10.0).abs() < 1e-6,
        "{kind}: {input:?}"
    );
    let p95 = input.p95.unwrap_or(0.0);
    assert!((p95 - 0.48).abs() < 1e-6, "{kind}: p95 {p95}");
    assert_eq!(input.resident_memory_bytes, Some(42e6));
    assert!(
        r.engine.alerts(r.t_ms).is_empty(),
        "{kind}: a healthy server alerts"
    );

    // T: one request in five fails. The ratio over the 5m window climbs past 5%.
    let t = r.t_ms;
    r.server.ok_per_sec = 8.0;
    r.server.err_per_sec = 2.0;
    let active_at = loop {
        let input = r.scrape();
        if input.error_ratio.is_some_and(|v| v > 0.05) {
            break r.t_ms;
        }
        assert_eq!(r.state(CRIT), None, "{kind}: {input:?}");
        assert!(
            r.t_ms - t < 3 * MIN,
            "{kind}: the ratio never went above 5%"
        );
    };
    // 2% of errors per second over 300 s passes 5% after about 75 s.
    let after = active_at - t;
    assert!(
        (60 * SEC..=90 * SEC).contains(&after),
        "{kind}: after {after} ms"
    );
    let a = r.alert(CRIT).expect("pending at the first eval that holds");
    assert_eq!(a.state, AlertState::Pending, "{kind}");
    assert_eq!(a.starts_at_ms, active_at);
    assert!(
        description(&a).starts_with("error ratio 5.") && description(&a).ends_with("% > 5.00%"),
        "{kind}: {}",
        description(&a)
    );
    // The 1% rule went pending earlier, with the same 5m to wait.
    let high = r.alert("McpErrorRateHigh").expect("1% rule");
    assert!(high.starts_at_ms < active_at, "{kind}");

    while r.t_ms < active_at + 5 * MIN - 2 * SEC {
        r.scrape();
        assert_eq!(
            r.state(CRIT),
            Some(AlertState::Pending),
            "{kind} at {}",
            r.t_ms - t
        );
    }
    r.scrape();
    assert_eq!(r.t_ms, active_at + 5 * MIN);
    let a = r.alert(CRIT).expect("firing");
    assert_eq!(a.state, AlertState::Firing, "{kind}");
    assert_eq!((a.starts_at_ms, a.ends_at_ms), (active_at, None));
    assert_eq!(a.labels.get("severity").map(String::as_str), Some("P1"));
    r.run(2 * 60);
    assert_eq!(r.state(CRIT), Some(AlertState::Firing), "{kind}");

    // The errors stop: the window empties of them and the ratio falls under 5%.
    let stop = r.t_ms;
    r.server.ok_per_sec = 10.0;
    r.server.err_per_sec = 0.0;
    let resolved_at = loop {
        let input = r.scrape();
        if input.error_ratio.is_some_and(|v| v <= 0.05) {
            break r.t_ms;
        }
        assert_eq!(r.state(CRIT), Some(AlertState::Firing), "{kind}: {input:?}");
        assert!(r.t_ms - stop < 5 * MIN, "{kind}: the ratio never fell");
    };
    let after = resolved_at - stop;
    assert!(
        (210 * SEC..=240 * SEC).contains(&after),
        "{kind}: after {after} ms"
    );
    let a = r.alert(CRIT).expect("resolved alert");
    assert_eq!(a.state, AlertState::Resolved, "{kind}");
    assert_eq!(
        (a.starts_at_ms, a.ends_at_ms),
        (active_at, Some(resolved_at))
    );
    assert!(
        description(&a).ends_with("%, no longer > 5.00%"),
        "{kind}: {}",
        description(&a)
    );

    // Listed for keep_resolved (5m), then gone.
    while r.t_ms < resolved_at + 5 * MIN {
        r.scrape();
        assert_eq!(r.state(CRIT), Some(AlertState::Resolved), "{kind}");
    }
    r.scrape();
    assert_eq!(r.state(CRIT), None, "{kind}");
}

#[test]
fn error_ratio_above_5_percent_goes_pending_fires_after_5m_and_resolves_http() {
    error_ratio_recording(ProfileKind::Http);
}

#[test]
fn error_ratio_above_5_percent_goes_pending_fires_after_5m_and_resolves_otel_mcp() {
    error_ratio_recording(ProfileKind::OtelMcp);
}

#[test]
fn target_down_fires_at_the_third_failed_scrape_and_stale_numbers_raise_nothing() {
    let mut r = Run::new(ProfileKind::Http);
    r.run(300);
    r.server.ok_per_sec = 8.0;
    r.server.err_per_sec = 2.0;
    r.run(8 * 60);
    assert_eq!(r.state(CRIT), Some(AlertState::Firing));

    let first = r.fail();
    assert_eq!(first.failures, 1);
    assert_eq!(first.error_ratio, None);
    assert_eq!(r.state("McpTargetDown"), None);
    // The dashboard still shows the last good (high) ratio; the rule does not use it.
    assert!(r.dashboard.stats.error_ratio.is_some_and(|v| v > 0.05));
    let a = r.alert(CRIT).expect("resolved");
    assert_eq!(a.state, AlertState::Resolved);
    assert_eq!(a.ends_at_ms, Some(r.t_ms));
    assert!(
        description(&a).starts_with("no error ratio at the last evaluation"),
        "{}",
        description(&a)
    );

    assert_eq!(r.fail().failures, 2);
    assert_eq!(r.state("McpTargetDown"), None, "not at the 2nd failure");
    assert_eq!(r.state(CRIT), Some(AlertState::Resolved));

    assert_eq!(r.fail().failures, 3);
    let down = r.alert("McpTargetDown").expect("fires at the 3rd failure");
    assert_eq!(down.state, AlertState::Firing);
    assert_eq!(down.starts_at_ms, r.t_ms);
    assert_eq!(down.labels.get("severity").map(String::as_str), Some("P0"));
    assert_eq!(description(&down), "3 consecutive failures >= 3");
    assert_eq!(r.state(CRIT), Some(AlertState::Resolved));
    let since = down.starts_at_ms;
    r.fail();
    let down = r.alert("McpTargetDown").expect("still down");
    assert_eq!((down.state, down.starts_at_ms), (AlertState::Firing, since));
    assert_eq!(description(&down), "4 consecutive failures >= 3");

    // Back: target down resolves; the error ratio, still high, starts a new 5m wait.
    r.scrape();
    let down = r.alert("McpTargetDown").expect("resolved");
    assert_eq!(down.state, AlertState::Resolved);
    assert_eq!(description(&down), "0 consecutive failures, no longer >= 3");
    let a = r.alert(CRIT).expect("pending again");
    assert_eq!(a.state, AlertState::Pending);
    assert_eq!((a.starts_at_ms, a.ends_at_ms), (r.t_ms, None));
}

#[test]
fn memory_above_1e9_fires_after_1m_and_a_short_spike_is_dropped_without_firing() {
    const MEM: &str = "McpMemoryHigh";
    let mut r = Run::new(ProfileKind::OtelMcp);
    r.run(120);
    // A 30 s spike: pending, then dropped; never firing, never resolved.
    r.server.memory_bytes = 1.5e9;
    let spike = r.t_ms + 2 * SEC;
    for _ in 0..15 {
        r.scrape();
        let a = r.alert(MEM).expect("pending");
        assert_eq!((a.state, a.starts_at_ms), (AlertState::Pending, spike));
    }
    r.server.memory_bytes = 3e8;
    r.scrape();
    assert_eq!(r.state(MEM), None);
    r.run(60);
    assert!(r.engine.alerts(r.t_ms).is_empty());

    // A lasting rise: pending, firing at active_at + 1m, resolved when it falls.
    r.server.memory_bytes = 1.2e9;
    r.scrape();
    let active_at = r.t_ms;
    let a = r.alert(MEM).expect("pending");
    assert_eq!((a.state, a.starts_at_ms), (AlertState::Pending, active_at));
    assert_eq!(description(&a), "resident memory 1.20 GB > 1.00 GB");
    while r.t_ms < active_at + MIN - 2 * SEC {
        r.scrape();
        assert_eq!(r.state(MEM), Some(AlertState::Pending));
    }
    r.scrape();
    let a = r.alert(MEM).expect("firing");
    assert_eq!((a.state, a.starts_at_ms), (AlertState::Firing, active_at));
    r.run(30);
    r.server.memory_bytes = 9e8;
    r.scrape();
    let a = r.alert(MEM).expect("resolved");
    assert_eq!(
        (a.state, a.ends_at_ms),
        (AlertState::Resolved, Some(r.t_ms))
    );
    assert_eq!(
        description(&a),
        "resident memory 900.00 MB, no longer > 1.00 GB"
    );
    assert_eq!(r.engine.last_value(MEM), Some(9e8));
}

#[test]
fn input_from_the_dashboard_drops_stale_numbers_only_for_a_failed_scrape() {
    let mut r = Run::new(ProfileKind::Http);
    assert_eq!(
        RuleInput::from_dashboard(&r.dashboard),
        RuleInput::default(),
        "nothing scraped yet"
    );
    r.run(60);
    let good = RuleInput::from_dashboard(&r.dashboard);
    assert!(good.req_per_sec.is_some() && good.resident_memory_bytes.is_some());
    assert_eq!(good.failures, 0);

    // A failing health check counts, but the metrics are fresh.
    for i in 1..=2 {
        r.dashboard
            .apply_health(r.t_ms, Err("503 Service Unavailable".into()));
        let input = RuleInput::from_dashboard(&r.dashboard);
        assert_eq!(input.failures, i);
        assert_eq!(input.req_per_sec, good.req_per_sec);
    }
    // A failed scrape: the larger run of failures, no metrics.
    r.fail();
    let input = RuleInput::from_dashboard(&r.dashboard);
    assert_eq!(
        input,
        RuleInput {
            failures: 2,
            ..RuleInput::default()
        }
    );
    r.dashboard.apply_health(
        r.t_ms,
        Ok(HealthInfo {
            status: "ok".into(),
            version: None,
        }),
    );
    assert_eq!(RuleInput::from_dashboard(&r.dashboard).failures, 1);
    r.scrape();
    let input = RuleInput::from_dashboard(&r.dashboard);
    assert_eq!(input.failures, 0);
    assert!(input.error_ratio.is_some());
}
