//! Recordings (`--record FILE`, `mcptop replay FILE`, `mcptop snapshot --from FILE`): what
//! scrape mode received, as records of plain data. This module turns records into JSON
//! lines and back (no I/O, no compression); the file, one zstd frame per record, is the
//! files task's (`sources::files::recording`). The format is documented field by field in
//! the README ("Recordings"); [`VERSION`] changes with any change a reader of the older
//! format could not read.
//!
//! A frame's lines: the series it introduces (`{"k":"series","id":N,...}`, each series key
//! once per file, numbered from 0) and the log streams it introduces (`{"k":"stream",...}`,
//! each label set once per file, numbered from 0), then its one record. Times are Unix ms:
//! the header's `t` is the start, every later record's `dt` is ms after the previous
//! record's time.
//!
//! Version 2 added log lines (`logs`, `stream`), Loki's changes (`loki`) and the header's
//! `loki_query` and `mcp_servers`; a version 1 file reads as before.

pub mod at;
pub mod config_text;
mod decode;
mod encode;
pub mod logs;
mod value;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use decode::{DecodeError, Decoder, Item};
pub use encode::Encoder;
pub use logs::{LogsSource, LokiChange};

use super::dashboard::Scrape;
use super::logs::{Labels, LogEntry};
use super::status::HealthInfo;

/// The `format` of every header.
pub const FORMAT: &str = "mcptop-recording";
/// The format version written; a reader refuses a newer one and reads every older one
/// (version 1: no log lines).
pub const VERSION: u32 = 2;

/// The first record of a file: what wrote it and with which settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// [`VERSION`] of the writer.
    pub version: u32,
    /// mcptop's version (`CARGO_PKG_VERSION`) that wrote it.
    pub mcptop: String,
    /// When recording started, Unix ms.
    pub t: i64,
    /// `scrape.interval`, ms (flags applied).
    pub interval_ms: u64,
    /// `scrape.timeout` in effect, ms.
    pub timeout_ms: u64,
    /// `window.range`, ms.
    pub range_ms: u64,
    /// `window.history`, ms.
    pub history_ms: u64,
    /// `target.profile` in effect (`auto`, `otel-mcp`, ...).
    pub profile: String,
    /// What the header showed as the target: `target.name`, the single target's name, or
    /// `targets` for a fleet.
    pub name: String,
    /// Whether the targets made a fleet (several, or a `targets_file`).
    #[serde(default)]
    pub fleet: bool,
    /// The Alertmanager instances polled, as shown (credentials masked); the `instance` of
    /// an [`Event::Alerts`] is an index into it.
    #[serde(default)]
    pub alertmanagers: Vec<String>,
    /// The config's tables that shape the numbers (`[target]` profile and name, `[scrape]`,
    /// `[window]`, `[thresholds]`, `[modules]`, `[custom_profile]`, `[alerts]`,
    /// `[[rules]]`) as TOML, with nothing else: no URL, header, token, password or file
    /// ([`config_text::numbers_only`]).
    pub config: String,
    /// The LogQL query of the Loki source at the start, when `[loki]` has a URL (version 2;
    /// a later [`LokiChange::Query`] replaces it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loki_query: Option<String>,
    /// The configured MCP servers' names, in config order (version 2): whose own logs the
    /// [`Event::Logs`] of [`LogsSource::Mcp`] may hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mcp_servers: Vec<String>,
}

/// A scrape target as the recording names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecTarget {
    /// The ID its scrapes and health checks carry.
    pub id: u64,
    pub name: String,
    /// The metrics URL, credentials and query values masked.
    pub url: String,
    /// The health URL, masked; `None` when health checks are off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_url: Option<String>,
    /// Its profile choice (`auto`, ...).
    pub profile: String,
}

/// An Alertmanager alert as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecAlert {
    pub fingerprint: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    /// `firing`, `silenced` or `inhibited` ([`super::alerts::AlertState::label`]).
    pub state: String,
    /// `startsAt`, Unix ms.
    pub starts: i64,
    /// `endsAt`, Unix ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends: Option<i64>,
}

/// One thing that happened, at `t_ms` (Unix ms).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The scrape targets, at start and whenever `targets_file` changes them.
    Targets { t_ms: i64, targets: Vec<RecTarget> },
    /// A scrape of `target`: its samples (those the model reads), or the error's text.
    Scrape {
        target: u64,
        t_ms: i64,
        result: Result<Scrape, String>,
    },
    /// A health check of `target`: what `/health` said, or the error's text.
    Health {
        target: u64,
        t_ms: i64,
        result: Result<HealthInfo, String>,
    },
    /// Alertmanager `instance` (index into [`Header::alertmanagers`]) answered a poll with
    /// these alerts, different from its previous answer.
    Alerts {
        t_ms: i64,
        instance: usize,
        alerts: Vec<RecAlert>,
    },
    /// `D` marked a deploy on `target` (`set`), or cleared the mark.
    Deploy {
        t_ms: i64,
        target: String,
        set: bool,
    },
    /// Log lines `source` kept, oldest first, as the app applied them (an MCP server's
    /// text masked as its log shows it).
    Logs {
        t_ms: i64,
        source: LogsSource,
        entries: Vec<LogEntry>,
    },
    /// The Loki source's query or health changed.
    Loki { t_ms: i64, change: LokiChange },
    /// The writer stopped recording (the size limit, a write error): the last record.
    End { t_ms: i64, reason: String },
}

impl Event {
    /// When it happened, Unix ms.
    pub fn t_ms(&self) -> i64 {
        match self {
            Event::Targets { t_ms, .. }
            | Event::Scrape { t_ms, .. }
            | Event::Health { t_ms, .. }
            | Event::Alerts { t_ms, .. }
            | Event::Deploy { t_ms, .. }
            | Event::Logs { t_ms, .. }
            | Event::Loki { t_ms, .. }
            | Event::End { t_ms, .. } => *t_ms,
        }
    }
}

/// One JSON line as written: the tag `k` names the kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
enum Line {
    Header(Header),
    Series {
        id: u32,
        name: String,
        #[serde(default)]
        labels: Vec<(String, String)>,
    },
    Targets {
        dt: i64,
        targets: Vec<RecTarget>,
    },
    Scrape {
        dt: i64,
        target: u64,
        /// How long the scrape took, ms.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ms: Option<u64>,
        /// Size of the body, bytes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bytes: Option<u64>,
        /// `[id, value]` or `[id, value, exposition timestamp ms]`.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        v: Vec<value::Point>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    Health {
        dt: i64,
        target: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        version: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    Alerts {
        dt: i64,
        instance: usize,
        alerts: Vec<RecAlert>,
    },
    Deploy {
        dt: i64,
        target: String,
        set: bool,
    },
    /// A log stream's label set, written once, in the frame of the first entry of it.
    Stream {
        id: u32,
        #[serde(default)]
        labels: Labels,
    },
    Logs {
        dt: i64,
        /// `loki` or `mcp`.
        source: String,
        /// The MCP server's name, for `mcp`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server: Option<String>,
        entries: Vec<logs::EntryLine>,
    },
    /// One of `query`, `follow` (`tail` or `poll`) or `error`.
    Loki {
        dt: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        query: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        follow: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
    End {
        dt: i64,
        reason: String,
    },
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
