//! End to end: the real binary in tmux scraping several demo servers itself, no Prometheus.
//! Three targets and a hanging one on the command line make the fleet screen: the hanging
//! one is DOWN with `timed out` while the others keep fresh numbers; Enter drills into one
//! and Esc comes back. The same fleet from a Prometheus `file_sd` targets file follows the
//! file as a target is added and removed while it runs.

use crate::support;

use std::path::Path;
use std::time::Duration;

use mcptop_demo::DemoServer;
use support::faulty::{Fault, Faulty};
use support::tmux::{Tmux, shell_quote};

const WAIT: Duration = Duration::from_secs(60);

async fn demo(rate: f64, error_ratio: f64) -> DemoServer {
    support::demo::start(rate, error_ratio, (20, 300)).await
}

/// The dashboard in tmux with `args`, its own config and state dirs in `dir`.
fn dashboard(tag: &str, dir: &Path, args: &str) -> Tmux {
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --interval 1s --timeout 500ms {args}; echo EXIT=$?; sleep 30",
        d = shell_quote(dir),
        bin = shell_quote(bin),
    );
    Tmux::start(tag, 150, 30, &script)
}

/// The fleet row of `addr` on `screen`, if shown (the whole address: one port may be a
/// prefix of another's).
fn row<'a>(screen: &'a str, addr: &str) -> Option<&'a str> {
    let cell = format!(" {addr} ");
    screen.lines().find(|l| l.contains(&cell))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_on_the_command_line_make_a_fleet_and_a_hanging_one_delays_none() {
    if !support::require_program("tmux") {
        return;
    }
    let servers = [
        demo(20.0, 0.0).await,
        demo(10.0, 0.2).await,
        demo(5.0, 0.0).await,
    ];
    let stuck = demo(5.0, 0.0).await;
    let hanging = Faulty::start(stuck.addr);
    hanging.set(Fault::Hang);
    let addrs: Vec<String> = servers.iter().map(|s| s.addr.to_string()).collect();
    let hang_addr = hanging.url().trim_start_matches("http://").to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let args: String = addrs
        .iter()
        .chain([&hang_addr])
        .map(|a| format!("--target {a} "))
        .collect();
    let tmux = dashboard("sfleet", dir.path(), &args);

    // Four rows; the three demos up with numbers, the hanging one down with its reason.
    let screen = tmux.wait_for("three up with numbers, one timed out", WAIT, |s| {
        s.contains("Fleet · targets (4 targets, 1 down)")
            && addrs
                .iter()
                .all(|a| row(s, a).is_some_and(|l| l.contains("● up") && l.contains('%')))
            // The row names the target: its error keeps the path it fetched and its cause.
            && row(s, &hang_addr)
                .is_some_and(|l| l.contains("✖ DOWN") && l.contains("/metrics: timed out"))
    });
    assert!(screen.contains("✖ 1/4 targets DOWN"), "{screen}");
    // The one with errors reads them (its error series appears with its first error, and
    // rate() needs two samples of it).
    tmux.wait_for("the errors of the failing demo", WAIT, |s| {
        row(s, &addrs[1]).is_some_and(|l| l.contains('%') && !l.contains(" 0.00%"))
    });

    // Enter on the first row (sorted by name) drills into that target: fresh numbers while
    // the hanging one times out at every interval.
    let first = {
        let mut all: Vec<&String> = addrs.iter().chain([&hang_addr]).collect();
        all.sort();
        all[0].clone()
    };
    tmux.keys("Enter");
    let screen = tmux.wait_for("the drilled target's overview", WAIT, |s| {
        s.contains(&format!("targets · {first}")) && s.contains("Requests/min")
    });
    if first != hang_addr {
        tmux.wait_for("fresh numbers", WAIT, |s| {
            s.contains("scraped 0s ago") || s.contains("scraped 1s ago")
        });
    } else {
        assert!(screen.contains("timed out"), "{screen}");
    }
    tmux.keys("Escape");
    tmux.wait_for("the fleet again", WAIT, |s| {
        s.contains("Fleet · targets (4 targets")
    });
    // The fleet's own alerts: the hanging target is down, labelled with its name.
    tmux.keys("5");
    tmux.wait_for("McpTargetDown for the hanging target", WAIT, |s| {
        s.lines()
            .any(|l| l.contains("McpTargetDown") && l.contains(&format!("instance={hang_addr}")))
    });
    tmux.keys("q");
    tmux.wait_for("a clean exit", WAIT, |s| s.contains("EXIT=0"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_targets_file_is_followed_as_targets_come_and_go() {
    if !support::require_program("tmux") {
        return;
    }
    let servers = [
        demo(10.0, 0.0).await,
        demo(10.0, 0.0).await,
        demo(10.0, 0.0).await,
    ];
    let addrs: Vec<String> = servers.iter().map(|s| s.addr.to_string()).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("targets.json");
    // Written whole and renamed into place, as configuration management does.
    let write = |targets: &[&String]| {
        let list: Vec<String> = targets.iter().map(|t| format!("\"{t}\"")).collect();
        let tmp = dir.path().join("targets.json.tmp");
        std::fs::write(
            &tmp,
            format!(
                "[{{\"targets\": [{}], \"labels\": {{\"job\": \"mcp\"}}}}]",
                list.join(", ")
            ),
        )
        .expect("write");
        std::fs::rename(&tmp, &file).expect("rename");
    };
    write(&[&addrs[0], &addrs[1]]);
    let config = dir.path().join("mcptop.toml");
    std::fs::write(
        &config,
        format!("[target]\ntargets_file = \"{}\"\n", file.display()),
    )
    .expect("config");
    let tmux = dashboard(
        "sfile",
        dir.path(),
        &format!("--config {}", shell_quote(&config)),
    );
    let up = |s: &str, a: &String| row(s, a).is_some_and(|l| l.contains("● up"));
    tmux.wait_for("the file's two targets, up", WAIT, |s| {
        s.contains("(2 targets)") && up(s, &addrs[0]) && up(s, &addrs[1])
    });
    write(&[&addrs[0], &addrs[1], &addrs[2]]);
    tmux.wait_for("the added one", WAIT, |s| {
        s.contains("(3 targets)") && addrs.iter().all(|a| up(s, a))
    });
    write(&[&addrs[1], &addrs[2]]);
    let screen = tmux.wait_for("the removed one gone", WAIT, |s| {
        s.contains("(2 targets)") && row(s, &addrs[0]).is_none()
    });
    assert!(up(&screen, &addrs[1]) && up(&screen, &addrs[2]), "{screen}");
    // A file that no longer reads keeps the targets, and says why.
    std::fs::write(&file, "[{\"targets\": [").expect("write");
    let screen = tmux.wait_for("the file's error", WAIT, |s| {
        s.contains("warning:") && s.contains("targets.json")
    });
    assert!(screen.contains("(2 targets)"), "{screen}");
    tmux.keys("q");
    tmux.wait_for("a clean exit", WAIT, |s| s.contains("EXIT=0"));
}
