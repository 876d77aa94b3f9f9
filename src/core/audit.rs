//! The audit log: one JSON object per line for every action mcptop takes on a server
//! (tool calls, silences), appended to `$XDG_STATE_HOME/mcptop/audit.jsonl`.
//!
//! Entries are masked again on the way out ([`crate::model::mcp::mask`]) whatever the
//! caller did, so no argument named like a secret and no token-shaped string reaches the
//! file. This module holds no I/O: the lines are written by the files task
//! (`sources::files`), which also says who the user is; [`Backlog`] counts the
//! lines it has not written yet.

mod backlog;
pub use backlog::{Backlog, MAX_WAITING, STALL_AFTER_MS, Stall};

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::model::mcp::CallOutcome;
use crate::model::mcp::mask::{mask_json, mask_text};

/// `outcome` of a call still running when mcptop quit (the server may still finish it).
pub const OUTCOME_ABANDONED: &str = "abandoned";

/// `action` of a tools/call.
pub const ACTION_TOOLS_CALL: &str = "tools/call";
/// `action` of the operator's answer to a server's question (`elicitation/create`): the
/// message is the `target`, the answer (`accept`, `decline`, `cancel`) the `outcome`, and
/// the values are never written.
pub const ACTION_ELICIT: &str = "elicitation/create";
/// `action` of a silence created in Alertmanager.
pub const ACTION_SILENCE_CREATE: &str = "silence.create";
/// `action` of a silence expired in Alertmanager.
pub const ACTION_SILENCE_EXPIRE: &str = "silence.expire";
/// `outcome` of a call mcptop refused to send (read-only mode). A call the operator
/// declined at the confirmation was never sent and is not logged. The other outcomes come
/// from [`outcome_label`].
pub const OUTCOME_REFUSED: &str = "refused";

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// When the action ended (or was refused): RFC 3339, UTC, milliseconds
    /// (`2025-06-18T09:30:00.123Z`); see [`timestamp`].
    pub time: String,
    /// Who acted: see `sources::files::user`.
    pub user: String,
    /// `tools/call` ([`ACTION_TOOLS_CALL`]), `elicitation/create` ([`ACTION_ELICIT`]),
    /// `silence.create` or `silence.expire`.
    pub action: String,
    /// Server name and where it is: a URL as [`crate::text::url::redact`] shows it, or
    /// the masked stdio command line.
    pub endpoint: String,
    /// The tool name; for silences, the silence ID (or, when none was created, the
    /// alertname the silence was written for).
    pub target: String,
    /// The arguments sent, masked by the caller; [`AuditEntry::line`] masks them again.
    pub arguments: Value,
    /// `ok | tool_error | rpc_error | timeout | cancelled | interrupted | not_sent |
    /// refused | abandoned`: see [`outcome_label`], [`OUTCOME_REFUSED`] and
    /// [`OUTCOME_ABANDONED`].
    pub outcome: String,
    /// What went wrong, in words (masked on append); see [`outcome_detail`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Wall time from sending to the outcome, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_ms: Option<u64>,
    /// The silence's matchers as amtool writes them (`alertname="X"`), for silence writes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matchers: Option<Vec<String>>,
}

/// `t` as the audit log writes it: RFC 3339 in UTC with milliseconds and a `Z`.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The `outcome` word of a call: `ok`, `tool_error` (a result with `isError`),
/// `rpc_error`, `timeout`, `cancelled`, `interrupted`, `not_sent`.
pub fn outcome_label(o: &CallOutcome) -> &'static str {
    match o {
        CallOutcome::Result(r) if r.is_error => "tool_error",
        CallOutcome::Result(_) => "ok",
        CallOutcome::Rpc { .. } => "rpc_error",
        CallOutcome::Timeout(_) => "timeout",
        CallOutcome::Cancelled => "cancelled",
        CallOutcome::Interrupted { .. } => "interrupted",
        CallOutcome::NotSent(_) => "not_sent",
    }
}

/// The `detail` of a call's outcome: the JSON-RPC code and message, the timeout, the
/// transport error; `None` for a result or a cancel (the result itself is not logged).
pub fn outcome_detail(o: &CallOutcome) -> Option<String> {
    match o {
        CallOutcome::Result(_) | CallOutcome::Cancelled => None,
        CallOutcome::Rpc { code, message } => Some(format!("{code}: {message}")),
        CallOutcome::Timeout(d) => Some(format!("no answer after {} ms", d.as_millis())),
        CallOutcome::Interrupted { error, retried } => Some(if *retried {
            format!("{error} (sent again)")
        } else {
            error.to_string()
        }),
        CallOutcome::NotSent(why) => Some(why.to_string()),
    }
}

/// Where the audit log is: an append-only JSON Lines file. Writing it is the files task's
/// job (`sources::files`); this is only the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// A log at `path` (created on the first append).
    pub fn new(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog { path: path.into() }
    }

    /// `$XDG_STATE_HOME/mcptop/audit.jsonl` (`~/.local/state/mcptop/audit.jsonl`), or the
    /// same name in the local data directory where there is no state directory (macOS,
    /// Windows). `None` without a home directory.
    pub fn default_path() -> Option<PathBuf> {
        let dirs = directories::ProjectDirs::from("", "", "mcptop")?;
        let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
        Some(dir.join("audit.jsonl"))
    }

    /// Where the entries go.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl AuditEntry {
    /// The entry as the line the file gets: JSON with `arguments`, `detail` and `endpoint`
    /// masked again ([`mask_json`], [`mask_text`]) whatever the caller did, ending in `\n`.
    ///
    /// Errors: as `serde_json::to_vec` (not for the values an entry holds).
    pub fn line(&self) -> serde_json::Result<Vec<u8>> {
        let masked = AuditEntry {
            endpoint: mask_text(&self.endpoint).into_owned(),
            arguments: mask_json(&self.arguments),
            detail: self.detail.as_deref().map(|d| mask_text(d).into_owned()),
            ..self.clone()
        };
        let mut line = serde_json::to_vec(&masked)?;
        line.push(b'\n');
        Ok(line)
    }
}

/// An entry for tests here and in the writer's (the `testing` feature).
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use super::{ACTION_TOOLS_CALL, AuditEntry};
    use serde_json::Value;

    /// A successful tools/call of `target` with `arguments` by `ops`, 42 ms.
    pub fn entry(target: &str, arguments: Value) -> AuditEntry {
        AuditEntry {
            time: "2025-06-18T09:30:00.123Z".into(),
            user: "ops".into(),
            action: ACTION_TOOLS_CALL.into(),
            endpoint: "github https://api.example.com/mcp".into(),
            target: target.into(),
            arguments,
            outcome: "ok".into(),
            detail: None,
            duration_ms: Some(42),
            matchers: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::mcp::CallResult;
    use serde_json::json;
    use std::time::Duration;

    use testing::entry;

    #[test]
    fn the_line_is_masked_again_and_ends_in_a_newline() {
        let mut e = entry("deploy", json!({"api_key": "sk-live-PLANTED123456789"}));
        e.endpoint = "x https://h/mcp?token=sk-live-PLANTED123456789".into();
        e.detail = Some("rejected token=sk-live-PLANTED123456789".into());
        let line = String::from_utf8(e.line().expect("line")).expect("utf-8");
        assert!(
            line.ends_with('\n') && line.matches('\n').count() == 1,
            "{line}"
        );
        assert!(!line.contains("PLANTED"), "{line}");
        let v: Value = serde_json::from_str(line.trim_end()).expect("json");
        assert_eq!(v["arguments"]["api_key"], crate::model::mcp::mask::MASK);
        assert!(v.get("matchers").is_none(), "None is skipped");
    }

    #[test]
    fn labels() {
        let ok = CallOutcome::Result(CallResult::default());
        let tool_err = CallOutcome::Result(CallResult {
            is_error: true,
            ..CallResult::default()
        });
        let cases = [
            (ok, "ok"),
            (tool_err, "tool_error"),
            (
                CallOutcome::Rpc {
                    code: -32601,
                    message: "no".into(),
                },
                "rpc_error",
            ),
            (CallOutcome::Timeout(Duration::from_secs(30)), "timeout"),
            (CallOutcome::Cancelled, "cancelled"),
            (
                CallOutcome::Interrupted {
                    error: crate::model::mcp::McpError::Closed,
                    retried: false,
                },
                "interrupted",
            ),
            (
                CallOutcome::NotSent(crate::model::mcp::McpError::Other("down".into())),
                "not_sent",
            ),
        ];
        for (o, label) in cases {
            assert_eq!(outcome_label(&o), label);
        }
        assert_eq!(
            outcome_detail(&CallOutcome::Timeout(Duration::from_secs(30))).as_deref(),
            Some("no answer after 30000 ms")
        );
    }

    #[test]
    fn timestamp_is_utc_millis() {
        let t = DateTime::from_timestamp_millis(1_750_239_000_123).unwrap();
        assert_eq!(timestamp(t), "2025-06-18T09:30:00.123Z");
    }
}
