//! End to end: the real binary in tmux, its logs screen on a server with Loki's API shapes
//! (`support::loki`) that floods it with 5,000 lines a second for 10 seconds. Keys are
//! answered throughout (filter, pause, screens), the buffer stops at its cap, and the
//! lines are filtered without asking Loki again.

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::loki::{Entry, FakeLoki, Options};
use support::tmux::{Tmux, shell_quote};

/// How long one key may take to show on a screen that is being flooded. Generous for
/// slow CI machines; this checks that keys are answered, not how fast.
const KEY: Duration = Duration::from_secs(10);
const START: Duration = Duration::from_secs(60);

#[test]
fn keys_stay_answered_under_5000_lines_a_second() {
    if !support::require_program("tmux") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let loki = rt.block_on(FakeLoki::start(Options::default()));
    let app = &[("app", "mcpist")];
    loki.push(vec![Entry::new(
        app,
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0)
            - 5_000_000_000,
        r#"{"level":"warn","module":"jira","msg":"backfilled line"}"#,
    )]);
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --loki {url} \
         --logql '{{app=\"mcpist\"}}' demo --rate 2 --error-ratio 0; echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        bin = shell_quote(bin),
        url = loki.url(),
    );
    let tmux = Tmux::start("logs", 200, 50, &script);
    tmux.wait_for("the dashboard", START, |s| s.contains("Requests/min"));
    tmux.keys("4");
    tmux.wait_for("the backfilled line", START, |s| {
        s.contains("Logs · Loki") && s.contains("backfilled line") && s.contains("✓ tail")
    });

    let flood = rt.spawn(async move {
        let handle = loki.flood(5000, 10, &[("app", "mcpist")]);
        let _ = handle.await;
        loki
    });
    tmux.wait_for("the flood on screen", START, |s| {
        s.contains("upstream timeout")
    });

    // Filter as typed, client-side.
    tmux.keys("/");
    tmux.cmd(&["send-keys", "-t", "main", "-l", "timeout"]);
    let filtered = tmux.wait_for("the filter", KEY, |s| {
        s.contains("/timeout") && s.contains("lines match")
    });
    let log_rows: Vec<&str> = filtered
        .lines()
        .filter(|l| l.contains(" info ") || l.contains(" error "))
        .collect();
    assert!(
        log_rows.iter().all(|l| l.contains("timeout")),
        "only matching lines:\n{filtered}"
    );
    tmux.keys("Enter");

    // Pause holds the view while lines keep arriving.
    tmux.keys("Space");
    tmux.wait_for("the pause", KEY, |s| s.contains("PAUSED +"));
    let first = tmux.capture();
    // Lines keep arriving while paused: wait until the pause counts more of them (or the
    // flood is over), then the list must be the one shown before.
    let arrived = |s: &str| -> Option<u64> {
        let rest = s.split("PAUSED +").nth(1)?;
        rest.split(' ').next()?.parse().ok()
    };
    let later = tmux.wait_for("lines arriving while paused", KEY, |s| {
        arrived(s) > arrived(&first) || flood.is_finished()
    });
    // The log list only: the error summary beside it ("Top errors") counts the lines kept
    // and goes on counting while the flood lasts.
    let rows = |s: &str| -> Vec<String> {
        s.lines()
            .filter_map(|l| l.split("││").next())
            .filter(|l| l.contains("upstream timeout"))
            .map(str::to_string)
            .collect()
    };
    assert!(!rows(&first).is_empty(), "log rows on screen:\n{first}");
    assert_eq!(rows(&first), rows(&later), "paused rows do not move");
    tmux.keys("Space");
    tmux.wait_for("following again", KEY, |s| s.contains("following"));
    // Escape clears the filter; wait for it so the next key is not read as Alt+1.
    tmux.keys("Escape");
    tmux.wait_for("the filter cleared", KEY, |s| !s.contains("/timeout"));

    // Another screen and back, still during the flood.
    tmux.keys("1");
    tmux.wait_for("the overview", KEY, |s| s.contains("Requests/min"));
    tmux.keys("4");
    tmux.wait_for("the logs again", KEY, |s| s.contains("Logs · Loki"));

    let loki = rt.block_on(flood).expect("flood ends");
    // 50,001 lines went out; the pane keeps its cap of 10,000 and the newest of them.
    tmux.wait_for("the newest line at the cap", START, |s| {
        s.contains("(request 50000)") && s.contains("10,000 lines (")
    });
    // Filtering never asked Loki again: one backfill, tails, no query per key.
    let queries = loki
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("query_range") && r.param("step").is_none())
        .count();
    assert!(queries <= 3, "{queries} log queries");
    tmux.keys("q");
    tmux.wait_for("a clean exit", START, |s| s.contains("EXIT=0"));
}
