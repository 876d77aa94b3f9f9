//! The audit log: one JSON object per line for every action mcptop takes on a server
//! (tool calls, silences), appended to `$XDG_STATE_HOME/mcptop/audit.jsonl`.
//!
//! Entries are masked again on the way out ([`crate::model::mcp::mask`]) whatever the
//! caller did, so no argument named like a secret and no token-shaped string reaches the
//! file.

use std::io::Write;
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
    /// Who acted: see [`AuditLog::user`].
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
    /// The arguments sent, masked by the caller; [`AuditLog::append`] masks them again.
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
            error.clone()
        }),
        CallOutcome::NotSent(why) => Some(why.clone()),
    }
}

/// An append-only JSON Lines file.
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

    /// Appends `entry` as one line, masking `arguments`, `detail` and `endpoint` again.
    ///
    /// Creates missing parent directories (mode 0700 on unix) and the file (mode 0600 on
    /// unix; an existing file readable by others is narrowed to 0600). The line goes out
    /// in one `write` on a file opened with `O_APPEND`, so lines from concurrent mcptop
    /// processes do not interleave.
    ///
    /// Errors: the directory or file cannot be created or written.
    pub fn append(&self, entry: &AuditEntry) -> std::io::Result<()> {
        let masked = AuditEntry {
            endpoint: mask_text(&entry.endpoint).into_owned(),
            arguments: mask_json(&entry.arguments),
            detail: entry.detail.as_deref().map(|d| mask_text(d).into_owned()),
            ..entry.clone()
        };
        let mut line = serde_json::to_vec(&masked)?;
        line.push(b'\n');
        let mut file = crate::private::append(&self.path)?;
        file.write_all(&line)
    }

    /// Who is acting: `configured` when given and not blank, else `$USER`, else
    /// `$LOGNAME`, else the account name of the process's uid (the passwd database, as
    /// `id -un` reads it: a service or container often runs without those variables), else
    /// `unknown`.
    pub fn user(configured: Option<&str>) -> String {
        Self::user_from(configured, |name| std::env::var(name).ok())
    }

    /// [`AuditLog::user`] with the environment read through `env`.
    fn user_from(configured: Option<&str>, env: impl Fn(&str) -> Option<String>) -> String {
        let nonempty = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        configured
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
            .or_else(|| nonempty("USER"))
            .or_else(|| nonempty("LOGNAME"))
            .or_else(account_name)
            .unwrap_or_else(|| "unknown".to_string())
    }
}

/// The account name of the process's real uid, if the passwd database has one.
#[cfg(unix)]
fn account_name() -> Option<String> {
    nix::unistd::User::from_uid(nix::unistd::Uid::current())
        .ok()
        .flatten()
        .map(|u| u.name)
        .filter(|n| !n.trim().is_empty())
}

#[cfg(not(unix))]
fn account_name() -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::mcp::CallResult;
    use serde_json::json;
    use std::time::Duration;

    fn entry(target: &str, arguments: Value) -> AuditEntry {
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

    #[test]
    fn two_appends_give_two_lines_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("nested/audit.jsonl"));
        log.append(&entry("first", json!({"q": 1}))).unwrap();
        let mut second = entry("second", json!({}));
        second.outcome = "rpc_error".into();
        second.detail = Some("-32602: bad params".into());
        second.duration_ms = None;
        log.append(&second).unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["target"], "first");
        assert_eq!(lines[0]["arguments"], json!({"q": 1}));
        assert_eq!(lines[0]["duration_ms"], 42);
        assert!(lines[0].get("detail").is_none(), "None is skipped");
        assert_eq!(lines[1]["target"], "second");
        assert_eq!(lines[1]["detail"], "-32602: bad params");
        assert!(lines[1].get("duration_ms").is_none());
        assert!(text.ends_with('\n'));
    }

    #[test]
    fn planted_secret_never_reaches_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("audit.jsonl"));
        let mut e = entry(
            "deploy",
            json!({"api_key": "sk-live-PLANTED123456789", "note": "sk-live-PLANTED123456789"}),
        );
        e.detail = Some("rejected token=sk-live-PLANTED123456789".into());
        log.append(&e).unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        assert!(!text.contains("PLANTED"), "{text}");
        let v: Value = serde_json::from_str(text.trim_end()).unwrap();
        assert_eq!(v["arguments"]["api_key"], crate::model::mcp::mask::MASK);
    }

    #[cfg(unix)]
    #[test]
    fn file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let log = AuditLog::new(&path);
        log.append(&entry("t", json!({}))).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        let fresh = AuditLog::new(dir.path().join("new/audit.jsonl"));
        fresh.append(&entry("t", json!({}))).unwrap();
        let mode = std::fs::metadata(fresh.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
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
                    error: "eof".into(),
                    retried: false,
                },
                "interrupted",
            ),
            (CallOutcome::NotSent("down".into()), "not_sent"),
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
    fn without_user_or_logname_the_account_name_of_the_uid_is_used() {
        let none = |_: &str| None;
        let blank = |_: &str| Some("  ".to_string());
        let expected = std::process::Command::new("id")
            .arg("-un")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .expect("id -un runs");
        assert!(!expected.is_empty());
        assert_eq!(AuditLog::user_from(None, none), expected);
        assert_eq!(AuditLog::user_from(Some(" "), blank), expected);
        let env = |name: &str| (name == "LOGNAME").then(|| "bob".to_string());
        assert_eq!(AuditLog::user_from(None, env), "bob");
    }

    #[test]
    fn user_prefers_configured_then_environment() {
        assert_eq!(AuditLog::user(Some("alice")), "alice");
        let fallback = AuditLog::user(Some("  "));
        assert!(!fallback.is_empty());
        assert_eq!(fallback, AuditLog::user(None));
    }

    #[test]
    fn timestamp_is_utc_millis() {
        let t = DateTime::from_timestamp_millis(1_750_239_000_123).unwrap();
        assert_eq!(timestamp(t), "2025-06-18T09:30:00.123Z");
    }
}
