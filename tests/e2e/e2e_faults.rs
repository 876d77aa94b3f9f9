//! End to end: the real binary in tmux while every source hangs (the target, Loki and
//! Alertmanager accept and never answer). Keys still switch screens at once, each panel
//! says what is wrong, and the dashboard fills in by itself when the target answers again.

use crate::support;

use std::path::Path;
use std::time::{Duration, Instant};

use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};
use support::faulty::{Fault, Faulty};
use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
/// Far above one frame (mcptop draws at most every 16 ms; tmux is polled every 250 ms),
/// far below a source's timeout: a screen that needs a source to answer first misses it.
const KEY: Duration = Duration::from_secs(3);

#[test]
fn keys_answer_and_panels_explain_while_every_source_hangs() {
    if !support::require_program("tmux") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let demo = rt
        .block_on(DemoServer::start(DemoOptions {
            port: 0,
            load: LoadOptions {
                enabled: true,
                rate_per_sec: 10.0,
                ..LoadOptions::default()
            },
        }))
        .expect("demo server");
    let target = Faulty::start(demo.addr);
    target.set(Fault::Hang);
    // Loki and Alertmanager hang for good (their upstream is the demo, which is neither).
    let others = Faulty::start(demo.addr);
    others.set(Fault::Hang);

    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("mcptop.toml");
    std::fs::write(
        &config,
        format!(
            "[target]\nurl = \"{t}\"\nname = \"hanging\"\n\
             [scrape]\ninterval = \"2s\"\ntimeout = \"2s\"\n\
             [loki]\nurl = \"{o}\"\nmode = \"poll\"\ntimeout = \"2s\"\n\
             [alertmanager]\nurls = [\"{o}\"]\ntimeout = \"2s\"\n",
            t = target.url(),
            o = others.url(),
        ),
    )
    .expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --config {c}; \
         echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("faults", 140, 40, &script);
    tmux.wait_for("the dashboard frame", WAIT, |s| s.contains("hanging"));

    // Screen keys are answered while every request is still hanging.
    for (key, title) in [
        ("4", "┌ Logs · Loki"),
        ("5", "┌ Alerts ─"),
        ("6", "┌ Silences ("),
        ("3", "┌ Calls ("),
        ("1", "Requests/min"),
    ] {
        let sent = Instant::now();
        tmux.keys(key);
        tmux.wait_for(&format!("screen {key} while sources hang"), KEY, |s| {
            s.contains(title)
        });
        assert!(sent.elapsed() < KEY);
    }

    // Each panel says what is wrong once the requests time out.
    tmux.wait_for("the target's timeout", WAIT, |s| s.contains("timed out"));
    tmux.keys("5");
    tmux.wait_for("Alertmanager's timeout", WAIT, |s| {
        s.contains("Alertmanager") && s.contains("timed out")
    });
    tmux.keys("4");
    tmux.wait_for("Loki's timeout", WAIT, |s| {
        s.contains("Loki") && s.contains("timed out")
    });
    tmux.keys("?");
    tmux.wait_for("help while sources hang", KEY, |s| s.contains("Help: keys"));
    tmux.keys("Escape");
    tmux.wait_for("help closed", KEY, |s| !s.contains("Help: keys"));

    // The target answers again: numbers appear without a key pressed.
    target.set(Fault::Pass);
    tmux.keys("1");
    tmux.wait_for("numbers after recovery", WAIT, |s| {
        s.contains("● UP") && s.contains("req/s")
    });
    tmux.keys("q");
    let after = tmux.wait_for("exit", WAIT, |s| s.contains("EXIT="));
    assert!(after.contains("EXIT=0"), "{after}");
    rt.block_on(demo.shutdown());
}
