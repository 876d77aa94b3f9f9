//! End to end: an audit log that never takes a line (a FIFO nobody reads: `open(2)` blocks
//! for good, as on a hung mount) must not freeze the dashboard. A tool call ends (its audit
//! line goes to the files task), the result shows, keys keep answering, the footer says the
//! audit log is stalled, an incident report is still written, and `q` still ends mcptop,
//! within its bounded wait for the log.

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(10);

#[test]
fn a_stuck_audit_log_leaves_the_keys_answering_and_quit_working() {
    if !support::require_program("tmux") || !support::require_program("mkfifo") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state/mcptop");
    std::fs::create_dir_all(&state).expect("state dir");
    let fifo = state.join("audit.jsonl");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", fifo.display());
    let config = dir.path().join("mcptop.toml");
    std::fs::write(
        &config,
        "[[bindings]]\nkey = \"F5\"\nserver = \"demo\"\ntool = \"health.check\"\n",
    )
    .expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --config {c} demo --rate 2 --error-ratio 0; echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("auditfifo", 140, 40, &script);
    tmux.wait_for("the dashboard", WAIT, |s| s.contains("Requests/min"));
    tmux.keys("2");
    tmux.wait_for("the demo's tools", WAIT, |s| {
        s.contains("Tools of demo (13/13)")
    });

    // F5 calls health.check (read-only: no confirmation); its end writes the audit line.
    tmux.keys("F5");
    tmux.wait_for(
        "the call's result, drawn after its audit line was handed over",
        STEP,
        |s| {
            s.contains("tools/call health.check on demo")
                && s.contains("✔ ok")
                && !s.contains("⟳ running")
        },
    );
    tmux.keys("Escape");
    tmux.wait_for("the result closed", STEP, |s| {
        !s.contains("tools/call health.check on demo")
    });
    tmux.wait_for("the footer saying the audit log is stalled", STEP, |s| {
        s.contains("audit log stalled: 1 line waiting")
    });

    // Keys keep answering while the line waits.
    tmux.keys("3");
    tmux.wait_for("the call history", STEP, |s| s.contains("Calls (1"));
    tmux.keys("?");
    tmux.wait_for("the help", STEP, |s| s.contains("Help: keys"));
    tmux.keys("?");
    tmux.wait_for("the help closed", STEP, |s| !s.contains("Help: keys"));
    tmux.keys("1");
    tmux.wait_for("the overview", STEP, |s| s.contains("Requests/min"));
    // Other files do not queue behind the stuck audit line: the report is written.
    tmux.keys("I");
    let screen = tmux.wait_for("the incident report's path", STEP, |s| {
        s.contains("incident report: ")
    });
    let incidents = dir.path().join("state/mcptop/incidents");
    let written = std::fs::read_dir(&incidents)
        .map(|d| d.flatten().count())
        .unwrap_or(0);
    assert_eq!(
        written,
        2,
        "Markdown and JSON in {}: {screen}",
        incidents.display()
    );

    // Quit waits a bounded time for the stuck line, then says it was not written.
    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
    assert!(
        after.contains("1 line(s) not written"),
        "the lost line is said on stderr: {after}"
    );
}
