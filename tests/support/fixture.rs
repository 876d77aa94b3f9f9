//! A fixed model state for render snapshots: ten minutes of a demo-like server, scraped
//! every 2 s, with a load bump and a few errors.

use std::time::Duration;

use mcptop::config::Config;
use mcptop::model::dashboard::{Scrape, ScrapedSample};
use mcptop::model::series::SeriesKey;
use mcptop::model::status::HealthInfo;

/// Unix ms of the first scrape (2026-11-22T00:00:00Z).
pub const T0: i64 = 1_795_305_600_000;

const TOOLS: [(&str, f64, f64, f64); 6] = [
    // tool, calls/s, error ratio, typical latency (s)
    ("notion.search", 1.2, 0.01, 0.35),
    ("github.list_issues", 0.8, 0.02, 0.6),
    ("jira.create_issue", 0.35, 0.08, 1.4),
    ("calendar.list_events", 0.25, 0.0, 0.15),
    ("cache.flush", 0.05, 0.0, 4.0),
    ("health.check", 0.1, 0.0, 0.02),
];
const BUCKETS: [f64; 14] = [
    0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
];

/// Cumulative calls of a tool at second `t`: the rate doubles between minutes 4 and 6.
fn cumulative(rate: f64, t: f64) -> f64 {
    let extra = (t.min(360.0) - 240.0).max(0.0);
    (rate * (t + extra)).floor()
}

fn le_label(b: f64) -> String {
    format!("{b}")
}

/// The scrape at second `t` after [`T0`].
pub fn scrape(t: i64) -> Scrape {
    let mut samples = Vec::new();
    for (tool, rate, err_ratio, typical) in TOOLS {
        let total = cumulative(rate, t as f64);
        let errs = (total * err_ratio).floor();
        for (err, count) in [("", total - errs), ("tool_error", errs)] {
            let labels = |le: Option<String>| {
                let mut l = vec![
                    ("mcp_method_name".to_string(), "tools/call".to_string()),
                    ("gen_ai_tool_name".to_string(), tool.to_string()),
                    ("error_type".to_string(), err.to_string()),
                ];
                if let Some(le) = le {
                    l.push(("le".to_string(), le));
                }
                l
            };
            samples.push(ScrapedSample {
                key: SeriesKey::new("mcp_server_operation_duration_seconds_count", labels(None))
                    .into(),
                value: count,
                timestamp_ms: None,
            });
            for b in BUCKETS.iter().map(|b| Some(*b)).chain([None]) {
                // 80% of calls near the typical latency, 20% at four times it.
                let v = match b {
                    None => count,
                    Some(b) if b >= typical * 4.0 => count,
                    Some(b) if b >= typical => (count * 0.8).floor(),
                    Some(_) => 0.0,
                };
                let le = b.map_or_else(|| "+Inf".to_string(), le_label);
                samples.push(ScrapedSample {
                    key: SeriesKey::new(
                        "mcp_server_operation_duration_seconds_bucket",
                        labels(Some(le)),
                    )
                    .into(),
                    value: v,
                    timestamp_ms: None,
                });
            }
        }
    }
    samples.push(ScrapedSample {
        key: SeriesKey::new(
            "process_resident_memory_bytes",
            Vec::<(String, String)>::new(),
        )
        .into(),
        value: 48_000_000.0,
        timestamp_ms: None,
    });
    Scrape {
        t_ms: T0 + t * 1000,
        duration: Duration::from_millis(4),
        bytes: 48_213,
        samples,
    }
}

/// The app's config for the fixture: target demo at 127.0.0.1:7777, defaults otherwise.
pub fn config() -> Config {
    let mut cfg = Config::default();
    cfg.target.url = Some("http://127.0.0.1:7777".into());
    cfg.target.name = Some("demo".into());
    cfg
}

/// A healthy app after ten minutes of scrapes every 2 s; returns it and "now".
pub fn healthy_app() -> (mcptop::app::App, i64) {
    let mut app = mcptop::app::App::new(config()).expect("app");
    // Tests never write the operator's real audit log; those that check it set their own.
    app.audit = None;
    // File work (audit lines, runbooks, reports, saved blobs) done at once, not by the
    // files task, so it is there when the key or update that asked for it returns.
    app.files = Some(mcptop::sources::files::inline());
    for t in (0..=600).step_by(2) {
        let s = scrape(t);
        let at = s.t_ms;
        app.dashboard.apply_scrape(at, Ok(s));
        app.dashboard.apply_health(
            at,
            Ok(HealthInfo {
                status: "ok".into(),
                version: Some("0.1.0".into()),
            }),
        );
    }
    (app, T0 + 601_000)
}

/// The same app after the target went down: 20 s of refused connections.
pub fn down_app() -> (mcptop::app::App, i64) {
    let (mut app, _) = healthy_app();
    for t in (602..=620).step_by(2) {
        let at = T0 + t * 1000;
        let err = "cannot connect: Connection refused (os error 111)".to_string();
        app.dashboard.apply_scrape(at, Err(err.clone()));
        app.dashboard.apply_health(at, Err(err));
    }
    (app, T0 + 620_500)
}
