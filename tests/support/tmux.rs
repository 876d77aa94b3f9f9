//! Driving the real binary in tmux: start a session, send keys, capture the pane.

use std::path::Path;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// A tmux server of its own (`-L socket`) with one session `main`; killed on drop.
pub struct Tmux {
    socket: String,
}

/// Tmux servers started by this process so far: two tests with the same tag in one test
/// binary still get a server each.
static STARTED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Tmux {
    pub fn new(tag: &str) -> Tmux {
        let n = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Tmux {
            socket: format!("mcptop-{tag}-{}-{n}", std::process::id()),
        }
    }

    /// A new server running `sh -c script` in a `cols` x `rows` session `main`.
    pub fn start(tag: &str, cols: u16, rows: u16, script: &str) -> Tmux {
        let tmux = Tmux::new(tag);
        let (cols, rows) = (cols.to_string(), rows.to_string());
        tmux.cmd(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            &cols,
            "-y",
            &rows,
            "sh",
            "-c",
            script,
        ]);
        tmux
    }

    pub fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn capture(&self) -> String {
        self.cmd(&["capture-pane", "-p", "-t", "main"])
    }

    pub fn keys(&self, keys: &str) {
        self.cmd(&["send-keys", "-t", "main", keys]);
    }

    /// Polls the pane until `pred` holds; panics with the last screen after `timeout`.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if pred(&screen) {
                return screen;
            }
            if start.elapsed() > timeout {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            sleep(Duration::from_millis(250));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

/// Quotes a path for `sh -c`.
pub fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

/// The text of the file at `path` once `pred` holds for it, waited for on `tmux`'s own
/// polling of the screen ([`Tmux::wait_for`]): for what the app writes after the screen
/// shows it (the audit log). Panics after `timeout`, naming `what`.
pub fn wait_for_file(
    tmux: &Tmux,
    path: &std::path::Path,
    what: &str,
    timeout: Duration,
    pred: impl Fn(&str) -> bool,
) -> String {
    let read = || std::fs::read_to_string(path).unwrap_or_default();
    tmux.wait_for(what, timeout, |_| pred(&read()));
    read()
}
