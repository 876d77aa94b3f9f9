//! End to end: the tools view of the real binary in tmux against the bundled demo server.
//! Open the tools view, fill a form, call, read the result; press a bound key and find the
//! call in the history; `--read-only` refuses a destructive tool.

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(10);

/// Starts `mcptop demo <extra>` in tmux with a config binding F5 to `health.check`. The
/// demo's tools fail at its error ratio, the operator's calls too: none here, so that a call
/// the test makes reads `ok` every time (a simulated upstream 502 failed one run).
fn start(tag: &str, extra: &str, dir: &Path) -> Tmux {
    let config = dir.join("mcptop.toml");
    std::fs::write(
        &config,
        "[[bindings]]\nkey = \"F5\"\nserver = \"demo\"\ntool = \"health.check\"\nargs = { deep = true }\n",
    )
    .expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --config {c} demo --rate 2 --error-ratio 0 {extra}; echo EXIT=$?; sleep 30",
        d = shell_quote(dir),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    Tmux::start(tag, 140, 40, &script)
}

/// Shows the tools screen and waits for the demo's 13 tools.
fn tools_listed(tmux: &Tmux) {
    tmux.wait_for("the dashboard", WAIT, |s| s.contains("Requests/min"));
    tmux.keys("2");
    tmux.wait_for("the demo's tools", WAIT, |s| {
        s.contains("Tools of demo (13/13)")
    });
}

#[test]
fn form_call_result_binding_and_history() {
    if !support::require_program("tmux") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = start("tools", "", dir.path());
    tools_listed(&tmux);
    let screen = tmux.capture();
    assert!(screen.contains("● connected"), "{screen}");
    assert!(screen.contains("[destructive]"), "{screen}");

    // Filter to notion.search, open its form, fill the query, submit.
    tmux.keys("/");
    tmux.cmd(&["send-keys", "-t", "main", "-l", "notion.search"]);
    tmux.keys("Enter");
    tmux.wait_for("the filtered list", STEP, |s| {
        s.contains("Tools of demo (1/13)")
    });
    tmux.keys("Enter");
    tmux.wait_for("the form", STEP, |s| {
        s.contains("Call notion.search on demo")
    });
    tmux.cmd(&["send-keys", "-t", "main", "-l", "runbook"]);
    tmux.keys("C-s");
    let result = tmux.wait_for("the result", STEP, |s| {
        s.contains("tools/call notion.search on demo")
            && s.contains("✔ ok")
            && !s.contains("⟳ running")
    });
    assert!(result.contains("structuredContent"), "{result}");
    assert!(result.contains("query=\"runbook\""), "{result}");
    // Each key waits for the screen the one before it produced: tmux writes keys as fast as
    // it can, and an Escape followed at once by `\x1b[15~` (F5) or `3` reads as Alt+….
    tmux.keys("Escape");
    tmux.wait_for("the result closed", STEP, |s| {
        !s.contains("tools/call notion.search on demo")
    });

    // F5 calls health.check (read-only, so no confirmation) with its preset arguments.
    tmux.keys("F5");
    // Not while it runs: the tool's pane under the smaller running overlay may show an
    // earlier call's `✔ ok`, and Escape would then cancel this one instead of closing it.
    tmux.wait_for("the bound call", STEP, |s| {
        s.contains("tools/call health.check on demo")
            && s.contains("✔ ok")
            && !s.contains("⟳ running")
    });
    tmux.keys("Escape");
    tmux.wait_for("the result closed", STEP, |s| {
        !s.contains("tools/call health.check on demo")
    });
    tmux.keys("3");
    let history = tmux.wait_for("the history", STEP, |s| s.contains("Calls (2"));
    let row = history
        .lines()
        .find(|l| l.contains("health.check"))
        .unwrap_or_else(|| panic!("health.check not in history:\n{history}"));
    assert!(row.contains("key F5") && row.contains("✔ ok"), "{row}");
    assert!(history.contains("notion.search"), "{history}");

    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
}

#[test]
fn read_only_refuses_a_destructive_tool() {
    if !support::require_program("tmux") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = start("readonly", "--read-only", dir.path());
    tools_listed(&tmux);
    assert!(tmux.capture().contains("READ-ONLY"));
    tmux.keys("/");
    tmux.cmd(&["send-keys", "-t", "main", "-l", "cache.flush"]);
    tmux.keys("Enter");
    tmux.wait_for("the filtered list", STEP, |s| {
        s.contains("Tools of demo (1/13)")
    });
    tmux.keys("Enter");
    let screen = tmux.wait_for("the refusal", STEP, |s| {
        s.contains("read-only mode: cache.flush is not annotated readOnlyHint")
    });
    assert!(!screen.contains("Confirm tools/call"), "{screen}");
    assert!(!screen.contains("Call cache.flush"), "{screen}");
    // The refusal is in the audit log; nothing was called.
    let audit = support::tmux::wait_for_file(
        &tmux,
        &dir.path().join("state/mcptop/audit.jsonl"),
        "the refusal's audit line",
        STEP,
        |a| a.contains("\"outcome\":\"refused\"") && a.contains("cache.flush"),
    );
    assert!(audit.contains("\"outcome\":\"refused\""), "{audit}");
    assert!(audit.contains("cache.flush"), "{audit}");
    tmux.keys("q");
}
