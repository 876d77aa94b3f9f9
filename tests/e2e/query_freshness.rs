//! Freshness in query mode against a real VictoriaMetrics (1.79) told not to send
//! `nocache=1` (`nocache = false`): its `up` answers "now" as of 30 s ago
//! (`-search.latencyOffset`) while `/api/v1/targets` is live. A killed server's row must
//! not say up beside the scrape error the targets list already has: the newer of the two
//! decides, so the row turns down within two refresh intervals even on stale `up`, and the
//! refresh dates its numbers by their samples (about 30 s old), not by the request.

use crate::support;

use std::time::Duration;

use mcptop::config::{NoCache, PrometheusConfig};
use mcptop::sources::prometheus;
use support::prometheus::{Engine, Job, Prometheus};
use support::query_source::{env, refresh_where, row, settings};
use tokio::sync::mpsc;

/// The refresh interval: the killed server must read down within two.
const REFRESH: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_up_never_sits_beside_a_newer_scrape_error() {
    let server = support::demo::start(10.0, 0.0, (20, 100)).await;
    let addr = server.addr.to_string();
    // A target that is always down makes the source read the targets list each refresh.
    let closed = "127.0.0.1:1".to_string();
    let Some(vm) = Prometheus::start_engine(
        Engine::VictoriaMetrics,
        &[Job {
            name: "mcp",
            targets: vec![addr.clone(), closed.clone()],
        }],
        500,
    ) else {
        return;
    };
    let mut e = env("vm", &vm.url(), "job=\"mcp\"");
    e.nocache = NoCache::Off;
    let cfg = PrometheusConfig {
        environments: vec![e],
        start: None,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let s = prometheus::Settings {
        interval: REFRESH,
        ..settings()
    };
    let _handle = prometheus::spawn(&cfg, s, tx, &mut tasks);

    // Without nocache the first `up` shows once it is 30 s old.
    let r = refresh_where(&mut rx, 90, "the server up", |r| {
        r.rows
            .iter()
            .any(|x| x.instance == addr && x.up == Some(true))
    })
    .await;
    let age = r.t_ms - r.newest_sample_ms.expect("sample times");
    assert!(
        age >= 25_000,
        "without nocache the newest sample is ~30 s old, not {age} ms"
    );
    assert_eq!(row(&r, &closed).up, Some(false));

    server.shutdown().await;
    let killed = tokio::time::Instant::now();
    let r = refresh_where(&mut rx, 30, "the killed server down", |r| {
        r.rows
            .iter()
            .any(|x| x.instance == addr && x.up == Some(false))
    })
    .await;
    let down_after = killed.elapsed();
    eprintln!(
        "VictoriaMetrics without nocache: DOWN shown {down_after:?} after the kill, from the \
         targets list (refresh every {REFRESH:?})"
    );
    assert!(
        down_after <= 2 * REFRESH,
        "DOWN after {down_after:?}: the stale up was believed over the scrape error"
    );
    let dead = row(&r, &addr);
    assert!(dead.last_error.contains("connection refused"), "{dead:?}");
    // The engine's own `up` still said 1 then: the targets list was the newer.
    let t_ms = mcptop::sources::now_ms();
    let c = prometheus::client::PromClient::new(&cfg.environments[0]).expect("client");
    let up = c
        .query(&format!("up{{instance=\"{addr}\"}}"), t_ms)
        .await
        .expect("up");
    assert!(
        matches!(&up.data, prometheus::api::Data::Vector(v) if !v.is_empty() && v.iter().all(|(_, x)| *x == 1.0)),
        "VictoriaMetrics' stale up: {:?}",
        up.data
    );
}
