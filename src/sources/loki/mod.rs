//! The Grafana Loki source: follows a LogQL query (backfill with `query_range`, then the
//! tail WebSocket or polls, see [`follow`]) and counts lines per level with LogQL metric
//! queries for the error summary (see [`counts`]). The query can be changed while it runs.

pub mod api;
pub mod client;
pub mod counts;
mod fetch;
mod follow;
mod tail;

use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::Update;
use crate::config::LokiConfig;
use crate::model::logs::LokiUpdate;
use client::LokiClient;

/// Wait before a failed metric query is tried again.
const RETRY_COUNTS: Duration = Duration::from_secs(5);

/// The app's side of the source. Dropping it stops the source's tasks.
#[derive(Debug)]
pub struct LokiHandle {
    query: watch::Sender<String>,
}

impl LokiHandle {
    /// Runs `query` from now on: the source sends [`LokiUpdate::Query`], then the new
    /// query's backfill. Errors: the source has stopped.
    pub fn set_query(&self, query: String) -> Result<(), String> {
        self.query
            .send(query)
            .map_err(|_| "Loki source has stopped".to_string())
    }
}

/// Starts following `query` and counting its lines per level. The tasks go into `tasks`
/// and end when the handle is dropped or the `updates` receiver is gone.
///
/// Errors (never containing a secret): no URL or a bad one, TLS files, secrets, headers.
pub fn spawn(
    cfg: &LokiConfig,
    query: String,
    updates: mpsc::Sender<Update>,
    tasks: &mut JoinSet<()>,
) -> Result<LokiHandle, String> {
    let client = LokiClient::new(cfg)?;
    let (tx, rx) = watch::channel(query);
    let settings = follow::Settings {
        mode: cfg.mode,
        interval: cfg.interval.max(Duration::from_millis(100)),
        backfill: cfg.backfill,
        backfill_lines: cfg.backfill_lines,
        delay_for: cfg.delay_for,
    };
    tasks.spawn(run_follow(
        client.clone(),
        settings,
        rx.clone(),
        updates.clone(),
    ));
    tasks.spawn(run_counts(
        client,
        cfg.level_label.clone(),
        cfg.counts_interval.max(Duration::from_secs(1)),
        rx,
        updates,
    ));
    Ok(LokiHandle { query: tx })
}

/// Follows the current query; a new query drops the old follow and starts afresh.
async fn run_follow(
    client: LokiClient,
    settings: follow::Settings,
    mut query: watch::Receiver<String>,
    updates: mpsc::Sender<Update>,
) {
    let mut first = true;
    loop {
        let q = query.borrow_and_update().clone();
        if !first
            && updates
                .send(Update::Loki(LokiUpdate::Query(q.clone())))
                .await
                .is_err()
        {
            return;
        }
        first = false;
        tokio::select! {
            _ = follow::follow(&client, &settings, &q, &updates) => return,
            changed = query.changed() => if changed.is_err() { return },
        }
    }
}

/// Counts lines per level every `interval` (and at once after a query change; after a
/// failure, again within 5 s). The level label found for a query is kept until the query
/// changes.
async fn run_counts(
    client: LokiClient,
    level_label: String,
    interval: Duration,
    mut query: watch::Receiver<String>,
    updates: mpsc::Sender<Update>,
) {
    let mut by: Option<counts::LevelBy> = None;
    let mut counted: Option<String> = None;
    loop {
        let q = query.borrow_and_update().clone();
        if counted.as_ref() != Some(&q) {
            by = None;
            counted = Some(q.clone());
        }
        let time_s = crate::now_ms() / 1000;
        let counts = counts::count(&client, &q, &level_label, &mut by, time_s).await;
        match query.has_changed() {
            // The query changed while it was counted (a count across tenants can take
            // Loki 17 s): these figures are not the new query's; count that at once.
            Ok(true) => continue,
            Ok(false) => {}
            Err(_) => return,
        }
        // A failure is tried again soon rather than shown for a whole interval.
        let wait = if counts.is_err() {
            interval.min(RETRY_COUNTS)
        } else {
            interval
        };
        if updates
            .send(Update::Loki(LokiUpdate::Counts(counts)))
            .await
            .is_err()
        {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            changed = query.changed() => if changed.is_err() { return },
        }
    }
}
