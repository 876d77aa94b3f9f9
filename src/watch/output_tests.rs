use std::time::Duration;

use super::*;
use crate::watch::WarmingUp;

fn reading(target: Option<&str>) -> Reading {
    Reading {
        target: target.map(str::to_string),
        t_ms: 1_700_000_000_000,
        elapsed: Duration::from_secs(12),
        stats: Stats {
            req_per_sec: Some(20.0),
            error_ratio: Some(0.036),
            range_ms: 12_000,
            ..Stats::default()
        },
        up: Some((1.0, 1)),
        error: None,
        warming_up: Some(WarmingUp {
            range: Duration::from_secs(12),
            judging_from: Duration::from_secs(30),
        }),
        verdicts: Vec::new(),
    }
}

#[test]
fn a_warming_up_interval_says_what_it_holds_and_when_judging_begins() {
    let r = reading(None);
    let text = Output::Text.line(&r, None);
    assert!(
        text.starts_with("2023-11-14T22:13:20Z  +0m12s  rps 20"),
        "{text}"
    );
    assert!(
        text.ends_with("up 1/1  warming up: rate[12s] (judging from +30s)"),
        "{text}"
    );
    let v: Value = serde_json::from_str(&Output::Json.line(&r, None)).expect("JSON");
    assert_eq!(v["status"], "warming_up");
    assert_eq!(v["judging_from_s"], 30.0);
    assert_eq!(v["range_s"], 12.0);
    assert!(v.get("target").is_none(), "query mode names no target");
}

#[test]
fn lines_of_several_targets_start_with_the_name_padded() {
    let r = reading(Some("b"));
    let text = Output::Text.line(&r, Some(4));
    assert!(text.starts_with("b     2023-11-14T22:13:20Z"), "{text}");
    let v: Value = serde_json::from_str(&Output::Json.line(&r, Some(4))).expect("JSON");
    assert_eq!(v["target"], "b");
}

#[test]
fn the_end_line_names_the_failing_target_and_why() {
    let mut r = reading(Some("b"));
    r.warming_up = None;
    r.error = Some("http://b/health: says status \"unhealthy\"".into());
    let f = Failure {
        reading: r,
        why: "source failing: http://b/health: says status \"unhealthy\"".into(),
    };
    let took = Duration::from_secs(3);
    let text = Output::Text.summary(Exit::Unreachable, Some(&f), took, 0);
    assert_eq!(
        text,
        "unreachable after 3s (exit 2): target b: first failing interval \
         2023-11-14T22:13:20Z (+0m12s), source failing: http://b/health: says status \
         \"unhealthy\""
    );
    let v: Value =
        serde_json::from_str(&Output::Json.summary(Exit::Unreachable, Some(&f), took, 0))
            .expect("JSON");
    assert_eq!(v["first_failing"]["target"], "b");
    assert_eq!(v["first_failing"]["reason"], f.why.as_str());
}

#[test]
fn a_quantile_in_the_inf_bucket_is_written_as_a_lower_bound() {
    let mut r = reading(Some("gw"));
    r.stats.p95 = Some(1.0);
    r.stats.p95_lower_bound = true;
    r.stats.p99 = Some(1.0);
    r.stats.p99_lower_bound = true;
    r.stats.top_bucket_s = Some(1.0);
    let text = Output::Text.line(&r, None);
    assert!(text.contains("p95 >1.00s  p99 >1.00s"), "{text}");
    let v: Value = serde_json::from_str(&Output::Json.line(&r, None)).expect("JSON");
    assert_eq!(v["p95_s"], 1.0);
    assert_eq!(v["p95_lower_bound"], true);
    assert_eq!(v["p99_lower_bound"], true);
    assert_eq!(v["top_bucket_s"], 1.0);
    let w: Value = serde_json::from_str(&Output::Json.warning(
        r.t_ms,
        r.elapsed,
        Some("gw"),
        "p95 > 5s cannot be seen: top bucket 1.00s",
    ))
    .expect("JSON");
    assert_eq!(w["kind"], "warning");
    assert_eq!(w["target"], "gw");
}
