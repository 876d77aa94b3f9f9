//! End to end: `--record FILE` on a demo for two minutes, its error ratio raised after the
//! first, the real binary killed with SIGKILL, then `mcptop replay FILE` shows the error
//! tile go from ok to CRIT as the replay passes the change (with the footer's speed and
//! pause); `Home` takes the time cursor back before the change, past the one minute of
//! history the model keeps (the playback head moves there), where the tile is ok again,
//! and playing on turns it CRIT; `mcptop snapshot --from FILE --at TIME` reports a low
//! error ratio before the change and a high one after it.

use crate::support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use mcptop::model::recording::Event;
use mcptop::sources::files::recording::{self, Recording};
use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);
/// Scrapes recorded before the change, and after it: a minute each at 1 s.
const BEFORE: usize = 60;
const AFTER: usize = 60;

/// The error rate tile's value line: the second of the four tiles under their titles.
fn error_tile(screen: &str) -> Option<&str> {
    let lines: Vec<&str> = screen.lines().collect();
    let title = lines.iter().position(|l| l.contains("┌ Error rate"))?;
    lines.get(title + 1)?.split("││").nth(1)
}

/// The scrapes the recording at `path` holds so far.
fn scrapes(path: &Path) -> usize {
    recording::read(path).map_or(0, |r: Recording| {
        r.events
            .iter()
            .filter(|e| matches!(e, Event::Scrape { result: Ok(_), .. }))
            .count()
    })
}

/// Polls until the recording holds `n` good scrapes.
fn wait_scrapes(path: &Path, n: usize) {
    let start = Instant::now();
    while scrapes(path) < n {
        assert!(
            start.elapsed() < WAIT,
            "the recording never held {n} scrapes ({} so far)",
            scrapes(path)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `mcptop snapshot --from FILE --at AT`'s JSON report.
fn snapshot_at(dir: &Path, file: &Path, at: &str) -> serde_json::Value {
    let out_dir = dir.join(format!("reports-{}", at.replace(':', "")));
    let out = Command::new(env!("CARGO_BIN_EXE_mcptop"))
        .args(["snapshot", "--from"])
        .arg(file)
        .args(["--at", at, "--dir"])
        .arg(&out_dir)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("MCPTOP_CONFIG")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "snapshot --at {at}: {stderr}");
    let printed = String::from_utf8_lossy(&out.stdout);
    let json = printed.lines().nth(1).expect("the .json path");
    serde_json::from_str(&std::fs::read_to_string(json).expect("json written")).expect("json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recording_killed_mid_incident_replays_the_change_and_reports_both_sides() {
    if !support::require_program("tmux") {
        return;
    }
    let server = support::demo::start(20.0, 0.0, (20, 200)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("incident.rec");
    let pid_file = dir.path().join("pid");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let env = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state",
        d = shell_quote(dir.path())
    );
    // `exec`: the shell's PID becomes mcptop's, for the SIGKILL below.
    let script = format!(
        "echo $$ > {pid}; exec {env} {bin} --interval 1s --timeout 500ms --window 10s --history 1m --target {addr} --record {file}",
        pid = shell_quote(&pid_file),
        bin = shell_quote(bin),
        addr = server.addr,
        file = shell_quote(&file),
    );
    let live = Tmux::start("record", 150, 30, &script);
    live.wait_for("the footer's recording", WAIT, |s| s.contains("● rec"));
    wait_scrapes(&file, BEFORE);
    server.set_error_ratio(0.9);
    let changed_ms = mcptop::sources::now_ms();
    let after = scrapes(&file);
    wait_scrapes(&file, after + AFTER);
    live.wait_for("the live error tile CRIT", WAIT, |s| {
        error_tile(s).is_some_and(|t| t.contains('✖'))
    });
    let pid = std::fs::read_to_string(&pid_file).expect("pid written");
    let killed = Command::new("kill")
        .args(["-KILL", pid.trim()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    drop(live);

    // Killed without a chance to finish: every record written so far reads back.
    let rec = recording::read(&file).expect("the recording reads");
    assert_eq!(rec.header.interval_ms, 1000);
    assert_eq!(rec.header.range_ms, 10_000);
    assert!(rec.series > 0 && rec.events.len() > BEFORE + AFTER);
    let (start, end) = rec.span_ms();
    assert!(start < changed_ms && changed_ms < end);
    // Two minutes: more than the replay's one minute of history on either side of the
    // change, so that `Home` below lies outside what the replay keeps at the end.
    assert!(end - start >= 115_000, "recorded {} ms", end - start);

    // The replay starts at 1x before the change: the error tile is ok there...
    let replay = Tmux::start(
        "replay",
        150,
        30,
        &format!(
            "{env} {bin} replay {file}; echo EXIT=$?; sleep 30",
            bin = shell_quote(bin),
            file = shell_quote(&file),
        ),
    );
    replay.wait_for("the replay's ok error tile", WAIT, |s| {
        s.contains("replay 1x at")
            && error_tile(s).is_some_and(|t| t.contains('✔') && t.contains('%'))
    });
    // ...Space pauses it, `>` `>` go to 60x, and past the change it turns CRIT.
    replay.keys("Space");
    replay.wait_for("paused", WAIT, |s| s.contains("replay 1x paused at"));
    replay.keys("Space");
    replay.keys(">");
    replay.keys(">");
    let screen = replay.wait_for("the replay's CRIT error tile at 60x", WAIT, |s| {
        s.contains("replay 60x") && error_tile(s).is_some_and(|t| t.contains('✖'))
    });
    assert!(!screen.contains("EXIT="), "{screen}");
    // Played to its end (at 60x, two seconds), the model keeps the last minute only.
    replay.wait_for("the replay's end", WAIT, |s| {
        s.contains("replay 60x ended at")
    });
    // `Home`: the first whole window (10 s after the start, the change a minute later),
    // older than the minute of history the model keeps, so the playback head goes there,
    // paused, and the tile is ok.
    let home = chrono::DateTime::from_timestamp_millis(start + 10_000)
        .expect("a time")
        .with_timezone(&chrono::Local)
        .format("%H:%M:%S")
        .to_string();
    replay.keys("Home");
    replay.wait_for("the head before the change, ok", WAIT, |s| {
        s.contains(&format!("replay 60x paused at {home}"))
            && error_tile(s).is_some_and(|t| t.contains('✔'))
    });
    // Played on from there, past the change, CRIT again.
    replay.keys("Space");
    replay.wait_for("past the change again, CRIT", WAIT, |s| {
        s.contains("replay 60x ")
            && !s.contains("paused")
            && error_tile(s).is_some_and(|t| t.contains('✖'))
    });
    replay.keys("q");
    replay.wait_for("replay quits", WAIT, |s| s.contains("EXIT=0"));

    // The reports of an instant before the change and one well after it.
    let rfc3339 = |ms: i64| {
        chrono::DateTime::from_timestamp_millis(ms)
            .expect("a time")
            .to_rfc3339()
    };
    let before = snapshot_at(dir.path(), &file, &rfc3339(changed_ms - 1000));
    let after = snapshot_at(dir.path(), &file, "end");
    let ratio = |v: &serde_json::Value| v["tiles"]["error_ratio"].as_f64().unwrap_or(-1.0);
    assert!(
        (0.0..0.05).contains(&ratio(&before)),
        "before the change: {}",
        before["tiles"]
    );
    assert!(ratio(&after) > 0.5, "after the change: {}", after["tiles"]);
    assert_eq!(before["mode"], "scrape");
}

/// `--record` refusals come before the terminal is taken, as one line and exit 2.
#[test]
fn query_mode_and_a_file_with_data_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let used = dir.path().join("used.rec");
    std::fs::write(&used, b"earlier").expect("write");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_mcptop"))
            .args(args)
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env_remove("MCPTOP_CONFIG")
            .output()
            .expect("runs");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let used = used.to_str().expect("utf-8");
    let (code, err) = run(&["--prometheus", "http://127.0.0.1:1", "--record", used]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("recording is scrape mode's"), "{err}");
    let (code, err) = run(&["--target", "127.0.0.1:1", "--record", used]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("never overwritten"), "{err}");
    assert_eq!(std::fs::read(used).expect("kept"), b"earlier");
    let (code, err) = run(&["replay", used]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not an mcptop recording"), "{err}");
}
