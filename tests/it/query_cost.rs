//! What one refresh of query mode costs the engine, counted by a loopback stand-in
//! ([`support::thanos_like`]): 12 instant queries (the tiles by instance, the whole
//! selector's three quantiles, `up` and `timestamp(up)`), and the four per-tool queries
//! only while the By-tool table is shown (the source is told so).

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

/// The per-tool quantile queries among `queries`.
fn tool_quantiles(queries: &[String]) -> usize {
    queries
        .iter()
        .filter(|q| q.starts_with("histogram_quantile") && q.contains("gen_ai_tool_name"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_asks_twelve_queries_and_the_tool_columns_only_while_shown() {
    let (url, state) = thanos_like::start(Quirks::thanos(&error_marker())).await;
    let cfg = PrometheusConfig {
        environments: vec![env(&url)],
        start: None,
    };
    let settings = prometheus::Settings {
        // Named, so the stand-in need not answer detection; it has a tool label.
        profile: ProfileChoice::OtelMcp,
        interval: Duration::from_millis(300),
        ..settings()
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let handle = prometheus::spawn(&cfg, settings, tx, &mut tasks);
    refreshes(&mut rx, 3).await;
    let plain = last_refresh(&state);
    assert_eq!(plain.len(), 12, "{plain:#?}");
    assert_eq!(tool_quantiles(&plain), 0, "{plain:#?}");
    // The whole selector's requests are not asked: they are the instances' sum.
    assert_eq!(
        plain.iter().filter(|q| q.starts_with("sum(")).count(),
        0,
        "{plain:#?}"
    );

    handle.show_tools(true).expect("the source runs");
    refreshes(&mut rx, 3).await;
    let shown = last_refresh(&state);
    assert_eq!(shown.len(), 16, "{shown:#?}");
    assert_eq!(tool_quantiles(&shown), 3, "{shown:#?}");

    handle.show_tools(false).expect("the source runs");
    refreshes(&mut rx, 3).await;
    assert_eq!(last_refresh(&state).len(), 12);
    tasks.abort_all();
}
