//! Query mode's timeline against the real engines, Prometheus (Debian's 2.42) and
//! VictoriaMetrics (1.79, its default `-search.latencyOffset` of 30 s), each scraping a
//! bursty demo server every second: for three minutes the timeline's newest point keeps up
//! with now, no gap appears, and every point old enough to be settled holds what the engine
//! answers for its time when asked afterwards with a `query_range` of the test's own (a
//! provisional copy never corrected would differ: the bursts move the rate).
//! [`query_timeline`](../query_timeline.rs) drives the same source against a loopback
//! stand-in with shorter delays.

use crate::support;

use std::collections::BTreeMap;
use std::time::Duration;

use mcptop::config::PrometheusConfig;
use mcptop::model::promql_text::Promql;
use mcptop::model::timeline::Point;
use mcptop::sources::{now_ms, prometheus};
use support::prometheus::{Engine, Job, Labels, Prometheus};
use support::query_source::{env, settings};
use support::timeline_seen::Seen;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How far back the timeline reaches: past the 2-minute open window of
/// `model::timeline_sync`, so points that became final (no longer asked) are compared too.
const HISTORY: Duration = Duration::from_secs(180);

/// The refresh interval, which is also the timeline's step (`HISTORY / 360` is shorter).
const INTERVAL: Duration = Duration::from_secs(1);
const STEP_MS: i64 = 1_000;

/// How long the timeline is watched once its first points are there.
const RUN: Duration = Duration::from_secs(180);

/// The largest lag of the newest point behind now, ms. Each refresh (every [`INTERVAL`])
/// asks up to now aligned to the step, from the oldest point not yet final, 2 minutes back
/// (`model::timeline_sync`), and both engines answer up to the range's end: Prometheus with
/// its values, VictoriaMetrics with provisional values copied from its newest point older
/// than its 30 s offset (`adjustLastPoints`; a range with no point that old answers
/// nothing, hence the wait for the first points). So the newest point is a step, a refresh
/// and an answer behind now, 2-3 s when idle. 15 s leaves room for a loaded 2-core machine
/// and is half VictoriaMetrics' offset: a timeline that waited for settled points, or froze
/// after the backfill as it did when each point was asked once, fails.
const MAX_LAG_MS: i64 = 15_000;

/// Points this far behind the end of the last ask are settled, ms. VictoriaMetrics answers
/// its real values for points older than its 30 s offset (with `nocache=1` too); Prometheus
/// as soon as the scrape is stored. Every point is asked again at each refresh until it is
/// 2 minutes old, so the last answer a point this old got was a settled one. 10 s over the
/// offset for a refresh delayed under load.
const SETTLED_MS: i64 = 40_000;

/// How often during the run the settled points are compared with the engine.
const COMPARE_EVERY: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_advances_for_three_minutes_every_point_settled_no_gap_on_prometheus() {
    advances_settled_without_gaps(Engine::Prometheus).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_advances_for_three_minutes_every_point_settled_no_gap_on_victoria_metrics() {
    advances_settled_without_gaps(Engine::VictoriaMetrics).await;
}

async fn advances_settled_without_gaps(engine: Engine) {
    let server = support::demo::bursty(10.0, 0.1, (20, 200)).await;
    let Some(prom) = Prometheus::start_engine(
        engine,
        &[Job {
            name: "mcp",
            targets: vec![server.addr.to_string()],
        }],
        1000,
    ) else {
        return;
    };
    // A rate needs two scrapes: points between the source's start and the first rate would
    // be unanswered, and gaps after 2 minutes.
    prom.wait_for_scrapes("mcp", "30s", 3, Duration::from_secs(60))
        .await;
    let selector = "job=\"mcp\"";
    let cfg = PrometheusConfig {
        environments: vec![env("e", &prom.url(), selector)],
        start: None,
    };
    let s = prometheus::Settings {
        history: HISTORY,
        interval: INTERVAL,
        ..settings()
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _h = prometheus::spawn(&cfg, s, tx, &mut tasks);
    let asked = Instant::now();
    let mut seen = Seen::new(ms(HISTORY), ms(INTERVAL));
    // VictoriaMetrics answers a range only once it holds a point older than its offset.
    let first = Instant::now() + Duration::from_secs(120);
    while seen.timeline.points().next().is_none() {
        seen.next(&mut rx, first, "the first timeline points").await;
    }

    let first_after = asked.elapsed();
    let started = Instant::now();
    let mut next_compare = started + COMPARE_EVERY;
    let (mut max_lag, mut updates) = (0, 0);
    while started.elapsed() < RUN {
        // The next points must come before the newest one is MAX_LAG_MS old.
        let lag = seen.lag_ms(now_ms()).unwrap_or(0);
        let by = Instant::now() + Duration::from_millis((MAX_LAG_MS - lag).max(0) as u64);
        if !seen.next(&mut rx, by, "points within the lag bound").await {
            continue;
        }
        updates += 1;
        let lag = seen.lag_ms(now_ms()).expect("points");
        max_lag = max_lag.max(lag);
        assert!(
            lag <= MAX_LAG_MS,
            "{engine:?}: the newest point is {lag} ms behind now"
        );
        assert!(seen.gaps.is_empty(), "{engine:?}: gaps {:?}", seen.gaps);
        if Instant::now() >= next_compare {
            compare(&prom, &seen, selector).await;
            next_compare += COMPARE_EVERY;
        }
    }
    let compared = compare(&prom, &seen, selector).await;
    // Shown with `--nocapture`; the README quotes these.
    eprintln!(
        "{engine:?}: first points {first_after:?} after the start; {updates} timeline updates \
         in {:?}, newest point at most {max_lag} ms behind now; {} settled points match the \
         engine ({} of them final); {} failed asks",
        started.elapsed(),
        compared.len(),
        final_points(&seen, &compared),
        seen.failures.len()
    );
    // The comparison covers the run, final points included, and could tell a copy: the
    // settled values move from point to point.
    assert!(compared.len() >= 100, "{engine:?}: {compared:?}");
    assert!(final_points(&seen, &compared) >= 10, "{engine:?}");
    let mut values: Vec<f64> = compared.iter().map(|p| p.req_per_sec).collect();
    values.sort_by(f64::total_cmp);
    values.dedup();
    assert!(
        values.len() > compared.len() / 2,
        "{engine:?}: too few distinct rates to tell a copy: {values:?}"
    );
    tasks.abort_all();
    server.shutdown().await;
}

/// The compared points that were final (older than the 2-minute open window at the newest
/// point).
fn final_points(seen: &Seen, compared: &[Point]) -> usize {
    let end = seen.timeline.points().last().map_or(i64::MIN, |p| p.t_ms);
    compared.iter().filter(|p| p.t_ms <= end - 120_000).count()
}

/// Checks every point the engine has settled (at least [`SETTLED_MS`] before the end of
/// the last ask, itself at most [`MAX_LAG_MS`] before now) against the timeline: the
/// timeline holds a point at each time the engine answers, with the engine's values; the
/// points compared.
///
/// Panics: the times differ, or a value differs by more than a millionth (a repeated
/// value differs by a request or more over the rate's range).
async fn compare(prom: &Prometheus, seen: &Seen, selector: &str) -> Vec<Point> {
    let engine = prom.engine;
    let (Some(range_ms), Some(profile)) = (seen.range_ms, seen.profile.as_ref()) else {
        panic!("{engine:?}: no timeline or profile yet");
    };
    // The last ask answered ended at most MAX_LAG_MS ago (checked at each update).
    let until = (now_ms() - MAX_LAG_MS - SETTLED_MS).div_euclid(STEP_MS) * STEP_MS;
    let points: Vec<Point> = seen.timeline.points().filter(|p| p.t_ms <= until).collect();
    let Some(first) = points.first().map(|p| p.t_ms) else {
        return points;
    };
    let sel = mcptop::config::prometheus::parse_selector(selector).expect("selector");
    let q = Promql::new(profile, &sel, range_ms);
    let req = one_series(prom.range(&q.requests(), first, until, STEP_MS).await);
    let err = one_series(prom.range(&q.errors(), first, until, STEP_MS).await);
    let times: Vec<i64> = points.iter().map(|p| p.t_ms).collect();
    let engine_times: Vec<i64> = req.keys().copied().collect();
    assert_eq!(
        times, engine_times,
        "{engine:?}: the settled points are at the times the engine answers"
    );
    let wrong: Vec<String> = points
        .iter()
        .filter_map(|p| {
            let (r, e) = (req[&p.t_ms], err.get(&p.t_ms).copied().unwrap_or(0.0));
            (!close(p.req_per_sec, r) || !close(p.err_per_sec, e)).then(|| {
                format!(
                    "{}: req {} (engine {r}), err {} (engine {e})",
                    p.t_ms, p.req_per_sec, p.err_per_sec
                )
            })
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{engine:?}: settled points differ from the engine's answer:\n{}",
        wrong.join("\n")
    );
    points
}

/// The points of an aggregate's single series (none when the engine answered none).
fn one_series(m: Vec<(Labels, Vec<(i64, f64)>)>) -> BTreeMap<i64, f64> {
    assert!(m.len() <= 1, "one series: {m:?}");
    m.into_iter().flat_map(|(_, p)| p).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

fn ms(d: Duration) -> i64 {
    d.as_millis() as i64
}
