//! Query mode's time cursor against a real Prometheus (Debian's 2.42): asked for a past
//! instant, the source answers with the tiles' PromQL evaluated at that instant, not now,
//! equal to Prometheus' own instant query there, while live refreshes go on.

use crate::support;

use std::time::Duration;

use mcptop::config::PrometheusConfig;
use mcptop::model::alerts::matcher::Matcher;
use mcptop::model::profile::Profile;
use mcptop::model::promql_text::Promql;
use mcptop::model::query_mode::PromUpdate;
use mcptop::sources::{Update, now_ms, prometheus};
use support::prometheus::{Job, Prometheus};
use support::query_source::{env, refresh_where, settings};
use tokio::sync::mpsc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cursor_asks_prometheus_for_its_instant() {
    let server = support::demo::start(30.0, 0.05, (20, 200)).await;
    let Some(prom) = Prometheus::start(
        &[Job {
            name: "mcp",
            targets: vec![server.addr.to_string()],
        }],
        1000,
    ) else {
        return;
    };
    // A whole 20 s window at 5 % errors, then the ratio raised for a whole window more.
    let first = prom
        .scrape_at_or_after("mcp", 0, Duration::from_secs(60))
        .await;
    let before = prom
        .scrape_at_or_after("mcp", first + 25_000, Duration::from_secs(90))
        .await
        + 500;
    server.set_error_ratio(0.6);
    prom.scrape_at_or_after("mcp", before + 25_000, Duration::from_secs(90))
        .await;

    let cfg = PrometheusConfig {
        environments: vec![env("p", &prom.url(), "job=\"mcp\"")],
        start: None,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let handle = prometheus::spawn(&cfg, settings(), tx, &mut tasks);
    // Asked before the source knows its profile: answered once it does.
    handle.ask_at(Some(before)).expect("the source runs");
    // Both the cursor's answer and a live refresh after the change arrive, in any order.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    let (mut at, mut live) = (None, None);
    while at.is_none() || live.is_none() {
        let u = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("in time: the answer {at:?}, a live refresh {live:?}"))
            .expect("the source runs");
        match u {
            Update::Prometheus(PromUpdate::At { t_ms, result, .. }) => {
                assert_eq!(t_ms, before);
                at = Some(*result.expect("an answer"));
            }
            Update::Prometheus(PromUpdate::Refresh { result: Ok(r), .. }) => {
                live = Some(*r);
            }
            _ => {}
        }
    }
    let (Some(at), Some(live)) = (at, live) else {
        unreachable!("both are here")
    };
    assert_eq!(
        at.total.eval_ms, before,
        "evaluated at the cursor's instant"
    );
    let q = Promql::new(
        &Profile::otel_mcp(),
        &Matcher::parse_list("job=\"mcp\"").expect("selector"),
        20_000,
    );
    let req = prom.scalar(&q.requests(), before).await.expect("requests");
    let err = prom.scalar(&q.errors(), before).await.expect("errors");
    let ours = at.total.error_ratio.expect("an error ratio");
    assert!(
        (ours - err / req).abs() < 1e-9,
        "mcptop {ours} vs Prometheus {}",
        err / req
    );
    assert!(ours < 0.2, "before the change: {ours}");
    assert!(
        live.total.error_ratio.is_some_and(|e| e > 0.4),
        "live: {:?}",
        live.total.error_ratio
    );
    assert!(at.per_instance.contains_key(&server.addr.to_string()));
    // Live again: nothing more is asked; the live refreshes go on.
    handle.ask_at(None).expect("the source runs");
    let t0 = now_ms();
    refresh_where(&mut rx, 10, "a refresh after going live", |r| r.t_ms > t0).await;
    server.shutdown().await;
}
