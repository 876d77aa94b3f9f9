//! Sources: tokio tasks that fetch and send owned [`Update`]s to the app over a bounded
//! channel. They never touch the app's state.

pub mod alertmanager;
pub mod backoff;
pub mod endpoint;
pub mod health;
pub mod http;
pub mod loki;
pub mod mcp;
pub mod prometheus;
pub mod scrape;

use crate::model::dashboard::Scrape;
use crate::model::status::HealthInfo;

/// What a source reports.
#[derive(Debug)]
pub enum Update {
    /// A `/metrics` scrape finished at `t_ms` (Unix ms of its start).
    Scrape {
        t_ms: i64,
        result: Result<Scrape, String>,
    },
    /// A `/health` check finished.
    Health {
        t_ms: i64,
        result: Result<HealthInfo, String>,
    },
    /// Something happened on an MCP client connection.
    Mcp(crate::model::mcp::McpUpdate),
    /// An Alertmanager poll or write ended.
    Alertmanager(crate::model::alerts::AmUpdate),
    /// Log lines, health or counts of the Loki source.
    Loki(crate::model::logs::LokiUpdate),
    /// Query mode: the profile, timeline points or a refresh of the fleet.
    Prometheus(crate::model::query_mode::PromUpdate),
}

/// Unix time now, ms.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Spawns the scrape and health sources of `target_url`.
///
/// Errors: a bad target URL or an HTTP client that cannot be built.
pub fn spawn(
    cfg: &crate::config::Config,
    target_url: &str,
    tx: tokio::sync::mpsc::Sender<Update>,
) -> color_eyre::Result<tokio::task::JoinSet<()>> {
    let (metrics, health_url) =
        http::endpoints(target_url).map_err(color_eyre::eyre::Report::msg)?;
    let client = http::client(cfg.scrape.timeout()).map_err(color_eyre::eyre::Report::msg)?;
    let interval = cfg.scrape.interval;
    let mut set = tokio::task::JoinSet::new();
    set.spawn(scrape::run(
        client.clone(),
        metrics,
        interval,
        cfg.scrape.max_body_bytes,
        tx.clone(),
    ));
    set.spawn(health::run(client, health_url, interval, tx));
    Ok(set)
}
