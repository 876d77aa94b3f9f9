//! Reading the tail WebSocket: frames to entries, the lines Loki says it dropped (fetched
//! again shortly after, see [`super::fetch`]), and how the tail ended.

use crate::model::source_error::SourceError;
use std::time::Duration;

use futures::StreamExt;
use reqwest_websocket::Message;
use tokio::time::Instant;

use super::follow::{Closed, Follower};
use crate::model::logs::LokiUpdate;

/// How long dropped entries are gathered before they are fetched again: Loki lists them
/// frame by frame under load, and one `query_range` can cover many frames' worth.
pub const REFETCH_AFTER: Duration = Duration::from_millis(500);

/// Tries of one refetch before its lines are counted as not fetched again.
pub const REFETCH_TRIES: u32 = 3;

/// Most dropped timestamps kept for one refetch; more are counted as not fetched again.
const MAX_DROPS: usize = 100_000;

/// Close reasons of the ends real Loki gives a tail, with code 1011
/// (`CloseInternalServerErr`): its `querier.tail-max-duration` (1 h by default), and its
/// own shutdown (observed on Loki 2.8.0 and 3.4.6).
const NORMAL_1011: [&str; 2] = [
    "reached tail max duration limit",
    "all ingesters closed the connection",
];

/// How a tail ended.
/// The context of a tail socket that failed or ended without a Close frame.
const TAIL_DROPPED: &str = "tail dropped";

#[derive(Debug, Clone, PartialEq)]
pub struct TailEnd {
    /// The tail delivered at least one entry not seen before (its first frame repeats the
    /// overlap before the newest line, which does not count: a Loki closing every tail
    /// right after that frame must not be re-tailed in a hot loop).
    pub delivered: bool,
    pub how: End,
}

#[derive(Debug, Clone, PartialEq)]
pub enum End {
    /// Loki sent a Close frame.
    Closed { code: u16, reason: String },
    /// The socket failed or ended without a Close frame: why.
    Cut(SourceError),
}

impl TailEnd {
    /// A normal end: 1000/1001, Loki's 1011 ends, or any Close after lines.
    pub fn is_quiet(&self) -> bool {
        match &self.how {
            End::Closed { code, reason } => {
                self.delivered
                    || matches!(code, 1000 | 1001)
                    || (*code == 1011 && NORMAL_1011.iter().any(|r| reason.contains(r)))
            }
            End::Cut(_) => false,
        }
    }

    /// What to report when the end is not quiet.
    pub fn failure(&self) -> Option<SourceError> {
        if self.is_quiet() {
            return None;
        }
        Some(match &self.how {
            End::Closed { code, reason } => {
                SourceError::Other(format!("tail closed by Loki ({code}): {reason}"))
            }
            End::Cut(why) => why.clone(),
        })
    }
}

/// Entries Loki dropped from the tail and not yet fetched again.
#[derive(Debug, Default)]
pub struct Drops {
    /// Their timestamps, ns.
    pub timestamps_ns: Vec<i64>,
    /// Listed without a readable timestamp, or past the 100,000 kept: they cannot be
    /// fetched again.
    pub unreadable: u64,
    /// When the first of them was listed (or the last refetch failed).
    pub since: Option<Instant>,
    /// Refetches of them that failed.
    pub failures: u32,
}

impl Drops {
    /// Whether some wait to be fetched again.
    pub fn pending(&self) -> bool {
        self.since.is_some()
    }

    /// When they are due to be fetched again.
    fn due(&self) -> Option<Instant> {
        self.since.map(|s| s + REFETCH_AFTER)
    }
}

impl Follower<'_> {
    /// Reads tail frames until the tail ends; fetches dropped entries again meanwhile.
    pub(super) async fn read_tail(
        &mut self,
        mut ws: reqwest_websocket::WebSocket,
    ) -> Result<TailEnd, Closed> {
        let mut delivered = false;
        loop {
            let due = self.drops.due();
            let msg = tokio::select! {
                msg = ws.next() => msg,
                _ = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                    self.refetch_dropped().await?;
                    continue;
                }
            };
            let how = match msg {
                Some(Ok(Message::Text(text))) => {
                    match super::api::tail_frame(&text) {
                        Ok((entries, dropped)) => {
                            delivered |= self.emit(entries).await? > 0;
                            if dropped.count > 0 {
                                let room = MAX_DROPS.saturating_sub(self.drops.timestamps_ns.len());
                                let kept = dropped.timestamps_ns.len().min(room);
                                self.drops.unreadable += dropped.count - kept as u64;
                                self.drops
                                    .timestamps_ns
                                    .extend(dropped.timestamps_ns.into_iter().take(kept));
                                self.drops.since.get_or_insert_with(Instant::now);
                                self.send(LokiUpdate::DroppedByLoki(dropped.count)).await?;
                            }
                        }
                        Err(e) => tracing::warn!("Loki tail frame: {e}"),
                    }
                    continue;
                }
                Some(Ok(Message::Close { code, reason })) => End::Closed {
                    code: u16::from(code),
                    reason: crate::inbound::text(&reason).into_owned(),
                },
                Some(Ok(_)) => continue,
                Some(Err(e)) => End::Cut(super::client::ws_error(&e).at(TAIL_DROPPED)),
                None => End::Cut(
                    SourceError::Other("connection closed without a close frame".into())
                        .at(TAIL_DROPPED),
                ),
            };
            return Ok(TailEnd { delivered, how });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(code: u16, reason: &str, delivered: bool) -> TailEnd {
        TailEnd {
            delivered,
            how: End::Closed {
                code,
                reason: reason.into(),
            },
        }
    }

    #[test]
    fn lokis_own_ends_and_closes_after_lines_are_quiet() {
        assert!(closed(1011, "reached tail max duration limit", false).is_quiet());
        assert!(closed(1011, "all ingesters closed the connection", false).is_quiet());
        assert!(closed(1000, "", false).is_quiet());
        assert!(closed(1001, "", false).is_quiet());
        assert!(closed(1011, "rpc error: too many tailers", true).is_quiet());
        let refused = closed(1011, "rpc error: too many tailers", false);
        assert_eq!(
            refused.failure().map(|e| e.to_string()).as_deref(),
            Some("tail closed by Loki (1011): rpc error: too many tailers")
        );
        let cut = TailEnd {
            delivered: true,
            how: End::Cut(SourceError::Other("reset".into()).at(TAIL_DROPPED)),
        };
        assert!(!cut.is_quiet());
        assert_eq!(
            cut.failure().map(|e| e.to_string()).as_deref(),
            Some("tail dropped: reset")
        );
    }
}
