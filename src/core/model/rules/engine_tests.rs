//! The rule engine on pure sequences of [`RuleInput`]s: the edge cases of `for`,
//! thresholds, missing values and resolved alerts (recorded series: engine_replay_tests.rs).

use std::time::Duration;

use super::*;
use crate::model::alerts::{AlertOrigin, AlertState};
use crate::model::rules::{Cmp, builtin};

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

pub(super) fn find(e: &RuleEngine, t_ms: i64, name: &str) -> Option<Alert> {
    e.alerts(t_ms).into_iter().find(|a| a.name() == name)
}

fn state(e: &RuleEngine, t_ms: i64, name: &str) -> Option<AlertState> {
    find(e, t_ms, name).map(|a| a.state)
}

pub(super) fn description(a: &Alert) -> &str {
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
        ..RuleInput::default()
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
        ..RuleInput::default()
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

#[test]
fn a_lower_bound_at_the_threshold_breaches_and_never_clears_a_less_than_rule() {
    // P95 in the +Inf bucket of a histogram topped at 5 s: the true P95 is above 5 s.
    let mut e = engine(vec![
        rule("Slow", RuleExpr::P95Seconds, Cmp::Gt, 5.0, 0),
        rule("Fast", RuleExpr::P95Seconds, Cmp::Lt, 10.0, 0),
    ]);
    let input = RuleInput {
        p95: Some(5.0),
        p95_lower_bound: true,
        ..RuleInput::default()
    };
    e.eval(0, &input);
    let names: Vec<String> = e.alerts(0).iter().map(|a| a.name().to_string()).collect();
    assert_eq!(names, ["Slow"], "P95 > 5s holds; P95 < 10s cannot be told");
}
