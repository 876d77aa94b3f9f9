//! What one refresh of query mode costs the engine, counted by a loopback stand-in
//! ([`support::thanos_like`]): one request, a combined query of seven parts (the tiles and
//! the latency buckets by instance, `up` and `timestamp(up)`: no quantile is asked, they
//! are taken from the buckets), and the two per-tool parts only while the By-tool table is
//! shown (the source is told so); the timeline's `query_range` once a step, not every
//! refresh.

use crate::support;

use std::collections::BTreeMap;
use std::time::Duration;

use mcptop::config::{PromEnv, PrometheusConfig};
use mcptop::model::profile::ProfileChoice;
use mcptop::sources::prometheus;
use support::query_source::{error_marker, refresh_where, settings};
use support::thanos_like::{self, Quirks, Shared};
use tokio::sync::mpsc;

fn env(url: &str) -> PromEnv {
    let text = format!(
        "[[environments]]\nname = \"production\"\nurl = \"{url}\"\nselector = 'job=\"mcp\"'\n"
    );
    let cfg =
        mcptop::config::Config::from_toml(&text, std::path::Path::new("q.toml")).expect("config");
    cfg.prometheus.environments[0].clone()
}

/// The instant queries of the newest refresh the stand-in has seen whole: those asked at
/// the second-newest `time` (the newest may still be arriving), detection's left out.
fn last_refresh(state: &Shared) -> Vec<String> {
    let mut by_time: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in thanos_like::seen(state) {
        if s.path != "/api/v1/query" {
            continue;
        }
        let (Some(t), Some(q)) = (s.param("time"), s.param("query")) else {
            continue;
        };
        if q.starts_with("group by") {
            continue;
        }
        by_time
            .entry(t.to_string())
            .or_default()
            .push(q.to_string());
    }
    let mut times = by_time.into_values().rev();
    times.next();
    times.next().unwrap_or_default()
}

/// Waits for `n` refreshes.
async fn refreshes(rx: &mut mpsc::Receiver<mcptop::sources::Update>, n: usize) {
    for _ in 0..n {
        refresh_where(rx, 30, "a refresh", |_| true).await;
    }
}

/// The parts of the one query of a refresh.
fn parts(queries: &[String]) -> Vec<String> {
    assert_eq!(queries.len(), 1, "one request a refresh: {queries:#?}");
    support::combined_query::parts(&queries[0])
        .into_iter()
        .map(|(tag, part)| {
            assert!(tag.is_some(), "a combined query: {part}");
            part
        })
        .collect()
}

/// The per-tool bucket parts among `parts`.
fn tool_buckets(parts: &[String]) -> usize {
    parts
        .iter()
        .filter(|q| q.contains("_bucket") && q.contains("gen_ai_tool_name"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_is_one_request_and_asks_the_tool_columns_only_while_shown() {
    let (url, state) = thanos_like::start(Quirks::thanos(&error_marker())).await;
    let cfg = PrometheusConfig {
        environments: vec![env(&url)],
        start: None,
    };
    let settings = prometheus::Settings {
        // Named, so the stand-in need not answer detection; it has a tool label.
        profile: ProfileChoice::OtelMcp,
        interval: Duration::from_millis(300),
        // A timeline point every 10 s (history / 360).
        history: Duration::from_secs(3600),
        ..settings()
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let handle = prometheus::spawn(&cfg, settings, tx, &mut tasks);
    refreshes(&mut rx, 3).await;
    let plain = parts(&last_refresh(&state));
    assert_eq!(plain.len(), 7, "{plain:#?}");
    assert_eq!(tool_buckets(&plain), 0, "{plain:#?}");
    // No quantile is asked (they are the buckets'), nor the whole selector's requests
    // (the instances' sum).
    assert!(
        plain.iter().all(|q| !q.contains("histogram_quantile")),
        "{plain:#?}"
    );
    assert_eq!(
        plain.iter().filter(|q| q.starts_with("sum(")).count(),
        0,
        "{plain:#?}"
    );

    handle.show_tools(true).expect("the source runs");
    refreshes(&mut rx, 3).await;
    let shown = parts(&last_refresh(&state));
    assert_eq!(shown.len(), 9, "{shown:#?}");
    assert_eq!(tool_buckets(&shown), 1, "{shown:#?}");

    handle.show_tools(false).expect("the source runs");
    refreshes(&mut rx, 3).await;
    assert_eq!(parts(&last_refresh(&state)).len(), 7);

    // The timeline (1 h of history: a point every 10 s) asked its range once at the
    // start and then at most once a step, though refreshes came every 300 ms.
    let seen = thanos_like::seen(&state);
    let instants = seen
        .iter()
        .filter(|s| {
            s.path == "/api/v1/query" && !s.param("query").unwrap_or("").starts_with("group by")
        })
        .count();
    let ranges = seen
        .iter()
        .filter(|s| s.path == "/api/v1/query_range")
        .count();
    assert!(instants >= 9, "{instants} refreshes");
    assert!(
        (1..=2 + instants * 300 / 10_000).contains(&ranges),
        "{ranges} range queries over {instants} refreshes"
    );
    tasks.abort_all();
}
