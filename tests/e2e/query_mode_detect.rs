//! Exporter profiles detected through the query API of a real Prometheus (Debian's 2.42)
//! and a real VictoriaMetrics (1.79), each scraping the exporter fixtures of
//! `tests/fixtures/profiles`: the same profile, labels, histogram and polling paths as
//! scrape mode detects from the same text.

use crate::support;

use std::time::Duration;

use mcptop::config::PrometheusConfig;
use mcptop::model::profile::ProfileKind;
use mcptop::model::promql_text::Promql;
use mcptop::model::query_mode::PromUpdate;
use mcptop::sources::{Update, prometheus};
use support::prometheus::{Engine, Job, Prometheus};
use support::query_source::{env, settings};
use tokio::sync::mpsc;

/// Serves `tests/fixtures/profiles/<file>` at `/metrics` on a free port; its address.
async fn serve_fixture(file: &str) -> std::net::SocketAddr {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/profiles")
        .join(file);
    let body = std::fs::read_to_string(path).expect("fixture");
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let body = body.clone();
            async move { body }
        }),
    );
    support::serve::serve(app).await
}

/// The first profile the source detects under `selector` (failures while the engine has
/// not scraped yet are skipped).
async fn detected(
    prom: &Prometheus,
    selector: &str,
    polling: &[&str],
) -> mcptop::model::profile::Profile {
    let cfg = PrometheusConfig {
        environments: vec![env("p", &prom.url(), selector)],
        start: None,
    };
    let mut s = settings();
    s.polling_paths = polling.iter().map(|p| (*p).to_string()).collect();
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _handle = prometheus::spawn(&cfg, s, tx, &mut tasks);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    let mut last = String::from("nothing");
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(Update::Prometheus(PromUpdate::Profile { result: Ok(p), .. }))) => {
                tasks.abort_all();
                return *p;
            }
            Ok(Some(Update::Prometheus(PromUpdate::Profile { result: Err(e), .. }))) => {
                last = e.to_string()
            }
            Ok(Some(_)) => {}
            other => panic!("no profile under {selector}: {other:?}; last: {last}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporters_are_detected_from_the_query_api_as_from_a_scrape() {
    exporters_detected(Engine::Prometheus).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exporters_are_detected_from_the_query_api_as_from_a_scrape_on_victoria_metrics() {
    exporters_detected(Engine::VictoriaMetrics).await;
}

async fn exporters_detected(engine: Engine) {
    let mcpany = serve_fixture("mcpany.prom").await;
    let fastapi = serve_fixture("http-fastapi.prom").await;
    let Some(prom) = Prometheus::start_engine(
        engine,
        &[
            Job {
                name: "mcpany",
                targets: vec![mcpany.to_string()],
            },
            Job {
                name: "fastapi",
                targets: vec![fastapi.to_string()],
            },
        ],
        1000,
    ) else {
        return;
    };
    // The go-metrics twins (no status) are in the same family: only the series with a
    // status are counted, in the PromQL sent as well.
    let p = detected(&prom, "job=\"mcpany\"", &["/metrics", "/health"]).await;
    assert_eq!(p.kind, ProfileKind::Mcpany);
    assert_eq!(p.why, "mcpany_tools_call_total");
    assert!(p.matched);
    let q = Promql::new(&p, &[], 60_000);
    assert!(q.requests().contains(r#"status=~".+""#), "{}", q.requests());
    assert_eq!(p.tool_label.as_deref(), Some("service_id"));

    // The label sets and `le` bounds come from the two detection queries: the finer,
    // unlabelled histogram is chosen, and the polling path is the target's own.
    let p = detected(
        &prom,
        "job=\"fastapi\"",
        &["/metrics/prometheus", "/health"],
    )
    .await;
    assert_eq!(p.kind, ProfileKind::Http);
    assert_eq!(p.error_label, "status");
    let l = p.latency.as_ref().expect("latency");
    assert_eq!(l.bucket, "http_request_duration_highr_seconds_bucket");
    assert_eq!(
        l.passed_over.as_deref(),
        Some("http_request_duration_seconds")
    );
    assert!(l.includes_polling);
    // The top finite bound: a quantile the API answers with exactly it fell in +Inf.
    assert_eq!(l.top_finite, Some(60.0));
    let selectors: Vec<String> = p.select.iter().map(ToString::to_string).collect();
    assert_eq!(
        selectors,
        [r#"handler!="/metrics/prometheus""#, r#"handler!="/health""#]
    );
}
