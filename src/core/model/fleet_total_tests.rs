use std::time::Duration;

use regex::Regex;

use super::*;
use crate::model::dashboard::{ModelConfig, Scrape, ScrapedSample};
use crate::model::profile::ProfileChoice;
use crate::model::series::SeriesKey;

fn model() -> Dashboard {
    Dashboard::new(ModelConfig {
        profile: ProfileChoice::Auto,
        custom_profile: None,
        range: Duration::from_secs(60),
        history: Duration::from_secs(600),
        interval: Duration::from_secs(2),
        module_pattern: Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: crate::model::profile::default_polling_paths(),
    })
}

/// One target's counters at `t_s` seconds, grown at constant rates since 0: `(tool, error
/// type, calls per second, the bucket every call falls in)`, each series labelled
/// `instance`.
fn samples(instance: &str, t_s: i64, calls: &[(&str, &str, f64, &str)]) -> Vec<ScrapedSample> {
    let bounds = ["0.1", "0.5", "1", "+Inf"];
    let mut out = Vec::new();
    for (tool, err, rate, bucket) in calls {
        let count = rate * t_s as f64;
        let labels = |le: Option<&str>| {
            let mut l = vec![
                ("instance", instance.to_string()),
                ("mcp_method_name", "tools/call".to_string()),
                ("gen_ai_tool_name", (*tool).to_string()),
                ("error_type", (*err).to_string()),
            ];
            if let Some(le) = le {
                l.push(("le", le.to_string()));
            }
            l
        };
        out.push(ScrapedSample {
            key: SeriesKey::new("mcp_server_operation_duration_seconds_count", labels(None)).into(),
            value: count,
            timestamp_ms: None,
        });
        let first = bounds.iter().position(|b| b == bucket).unwrap_or(3);
        for (i, le) in bounds.iter().enumerate() {
            out.push(ScrapedSample {
                key: SeriesKey::new(
                    "mcp_server_operation_duration_seconds_bucket",
                    labels(Some(le)),
                )
                .into(),
                value: if i >= first { count } else { 0.0 },
                timestamp_ms: None,
            });
        }
    }
    out
}

const A: &[(&str, &str, f64, &str)] = &[("notion.search", "", 1.0, "0.5")];
const B: &[(&str, &str, f64, &str)] = &[
    ("github.list_issues", "", 2.7, "1"),
    ("github.list_issues", "tool_error", 0.3, "1"),
];

fn scrape(t_s: i64, samples: Vec<ScrapedSample>) -> Scrape {
    Scrape {
        t_ms: t_s * 1000,
        duration: Duration::ZERO,
        bytes: 0,
        samples,
    }
}

#[test]
fn the_fleet_is_what_one_query_over_every_target_gives() {
    let (mut a, mut b, mut both) = (model(), model(), model());
    for t in (0..=120).step_by(2) {
        a.apply_scrape(t * 1000, Ok(scrape(t, samples("a:1", t, A))));
        b.apply_scrape(t * 1000, Ok(scrape(t, samples("b:1", t, B))));
        // The same series in one store: sum(rate(...)) over all of them, as Prometheus.
        let mut all = samples("a:1", t, A);
        all.extend(samples("b:1", t, B));
        both.apply_scrape(t * 1000, Ok(scrape(t, all)));
    }
    let total = total([&a, &b]).expect("numbers");
    let want = &both.stats;
    let close = |x: Option<f64>, y: Option<f64>| {
        let (x, y) = (x.expect("value"), y.expect("value"));
        assert!((x - y).abs() < 1e-9, "{x} != {y}");
    };
    close(total.req_per_sec, want.req_per_sec);
    close(total.err_per_sec, want.err_per_sec);
    close(total.error_ratio, want.error_ratio);
    close(total.p50, want.p50);
    close(total.p95, want.p95);
    close(total.p99, want.p99);
    // 4 req/s, 1 in (0.1, 0.5], 3 in (0.5, 1]: rank 3.8 is 2.8 of 3 into (0.5, 1].
    close(total.p95, Some(0.5 + 0.5 * 2.8 / 3.0));
    assert_eq!(total.modules.len(), 2);
    assert_eq!(total.modules[0].module, "github");
    assert!((total.modules[0].share - 0.75).abs() < 1e-9);
    assert_eq!(total.range_ms, want.range_ms);
    let fleet = timeline([&a, &b]);
    let one: Vec<Point> = both.timeline.points().collect();
    assert_eq!(fleet.len(), one.len());
    for (x, y) in fleet.iter().zip(&one) {
        assert_eq!(x.t_ms, y.t_ms);
        assert!((x.req_per_sec - y.req_per_sec).abs() < 1e-9);
        assert!((x.err_per_sec - y.err_per_sec).abs() < 1e-9);
    }
}

#[test]
fn a_target_whose_scrape_fails_is_left_out_and_none_is_no_numbers() {
    let (mut a, mut b) = (model(), model());
    for t in (0..=60).step_by(2) {
        a.apply_scrape(t * 1000, Ok(scrape(t, samples("a:1", t, A))));
        b.apply_scrape(t * 1000, Ok(scrape(t, samples("b:1", t, B))));
    }
    b.apply_scrape(
        62_000,
        Err(crate::model::source_error::SourceError::TimedOut),
    );
    let total = total([&a, &b]).expect("a is up");
    assert!((total.req_per_sec.expect("rate") - 1.0).abs() < 1e-9);
    assert_eq!(total.error_ratio, Some(0.0));
    a.apply_scrape(
        62_000,
        Err(crate::model::source_error::SourceError::TimedOut),
    );
    assert_eq!(super::total([&a, &b]), None);
    assert_eq!(super::total(std::iter::empty()), None);
}

#[test]
fn the_newest_instant_waits_for_every_live_target() {
    let (mut a, mut b) = (model(), model());
    for t in (0..=120).step_by(2) {
        a.apply_scrape(t * 1000, Ok(scrape(t, samples("a:1", t, A))));
        // b's timer lags: its last scrape is 10 s older.
        if t <= 110 {
            b.apply_scrape(t * 1000, Ok(scrape(t, samples("b:1", t, B))));
        }
    }
    let b_last = b.timeline.points().last().expect("points").t_ms;
    let a_last = a.timeline.points().last().expect("points").t_ms;
    assert!(a_last > b_last, "{a_last} {b_last}");
    let fleet = timeline([&a, &b]);
    assert_eq!(fleet.last().map(|p| p.t_ms), Some(b_last));
    // Every point holds both targets' rates (4 req/s), none only a's (1 req/s).
    assert!(
        fleet
            .iter()
            .filter(|p| p.t_ms >= 30_000)
            .all(|p| (p.req_per_sec - 4.0).abs() < 1e-6),
        "{fleet:?}"
    );
}
