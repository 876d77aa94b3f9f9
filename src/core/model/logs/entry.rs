//! One log entry as the log pane keeps it, and its severity.

use std::sync::Arc;

/// Labels as `(name, value)` pairs, sorted by name.
pub type Labels = Vec<(String, String)>;

/// Severity of a log entry, worst first. Read from a `level` label, structured metadata
/// (`detected_level`), a JSON or logfmt field, or an MCP `notifications/message` level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// `critical`, `fatal`, `panic`, `alert`, `emergency`.
    Critical,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
    /// No level found.
    Unknown,
}

impl Level {
    /// All levels, worst first.
    pub const ALL: [Level; 7] = [
        Level::Critical,
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
        Level::Unknown,
    ];

    /// Reads a level word as loggers write it (case-insensitive): `error`/`err`/`eror`,
    /// `warn`/`warning`, `info`/`information`/`notice`, `debug`/`dbug`, `trace`,
    /// `critical`/`crit`/`fatal`/`panic`/`alert`/`emergency`/`emerg`; syslog numbers are not
    /// read. `None` for anything else.
    pub fn parse(word: &str) -> Option<Level> {
        let w = word.trim().to_ascii_lowercase();
        Some(match w.as_str() {
            "critical" | "crit" | "fatal" | "panic" | "alert" | "emergency" | "emerg" => {
                Level::Critical
            }
            "error" | "err" | "eror" => Level::Error,
            "warn" | "warning" | "wrn" => Level::Warn,
            "info" | "information" | "informational" | "notice" | "inf" => Level::Info,
            "debug" | "dbug" | "dbg" => Level::Debug,
            "trace" | "trc" => Level::Trace,
            _ => return None,
        })
    }

    /// The word the level column shows (at most 5 characters).
    pub fn word(self) -> &'static str {
        match self {
            Level::Critical => "crit",
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
            Level::Trace => "trace",
            Level::Unknown => "-",
        }
    }

    /// Whether the error summary counts it among errors (error and worse).
    pub fn is_error(self) -> bool {
        self <= Level::Error
    }
}

/// One log line with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Position in its buffer's sequence: grows by one per entry pushed, never reused.
    /// Set by [`super::LogBuffer::push`].
    pub seq: u64,
    /// Timestamp, Unix nanoseconds (Loki's own; arrival time for MCP server logs).
    pub ts_ns: i64,
    /// The line as received (MCP server logs: secrets already masked).
    pub line: String,
    /// The stream's labels (Loki's indexed labels; for MCP logs `origin` and `logger`),
    /// shared by the entries of one stream.
    pub stream: Arc<Labels>,
    /// Loki 3 structured metadata (`categorize-labels`), sorted by name.
    pub metadata: Labels,
    /// Labels a parser stage of the query extracted (`| json`, `| logfmt`; Loki 3's
    /// `parsed` under `categorize-labels`), sorted by name.
    pub parsed: Labels,
    pub level: Level,
}

impl LogEntry {
    /// An entry with its level found from its labels, metadata and line (see
    /// [`super::fields::detect_level`]). `seq` is 0 until pushed.
    pub fn new(ts_ns: i64, line: String, stream: Arc<Labels>, metadata: Labels) -> LogEntry {
        LogEntry::parsed(ts_ns, line, stream, metadata, Labels::new())
    }

    /// As [`LogEntry::new`], with the labels a parser stage extracted.
    pub fn parsed(
        ts_ns: i64,
        line: String,
        stream: Arc<Labels>,
        metadata: Labels,
        parsed: Labels,
    ) -> LogEntry {
        let level = super::fields::detect_level(&[&stream, &metadata, &parsed], &line);
        LogEntry {
            seq: 0,
            ts_ns,
            line,
            stream,
            metadata,
            parsed,
            level,
        }
    }

    /// Bytes this entry is counted for against the buffer's byte cap: the line, the
    /// metadata, the parsed labels and a fixed overhead for the struct (the shared stream labels are not
    /// counted per entry).
    pub fn cost(&self) -> usize {
        const OVERHEAD: usize = 96;
        OVERHEAD
            + self.line.len()
            + self
                .metadata
                .iter()
                .chain(&self.parsed)
                .map(|(k, v)| k.len() + v.len() + 48)
                .sum::<usize>()
    }

    /// A label of the stream, the metadata or the parsed labels, in that order.
    pub fn label(&self, name: &str) -> Option<&str> {
        self.stream
            .iter()
            .chain(self.metadata.iter())
            .chain(self.parsed.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}
