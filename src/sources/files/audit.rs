//! The audit log's writer and who the lines name: the part of the audit log that touches
//! the operating system ([`crate::audit`] builds the lines).

use std::io::Write;
use std::path::Path;

/// Appends `line` (one JSON line ending in `\n`, [`crate::audit::AuditEntry::line`]) to the
/// audit log at `path`.
///
/// Creates missing parent directories (mode 0700 on unix) and the file (mode 0600 on
/// unix; an existing file readable by others is narrowed to 0600). The line goes out
/// in one `write` on a file opened with `O_APPEND`, so lines from concurrent mcptop
/// processes do not interleave.
///
/// Errors: the directory or file cannot be created or written.
pub fn append(path: &Path, line: &[u8]) -> std::io::Result<()> {
    let mut file = crate::private::append(path)?;
    file.write_all(line)
}

/// Who is acting: `configured` when given and not blank, else `$USER`, else
/// `$LOGNAME`, else the account name of the process's uid (the passwd database, as
/// `id -un` reads it: a service or container often runs without those variables), else
/// `unknown`.
pub fn user(configured: Option<&str>) -> String {
    user_from(configured, |name| std::env::var(name).ok())
}

/// [`user`] with the environment read through `env`.
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
    use crate::audit::{ACTION_TOOLS_CALL, AuditEntry, AuditLog};
    use serde_json::{Value, json};

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

    /// What the app does: the entry's line, appended.
    fn log_append(log: &AuditLog, e: &AuditEntry) -> std::io::Result<()> {
        append(log.path(), &e.line()?)
    }

    #[test]
    fn two_appends_give_two_lines_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::new(dir.path().join("nested/audit.jsonl"));
        log_append(&log, &entry("first", json!({"q": 1}))).unwrap();
        let mut second = entry("second", json!({}));
        second.outcome = "rpc_error".into();
        second.detail = Some("-32602: bad params".into());
        second.duration_ms = None;
        log_append(&log, &second).unwrap();
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
        log_append(&log, &e).unwrap();
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
        log_append(&log, &entry("t", json!({}))).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);

        let fresh = AuditLog::new(dir.path().join("new/audit.jsonl"));
        log_append(&fresh, &entry("t", json!({}))).unwrap();
        let mode = std::fs::metadata(fresh.path())
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
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
        assert_eq!(user_from(None, none), expected);
        assert_eq!(user_from(Some(" "), blank), expected);
        let env = |name: &str| (name == "LOGNAME").then(|| "bob".to_string());
        assert_eq!(user_from(None, env), "bob");
    }

    #[test]
    fn user_prefers_configured_then_environment() {
        assert_eq!(user(Some("alice")), "alice");
        let fallback = user(Some("  "));
        assert!(!fallback.is_empty());
        assert_eq!(fallback, user(None));
    }
}
