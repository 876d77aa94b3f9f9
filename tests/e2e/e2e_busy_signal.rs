//! End to end: SIGTERM ends the real binary and restores the terminal even while the event
//! loop is busy: stalled for 10 s (a debug-build hook), or applying a huge update (a
//! /metrics of 200,000 series, about 15 MB). The README promises about a second; the
//! deadline here is 5 s for a loaded 2-core CI box, and the time measured is printed.

use crate::support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use futures::StreamExt;
use support::exiting::{Exiting, pane};
use support::tmux::Tmux;

const SERIES: usize = 200_000;

/// A counter with a label unique to each series, as a gateway with a session label would
/// write it.
fn huge_exposition() -> Bytes {
    let mut text = String::from(
        "# HELP mcp_requests_total MCP requests.\n# TYPE mcp_requests_total counter\n",
    );
    for i in 0..SERIES {
        text.push_str(&format!(
            "mcp_requests_total{{method=\"tools/call\",session=\"c0ffee-{i:08}-5e551047\"}} {}\n",
            i % 977
        ));
    }
    Bytes::from(text)
}

/// Serves the exposition at /metrics; counts requests, and says when the whole body of one
/// answer was handed to the connection.
struct Target {
    addr: std::net::SocketAddr,
    requests: Arc<AtomicUsize>,
    served: Arc<AtomicBool>,
    _rt: tokio::runtime::Runtime,
}

impl Target {
    fn start(body: Bytes) -> Target {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let requests = Arc::new(AtomicUsize::new(0));
        let served = Arc::new(AtomicBool::new(false));
        let (r, s) = (Arc::clone(&requests), Arc::clone(&served));
        let app = axum::Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                r.fetch_add(1, Ordering::SeqCst);
                let (body, served) = (body.clone(), Arc::clone(&s));
                async move {
                    let chunk = 64 * 1024;
                    let n = body.len().div_ceil(chunk);
                    let chunks = futures::stream::iter(0..n).map(move |i| {
                        if i + 1 == n {
                            served.store(true, Ordering::SeqCst);
                        }
                        Ok::<_, std::io::Error>(
                            body.slice(i * chunk..((i + 1) * chunk).min(body.len())),
                        )
                    });
                    (
                        [("content-type", "text/plain; version=0.0.4")],
                        Body::from_stream(chunks),
                    )
                }
            }),
        );
        let addr = rt.block_on(support::serve::serve(app));
        Target {
            addr,
            requests,
            served,
            _rt: rt,
        }
    }
}

/// Polls `cond` every `every` until it holds; panics after `timeout`.
fn wait(what: &str, timeout: Duration, every: Duration, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        std::thread::sleep(every);
    }
}

/// Often enough to measure the exit to a few milliseconds.
const FAST: Duration = Duration::from_millis(5);
/// For what asks tmux (a process each time).
const TMUX: Duration = Duration::from_millis(50);

/// mcptop with `args` in tmux, its pid in a file; the shell after it prints `EXIT=<status>`
/// and the tty's `icanon`/`echo` modes.
struct Run {
    tmux: Tmux,
    pid_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    fn start(tag: &str, env: &str, args: &str) -> Run {
        let e = Exiting::start(tag, env, args);
        Run {
            tmux: e.tmux,
            pid_file: e.pid_file,
            _dir: e.dir,
        }
    }

    /// `#{alternate_on} #{mouse_any_flag} #{cursor_flag}` of the pane.
    fn modes(&self) -> String {
        pane(
            &self.tmux,
            "#{alternate_on} #{mouse_any_flag} #{cursor_flag}",
        )
    }

    /// Sends SIGTERM; returns how long the process took to end, after checking it ended
    /// within 5 s with status 143 and left the terminal as it found it.
    fn terminate(&self) -> Duration {
        let pid = std::fs::read_to_string(&self.pid_file).expect("pid file");
        let pid = pid.trim();
        let proc_dir = Path::new("/proc").join(pid);
        let alive = || {
            if Path::new("/proc/self").exists() {
                return proc_dir.exists();
            }
            std::process::Command::new("kill")
                .args(["-0", pid])
                .stderr(std::process::Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        };
        let sent = Instant::now();
        let status = std::process::Command::new("kill")
            .args(["-TERM", pid])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -TERM {pid}");
        wait(
            "mcptop to exit after SIGTERM",
            Duration::from_secs(5),
            FAST,
            || !alive(),
        );
        let took = sent.elapsed();
        let after =
            self.tmux
                .wait_for("the exit and the tty modes", Duration::from_secs(10), |s| {
                    s.contains("EXIT=") && s.contains("icanon")
                });
        assert!(after.contains("EXIT=143"), "{after}");
        assert_eq!(
            self.modes(),
            "0 0 1",
            "alternate screen, mouse reporting or a hidden cursor left on"
        );
        let words: Vec<&str> = after
            .lines()
            .find(|l| l.contains("icanon"))
            .unwrap_or("")
            .split_whitespace()
            .collect();
        assert!(
            words.contains(&"icanon") && words.contains(&"echo"),
            "terminal left raw: {after}"
        );
        took
    }
}

#[test]
fn sigterm_ends_it_while_the_event_loop_is_stalled() {
    if !support::require_program("tmux") {
        return;
    }
    // Debug builds block the loop for 10 s once the first frame is drawn when this is set:
    // only the watchdog can answer the signal.
    let run = Run::start(
        "stalled",
        "MCPTOP_DEBUG_STALL=1",
        "demo --interval 1s --rate 20 --mouse",
    );
    run.tmux
        .wait_for("the first frame", Duration::from_secs(60), |s| {
            s.contains("Requests/min")
        });
    assert!(
        run.modes().starts_with("1 1"),
        "alternate screen and mouse on"
    );
    let took = run.terminate();
    eprintln!("SIGTERM to exit with the event loop stalled: {took:?}");
}

#[test]
fn sigterm_ends_it_while_a_huge_update_is_applied() {
    if !support::require_program("tmux") {
        return;
    }
    let body = huge_exposition();
    assert!(
        body.len() < 16 * 1024 * 1024,
        "under the default scrape.max_body_bytes: {} bytes",
        body.len()
    );
    let target = Target::start(body.clone());
    let run = Run::start(
        "busy",
        "",
        &format!("--target http://{} --interval 60s --mouse", target.addr),
    );
    wait(
        "the whole /metrics body sent",
        Duration::from_secs(60),
        FAST,
        || target.served.load(Ordering::SeqCst),
    );
    wait(
        "the dashboard to hold the terminal",
        Duration::from_secs(30),
        TMUX,
        || run.modes().starts_with("1 1"),
    );
    let took = run.terminate();
    eprintln!(
        "SIGTERM to exit while {SERIES} series ({} bytes) are parsed and applied: {took:?} \
         ({} scrape(s))",
        body.len(),
        target.requests.load(Ordering::SeqCst)
    );
}
