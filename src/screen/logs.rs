//! The logs screen's data: which source is in view, and its error summary.

use crate::model::logs::LogBuffer;
use crate::model::logs::summary::{LevelCounts, TopError, level_counts, top_errors};
use crate::model::mcp::ServerId;

/// How often the error summary is recomputed from the kept lines, ms.
const SUMMARY_EVERY_MS: i64 = 1000;

/// How long an unchanged buffer's summary is kept, ms: its counts are over moving windows.
const SUMMARY_IDLE_MS: i64 = 10_000;

/// Entries in the top errors list.
pub const TOP_ERRORS: usize = 5;

/// A source the logs screen can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogSource {
    Loki,
    /// An MCP server's stderr and `notifications/message`.
    Mcp(ServerId),
}

/// The sources in order (Loki first when configured, then each MCP server), and the one
/// at `index` (clamped).
pub fn log_source(loki: bool, servers: usize, index: usize) -> Option<LogSource> {
    let n = usize::from(loki) + servers;
    if n == 0 {
        return None;
    }
    let i = index.min(n - 1);
    Some(match (loki, i) {
        (true, 0) => LogSource::Loki,
        (true, i) => LogSource::Mcp(i - 1),
        (false, i) => LogSource::Mcp(i),
    })
}

/// The error summary of the source in view, recomputed at most once a second.
#[derive(Debug, Clone, Default)]
pub struct LogSummary {
    /// The source and its buffer's newest sequence number when computed.
    key: Option<(LogSource, u64)>,
    /// Unix ms when computed.
    at_ms: i64,
    /// Counts per level from the kept lines (Loki's metric counts are in its state).
    pub counts: LevelCounts,
    pub top: Vec<TopError>,
}

impl LogSummary {
    /// The summary of `source`'s buffer `buf` at `now_ms` (Unix ms): counts per level and
    /// the [`TOP_ERRORS`] most frequent errors. O(kept lines).
    pub fn of(source: LogSource, buf: &LogBuffer, now_ms: i64) -> LogSummary {
        let now_ns = now_ms.saturating_mul(1_000_000);
        LogSummary {
            key: Some((source, buf.last_seq())),
            at_ms: now_ms,
            counts: level_counts(buf, now_ns),
            top: top_errors(buf, now_ns, TOP_ERRORS),
        }
    }

    /// Whether it should be computed again for `source`, whose newest line is `last_seq`,
    /// at `now_ms`: the source changed, or a second has passed and lines arrived, or ten
    /// seconds passed (so that the windows move on).
    pub fn due(&self, source: LogSource, last_seq: u64, now_ms: i64) -> bool {
        let elapsed = now_ms - self.at_ms;
        self.key.is_none_or(|(s, _)| s != source)
            || (elapsed >= SUMMARY_EVERY_MS
                && (self.key != Some((source, last_seq)) || elapsed >= SUMMARY_IDLE_MS))
    }
}
