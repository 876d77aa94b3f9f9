//! End to end: the real binary in tmux against a real Alertmanager and the bundled demo.
//! Select an alert, silence it for 1h with a comment, see it become silenced (checked in
//! Alertmanager's own API too); in `--read-only` the same keys are refused with a message.

use crate::support;

use std::path::Path;
use std::time::Duration;

use serde_json::json;
use support::alertmanager::{Alertmanager, CONFIG};
use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(15);

/// A real Alertmanager holding one firing `HighErrorRate` (critical: P1); `None` when the
/// program is missing on a laptop (a failure under CI).
fn alertmanager(rt: &tokio::runtime::Runtime) -> Option<Alertmanager> {
    if !support::require_program("tmux") {
        return None;
    }
    let am = Alertmanager::start(CONFIG)?;
    rt.block_on(am.post_alerts(json!([{
        "labels": {"alertname": "HighErrorRate", "severity": "critical", "service": "mcp-e2e"},
        "annotations": {"summary": "5xx above 5% on mcp-e2e"}
    }])));
    Some(am)
}

/// Starts `mcptop demo` (no errors, so no local alert competes) watching `am`.
fn start(tag: &str, am: &Alertmanager, extra: &str, dir: &Path) -> Tmux {
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env USER=e2e-oncall XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} \
         --alertmanager {url} {extra} demo --rate 2 --error-ratio 0; echo EXIT=$?; sleep 30",
        d = shell_quote(dir),
        bin = shell_quote(bin),
        url = am.url(),
    );
    Tmux::start(tag, 150, 40, &script)
}

/// Shows the alerts screen and waits for the posted alert.
fn alert_listed(tmux: &Tmux) -> String {
    tmux.wait_for("the dashboard", WAIT, |s| s.contains("Requests/min"));
    tmux.keys("5");
    tmux.wait_for("the posted alert", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("HighErrorRate") && l.contains("firing"))
    })
}

#[test]
fn silence_an_alert_for_an_hour() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(am) = alertmanager(&rt) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = start("alerts", &am, "", dir.path());
    let screen = alert_listed(&tmux);
    assert!(screen.contains("P1"), "{screen}");

    tmux.keys("s");
    tmux.wait_for("the silence form", STEP, |s| {
        s.contains("Comment") && s.contains(r#"alertname="HighErrorRate""#)
    });
    tmux.cmd(&["send-keys", "-t", "main", "-l", "e2e maintenance window"]);
    tmux.keys("Enter");
    let confirm = tmux.wait_for("the confirmation", STEP, |s| s.contains("y create"));
    assert!(confirm.contains("1h"), "{confirm}");
    assert!(confirm.contains("e2e maintenance window"), "{confirm}");
    tmux.keys("y");
    tmux.wait_for("the alert silenced", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("HighErrorRate") && l.contains("silenced"))
    });

    // Alertmanager itself has the silence, as written.
    let silences = rt.block_on(am.silences());
    let s = silences
        .iter()
        .find(|s| s["comment"] == "e2e maintenance window")
        .unwrap_or_else(|| panic!("no silence with the comment: {silences:?}"));
    assert_eq!(s["createdBy"], "e2e-oncall");
    assert_eq!(s["status"]["state"], "active");
    let starts = chrono::DateTime::parse_from_rfc3339(s["startsAt"].as_str().unwrap_or(""))
        .expect("startsAt");
    let ends =
        chrono::DateTime::parse_from_rfc3339(s["endsAt"].as_str().unwrap_or("")).expect("endsAt");
    // Alertmanager moves a start in the past to its own now: allow the request's latency.
    let secs = (ends - starts).num_seconds();
    assert!(
        (3590..=3600).contains(&secs),
        "1h silence lasts {secs}s: {s}"
    );
    let matchers = s["matchers"].to_string();
    assert!(matchers.contains("HighErrorRate"), "{matchers}");
    assert!(matchers.contains("mcp-e2e"), "{matchers}");

    // The silence is listed on screen 6 and the write is in the audit log.
    tmux.keys("6");
    tmux.wait_for("the silences list", STEP, |s| {
        s.contains("e2e maintenance window") && s.contains("active")
    });
    let audit = support::tmux::wait_for_file(
        &tmux,
        &dir.path().join("state/mcptop/audit.jsonl"),
        "the silence's audit line",
        STEP,
        |a| a.contains("\"action\":\"silence.create\""),
    );
    assert!(audit.contains("\"action\":\"silence.create\""), "{audit}");
    assert!(audit.contains("\"outcome\":\"ok\""), "{audit}");

    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
}

#[test]
fn read_only_refuses_the_same_keys() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let Some(am) = alertmanager(&rt) else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = start("alerts-ro", &am, "--read-only", dir.path());
    let screen = alert_listed(&tmux);
    assert!(screen.contains("READ-ONLY"), "{screen}");
    tmux.keys("s");
    let screen = tmux.wait_for("the refusal", STEP, |s| s.contains("read-only mode"));
    assert!(!screen.contains("Comment"), "no silence form:\n{screen}");
    assert!(rt.block_on(am.silences()).is_empty(), "nothing was written");
    let audit = support::tmux::wait_for_file(
        &tmux,
        &dir.path().join("state/mcptop/audit.jsonl"),
        "the refusal's audit line",
        STEP,
        |a| a.contains("\"outcome\":\"refused\""),
    );
    assert!(audit.contains("\"outcome\":\"refused\""), "{audit}");
    tmux.keys("q");
}
