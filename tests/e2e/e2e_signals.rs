//! End to end: the real binary in tmux is ended by SIGTERM, SIGHUP, SIGINT, SIGQUIT and a
//! panic, and each time the shell after it gets its terminal back (cooked mode, echo, the
//! main screen, no mouse reporting, the cursor shown). Ctrl-Z and SIGTSTP give the terminal
//! to the shell and stop; `fg` takes it again and repaints in full. A storm of resizes does
//! not end it.

use crate::support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::exiting::{Exiting, pane};
use support::tmux::{Tmux, shell_quote};

/// The dashboard on the demo, its pid written to `pid` (the `sh` that writes it `exec`s
/// mcptop). After it exits, the shell prints `EXIT=<status>`, the tty's `icanon`/`echo`
/// modes, and then sleeps so the pane stays for reading.
struct Run {
    tmux: Tmux,
    pid_file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    fn start(tag: &str, env: &str) -> Run {
        let e = Exiting::start(tag, env, "demo --interval 1s --rate 20 --mouse");
        Run {
            tmux: e.tmux,
            pid_file: e.pid_file,
            _dir: e.dir,
        }
    }

    /// The same dashboard started from an interactive bash (job control: Ctrl-Z, `fg`).
    fn interactive(tag: &str) -> Run {
        let dir = tempfile::tempdir().expect("tempdir");
        let pid_file = dir.path().join("pid");
        let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
        let script = format!(
            "cd {d} && exec env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state PS1='prompt> ' \
             bash --norc --noprofile -i",
            d = shell_quote(dir.path()),
        );
        let tmux = Tmux::start(tag, 100, 30, &script);
        tmux.wait_for("the prompt", Duration::from_secs(15), |s| {
            s.contains("prompt>")
        });
        let run = Run {
            tmux,
            pid_file,
            _dir: dir,
        };
        let inner = format!(
            "echo $$ > pid; exec {bin} demo --interval 1s --rate 20 --mouse",
            bin = shell_quote(bin),
        );
        run.type_line(&format!("sh -c {}", shell_quote(Path::new(&inner))));
        run
    }

    /// Types `line` at the shell's prompt and presses Enter.
    fn type_line(&self, line: &str) {
        self.tmux.cmd(&["send-keys", "-t", "main", "-l", line]);
        self.tmux.keys("Enter");
    }

    /// Once mcptop has exited (until then its input reader could take the keys typed for
    /// the shell) and the prompt is back: prints what the non-interactive script prints
    /// after mcptop (the typed line itself holds no `EXIT=`).
    fn report_exit(&self) {
        let pid = std::fs::read_to_string(&self.pid_file).expect("pid file");
        let start = std::time::Instant::now();
        while std::process::Command::new("kill")
            .args(["-0", pid.trim()])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "mcptop still runs: {}",
                self.tmux.capture()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        self.tmux
            .wait_for("the prompt", Duration::from_secs(15), |s| {
                s.lines().rev().find(|l| !l.trim().is_empty()) == Some("prompt>")
            });
        self.type_line(
            "s=$?; m=$(stty -a | tr -s ' ;\\n' '\\n' | grep -x -e icanon -e -icanon -e echo \
             -e -echo | tr '\\n' ' '); echo \"EX\"\"IT=$s\"; echo \"$m\"",
        );
    }

    /// Waits for the shell to show the job stopped, and checks that it is, with the
    /// terminal given back.
    fn stopped(&self) {
        self.tmux
            .wait_for("the job stopped", Duration::from_secs(15), |s| {
                s.contains("Stopped")
            });
        assert_eq!(self.modes(), "0 0", "alternate screen or mouse left on");
        assert_eq!(self.cursor(), "1", "the cursor left hidden");
        #[cfg(target_os = "linux")]
        {
            let pid = std::fs::read_to_string(&self.pid_file).expect("pid file");
            let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
                .expect("the stopped process is still there");
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            assert!(state.starts_with('T'), "not stopped: {stat}");
        }
    }

    /// After `fg`: the alternate screen again, and the whole dashboard drawn on it (the
    /// screen is cleared on entry, so a frame that sent only changed cells would leave its
    /// static text out).
    fn repainted(&self) {
        self.type_line("fg");
        self.dashboard_up();
        self.tmux
            .wait_for("the whole dashboard", Duration::from_secs(15), |s| {
                let lines: Vec<&str> = s.lines().collect();
                lines.first().is_some_and(|l| l.contains("demo"))
                    && lines.iter().filter(|l| !l.trim().is_empty()).count() >= 20
                    && !s.contains("Stopped")
            });
    }

    /// Waits for the dashboard with numbers, in the alternate screen with the mouse on.
    fn dashboard_up(&self) {
        self.tmux
            .wait_for("the dashboard", Duration::from_secs(60), |s| {
                s.contains("Requests/min") && s.contains("req/s")
            });
        assert_eq!(
            self.modes(),
            "1 1",
            "alternate screen and mouse reporting on"
        );
    }

    /// `#{alternate_on} #{mouse_any_flag}` of the pane: 1 while a full-screen program holds
    /// the alternate screen and asked for mouse events.
    fn modes(&self) -> String {
        pane(&self.tmux, "#{alternate_on} #{mouse_any_flag}")
    }

    /// `#{cursor_flag}`: 1 while the cursor is shown.
    fn cursor(&self) -> String {
        pane(&self.tmux, "#{cursor_flag}")
    }

    fn kill(&self, signal: &str) {
        let pid = std::fs::read_to_string(&self.pid_file).expect("pid file");
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(pid.trim())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} {pid}");
    }

    /// After the exit: the status, and the terminal as the shell finds it.
    fn exited_with(&self, code: i32) -> String {
        let report = |s: &str| -> Option<(String, String)> {
            let mut lines = s.lines().skip_while(|l| !l.starts_with("EXIT="));
            let exit = lines.next()?.to_string();
            let modes = lines.find(|l| l.contains("icanon"))?.to_string();
            Some((exit, modes))
        };
        let after = self
            .tmux
            .wait_for("exit and the tty modes", Duration::from_secs(15), |s| {
                report(s).is_some()
            });
        let (exit, modes) = report(&after).unwrap_or_default();
        assert_eq!(exit.trim(), format!("EXIT={code}"), "{after}");
        let words: Vec<&str> = modes.split_whitespace().collect();
        assert!(words.contains(&"icanon"), "terminal left raw: {after}");
        assert!(words.contains(&"echo"), "echo left off: {after}");
        assert_eq!(self.modes(), "0 0", "alternate screen or mouse left on");
        assert_eq!(self.cursor(), "1", "the cursor left hidden");
        assert!(
            !after.contains("Requests/min"),
            "the dashboard is still on screen: {after}"
        );
        after
    }
}

fn signal_restores(tag: &str, signal: &str, code: i32) {
    if !support::require_program("tmux") {
        return;
    }
    let run = Run::start(tag, "");
    run.dashboard_up();
    run.kill(signal);
    run.exited_with(code);
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores("sigterm", "TERM", 143);
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores("sighup", "HUP", 129);
}

#[test]
fn sigint_restores_the_terminal() {
    signal_restores("sigint", "INT", 130);
}

#[test]
fn sigquit_restores_the_terminal() {
    signal_restores("sigquit", "QUIT", 131);
}

#[test]
fn ctrl_z_suspends_and_fg_repaints_in_full() {
    if !support::require_program("tmux") || !support::require_program("bash") {
        return;
    }
    let run = Run::interactive("ctrlz");
    run.dashboard_up();
    // Raw mode turns Ctrl-Z into a key: mcptop restores the terminal and stops itself.
    run.tmux.keys("C-z");
    run.stopped();
    run.repainted();
    // Twice, and the keys still answer after it.
    run.tmux.keys("C-z");
    run.stopped();
    run.repainted();
    run.tmux.keys("q");
    run.report_exit();
    run.exited_with(0);
}

#[test]
fn sigtstp_suspends_and_fg_repaints_in_full() {
    if !support::require_program("tmux") || !support::require_program("bash") {
        return;
    }
    let run = Run::interactive("sigtstp");
    run.dashboard_up();
    run.kill("TSTP");
    run.stopped();
    run.repainted();
    run.kill("TERM");
    run.report_exit();
    run.exited_with(143);
}

#[test]
fn a_panic_restores_the_terminal_and_is_reported() {
    if !support::require_program("tmux") {
        return;
    }
    // Debug builds panic once the first frame is drawn when this is set.
    let run = Run::start("panic", "MCPTOP_DEBUG_PANIC=1 RUST_BACKTRACE=0");
    let after = run.exited_with(101);
    assert!(
        after.contains("MCPTOP_DEBUG_PANIC is set"),
        "the panic message reaches the main screen: {after}"
    );
    // A panic is a bug: color-eyre's report keeps its backtrace hint.
    assert!(after.contains("RUST_BACKTRACE"), "{after}");
}

#[test]
fn a_resize_storm_does_not_end_it() {
    if !support::require_program("tmux") {
        return;
    }
    let run = Run::start("resize", "");
    run.dashboard_up();
    let sizes = [
        (200, 60),
        (20, 5),
        (1, 1),
        (80, 24),
        (300, 100),
        (40, 2),
        (2, 40),
        (120, 40),
    ];
    for round in 0..15 {
        for (w, h) in sizes {
            let (w, h) = (w + round, h + round % 3);
            run.tmux.cmd(&[
                "resize-window",
                "-t",
                "main",
                "-x",
                &w.to_string(),
                "-y",
                &h.to_string(),
            ]);
        }
    }
    run.tmux
        .cmd(&["resize-window", "-t", "main", "-x", "100", "-y", "30"]);
    // Still alive and drawing at the last size, and answering keys.
    run.tmux.wait_for(
        "the dashboard after the storm",
        Duration::from_secs(10),
        |s| s.contains("Requests/min") && s.lines().count() >= 29,
    );
    run.tmux.keys("?");
    run.tmux
        .wait_for("help after the storm", Duration::from_secs(10), |s| {
            s.contains("Help: keys")
        });
    run.tmux.keys("Escape");
    run.tmux
        .wait_for("help closed", Duration::from_secs(10), |s| {
            !s.contains("Help: keys")
        });
    run.tmux.keys("q");
    run.exited_with(0);
}
