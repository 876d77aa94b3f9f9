//! Following a LogQL query: backfill with `query_range`, then the tail WebSocket (or
//! `query_range` polls), catching up after every reconnect from a little before the newest
//! line seen so that nothing is lost and nothing shown twice.

use std::time::Duration;

use futures::StreamExt;
use reqwest_websocket::Message;
use tokio::sync::mpsc;

use super::client::{LokiClient, TailError};
use crate::config::LokiMode;
use crate::model::logs::dedup::{Dedup, OVERLAP_NS};
use crate::model::logs::{FollowMode, LogEntry, LokiUpdate};
use crate::sources::backoff::Backoff;
use crate::sources::{Update, now_ms};

/// Lines per catch-up `query_range` page, and the tail's `limit` (Loki's default
/// `max_entries_limit_per_query`).
const PAGE: u32 = 5000;
/// Most pages of one catch-up; a source further behind skips ahead.
const MAX_PAGES: usize = 20;
/// A tail that lived less than this before the server ended it is retried with backoff.
const SHORT_TAIL: Duration = Duration::from_secs(1);

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
fn now_ns() -> i64 {
    now_ms().saturating_mul(1_000_000)
}

/// Follows `query` until the app's side closes. Failures are reported and retried with
/// backoff (at least `interval` apart); a refused WebSocket upgrade switches to polling
/// in `auto` mode.
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
    };
    match f.run(cfg).await {
        Ok(never) => match never {},
        Err(closed) => closed,
    }
}

struct Follower<'a> {
    client: &'a LokiClient,
    query: &'a str,
    updates: &'a mpsc::Sender<Update>,
    dedup: Dedup,
}

impl Follower<'_> {
    async fn run(&mut self, cfg: &Settings) -> Result<std::convert::Infallible, Closed> {
        let mut backoff = Backoff::new();
        let mut polling = cfg.mode == LokiMode::Poll;
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
                    let failed = self.read_tail(ws).await?;
                    if let Some(text) = &failed {
                        self.send(LokiUpdate::Failed {
                            t_ms: now_ms(),
                            text: text.clone(),
                        })
                        .await?;
                    }
                    // A tail that ends at once (a limit of concurrent tails, a proxy that
                    // closes idle sockets) is retried with backoff, not in a hot loop; one
                    // that lived is caught up and tailed again at once (tail-max-duration).
                    if failed.is_some() || opened.elapsed() < SHORT_TAIL {
                        tokio::time::sleep(backoff.next_delay()).await;
                    } else {
                        backoff.reset();
                    }
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

    /// The newest lines of the backfill window (at most `backfill_lines`). Returns where
    /// following starts.
    async fn backfill(&mut self, cfg: &Settings) -> Result<Result<i64, String>, Closed> {
        let end = now_ns();
        let start = end.saturating_sub(cfg.backfill.as_nanos().min(i64::MAX as u128) as i64);
        if cfg.backfill_lines == 0 {
            return Ok(Ok(end - OVERLAP_NS));
        }
        match self
            .client
            .query_range(self.query, start, end, cfg.backfill_lines, false)
            .await
        {
            Ok(entries) => {
                self.emit(entries).await?;
                Ok(Ok(self.resume(end - OVERLAP_NS)))
            }
            Err(e) => Ok(Err(e)),
        }
    }

    /// Everything from `from` (inclusive) to now, oldest first, page by page. Returns
    /// where following goes on.
    async fn catch_up(&mut self, from: i64) -> Result<Result<i64, String>, Closed> {
        let end = now_ns();
        let mut start = from;
        for _ in 0..MAX_PAGES {
            let entries = match self
                .client
                .query_range(self.query, start, end, PAGE, true)
                .await
            {
                Ok(e) => e,
                Err(e) => return Ok(Err(e)),
            };
            let full = entries.len() >= PAGE as usize;
            let last = entries.last().map(|e| e.ts_ns);
            self.emit(entries).await?;
            match last {
                Some(t) if full && t > start => start = t,
                _ => break,
            }
        }
        Ok(Ok(self.resume(end - OVERLAP_NS)))
    }

    /// Reads tail frames until the server closes (`Ok(None)`) or the socket fails
    /// (`Ok(Some(why))`).
    async fn read_tail(
        &mut self,
        mut ws: reqwest_websocket::WebSocket,
    ) -> Result<Option<String>, Closed> {
        while let Some(msg) = ws.next().await {
            match msg {
                Ok(Message::Text(text)) => match super::api::tail_frame(&text) {
                    Ok((entries, dropped)) => {
                        if dropped > 0 {
                            self.send(LokiUpdate::DroppedByLoki(dropped)).await?;
                        }
                        self.emit(entries).await?;
                    }
                    Err(e) => {
                        tracing::warn!("Loki tail frame: {e}");
                    }
                },
                Ok(Message::Close { code, reason }) => {
                    let code = u16::from(code);
                    // 1000 is the normal end (Loki's tail-max-duration); 1001 going away.
                    if matches!(code, 1000 | 1001) {
                        return Ok(None);
                    }
                    return Ok(Some(format!("tail closed by Loki ({code}): {reason}")));
                }
                Ok(_) => {}
                Err(e) => {
                    return Ok(Some(format!(
                        "tail dropped: {}",
                        super::client::ws_error(&e)
                    )));
                }
            }
        }
        Ok(Some(
            "tail dropped: connection closed without a close frame".into(),
        ))
    }

    /// Where a resumed query starts: the overlap before the newest line seen, but never
    /// before `floor`, and never in the future (a line stamped ahead of this clock would
    /// otherwise make the catch-up ask `start > end`, which Loki refuses).
    fn resume(&self, floor: i64) -> i64 {
        let now_ns = now_ms().saturating_mul(1_000_000);
        self.dedup
            .resume_from()
            .map_or(floor, |r| r.max(floor))
            .min(now_ns - OVERLAP_NS)
    }

    /// Sends the entries not seen before.
    async fn emit(&mut self, entries: Vec<LogEntry>) -> Result<(), Closed> {
        let fresh: Vec<LogEntry> = entries
            .into_iter()
            .filter(|e| self.dedup.admit(e.ts_ns, &e.stream, &e.line))
            .collect();
        if fresh.is_empty() {
            return Ok(());
        }
        self.send(LokiUpdate::Entries {
            t_ms: now_ms(),
            entries: fresh,
        })
        .await
    }

    async fn send(&self, u: LokiUpdate) -> Result<(), Closed> {
        self.updates.send(Update::Loki(u)).await.map_err(|_| Closed)
    }
}
