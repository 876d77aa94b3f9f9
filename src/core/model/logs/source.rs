//! What a log source reports and what the app keeps of it: the Loki source's updates,
//! its connection state and its LogQL metric counts.

use super::buffer::LogBuffer;
use super::entry::LogEntry;
use super::summary::LevelCounts;

/// How the Loki source follows new lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowMode {
    /// The `/loki/api/v1/tail` WebSocket.
    Tail,
    /// `query_range` repeated every interval (WebSockets blocked, or `loki.mode = "poll"`).
    Poll,
}

/// What the Loki source sends to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum LokiUpdate {
    /// New entries, oldest first, already de-duplicated, received at `t_ms` (Unix ms):
    /// lines arriving on a tail open for an hour are good data of now, not of the hour.
    Entries { t_ms: i64, entries: Vec<LogEntry> },
    /// A query answered or a tail opened: the source is healthy at `t_ms` (Unix ms).
    Connected { t_ms: i64, mode: FollowMode },
    /// A request or the tail failed; `text` is Loki's own message where it gave one.
    Failed { t_ms: i64, text: String },
    /// Loki's tail ended normally (its `tail-max-duration`, a shutdown, or any end after
    /// it delivered lines): the source catches up and tails again at once, at `t_ms`.
    Retailing { t_ms: i64 },
    /// Loki's tail dropped entries it could not send in time (`dropped_entries`); the
    /// source fetches them again with `query_range`.
    DroppedByLoki(u64),
    /// The entries Loki dropped were fetched again, but for `lost` of them, older than
    /// what the source can de-duplicate (see `dedup::RECALL_NS`).
    Refetched { lost: u64 },
    /// A catch-up or refetch gave up on the lines in `[from_ns, to_ns)` (Unix ns): more
    /// than it fetches in one go (100,000 lines), or more lines of one timestamp than a
    /// `query_range` page holds.
    Skipped { from_ns: i64, to_ns: i64 },
    /// The counts per level from LogQL `count_over_time`, or why they failed.
    Counts(Result<LevelCounts, String>),
    /// The tail WebSocket was refused (a proxy): the source polls from now on; the text
    /// says why.
    Fallback(String),
    /// The source now runs this query (after an edit); lines of the old one are gone.
    Query(String),
}

/// The Loki source's health as the pane shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LokiStatus {
    pub mode: Option<FollowMode>,
    /// Unix ms of the last successful request or tail frame.
    pub last_ok_ms: Option<i64>,
    /// The last failure, cleared by the next success.
    pub error: Option<String>,
    /// Entries Loki reported dropped from the tail.
    pub dropped_by_loki: u64,
    /// Dropped entries are being fetched again.
    pub refetch_pending: bool,
    /// Dropped entries that could not be fetched again.
    pub not_refetched: u64,
    /// The tail ended normally and is being opened again.
    pub retailing: bool,
    /// The span (Unix ns) of every catch-up that gave up on lines (see
    /// [`LokiUpdate::Skipped`]), until the query changes.
    pub skipped: Option<(i64, i64)>,
    /// Why the source polls instead of tailing, when the WebSocket was refused.
    pub fallback: Option<String>,
}

/// The Loki log source as the app keeps it.
#[derive(Debug, Clone)]
pub struct LokiState {
    /// Base URL, redacted for display.
    pub url: String,
    /// The LogQL query running.
    pub query: String,
    /// The `X-Scope-OrgID` sent (`a|b` for several tenants); `None`: none is sent.
    pub tenant: Option<String>,
    pub buffer: LogBuffer,
    pub status: LokiStatus,
    /// The last metric counts; `Err` when the metric query failed (the buffer's counts
    /// are shown then).
    pub counts: Option<Result<LevelCounts, String>>,
}

impl LokiState {
    pub fn new(url: String, query: String, max_lines: usize, max_bytes: usize) -> LokiState {
        LokiState {
            url,
            query,
            tenant: None,
            buffer: LogBuffer::new(max_lines, max_bytes),
            status: LokiStatus::default(),
            counts: None,
        }
    }

    /// Applies an update.
    pub fn apply(&mut self, update: LokiUpdate) {
        match update {
            LokiUpdate::Entries { t_ms, entries } => {
                if !entries.is_empty() && self.status.error.is_none() {
                    self.status.last_ok_ms = self.status.last_ok_ms.max(Some(t_ms));
                }
                for e in entries {
                    self.buffer.push(e);
                }
            }
            LokiUpdate::Connected { t_ms, mode } => {
                self.status.mode = Some(mode);
                self.status.last_ok_ms = Some(t_ms);
                self.status.error = None;
                self.status.retailing = false;
            }
            LokiUpdate::Retailing { t_ms } => {
                self.status.retailing = true;
                self.status.last_ok_ms = self.status.last_ok_ms.max(Some(t_ms));
            }
            LokiUpdate::Failed { text, .. } => {
                self.status.error = Some(text);
                self.status.retailing = false;
            }
            LokiUpdate::Fallback(why) => {
                self.status.mode = Some(FollowMode::Poll);
                self.status.fallback = Some(why);
            }
            LokiUpdate::DroppedByLoki(n) => {
                self.status.dropped_by_loki += n;
                self.status.refetch_pending = true;
            }
            LokiUpdate::Refetched { lost } => {
                self.status.refetch_pending = false;
                self.status.not_refetched += lost;
            }
            LokiUpdate::Skipped { from_ns, to_ns } => {
                self.status.skipped = Some(match self.status.skipped {
                    Some((a, b)) => (a.min(from_ns), b.max(to_ns)),
                    None => (from_ns, to_ns),
                });
            }
            LokiUpdate::Counts(c) => self.counts = Some(c),
            LokiUpdate::Query(q) => {
                self.query = q;
                self.buffer.clear();
                self.counts = None;
                // What the old query's follow was doing ends with it.
                self.status = LokiStatus {
                    mode: self.status.mode,
                    last_ok_ms: self.status.last_ok_ms,
                    error: self.status.error.take(),
                    fallback: self.status.fallback.take(),
                    ..LokiStatus::default()
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_query_forgets_what_the_old_follow_was_doing() {
        let mut s = LokiState::new(String::new(), "{a=\"1\"}".into(), 100, 1 << 20);
        s.apply(LokiUpdate::Connected {
            t_ms: 5,
            mode: FollowMode::Tail,
        });
        s.apply(LokiUpdate::DroppedByLoki(46));
        s.apply(LokiUpdate::Retailing { t_ms: 6 });
        s.apply(LokiUpdate::Skipped {
            from_ns: 1,
            to_ns: 2,
        });
        assert!(s.status.refetch_pending && s.status.retailing);
        // The old follow is dropped before its refetch ends: nothing says "fetching
        // again" under the new query.
        s.apply(LokiUpdate::Query("{a=\"2\"}".into()));
        assert_eq!(
            s.status,
            LokiStatus {
                mode: Some(FollowMode::Tail),
                last_ok_ms: Some(6),
                ..LokiStatus::default()
            }
        );
    }
}
