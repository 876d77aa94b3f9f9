//! End to end: the real binary in tmux (`mcptop demo`), as an operator would use it.

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::tmux::{Tmux, shell_quote};

#[test]
fn demo_shows_numbers_help_and_restores_terminal() {
    if !support::require_program("tmux") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} demo --interval 1s --rate 20; \
         echo EXIT=$?; stty -a | tr -s ' ;\\n' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo; sleep 30",
        d = shell_quote(dir.path()),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("e2e", 100, 30, &script);

    // The tiles fill in once two scrapes exist.
    let screen = tmux.wait_for("tiles with numbers", Duration::from_secs(60), |s| {
        s.contains("req/s") && s.contains('%') && (s.contains("ms") || s.contains("s "))
    });
    assert!(screen.contains("Requests/min"), "{screen}");
    assert!(screen.contains("Error rate"), "{screen}");
    assert!(screen.contains("P95 latency"), "{screen}");
    assert!(screen.contains("● UP"), "{screen}");
    assert!(screen.contains("profile otel-mcp"), "{screen}");
    let numbers = screen
        .lines()
        .find(|l| l.contains("req/s"))
        .expect("detail line");
    assert!(numbers.chars().any(|c| c.is_ascii_digit()), "{numbers}");

    // Help opens over the dashboard and closes with Esc.
    tmux.keys("?");
    let help = tmux.wait_for("help overlay", Duration::from_secs(5), |s| {
        s.contains("Help: keys")
    });
    assert!(help.contains("quit"), "{help}");
    tmux.keys("Escape");
    tmux.wait_for("help closed", Duration::from_secs(5), |s| {
        !s.contains("Help: keys")
    });

    // q quits; the shell after it sees a cooked terminal and the main screen.
    tmux.keys("q");
    // Wait for the line `stty` prints after the exit code, not only for the exit code: on
    // a loaded machine the shell may not have printed it yet when EXIT= shows.
    let after = tmux.wait_for("exit and terminal modes", Duration::from_secs(10), |s| {
        s.contains("EXIT=") && s.lines().any(|l| l.contains("icanon"))
    });
    assert!(after.contains("EXIT=0"), "{after}");
    let modes = after.lines().find(|l| l.contains("icanon")).unwrap_or("");
    assert!(
        modes.split_whitespace().any(|w| w == "icanon"),
        "terminal left raw: {after}"
    );
    assert!(
        modes.split_whitespace().any(|w| w == "echo"),
        "echo left off: {after}"
    );
    assert!(
        !after.contains("Requests/min"),
        "alternate screen not left: {after}"
    );
}
