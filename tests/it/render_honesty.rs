//! The tiles say what their numbers cannot show: a quantile above the histogram's top
//! bucket is `> 1.00s` with its level unknown (never `✔ ok`), a threshold above the top
//! bucket is flagged, and the http profile says it cannot see tool errors. The target is a
//! FastAPI-like gateway: `http_requests_total` and a coarse histogram (0.1, 0.5, 1, +Inf)
//! whose slow calls all land in `+Inf`.

use crate::support;

use std::time::Duration;

use mcptop::model::dashboard::{Scrape, ScrapedSample};
use mcptop::model::series::SeriesKey;
use support::drive::render;
use support::fixture;

const BOUNDS: [&str; 4] = ["0.1", "0.5", "1", "+Inf"];

/// The gateway at second `t`: 4 calls/s on `/mcp` (one in ten answered 500), 30 % of them
/// slower than 1 s, plus the scraper's own fast `/metrics` requests.
fn scrape(t: i64) -> Scrape {
    let t_f = t as f64;
    let mut samples = Vec::new();
    let mut push = |name: &str, labels: &[(&str, &str)], v: f64| {
        samples.push(ScrapedSample {
            key: SeriesKey::new(
                name,
                labels.iter().map(|(k, v)| (k.to_string(), v.to_string())),
            )
            .into(),
            value: v,
            timestamp_ms: None,
        });
    };
    let calls = 4.0 * t_f;
    push(
        "http_requests_total",
        &[("handler", "/mcp"), ("method", "POST"), ("status", "200")],
        (calls * 0.9).floor(),
    );
    push(
        "http_requests_total",
        &[("handler", "/mcp"), ("method", "POST"), ("status", "500")],
        (calls * 0.1).floor(),
    );
    push(
        "http_requests_total",
        &[
            ("handler", "/metrics"),
            ("method", "GET"),
            ("status", "200"),
        ],
        (t_f / 2.0).floor(),
    );
    for (le, share) in BOUNDS.iter().zip([0.2, 0.5, 0.7, 1.0]) {
        push(
            "http_request_duration_seconds_bucket",
            &[("handler", "/mcp"), ("method", "POST"), ("le", le)],
            (calls * share).floor(),
        );
        push(
            "http_request_duration_seconds_bucket",
            &[("handler", "/metrics"), ("method", "GET"), ("le", le)],
            (t_f / 2.0).floor(),
        );
    }
    Scrape {
        t_ms: fixture::T0 + t * 1000,
        duration: Duration::from_millis(3),
        bytes: 2_048,
        samples,
    }
}

fn gateway_app() -> (mcptop::app::App, i64) {
    let mut cfg = fixture::config();
    cfg.target.name = Some("gateway".into());
    let mut app = mcptop::app::App::new(cfg).expect("app");
    app.audit = None;
    for t in (0..=600).step_by(2) {
        let s = scrape(t);
        let at = s.t_ms;
        app.dashboard.apply_scrape(at, Ok(s));
    }
    (app, fixture::T0 + 601_000)
}

#[test]
fn a_quantile_in_the_inf_bucket_is_a_lower_bound_and_never_ok() {
    let (app, now) = gateway_app();
    let s = &app.dashboard.stats;
    // 30 % of the calls are above 1 s: P95 and P99 fall in +Inf.
    assert!(s.p95_lower_bound && s.p99_lower_bound, "{s:?}");
    assert_eq!(s.p95, Some(1.0));
    assert_eq!(s.top_bucket_s, Some(1.0));
    let screen = render(&app, now, 200, 50);
    assert!(screen.contains("? > 1.00s"), "{screen}");
    assert!(!screen.contains("✔ 1.00s"), "{screen}");
    assert!(
        screen.contains("level unknown: above the top bucket"),
        "{screen}"
    );
    assert!(
        screen.contains("P95 > 3.00s cannot be seen: top bucket 1.00s"),
        "{screen}"
    );
    assert!(
        screen.contains("tool errors (isError) not counted"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn narrow_tiles_keep_the_marks_short() {
    let (app, now) = gateway_app();
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("> 1.00s"), "{screen}");
    assert!(screen.contains("top bucket 1.00s"), "{screen}");
    insta::assert_snapshot!(screen);
}
