//! End to end: mcptop as an MCP client alone, as the README shows it: `mcptop --mcp-config
//! claude_desktop_config.json` with no target. It starts on the tools screen with the
//! imported server's tools, the overview says no target is configured, and `q` exits 0
//! (before, it stopped at once with "no target" and a backtrace).

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(15);

#[test]
fn mcp_config_alone_starts_on_the_tools_screen() {
    if !support::require_program("tmux") {
        return;
    }
    let Some((python, script)) = support::peers::python_server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let claude = dir.path().join("claude_desktop_config.json");
    let desktop = serde_json::json!({
        "mcpServers": {
            "py": {
                "command": python.display().to_string(),
                "args": [script.display().to_string()],
            }
        }
    });
    std::fs::write(&claude, desktop.to_string()).expect("claude config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let run = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state RUST_BACKTRACE=1 {bin} --mcp-config {c}; echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&claude),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("mcponly", 140, 40, &run);
    let screen = tmux.wait_for("the tools of py", WAIT, |s| {
        s.contains("Tools of py (9/9)") || s.contains("EXIT=")
    });
    assert!(!screen.contains("EXIT="), "mcptop stopped:\n{screen}");
    // The header says what mcptop is here, not a scrape that never comes.
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains("no target: MCP client only"), "{header}");
    assert!(
        !header.contains("connecting") && !header.contains("profile"),
        "{header}"
    );
    assert!(
        screen
            .lines()
            .any(|l| l.contains(" py ") && l.contains("● connected")),
        "{screen}"
    );

    tmux.keys("1");
    let overview = tmux.wait_for("the overview", STEP, |s| {
        s.contains("No target is configured")
    });
    assert!(overview.contains("--target URL"), "{overview}");
    assert!(!overview.contains("backtrace"), "{overview}");

    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
}
