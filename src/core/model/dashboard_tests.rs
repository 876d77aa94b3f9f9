use std::time::Duration;

use super::*;
use crate::model::profile::ProfileKind;

const BUCKETS: [&str; 5] = ["0.1", "0.2", "0.5", "1", "+Inf"];

fn model() -> Dashboard {
    Dashboard::new(ModelConfig {
        profile: ProfileChoice::Auto,
        custom_profile: None,
        range: Duration::from_secs(300),
        history: Duration::from_secs(3600),
        interval: Duration::from_secs(2),
        module_pattern: Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: crate::model::profile::default_polling_paths(),
    })
}

fn key(name: &str, tool: &str, err: &str, le: Option<&str>) -> SeriesKey {
    let mut labels = vec![
        ("mcp_method_name", "tools/call".to_string()),
        ("gen_ai_tool_name", tool.to_string()),
        ("error_type", err.to_string()),
    ];
    if let Some(le) = le {
        labels.push(("le", le.to_string()));
    }
    SeriesKey::new(name, labels)
}

/// A scrape at `t_s` seconds of counters that grew at constant rates since 0:
/// notion.search 1/s ok (all 0.3 s), github.list_issues 0.45/s ok + 0.05/s tool_error.
fn scrape(t_s: i64) -> Scrape {
    let t = t_s as f64;
    let mut samples = Vec::new();
    for (tool, err, rate) in [
        ("notion.search", "", 1.0),
        ("github.list_issues", "", 0.45),
        ("github.list_issues", "tool_error", 0.05),
    ] {
        let count = rate * t;
        samples.push(ScrapedSample {
            key: key(
                "mcp_server_operation_duration_seconds_count",
                tool,
                err,
                None,
            )
            .into(),
            value: count,
            timestamp_ms: None,
        });
        for le in BUCKETS {
            let v = if le == "0.1" || le == "0.2" {
                0.0
            } else {
                count
            };
            samples.push(ScrapedSample {
                key: key(
                    "mcp_server_operation_duration_seconds_bucket",
                    tool,
                    err,
                    Some(le),
                )
                .into(),
                value: v,
                timestamp_ms: None,
            });
        }
    }
    samples.push(ScrapedSample {
        key: SeriesKey::new(
            "process_resident_memory_bytes",
            Vec::<(String, String)>::new(),
        )
        .into(),
        value: 42e6,
        timestamp_ms: None,
    });
    Scrape {
        t_ms: t_s * 1000,
        duration: Duration::from_millis(5),
        bytes: 1000,
        samples,
    }
}

#[test]
fn steady_load_gives_prometheus_numbers() {
    let mut m = model();
    for t in (0..=600).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    assert_eq!(m.profile().map(|p| p.kind), Some(ProfileKind::OtelMcp));
    let s = &m.stats;
    let req = s.req_per_sec.expect("rate");
    assert!((req - 1.5).abs() < 1e-9, "req/s {req}");
    assert!((s.req_per_min().expect("rpm") - 90.0).abs() < 1e-6);
    let ratio = s.error_ratio.expect("ratio");
    assert!((ratio - 0.05 / 1.5).abs() < 1e-9, "ratio {ratio}");
    // Every observation in (0.2, 0.5]: quantile interpolates inside that bucket.
    let p95 = s.p95.expect("p95");
    assert!((p95 - (0.2 + 0.3 * 0.95)).abs() < 1e-9, "p95 {p95}");
    assert_eq!(s.modules[0].module, "notion");
    assert!((s.modules[0].share - 1.0 / 1.5).abs() < 1e-9);
    assert_eq!(s.modules[1].module, "github");
    assert_eq!(s.resident_memory_bytes, Some(42e6));
    assert!(m.timeline.points().count() > 10);
    assert!(
        m.timeline
            .points()
            // The first point's window starts at the counters' zero: Prometheus'
            // zero-point clamp makes it lower, as it would in Grafana.
            .filter(|p| p.t_ms >= 20_000)
            .all(|p| (p.req_per_sec - 1.5).abs() < 1e-6)
    );
}

#[test]
fn failed_scrape_keeps_last_numbers_and_counts_failures() {
    let mut m = model();
    for t in (0..=20).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    let before = m.stats.clone();
    m.apply_scrape(
        22_000,
        Err(crate::model::source_error::SourceError::Connect(
            "refused".into(),
        )),
    );
    m.apply_scrape(
        24_000,
        Err(crate::model::source_error::SourceError::Connect(
            "refused".into(),
        )),
    );
    assert_eq!(m.stats, before);
    assert_eq!(m.status.scrape.consecutive_failures, 2);
    assert_eq!(m.status.scrape.age_secs(24_000), Some(4.0));
}

#[test]
fn history_is_bounded() {
    let mut m = Dashboard::new(ModelConfig {
        history: Duration::from_secs(60),
        range: Duration::from_secs(30),
        ..model().cfg
    });
    for t in (0..=600).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    // 3 counter series + memory at ~31 samples, 15 bucket series at ~17 samples.
    assert!(m.sample_count() <= 4 * 32 + 15 * 18, "{}", m.sample_count());
    assert!(m.timeline.points().all(|p| p.t_ms > 540_000));
}

#[test]
fn unknown_metrics_say_so() {
    let mut m = model();
    let s = Scrape {
        t_ms: 0,
        duration: Duration::ZERO,
        bytes: 0,
        samples: vec![ScrapedSample {
            key: SeriesKey::new("up", Vec::<(String, String)>::new()).into(),
            value: 1.0,
            timestamp_ms: None,
        }],
    };
    m.apply_scrape(0, Ok(s));
    assert!(m.profile().is_none());
    assert!(
        m.profile_problem
            .as_deref()
            .is_some_and(|p| p.contains("no known request metric"))
    );
}

#[test]
fn server_restart_is_a_counter_reset_not_a_negative_rate() {
    let mut m = model();
    for t in (0..=300).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    // The server restarts at 300 s: counters start again from zero.
    for t in (302..=600).step_by(2) {
        let mut s = scrape(t - 301);
        s.t_ms = t * 1000;
        m.apply_scrape(t * 1000, Ok(s));
    }
    let req = m.stats.req_per_sec.expect("rate");
    assert!((req - 1.5).abs() < 0.05, "req/s across the reset {req}");
    assert!(m.timeline.points().all(|p| p.req_per_sec >= 0.0));
}

#[test]
fn auto_profile_moves_from_http_to_otel_when_mcp_series_appear() {
    let mut m = model();
    let http_only = Scrape {
        t_ms: 0,
        duration: Duration::ZERO,
        bytes: 0,
        samples: vec![ScrapedSample {
            key: SeriesKey::new(
                "http_requests_total",
                [("handler", "/mcp"), ("status", "200")],
            )
            .into(),
            value: 1.0,
            timestamp_ms: None,
        }],
    };
    m.apply_scrape(0, Ok(http_only));
    assert_eq!(m.profile().map(|p| p.kind), Some(ProfileKind::Http));
    m.apply_scrape(2_000, Ok(scrape(2)));
    assert_eq!(m.profile().map(|p| p.kind), Some(ProfileKind::OtelMcp));
    for t in (4..=60).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    assert!(m.stats.req_per_sec.is_some());
    assert!(!m.stats.modules.is_empty());
}

#[test]
fn warming_up_evaluates_over_the_data_held_not_the_whole_window() {
    let mut m = model();
    for t in (100..=120).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    // 20 s of data in a 5 m window: rate over [22s], not 20 s of increase / 300 s.
    assert_eq!(m.stats.range_ms, 22_000);
    let req = m.stats.req_per_sec.expect("rate");
    assert!((req - 1.5).abs() < 1e-9, "req/s while warming up {req}");
    for t in (122..=420).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    assert_eq!(m.stats.range_ms, 300_000);
}

/// A scrape at `t_s` of one counter per `(name, labels)` growing 1/s from 100 (far from
/// zero, so Prometheus' zero-point clamp plays no part).
fn counters(t_s: i64, series: &[(&str, &[(&str, &str)])]) -> Scrape {
    Scrape {
        t_ms: t_s * 1000,
        duration: Duration::ZERO,
        bytes: 0,
        samples: series
            .iter()
            .map(|(name, labels)| ScrapedSample {
                key: SeriesKey::new(name, labels.iter().copied()).into(),
                value: 100.0 + t_s as f64,
                timestamp_ms: None,
            })
            .collect(),
    }
}

#[test]
fn auto_http_yields_to_any_mcp_level_profile_and_never_back() {
    let http: (&str, &[(&str, &str)]) = ("http_requests_total", &[("status", "200")]);
    let toolhive: (&str, &[(&str, &str)]) = (
        "toolhive_mcp_requests_total",
        &[("status", "success"), ("server", "github")],
    );
    let mut m = model();
    m.apply_scrape(0, Ok(counters(0, &[http])));
    m.apply_scrape(2_000, Ok(counters(2, &[http])));
    assert_eq!(m.profile().map(|p| p.kind), Some(ProfileKind::Http));
    assert!(m.stats.req_per_sec.is_some());
    m.apply_scrape(4_000, Ok(counters(4, &[http, toolhive])));
    assert_eq!(m.profile().map(|p| p.kind), Some(ProfileKind::Toolhive));
    // The http series held are forgotten: one toolhive sample is not a rate yet.
    assert_eq!(m.stats.req_per_sec, None);
    for t in [6, 8] {
        m.apply_scrape(t * 1000, Ok(counters(t, &[http])));
    }
    assert_eq!(m.profile().map(|p| p.kind), Some(ProfileKind::Toolhive));
}

#[test]
fn a_named_profile_is_fitted_to_its_series_once_they_appear() {
    let mut m = Dashboard::new(ModelConfig {
        profile: ProfileChoice::Http,
        ..model().cfg
    });
    m.apply_scrape(0, Ok(counters(0, &[("up", &[])])));
    let p = m.profile().expect("a named profile resolves at once");
    assert!(!p.matched);
    assert_eq!(p.error_label, "status");
    assert_eq!(m.profile_problem, None);
    let code: (&str, &[(&str, &str)]) = ("http_requests_total", &[("code", "500")]);
    m.apply_scrape(2_000, Ok(counters(2, &[code])));
    m.apply_scrape(4_000, Ok(counters(4, &[code])));
    let p = m.profile().expect("profile");
    assert!(p.matched);
    assert_eq!(p.error_label, "code");
    assert_eq!(m.stats.error_ratio, Some(1.0));
}

#[test]
fn the_configured_polling_paths_are_not_traffic() {
    let mut m = Dashboard::new(ModelConfig {
        polling_paths: vec!["/metrics/prometheus".into()],
        ..model().cfg
    });
    let own: (&str, &[(&str, &str)]) = (
        "http_requests_total",
        &[("handler", "/metrics/prometheus"), ("status", "2xx")],
    );
    let mcp: (&str, &[(&str, &str)]) = (
        "http_requests_total",
        &[("handler", "/mcp"), ("status", "2xx")],
    );
    for t in (0..=20).step_by(2) {
        m.apply_scrape(t * 1000, Ok(counters(t, &[own, mcp])));
    }
    let req = m.stats.req_per_sec.expect("rate");
    assert!((req - 1.0).abs() < 1e-9, "only /mcp counts: {req}");
}

#[test]
fn a_timestamp_far_in_the_future_does_not_freeze_its_series() {
    let mut m = model();
    for t in (0..=600).step_by(2) {
        let mut s = scrape(t);
        if t == 100 {
            // Microseconds where milliseconds belong: 1000x ahead.
            for sample in &mut s.samples {
                sample.timestamp_ms = Some(t * 1_000_000);
            }
        }
        m.apply_scrape(t * 1000, Ok(s));
    }
    let req = m.stats.req_per_sec.expect("rate");
    assert!((req - 1.5).abs() < 1e-9, "req/s {req}");
}

#[test]
fn past_stats_are_the_live_stats_of_their_instant_and_reach_back_the_history() {
    let mut m = Dashboard::new(ModelConfig {
        history: Duration::from_secs(600),
        ..model().cfg
    });
    let mut live = Vec::new();
    for t in (0..=1500).step_by(2) {
        m.apply_scrape(t * 1000, Ok(scrape(t)));
        live.push(m.stats.clone());
    }
    let past = m.past();
    let r = past.reach().expect("a reach");
    assert_eq!(r.latest_ms, 1_500_000);
    assert!(
        (900_000..=901_700).contains(&r.earliest_ms),
        "the history (600 s) back: {}",
        r.earliest_ms
    );
    // Every kept instant holds what was live then, over a whole window.
    for t in (r.earliest_ms..=r.latest_ms).step_by(1000) {
        let kept = past.at(t).expect("kept");
        let then = live
            .iter()
            .find(|s| s.eval_ms == kept.eval_ms)
            .expect("live then");
        assert_eq!(&kept, then);
        assert_eq!(kept.range_ms, 300_000);
    }
    // Before one window was held there is nothing to reach.
    let mut young = model();
    for t in (0..=100).step_by(2) {
        young.apply_scrape(t * 1000, Ok(scrape(t)));
    }
    assert_eq!(young.past().reach(), None);
}

#[test]
fn unwanted_tool_rows_are_computed_for_the_kept_past_only_and_at_once_when_wanted() {
    let mut shown = model();
    let mut hidden = model();
    hidden.want_tools(false);
    let mut skipped = 0;
    for t in (0..=405).step_by(3) {
        shown.apply_scrape(t * 1000, Ok(scrape(t)));
        hidden.apply_scrape(t * 1000, Ok(scrape(t)));
        let kept = hidden
            .past()
            .at(t * 1000)
            .is_some_and(|s| s.eval_ms == t * 1000);
        if kept {
            assert_eq!(hidden.stats, shown.stats, "kept for the cursor at {t} s");
        } else {
            skipped += 1;
            assert!(hidden.stats.tools.is_empty(), "not computed at {t} s");
            let tiles = Stats {
                tools: Vec::new(),
                ..shown.stats.clone()
            };
            assert_eq!(hidden.stats, tiles, "every tile computed at {t} s");
        }
    }
    assert!(skipped > 60, "most scrapes skip the rows: {skipped}");
    assert!(!shown.stats.tools.is_empty());
    // The cursor's past is the same either way, tool rows and all.
    for t in (0..=405_000).step_by(1000) {
        assert_eq!(hidden.past().at(t), shown.past().at(t), "at {t} ms");
    }
    // Wanted again: computed at once, as at the latest scrape.
    assert!(hidden.stats.tools.is_empty());
    hidden.want_tools(true);
    assert_eq!(hidden.stats, shown.stats);
    // And kept up at every scrape while wanted.
    for t in (408..=420).step_by(3) {
        shown.apply_scrape(t * 1000, Ok(scrape(t)));
        hidden.apply_scrape(t * 1000, Ok(scrape(t)));
        assert_eq!(hidden.stats, shown.stats, "at {t} s");
    }
}
