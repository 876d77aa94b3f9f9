//! Following a LogQL query: backfill with `query_range`, then the tail WebSocket (or
//! `query_range` polls), catching up after every reconnect from a little before the newest
//! line seen so that nothing is lost and nothing shown twice.
//!
//! Real Loki (2.8 and 3.4) ends every tail with close code 1011: `reached tail max
//! duration limit` after `querier.tail-max-duration`, `all ingesters closed the connection`
//! when it shuts down. Those ends, and any end of a tail that delivered lines, are caught
//! up and tailed again at once, quietly ([`LokiUpdate::Retailing`]); the backoff starts
//! over after any tail that delivered lines. Fetching is in [`super::fetch`], reading the
//! tail in [`super::tail`].

use std::time::Duration;

use tokio::sync::mpsc;

use super::client::{LokiClient, TailError};
use super::tail::TailEnd;
use crate::backoff::Backoff;
use crate::config::LokiMode;
use crate::model::logs::dedup::{Dedup, OVERLAP_NS};
use crate::model::logs::{FollowMode, LogEntry, LokiUpdate};
use crate::{Update, now_ms};

/// The tail's `limit` (the backlog it sends first), and the first `query_range` page size:
/// Loki's default `max_entries_limit_per_query`. A Loki configured lower says so, and the
/// page size follows ([`super::fetch`]).
pub const PAGE: u32 = 5000;
/// A tail that lived less than this and delivered nothing is retried with backoff.
const SHORT_TAIL: Duration = Duration::from_secs(1);
/// Why a query across tenants is polled.
pub const NO_TAIL_ACROSS_TENANTS: &str = "polling: Loki does not tail across tenants";

/// What following needs from `[loki]`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: LokiMode,
    pub interval: Duration,
    pub backfill: Duration,
    pub backfill_lines: u32,
    pub delay_for: u8,
}

/// The channel to the app closed: the source ends.
pub struct Closed;

/// Unix time now, ns.
pub(super) fn now_ns() -> i64 {
    now_ms().saturating_mul(1_000_000)
}

/// Follows `query` until the app's side closes. Failures are reported and retried with
/// backoff (at least `interval` apart); a refused WebSocket upgrade switches to polling
/// in `auto` mode, and a query across tenants (`a|b`) is always polled.
pub async fn follow(
    client: &LokiClient,
    cfg: &Settings,
    query: &str,
    updates: &mpsc::Sender<Update>,
) -> Closed {
    let mut f = Follower {
        client,
        query,
        updates,
        dedup: Dedup::default(),
        page: PAGE,
        drops: super::tail::Drops::default(),
    };
    match f.run(cfg).await {
        Ok(never) => match never {},
        Err(closed) => closed,
    }
}

pub(super) struct Follower<'a> {
    pub(super) client: &'a LokiClient,
    pub(super) query: &'a str,
    pub(super) updates: &'a mpsc::Sender<Update>,
    pub(super) dedup: Dedup,
    /// Lines per `query_range` page: [`PAGE`], or Loki's `max_entries_limit_per_query`
    /// once it refused a larger `limit`.
    pub(super) page: u32,
    /// Entries Loki dropped from the tail, not yet fetched again.
    pub(super) drops: super::tail::Drops,
}

impl Follower<'_> {
    async fn run(&mut self, cfg: &Settings) -> Result<std::convert::Infallible, Closed> {
        let mut backoff = Backoff::new();
        let mut polling = cfg.mode == LokiMode::Poll;
        if self.client.multi_tenant() {
            // Loki's tail takes one tenant only, even with multi-tenant queries enabled.
            polling = true;
            self.send(LokiUpdate::Fallback(NO_TAIL_ACROSS_TENANTS.into()))
                .await?;
        }
        let mut since: Option<i64> = None;
        loop {
            let caught_up = match since {
                None => self.backfill(cfg).await?,
                Some(from) => self.catch_up(from).await?,
            };
            let from = match caught_up {
                Ok(from) => from,
                Err(text) => {
                    self.send(LokiUpdate::Failed {
                        t_ms: now_ms(),
                        text,
                    })
                    .await?;
                    tokio::time::sleep(backoff.next_delay().max(cfg.interval)).await;
                    continue;
                }
            };
            since = Some(from);
            self.refetch_dropped().await?;
            if polling {
                self.send(LokiUpdate::Connected {
                    t_ms: now_ms(),
                    mode: FollowMode::Poll,
                })
                .await?;
                backoff.reset();
                tokio::time::sleep(cfg.interval).await;
                continue;
            }
            match self
                .client
                .tail(self.query, from, PAGE, cfg.delay_for)
                .await
            {
                Ok(ws) => {
                    self.send(LokiUpdate::Connected {
                        t_ms: now_ms(),
                        mode: FollowMode::Tail,
                    })
                    .await?;
                    let opened = tokio::time::Instant::now();
                    let end = self.read_tail(ws).await?;
                    let lived = opened.elapsed() >= SHORT_TAIL;
                    self.after_tail(end, lived, &mut backoff).await?;
                    since = Some(self.resume(from));
                }
                Err(TailError::Refused { status, text }) if cfg.mode == LokiMode::Auto => {
                    tracing::warn!(status, "Loki tail refused, polling instead: {text}");
                    polling = true;
                    self.send(LokiUpdate::Fallback(format!(
                        "tail WebSocket refused ({text}): polling every {}",
                        humantime::format_duration(cfg.interval)
                    )))
                    .await?;
                }
                Err(TailError::Refused { text, .. } | TailError::Failed(text)) => {
                    self.send(LokiUpdate::Failed {
                        t_ms: now_ms(),
                        text: format!("tail: {text}"),
                    })
                    .await?;
                    tokio::time::sleep(backoff.next_delay().max(cfg.interval)).await;
                }
            }
        }
    }

    /// Reports how the tail ended and waits as long as that calls for: an end Loki gives
    /// every tail, or any close after lines, is quiet; a tail that delivered lines (or
    /// lived a second) starts the backoff over, and if it ended quietly is tailed again at
    /// once; one that ended at once with nothing waits the backoff (a limit of concurrent
    /// tails, a proxy closing sockets), as does a socket that failed.
    async fn after_tail(
        &mut self,
        end: TailEnd,
        lived: bool,
        backoff: &mut Backoff,
    ) -> Result<(), Closed> {
        let quiet = end.is_quiet();
        if quiet {
            self.send(LokiUpdate::Retailing { t_ms: now_ms() }).await?;
        } else if let Some(text) = end.failure() {
            self.send(LokiUpdate::Failed {
                t_ms: now_ms(),
                text,
            })
            .await?;
        }
        if end.delivered || lived {
            backoff.reset();
        }
        if !(quiet && (end.delivered || lived)) {
            tokio::time::sleep(backoff.next_delay()).await;
        }
        Ok(())
    }

    /// Where a resumed query starts: the overlap before the newest line seen, but never
    /// before `floor`, and never in the future (a line stamped ahead of this clock would
    /// otherwise make the catch-up ask `start > end`, which Loki refuses).
    pub(super) fn resume(&self, floor: i64) -> i64 {
        self.dedup
            .resume_from()
            .map_or(floor, |r| r.max(floor))
            .min(now_ns() - OVERLAP_NS)
    }

    /// Sends the entries not seen before; returns how many.
    pub(super) async fn emit(&mut self, entries: Vec<LogEntry>) -> Result<usize, Closed> {
        let fresh: Vec<LogEntry> = entries
            .into_iter()
            .filter(|e| self.dedup.admit(e.ts_ns, &e.stream, &e.line))
            .collect();
        let n = fresh.len();
        if n > 0 {
            self.send(LokiUpdate::Entries {
                t_ms: now_ms(),
                entries: fresh,
            })
            .await?;
        }
        Ok(n)
    }

    pub(super) async fn send(&self, u: LokiUpdate) -> Result<(), Closed> {
        self.updates.send(Update::Loki(u)).await.map_err(|_| Closed)
    }
}
