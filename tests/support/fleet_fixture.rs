//! A fixed query-mode state for render snapshots: two environments, a fleet of five
//! instances (one down, one erroring, one slow) refreshed once, with timeline points.

use std::collections::BTreeMap;

use mcptop::app::App;
use mcptop::config::{Config, PromEnv};
use mcptop::model::fleet::InstanceRow;
use mcptop::model::profile::Profile;
use mcptop::model::query_mode::{PromUpdate, Refresh};
use mcptop::model::stats::{ModuleShare, Stats};
use mcptop::model::timeline::Point;
use mcptop::sources::Update;

use super::fixture::T0;

/// The config: `production` (job="mcp") and `staging`.
pub fn config() -> Config {
    let mut cfg = Config::default();
    let mut prod = PromEnv::new("production", "https://mimir.example/prometheus");
    prod.selector = mcptop::config::prometheus::parse_selector("job=\"mcp\"").expect("selector");
    let staging = PromEnv::new("staging", "http://prometheus.staging:9090");
    cfg.prometheus.environments = vec![prod, staging];
    cfg
}

/// Tiles at `t_ms`: `rps` requests/s, error ratio `err`, P95/P99 in seconds, two modules.
pub fn stats(t_ms: i64, rps: f64, err: f64, p95: f64, p99: f64) -> Stats {
    Stats {
        eval_ms: t_ms,
        req_per_sec: Some(rps),
        err_per_sec: Some(rps * err),
        error_ratio: Some(err),
        p50: None,
        p95: Some(p95),
        p99: Some(p99),
        modules: vec![
            ModuleShare {
                module: "notion".into(),
                per_sec: rps * 0.6,
                share: 0.6,
            },
            ModuleShare {
                module: "github".into(),
                per_sec: rps * 0.4,
                share: 0.4,
            },
        ],
        resident_memory_bytes: Some(52e6),
        range_ms: 300_000,
        ..Stats::default()
    }
}

/// The fleet: `(instance, up, req/s, error ratio, p95, p99, last error)`.
const FLEET: [(&str, bool, f64, f64, f64, f64, &str); 5] = [
    ("10.0.3.7:9464", true, 41.2, 0.004, 0.41, 1.2, ""),
    ("10.0.3.8:9464", true, 39.8, 0.072, 0.52, 1.9, ""),
    ("10.0.3.9:9464", true, 12.5, 0.0, 3.8, 7.9, ""),
    (
        "10.0.4.2:9464",
        false,
        0.0,
        0.0,
        0.0,
        0.0,
        "Get \"http://10.0.4.2:9464/metrics\": dial tcp 10.0.4.2:9464: connect: connection refused",
    ),
    ("10.0.4.3:9464", true, 22.1, 0.011, 0.33, 0.95, ""),
];

/// An hour of timeline points every 10 s from `T0` around `scale` req/s, the `i`-th
/// left out where `hole(i)`.
pub fn hour_points(scale: f64, hole: impl Fn(i64) -> bool) -> Vec<Point> {
    (0..360)
        .filter(|&i| !hole(i))
        .map(|i| Point {
            t_ms: T0 + i * 10_000,
            req_per_sec: scale * (1.0 + 0.3 * ((i as f64) / 20.0).sin()),
            err_per_sec: scale * 0.02,
        })
        .collect()
}

/// Applies a timeline answer (`rate[1m]`) that replaces the fleet's: its total and each
/// instance's points.
pub fn apply_timeline(app: &mut App, total: Vec<Point>, instances: BTreeMap<String, Vec<Point>>) {
    app.apply(Update::Prometheus(PromUpdate::Timeline {
        run: 0,
        range_ms: 60_000,
        total,
        instances,
        tools: BTreeMap::new(),
        replace: true,
    }));
}

/// Each instance's `up` sample time in the fixture's refresh: two seconds before `now`.
pub fn sample_ms(now: i64) -> BTreeMap<String, i64> {
    FLEET
        .iter()
        .map(|f| (f.0.to_string(), now - 2_000))
        .collect()
}

/// An app in query mode after one refresh at `now` and an hour of timeline points.
pub fn fleet_app() -> (App, i64) {
    let mut app = App::new(config()).expect("app");
    app.audit = None;
    let now = T0 + 3_600_000;
    app.apply(Update::Prometheus(PromUpdate::Profile {
        run: 0,
        result: Ok(Box::new(Profile::otel_mcp())),
    }));
    let points = |scale: f64| hour_points(scale, |_| false);
    let mut instances = BTreeMap::new();
    let mut rows = Vec::new();
    let mut per_instance = BTreeMap::new();
    for (name, up, rps, err, p95, p99, last_error) in FLEET {
        instances.insert(name.to_string(), points(rps));
        rows.push(InstanceRow {
            instance: name.into(),
            job: "mcp".into(),
            up: Some(up),
            req_per_sec: up.then_some(rps),
            error_ratio: up.then_some(err),
            p95: up.then_some(p95),
            p99: up.then_some(p99),
            last_error: last_error.into(),
            ..InstanceRow::default()
        });
        if up {
            per_instance.insert(name.to_string(), stats(now, rps, err, p95, p99));
        }
    }
    apply_timeline(&mut app, points(115.6), instances);
    app.apply(Update::Prometheus(PromUpdate::Refresh {
        run: 0,
        t_ms: now,
        result: Ok(Box::new(Refresh {
            t_ms: now,
            // The newest `up` sample two seconds before the refresh: the header's age.
            newest_sample_ms: Some(now - 2_000),
            sample_ms: sample_ms(now),
            total: stats(now, 115.6, 0.029, 0.48, 2.1),
            rows,
            per_instance,
            warnings: vec![],
        })),
    }));
    (app, now + 1_000)
}
