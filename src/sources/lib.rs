//! Sources: tokio tasks that fetch and send owned [`Update`]s to the app over a bounded
//! channel. They never touch the app's state.

pub mod alertmanager;
pub mod backoff;
pub mod endpoint;
pub mod files;
pub mod health;
pub mod http;
pub mod loki;
pub mod mcp;
pub mod private;
pub mod prometheus;
pub mod scrape;
pub mod targets;

// The core's modules under their own names, so a path reads `crate::model::…` here as in
// the app.
use mcptop_core::{audit, config, inbound, model, secrets, text};

use crate::model::dashboard::Scrape;
use crate::model::status::HealthInfo;

/// Which scrape target an update is about ([`targets::Targets::run`] numbers them).
pub use crate::model::status::TargetId;

/// Unix time now, ms: the model's clock, named here too, where the sources' callers have
/// found it.
pub use crate::model::clock::now_ms;

/// What a source reports.
#[derive(Debug)]
pub enum Update {
    /// A scrape of `target` finished at `t_ms` (Unix ms of its start).
    Scrape {
        target: TargetId,
        t_ms: i64,
        result: Result<Scrape, String>,
    },
    /// A health check of `target` finished.
    Health {
        target: TargetId,
        t_ms: i64,
        result: Result<HealthInfo, String>,
    },
    /// The scrape targets, at start and whenever `targets_file` changes them.
    Targets(targets::TargetSet),
    /// Something happened on an MCP client connection.
    Mcp(crate::model::mcp::McpUpdate),
    /// An Alertmanager poll or write ended.
    Alertmanager(crate::model::alerts::AmUpdate),
    /// Log lines, health or counts of the Loki source.
    Loki(crate::model::logs::LokiUpdate),
    /// Query mode: the profile, timeline points or a refresh of the fleet.
    Prometheus(crate::model::query_mode::PromUpdate),
    /// A file the app asked for was written or read ([`files`]).
    File(files::FileDone),
}

/// Why scrape mode's targets could not start; `Display` is the operator's text, which says
/// which target or file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpawnError {
    /// The configured targets cannot be used (e.g. a target URL that does not parse).
    #[error("{0}")]
    Targets(String),
    /// One configured target's HTTP client cannot be built: a CA file, an unset token
    /// variable, a header (the reason as [`endpoint::Endpoint::new`] says it).
    #[error("target {target}: {reason}")]
    Client { target: String, reason: String },
    /// `targets_file` cannot be read or parsed at start (the message names the file).
    #[error("{0}")]
    TargetsFile(String),
}

/// Starts scrape mode's targets (their scrape and health tasks, and the watch of
/// `targets_file`); the first update is [`Update::Targets`].
///
/// Errors: a target that does not resolve or whose HTTP client cannot be built, or a
/// `targets_file` that cannot be read; each says which.
pub fn spawn(
    cfg: &crate::config::Config,
    tx: tokio::sync::mpsc::Sender<Update>,
) -> Result<tokio::task::JoinSet<()>, SpawnError> {
    let targets = targets::prepare(cfg)?;
    let mut set = tokio::task::JoinSet::new();
    set.spawn(targets.run(tx));
    Ok(set)
}
