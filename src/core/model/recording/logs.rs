//! Log lines in a recording (format version 2): whose log ([`LogsSource`]), each entry as a
//! JSON object whose stream labels are a `stream` ID (each label set written once per
//! file, as series keys are), and Loki's changes of query and health ([`LokiChange`]).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::logs::{FollowMode, Labels, Level, LogEntry};

/// Whose log a [`super::Event::Logs`] holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LogsSource {
    /// The Loki source's lines (the `[loki]` query's).
    Loki,
    /// The own log of the MCP server of this configured name (`[mcp.servers.NAME]`).
    Mcp(String),
}

/// A change of the Loki source other than lines, as the Logs screen shows it.
#[derive(Debug, Clone, PartialEq)]
pub enum LokiChange {
    /// The source runs this LogQL query from now on (an edit); the old query's lines are
    /// gone.
    Query(String),
    /// A query answered or a tail opened after a failure or a change of follow mode.
    Connected(FollowMode),
    /// A request or the tail failed: the error's text.
    Failed(String),
}

/// One entry as written: `ts` (Unix ns), `line`, `stream` (the ID of its label set),
/// `level` (omitted when none was found), `metadata` and `parsed` (omitted when empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct EntryLine {
    pub ts: i64,
    pub line: String,
    pub stream: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metadata: Labels,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parsed: Labels,
}

impl EntryLine {
    /// `e` as written, its labels being the set numbered `stream`.
    pub fn of(e: &LogEntry, stream: u32) -> EntryLine {
        EntryLine {
            ts: e.ts_ns,
            line: e.line.clone(),
            stream,
            level: (e.level != Level::Unknown).then(|| e.level.word().to_string()),
            metadata: e.metadata.clone(),
            parsed: e.parsed.clone(),
        }
    }

    /// The entry back, with `stream`'s labels and the level recorded (not detected again:
    /// an MCP notification's level is the notification's, not the line's).
    pub fn entry(self, stream: Arc<Labels>) -> LogEntry {
        LogEntry {
            seq: 0,
            ts_ns: self.ts,
            line: self.line,
            stream,
            metadata: self.metadata,
            parsed: self.parsed,
            level: self
                .level
                .as_deref()
                .and_then(Level::parse)
                .unwrap_or(Level::Unknown),
        }
    }
}

/// `source` as the `source` and `server` fields of a `logs` line.
pub(super) fn source_fields(source: &LogsSource) -> (String, Option<String>) {
    match source {
        LogsSource::Loki => ("loki".to_string(), None),
        LogsSource::Mcp(name) => ("mcp".to_string(), Some(name.clone())),
    }
}

/// The source a `logs` line names; `Err` says what was wrong.
pub(super) fn source_of(source: &str, server: Option<String>) -> Result<LogsSource, String> {
    match (source, server) {
        ("loki", None) => Ok(LogsSource::Loki),
        ("mcp", Some(name)) => Ok(LogsSource::Mcp(name)),
        (other, server) => Err(format!(
            "logs of source `{other}`{}: expected `loki`, or `mcp` with a server",
            server.map(|s| format!(" server `{s}`")).unwrap_or_default()
        )),
    }
}

/// A follow mode's word (`tail`, `poll`).
pub(super) fn follow_word(mode: FollowMode) -> &'static str {
    match mode {
        FollowMode::Tail => "tail",
        FollowMode::Poll => "poll",
    }
}

/// The follow mode of its word.
pub(super) fn follow_of(word: &str) -> Result<FollowMode, String> {
    match word {
        "tail" => Ok(FollowMode::Tail),
        "poll" => Ok(FollowMode::Poll),
        other => Err(format!("follow mode `{other}`: expected `tail` or `poll`")),
    }
}
