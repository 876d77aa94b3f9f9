//! End to end: a stdio MCP server (the Python peer) killed in the middle of a long call that
//! is not idempotent, while the real binary runs in tmux. The call ends as interrupted with a
//! clear reason and is not sent again, the TUI keeps answering keys, the server is started
//! again, and its stderr is in the logs screen.

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
const STEP: Duration = Duration::from_secs(15);

#[test]
fn a_stdio_server_killed_mid_call() {
    if !support::require_program("tmux") {
        return;
    }
    let Some((python, script)) = support::peers::python_server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let pidfile = dir.path().join("peer.pid");
    let config = dir.path().join("mcptop.toml");
    let toml_str = |p: &Path| format!("{:?}", p.display().to_string());
    std::fs::write(
        &config,
        format!(
            "[mcp.servers.py]\ncommand = {}\nargs = [{}]\nenv = {{ MCPTOP_PEER_PIDFILE = {} }}\n",
            toml_str(&python),
            toml_str(&script),
            toml_str(&pidfile)
        ),
    )
    .expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let run = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --config {c} demo --rate 2; echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("faults", 140, 40, &run);
    tmux.wait_for("the dashboard", WAIT, |s| s.contains("Requests/min"));
    // Servers of the config come before the ones of flags (`demo`): py is selected.
    tmux.keys("2");
    tmux.wait_for("the python server's tools", WAIT, |s| {
        s.contains("Tools of py (9/9)")
    });

    // migrate(seconds=60, steps=60): not idempotent, progress every second.
    tmux.keys("/");
    tmux.cmd(&["send-keys", "-t", "main", "-l", "migrate"]);
    tmux.keys("Enter");
    tmux.keys("Enter");
    tmux.wait_for("the form", STEP, |s| s.contains("Call migrate on py"));
    tmux.cmd(&["send-keys", "-t", "main", "-l", "60"]);
    tmux.keys("Tab");
    tmux.cmd(&["send-keys", "-t", "main", "-l", "60"]);
    tmux.keys("C-s");
    tmux.wait_for("the confirmation", STEP, |s| {
        s.contains("Confirm tools/call")
    });
    tmux.keys("y");
    tmux.wait_for("progress", STEP, |s| {
        s.contains("⟳ running") && s.contains("% ")
    });

    let pid = std::fs::read_to_string(&pidfile).expect("pid file");
    let status = std::process::Command::new("kill")
        .args(["-9", pid.trim()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let screen = tmux.wait_for("the interrupted call", STEP, |s| {
        s.contains("! interrupted")
    });
    assert!(
        screen.contains("may or may not have processed it; it was not retried"),
        "{screen}"
    );

    // Keys still work; the server comes back by itself.
    tmux.keys("Escape");
    tmux.wait_for("the overlay closed", STEP, |s| {
        !s.contains("tools/call migrate on py")
    });
    // A new process first (it writes its pid as it starts), then the panel: the panel can
    // still show the killed one as connected for a moment after the call's interruption,
    // until its end reaches the app, and a run under load once read the pid file then.
    let old_pid = pid.trim().to_string();
    let new_pid = support::tmux::wait_for_file(&tmux, &pidfile, "a new py process", WAIT, |p| {
        !p.trim().is_empty() && p.trim() != old_pid
    });
    assert_ne!(old_pid, new_pid.trim(), "a new process was started");
    tmux.wait_for("py reconnected", WAIT, |s| {
        s.lines()
            .any(|l| l.contains(" py ") && l.contains("● connected"))
    });

    // Its stderr is kept in the logs screen, never drawn over the dashboard.
    tmux.keys("4");
    let logs = tmux.wait_for("the logs of py", STEP, |s| s.contains("MCP server py"));
    assert!(logs.contains("mcptop test peer starting"), "{logs}");
    assert!(logs.contains("stderr"), "{logs}");

    tmux.keys("3");
    let history = tmux.wait_for("the history", STEP, |s| s.contains("Calls (1"));
    assert!(history.contains("! interrupted"), "{history}");
    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
}

/// A Streamable HTTP server (server-everything) killed with a read-only call in flight:
/// within a second the panel marks it unreachable with the reason and the call view says
/// the call was interrupted and waits to be sent again; once the server is back, the call is
/// sent again and the call view says so beside its result.
#[test]
fn a_killed_http_server_is_unreachable_at_once_and_its_call_told() {
    if !support::require_program("tmux") {
        return;
    }
    let Some(script) = support::peers::everything_script() else {
        return;
    };
    let port = support::peers::free_port();
    let server = support::peers::EverythingHttp::start(&script, port);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("mcptop.toml");
    std::fs::write(
        &config,
        format!(
            "[mcp.servers.ev]\nurl = \"{}\"\n\n[[bindings]]\nkey = \"F6\"\nserver = \"ev\"\ntool = \"trigger-long-running-operation\"\nargs = {{ duration = 6, steps = 12 }}\n",
            server.url()
        ),
    )
    .expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let run = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --config {c} demo --rate 2; echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("unreachable", 160, 40, &run);
    tmux.wait_for("the dashboard", WAIT, |s| s.contains("Requests/min"));
    tmux.keys("2");
    let ev_row = |s: &str, word: &str| s.lines().any(|l| l.contains(" ev ") && l.contains(word));
    tmux.wait_for("ev connected", WAIT, |s| ev_row(s, "● connected"));
    // Read-only and idempotent: sent again after a reconnect.
    tmux.keys("F6");
    tmux.wait_for("progress", STEP, |s| {
        s.contains("tools/call trigger-long-running-operation on ev") && s.contains("% ")
    });

    server.kill();
    let killed = std::time::Instant::now();
    let screen = tmux.wait_for("ev unreachable and the call told", STEP, |s| {
        ev_row(s, "↻ unreachable") && s.contains("↻ interrupted, waiting to resend")
    });
    let took = killed.elapsed();
    assert!(
        took <= Duration::from_secs(1),
        "seen after {took:?} (wanted within 1 s):\n{screen}"
    );
    // The reason under the row: the broken stream or the refused request, whichever came
    // first.
    assert!(screen.contains("✖ unreachable: "), "the reason: {screen}");
    assert!(
        screen.contains("the tool is idempotent: it will be sent again"),
        "{screen}"
    );

    // Back on the same port: a new session, the call sent again and said so.
    let server = support::peers::EverythingHttp::start(&script, port);
    let screen = tmux.wait_for("the resent call's result", WAIT, |s| {
        s.contains("✔ ok") && s.contains("sent again after a reconnect")
    });
    assert!(ev_row(&screen, "● connected"), "{screen}");
    tmux.keys("Escape");
    tmux.keys("q");
    let after = tmux.wait_for("exit", STEP, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
    drop(server);
}
