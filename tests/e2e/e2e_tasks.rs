//! End to end: a task-augmented call (MCP 2025-11-25) in the real binary in tmux, against
//! server-everything's `simulate-research-query` (npm, stdio, imported from a Claude Desktop
//! config). The tool is badged `[task]`; called from its form, the call view shows the task's
//! status while it works and then the report; a second call cancelled with Esc ends
//! `cancelled` with the server's own status; both calls are in the audit log.

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(20);

/// Filters to the tool, opens its form, types the topic, calls and confirms.
fn call_research(tmux: &Tmux, topic: &str) {
    tmux.keys("Enter");
    tmux.wait_for("the form", STEP, |s| {
        s.contains("Call simulate-research-query on ev")
    });
    tmux.cmd(&["send-keys", "-t", "main", "-l", topic]);
    tmux.keys("C-s");
    tmux.wait_for("the confirmation", STEP, |s| {
        s.contains("y/n") || s.contains("[y]")
    });
    tmux.keys("y");
}

#[test]
fn a_task_tool_is_called_polled_and_cancelled_from_the_screen() {
    if !support::require_program("tmux") {
        return;
    }
    let Some(script) = support::peers::everything_script() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let claude = dir.path().join("claude_desktop_config.json");
    let desktop = serde_json::json!({"mcpServers": {"ev": {
        "command": "node",
        "args": [script.display().to_string(), "stdio"],
    }}});
    std::fs::write(&claude, desktop.to_string()).expect("claude config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let run = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --mcp-config {c}; echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&claude),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("tasks", 140, 40, &run);
    tmux.wait_for("the task tool listed", WAIT, |s| {
        s.contains("simulate-research-query") || s.contains("EXIT=")
    });
    tmux.keys("/");
    tmux.cmd(&["send-keys", "-t", "main", "-l", "simulate-research"]);
    tmux.keys("Enter");
    let listed = tmux.wait_for("the filtered list", STEP, |s| s.contains("(1/"));
    let row = listed
        .lines()
        .find(|l| l.contains("▶simulate-research-query"))
        .unwrap_or_else(|| panic!("no selected task tool:\n{listed}"));
    assert!(row.contains("[task]"), "{row}");

    call_research(&tmux, "tide pools");
    let working = tmux.wait_for("the task's status", STEP, |s| s.contains("task working: "));
    assert!(working.contains("⟳ running"), "{working}");
    let done = tmux.wait_for("the report", STEP, |s| {
        s.contains("✔ ok") && s.contains("Research Report: tide pools")
    });
    assert!(done.contains("task completed"), "{done}");
    tmux.keys("Escape");
    tmux.wait_for("the result closed", STEP, |s| {
        !s.contains("tools/call simulate-research-query")
    });

    call_research(&tmux, "cancel me");
    tmux.wait_for("the second task working", STEP, |s| {
        s.contains("task working") && s.contains("Esc cancel")
    });
    tmux.keys("Escape");
    let cancelled = tmux.wait_for("the cancelled task", STEP, |s| {
        s.contains("⊘ cancelled") && s.contains("task cancelled")
    });
    assert!(!cancelled.contains("Research Report"), "{cancelled}");
    tmux.keys("Escape");

    let audit = support::tmux::wait_for_file(
        &tmux,
        &dir.path().join("state/mcptop/audit.jsonl"),
        "the two calls' audit lines",
        STEP,
        |a| {
            a.lines()
                .filter(|l| l.contains("simulate-research-query"))
                .count()
                >= 2
        },
    );
    let lines: Vec<&str> = audit
        .lines()
        .filter(|l| l.contains("simulate-research-query"))
        .collect();
    assert_eq!(lines.len(), 2, "{audit}");
    assert!(lines[0].contains("\"ok\""), "{}", lines[0]);
    assert!(lines[1].contains("cancelled"), "{}", lines[1]);

    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
}
