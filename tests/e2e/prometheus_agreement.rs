//! The scrape-mode numbers agree with PromQL evaluated by a real Prometheus (Debian's 2.42)
//! scraping the same demo server at the same interval, at the same instant, over the same
//! window: `sum(rate(...))`, the error ratio and `histogram_quantile(0.95|0.99, ...)`,
//! each asked with the PromQL mcptop's query mode would send ([`Promql`]).
//!
//! Per tool, the same-samples comparison also holds each tool's calls/s, errors/s by
//! error type, error ratio and P50/P95/P99 ([`mcptop::model::tool_stats`]) to
//! Prometheus' `by (gen_ai_tool_name)` answers to the same PromQL ([`Promql::by_tool`],
//! [`Promql::tool_errors`], [`Promql::tool_quantile`]).
//!
//! Two comparisons per instant:
//! - **Same samples**: Prometheus' own stored samples fed to mcptop's model must give
//!   Prometheus' answers to 1e-6. This checks the maths alone.
//! - **Own scrapes**: mcptop scraping the demo itself, 5 ms after each Prometheus scrape
//!   (later when the machine is loaded), must agree within 1 %. What remains is sample
//!   alignment: calls that finished between the two scrapes (at 50 calls/s, about one call
//!   in four comparisons when they are 5 ms apart).
//!   With 1,500 calls and 300 errors in the window, one call is 0.07 % of the rate and one
//!   error 0.3 % of the error ratio. Rates hardly notice; a latency quantile moves by one
//!   call's share of the bucket it falls in (`width / calls in that bucket`), which in a
//!   sparse tail bucket can exceed 1 %, so the quantiles may also differ by up to four
//!   such steps (the test computes the step from Prometheus' own bucket rates). On a
//!   loaded machine the two sides' corresponding scrapes drift apart (at the window's
//!   edges, and across the counter reset at the last scrapes of the old process): the
//!   drift is measured and widens the 1 % by twice its share of the window.
//!
//! Where 2.42 differs from current Prometheus by design:
//! - Ranges: 2.42 selects `[t-r, t]`, 3.x `(t-r, t]`. The evaluation instants here are
//!   half an interval after a Prometheus scrape, so no sample of either side sits on the
//!   boundary and both agree ([`eval_instant`]).
//! - `rate` extrapolation (commit 7f912db, 2.51): 2.42 clamps the start to the counter's
//!   zero point before applying the extrapolation threshold; later versions apply the
//!   threshold first. They differ only for a series that starts inside the window and
//!   whose zero point lies between half an interval and 1.1 intervals before its first
//!   sample, i.e. a new series counting about one call per second or more. Here the window
//!   opens several seconds after the load starts, when every busy series already exists;
//!   the series that appear later are JSON-RPC error series of one tool (8 % of the errors,
//!   spread over 13 tools), a few per minute, whose zero point lies far before their first
//!   sample in both versions. The model follows the
//!   current semantics, asserted in `src/core/model/promql_tests.rs` with the 2.42 value noted.

use crate::support;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mcptop::config::Target;
use mcptop::model::alerts::matcher::Matcher;
use mcptop::model::dashboard::{Dashboard, ModelConfig, Scrape, ScrapedSample};
use mcptop::model::profile::{Profile, ProfileChoice};
use mcptop::model::promql_text::Promql;
use mcptop::model::stats::Stats;
use mcptop::sources::endpoint::Endpoint;
use mcptop::sources::scrape;
use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};
use support::prometheus::{Job, Prometheus};

/// Scrape interval of both Prometheus and mcptop, ms.
const INTERVAL_MS: i64 = 1000;
/// The rate window, ms (`[30s]`).
const RANGE_MS: i64 = 30_000;
/// How long after each Prometheus scrape mcptop scrapes, ms.
const LAG_MS: i64 = 5;

fn load() -> LoadOptions {
    LoadOptions {
        enabled: true,
        rate_per_sec: 50.0,
        error_ratio: 0.2,
        latency_ms: (60, 1500),
        bursts: false,
    }
}

fn model() -> Dashboard {
    Dashboard::new(ModelConfig {
        profile: ProfileChoice::OtelMcp,
        custom_profile: None,
        range: Duration::from_millis(RANGE_MS as u64),
        history: Duration::from_secs(120),
        interval: Duration::from_millis(INTERVAL_MS as u64),
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: mcptop::model::profile::default_polling_paths(),
    })
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

async fn sleep_until_ms(t_ms: i64) {
    let wait = t_ms - now_ms();
    if wait > 0 {
        tokio::time::sleep(Duration::from_millis(wait as u64)).await;
    }
}

/// mcptop's own scraping of one demo, phase-locked to Prometheus' scrapes of `job`.
struct Scraper {
    client: Endpoint,
    url: reqwest::Url,
    /// Every scrape so far with its time, oldest first.
    scrapes: Vec<(
        i64,
        Result<Scrape, mcptop::model::source_error::SourceError>,
    )>,
    /// Next scrape time, Unix ms.
    next_ms: i64,
}

impl Scraper {
    /// Waits for two Prometheus scrapes of `job` to learn its phase.
    async fn new(prom: &Prometheus, job: &str, addr: std::net::SocketAddr) -> Scraper {
        let mut times = Vec::new();
        for _ in 0..40 {
            times = prom.scrape_times(job, "10s", now_ms()).await;
            if times.len() >= 2 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        let last = *times.last().unwrap_or_else(|| {
            panic!("Prometheus never scraped {job}; stderr:\n{}", prom.stderr())
        });
        let mut next_ms = last + LAG_MS;
        while next_ms <= now_ms() {
            next_ms += INTERVAL_MS;
        }
        let metrics_url = Target::at(&format!("http://{addr}"))
            .expect("demo URL")
            .metrics_url;
        Scraper {
            client: Endpoint::plain(Duration::from_millis(800)).expect("client"),
            url: metrics_url,
            scrapes: Vec::new(),
            next_ms,
        }
    }

    /// The times of the successful scrapes so far.
    fn times(&self) -> Vec<i64> {
        self.scrapes
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(t, _)| *t)
            .collect()
    }

    /// The model fed every scrape so far, evaluated at `t_ms` (after the last scrape).
    fn stats_at(&self, t_ms: i64) -> Stats {
        let mut m = model();
        for (t, result) in &self.scrapes {
            m.apply_scrape(*t, result.clone());
        }
        // An empty scrape at `t_ms` makes the model evaluate at that instant.
        m.apply_scrape(t_ms, Ok(scrape_of(t_ms, Vec::new())));
        m.stats.clone()
    }

    /// Scrapes at each tick until `until_ms`, at least once; returns the time of the last
    /// scrape.
    ///
    /// A sample's time is when its scrape was sent (`now_ms()` after the timer fired), as
    /// mcptop's own scrape loop does, not the planned tick: on a loaded machine the timer
    /// fires late, and counts read 300 ms late but labelled with the planned instant made
    /// the window's first sample hold ~15 calls too many (1 % of the rate). Ticks missed
    /// while the test was busy asking Prometheus are skipped, not made up in a burst.
    async fn run_until(&mut self, until_ms: i64) -> i64 {
        loop {
            sleep_until_ms(self.next_ms).await;
            let t_ms = now_ms();
            let result = scrape::scrape_once(&self.client, &self.url, 16 << 20, t_ms).await;
            self.scrapes.push((t_ms, result));
            self.next_ms += INTERVAL_MS;
            while self.next_ms <= now_ms() {
                self.next_ms += INTERVAL_MS;
            }
            if self.next_ms > until_ms {
                return t_ms;
            }
        }
    }
}

/// What Prometheus says at `t_ms`, asked with the PromQL of query mode.
#[derive(Debug)]
struct Answer {
    req: f64,
    err: f64,
    p95: f64,
    p99: f64,
    /// Bucket rates `(le, per second)` summed over series, for the quantile step.
    buckets: Vec<(f64, f64)>,
}

async fn ask(prom: &Prometheus, job: &str, t_ms: i64) -> Answer {
    let sel = Matcher::parse_list(&format!("job=\"{job}\"")).expect("selector");
    let q = Promql::new(&Profile::otel_mcp(), &sel, RANGE_MS);
    let value = |v: Option<f64>, what: &str| v.unwrap_or_else(|| panic!("no {what} at {t_ms}"));
    let mut buckets: Vec<(f64, f64)> = prom
        .vector(
            &format!(
                "sum by (le) (rate(mcp_server_operation_duration_seconds_bucket{{job=\"{job}\"}}[{}]))",
                q.range()
            ),
            t_ms,
        )
        .await
        .into_iter()
        .map(|(l, v)| {
            let le = l.get("le").expect("le");
            (le.parse::<f64>().expect("le is a float"), v)
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    Answer {
        req: value(prom.scalar(&q.requests(), t_ms).await, "requests"),
        err: value(prom.scalar(&q.errors(), t_ms).await, "errors"),
        p95: value(
            prom.scalar(&q.quantile(0.95).expect("p95"), t_ms).await,
            "p95",
        ),
        p99: value(
            prom.scalar(&q.quantile(0.99).expect("p99"), t_ms).await,
            "p99",
        ),
        buckets,
    }
}

/// Prometheus' own samples of the request histogram fed to a fresh model, evaluated at
/// `t_ms`: the maths alone, on identical input.
async fn model_of_prometheus_samples(prom: &Prometheus, job: &str, t_ms: i64) -> Stats {
    let range = format!("{}s", RANGE_MS / 1000 + 10);
    let by_time = prom
        .samples_by_time(
            &format!(
                "{{__name__=~\"mcp_server_operation_duration_seconds_(count|bucket)\",job=\"{job}\"}}[{range}]"
            ),
            t_ms,
        )
        .await;
    let mut m = model();
    for (t, samples) in by_time {
        m.apply_scrape(t, Ok(scrape_of(t, samples)));
    }
    // An empty scrape at `t_ms` makes the model evaluate at that instant.
    m.apply_scrape(t_ms, Ok(scrape_of(t_ms, Vec::new())));
    m.stats.clone()
}

fn scrape_of(t_ms: i64, samples: Vec<ScrapedSample>) -> Scrape {
    Scrape {
        t_ms,
        duration: Duration::ZERO,
        bytes: 0,
        samples,
    }
}

fn close(what: &str, ours: Option<f64>, theirs: f64, rel: f64) {
    let ours = ours.unwrap_or_else(|| panic!("{what}: mcptop has no value"));
    let diff = (ours - theirs).abs();
    assert!(
        diff <= rel * theirs.abs(),
        "{what}: mcptop {ours} vs Prometheus {theirs} (off by {:.4} %)",
        100.0 * diff / theirs.abs()
    );
}

/// One call's share of the quantile `value`: the width of the bucket it lies in divided by
/// that bucket's calls in the window.
fn one_call_step(buckets: &[(f64, f64)], value: f64) -> f64 {
    let window_secs = RANGE_MS as f64 / 1000.0;
    let mut lower = 0.0;
    let mut below = 0.0;
    for &(le, cumulative) in buckets {
        if value <= le && le.is_finite() {
            let calls = (cumulative - below) * window_secs;
            return if calls > 0.0 {
                (le - lower) / calls
            } else {
                0.0
            };
        }
        lower = le;
        below = cumulative;
    }
    0.0
}

/// Both comparisons at `t_ms` of mcptop's `ours`, made from its scrapes at `ours_times`.
/// `gap_ms`: how far apart Prometheus' and mcptop's last scrapes before a restart of the
/// demo were ([`restart_gap_ms`]); 0 without a restart.
async fn compare(
    prom: &Prometheus,
    job: &str,
    (ours, ours_times): (&Stats, &[i64]),
    t_ms: i64,
    gap_ms: i64,
) {
    assert_eq!(ours.eval_ms, t_ms);
    assert_eq!(ours.range_ms, RANGE_MS, "the model holds a full window");
    let answer = ask(prom, job, t_ms).await;
    assert!(answer.req > 20.0, "the demo is under load: {answer:?}");
    assert!(answer.err > 0.5, "errors are flowing: {answer:?}");
    let ratio = answer.err / answer.req;
    eprintln!(
        "{job} at {t_ms}: Prometheus req/s {:.4} err ratio {:.5} P95 {:.4} P99 {:.4}; \
         mcptop req/s {:?} err ratio {:?} P95 {:?} P99 {:?}",
        answer.req,
        ratio,
        answer.p95,
        answer.p99,
        ours.req_per_sec,
        ours.error_ratio,
        ours.p95,
        ours.p99
    );

    // Same samples: the maths.
    let same = model_of_prometheus_samples(prom, job, t_ms).await;
    close(
        "requests/s, same samples",
        same.req_per_sec,
        answer.req,
        1e-6,
    );
    close("errors/s, same samples", same.err_per_sec, answer.err, 1e-6);
    close("error ratio, same samples", same.error_ratio, ratio, 1e-6);
    close("P95, same samples", same.p95, answer.p95, 1e-6);
    close("P99, same samples", same.p99, answer.p99, 1e-6);
    compare_tools(prom, job, &same, t_ms).await;

    // Own scrapes: the maths plus sample alignment. The calls that finished between two
    // corresponding scrapes of the two sides count on one side only: at the window's first
    // and last samples, and across a counter reset at each side's last scrape of the old
    // process (`gap_ms`). 5 ms apart that is under one call, within the 1 %; on a loaded
    // machine the scrapes drift apart by up to hundreds of ms, measured here: their share
    // of the window's calls is `ms / RANGE_MS`, twice that for so few calls' spread.
    let edges_ms = edge_drift_ms(prom, job, ours_times, t_ms).await;
    let apart_ms = edges_ms + gap_ms;
    eprintln!(
        "{job} at {t_ms}: corresponding scrapes {edges_ms} ms apart at the window's edges, {gap_ms} ms at a restart"
    );
    // Capped: a drift so large (a failed scrape on a loaded machine) widens no further
    // than 5 %, still far below what a wrong rate or reset handling gives.
    let rel = (0.01 + 2.0 * apart_ms as f64 / RANGE_MS as f64).min(0.05);
    close("requests/s, own scrapes", ours.req_per_sec, answer.req, rel);
    close("error ratio, own scrapes", ours.error_ratio, ratio, rel);
    for (what, value, theirs) in [("P95", ours.p95, answer.p95), ("P99", ours.p99, answer.p99)] {
        let value = value.unwrap_or_else(|| panic!("{what}: mcptop has no value"));
        let allowed = (rel * theirs).max(4.0 * one_call_step(&answer.buckets, theirs));
        assert!(
            (value - theirs).abs() <= allowed,
            "{what}, own scrapes: mcptop {value} vs Prometheus {theirs}, allowed ±{allowed} \
             (buckets {:?})",
            answer.buckets
        );
    }
}

/// `ours` within 1e-6 of `theirs` (relative; absolute below 1e-3, where 0 meets 0).
fn near(what: &str, ours: f64, theirs: f64) {
    let diff = (ours - theirs).abs();
    assert!(
        diff <= 1e-6 * theirs.abs().max(1e-3),
        "{what}: mcptop {ours} vs Prometheus {theirs}"
    );
}

/// Each tool's row of the model fed Prometheus' own samples (`same`) against Prometheus'
/// answers to the per-tool PromQL at `t_ms`: calls/s, errors/s by type, the error ratio
/// and P50/P95/P99 by `gen_ai_tool_name`.
async fn compare_tools(prom: &Prometheus, job: &str, same: &Stats, t_ms: i64) {
    let sel = Matcher::parse_list(&format!("job=\"{job}\"")).expect("selector");
    let q = Promql::new(&Profile::otel_mcp(), &sel, RANGE_MS);
    let tool = |l: &std::collections::BTreeMap<String, String>| {
        l.get("gen_ai_tool_name").cloned().unwrap_or_default()
    };
    let calls = prom.vector(&q.by_tool().expect("a tool label"), t_ms).await;
    let errors = prom
        .vector(&q.tool_errors().expect("a tool label"), t_ms)
        .await;
    let mut quantiles = Vec::new();
    for p in [0.5, 0.95, 0.99] {
        let expr = q.tool_quantile(p).expect("a histogram and a tool label");
        quantiles.push(prom.vector(&expr, t_ms).await);
    }
    let named: Vec<_> = calls.iter().filter(|(l, _)| !tool(l).is_empty()).collect();
    assert!(named.len() >= 10, "the demo calls its tools: {calls:?}");
    assert_eq!(
        same.tools.len(),
        named.len(),
        "one row per tool Prometheus counts: {:?}",
        same.tools.iter().map(|r| &r.tool).collect::<Vec<_>>()
    );
    let mut with_errors = 0;
    for (labels, rate) in named {
        let name = tool(labels);
        let row = same
            .tools
            .iter()
            .find(|r| r.tool == name)
            .unwrap_or_else(|| panic!("no row for {name}"));
        near(&format!("{name} calls/s"), row.per_sec, *rate);
        let theirs: Vec<(String, f64)> = errors
            .iter()
            .filter(|(l, _)| tool(l) == name)
            .map(|(l, v)| (l.get("error_type").cloned().unwrap_or_default(), *v))
            .collect();
        let err: f64 = theirs.iter().map(|(_, v)| v).sum();
        near(&format!("{name} errors/s"), row.err_per_sec, err);
        for (kind, v) in &theirs {
            let ours = row
                .error_types
                .iter()
                .find(|(k, _)| k == kind)
                .map_or(0.0, |(_, x)| *x);
            near(&format!("{name} errors/s of {kind}"), ours, *v);
        }
        if *rate > 0.0 {
            let ratio = row
                .error_ratio
                .unwrap_or_else(|| panic!("{name}: no error ratio"));
            near(&format!("{name} error ratio"), ratio, err / rate);
        }
        with_errors += usize::from(err > 0.0);
        let ours = [row.latency.p50, row.latency.p95, row.latency.p99];
        for ((p, answer), ours) in [0.5, 0.95, 0.99].iter().zip(&quantiles).zip(ours) {
            let theirs = answer
                .iter()
                .find(|(l, _)| tool(l) == name)
                .map(|(_, v)| *v)
                .filter(|v| !v.is_nan());
            match (ours, theirs) {
                (Some(o), Some(t)) => near(&format!("{name} P{}", p * 100.0), o, t),
                (None, None) => {}
                _ => panic!(
                    "{name} P{}: mcptop {ours:?} vs Prometheus {theirs:?}",
                    p * 100.0
                ),
            }
        }
    }
    assert!(with_errors >= 3, "errors are spread over the tools");
    eprintln!(
        "{job} at {t_ms}: {} tools agree with Prometheus by gen_ai_tool_name",
        same.tools.len()
    );
}

/// Waits until Prometheus has stored a scrape of `job` after `t_ms`: samples are stored in
/// time order, so every scrape it made up to `t_ms` (the one mcptop's scrape at `t_ms`
/// follows included, however late either ran) is then in what both comparisons read.
async fn stored(prom: &Prometheus, job: &str, t_ms: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let times = prom.scrape_times(job, "10s", now_ms()).await;
        if times.last().is_some_and(|&last| last > t_ms) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "Prometheus did not scrape {job} after {t_ms} within 20 s; scrapes {times:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// How far apart (ms) the two sides' first scrapes in the window `(t_ms - RANGE_MS, t_ms]`
/// are, plus how far apart their last ones are.
async fn edge_drift_ms(prom: &Prometheus, job: &str, ours_times: &[i64], t_ms: i64) -> i64 {
    let inside = |t: &i64| *t > t_ms - RANGE_MS && *t <= t_ms;
    let range = format!("{}s", RANGE_MS / 1000 + 5);
    let theirs: Vec<i64> = prom
        .samples(&format!("up{{job=\"{job}\"}}[{range}]"), t_ms)
        .await
        .into_iter()
        .flat_map(|(_, points)| points)
        .filter(|&(t, v)| v == 1.0 && inside(&t))
        .map(|(t, _)| t)
        .collect();
    let ours: Vec<i64> = ours_times.iter().copied().filter(inside).collect();
    let ends = |v: &[i64]| match (v.iter().min(), v.iter().max()) {
        (Some(&a), Some(&b)) => (a, b),
        _ => panic!("no scrape of {job} in the window before {t_ms}"),
    };
    let ((of, ol), (tf, tl)) = (ends(&ours), ends(&theirs));
    (of - tf).abs() + (ol - tl).abs()
}

/// How far apart (ms) Prometheus' last successful scrape before the restart and mcptop's
/// (at `ours_ms`) were. The load stops at `stop_ms`, so a Prometheus scrape after it (while
/// the old process shut down) counts as one at `stop_ms`; `restarted_ms` is when the new
/// process listened, and no scrape of the old one can come after it.
async fn restart_gap_ms(
    prom: &Prometheus,
    job: &str,
    ours_ms: i64,
    stop_ms: i64,
    restarted_ms: i64,
) -> i64 {
    let up = prom
        .samples(&format!("up{{job=\"{job}\"}}[10s]"), restarted_ms)
        .await;
    let theirs = up
        .into_iter()
        .flat_map(|(_, points)| points)
        .filter(|&(_, v)| v == 1.0)
        .map(|(t, _)| t)
        .max()
        .unwrap_or_else(|| panic!("no successful scrape of {job} before {restarted_ms}"));
    (theirs.min(stop_ms) - ours_ms).abs()
}

/// The instant both sides are evaluated at, once mcptop's last scrape (`ours_ms`) is done:
/// half an interval after Prometheus' last scrape of `job` before it, and once Prometheus
/// has stored its scrapes up to there.
///
/// Not at mcptop's own last scrape: the window `(t - 30s, t]` would then start right on
/// one of mcptop's samples (exactly 30 intervals earlier), so whether that sample counted
/// turned on a few ms of timer jitter; when it did and Prometheus' corresponding sample
/// (a few ms earlier) did not, the two rates were extrapolated from first samples a second
/// apart, and differed by that second's calls minus its share of the average (over 1 %
/// after the restart, whose calls ramp up from zero). Half an interval off the grid, both
/// sides' first and last samples in the window are corresponding scrapes.
async fn eval_instant(prom: &Prometheus, job: &str, ours_ms: i64) -> i64 {
    stored(prom, job, ours_ms).await;
    let theirs = prom
        .scrape_times(job, "10s", ours_ms)
        .await
        .last()
        .copied()
        .unwrap_or_else(|| panic!("no scrape of {job} before {ours_ms}"));
    let mut t = (theirs + INTERVAL_MS / 2).max(ours_ms + 1);
    // A scrape delayed by half an interval (a loaded machine) can still sit on the window's
    // start, which Prometheus 2.42 includes (`[t - 30s, t]`) and mcptop does not
    // (`(t - 30s, t]`): step past it so the same samples count on both sides.
    let range = format!("{}s", RANGE_MS / 1000 + 5);
    let on_edge = |times: &[i64], t: i64| times.iter().any(|&s| (s - (t - RANGE_MS)).abs() <= 1);
    let times = prom.scrape_times(job, &range, t).await;
    while on_edge(&times, t) {
        t += 3;
    }
    stored(prom, job, t).await;
    t
}

async fn demo(port: u16) -> DemoServer {
    DemoServer::start(DemoOptions { port, load: load() })
        .await
        .expect("demo server starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steady_load_agrees_with_promql() {
    let server = demo(0).await;
    let Some(prom) = Prometheus::start(
        &[Job {
            name: "steady",
            targets: vec![server.addr.to_string()],
        }],
        INTERVAL_MS as u64,
    ) else {
        return;
    };
    let mut ours = Scraper::new(&prom, "steady", server.addr).await;
    let start = ours.next_ms;
    // A full window and a few scrapes more, then two instants 5 s apart.
    for at in [
        start + RANGE_MS + 3 * INTERVAL_MS,
        start + RANGE_MS + 8 * INTERVAL_MS,
    ] {
        let last = ours.run_until(at).await;
        let t = eval_instant(&prom, "steady", last).await;
        compare(&prom, "steady", (&ours.stats_at(t), &ours.times()), t, 0).await;
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counter_reset_agrees_with_promql() {
    let server = demo(0).await;
    let addr = server.addr;
    let Some(prom) = Prometheus::start(
        &[Job {
            name: "reset",
            targets: vec![addr.to_string()],
        }],
        INTERVAL_MS as u64,
    ) else {
        return;
    };
    let mut ours = Scraper::new(&prom, "reset", addr).await;
    let start = ours.next_ms;
    let last_before = ours.run_until(start + RANGE_MS + 2 * INTERVAL_MS).await;

    // Restart the demo on the same port: every counter starts again from zero.
    let calls_before = server.calls_total();
    let stop_ms = now_ms();
    server.shutdown().await;
    let restarted = demo(addr.port()).await;
    let restarted_ms = now_ms();
    assert!(restarted.calls_total() < calls_before);
    stored(&prom, "reset", restarted_ms).await;
    let gap_ms = restart_gap_ms(&prom, "reset", last_before, stop_ms, restarted_ms).await;

    // The reset is inside the window at both instants.
    let after = ours.next_ms;
    for at in [after + 10 * INTERVAL_MS, after + 15 * INTERVAL_MS] {
        let last = ours.run_until(at).await;
        let t = eval_instant(&prom, "reset", last).await;
        let resets = prom
            .scalar(
                &format!(
                    "sum(resets(mcp_server_operation_duration_seconds_count{{job=\"reset\"}}[{}s]))",
                    RANGE_MS / 1000
                ),
                t,
            )
            .await;
        assert!(
            resets.is_some_and(|r| r >= 1.0),
            "Prometheus saw the reset: {resets:?}"
        );
        compare(
            &prom,
            "reset",
            (&ours.stats_at(t), &ours.times()),
            t,
            gap_ms,
        )
        .await;
    }
    restarted.shutdown().await;
}
