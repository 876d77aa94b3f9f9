//! The real binary in tmux for the signal tests: its pid written to a file (the `sh` that
//! writes it `exec`s mcptop); after it exits, the shell prints `EXIT=<status>` and the tty's
//! `icanon`/`echo` modes, then sleeps so the pane stays for reading.

use std::path::{Path, PathBuf};

use super::tmux::{Tmux, shell_quote};

/// A running mcptop in a 100x30 pane; its config and state live in a temp dir.
pub struct Exiting {
    pub tmux: Tmux,
    pub pid_file: PathBuf,
    pub dir: tempfile::TempDir,
}

impl Exiting {
    /// Starts `mcptop ARGS` with `env` (`NAME=value ...`, may be empty) in tmux.
    pub fn start(tag: &str, env: &str, args: &str) -> Exiting {
        let dir = tempfile::tempdir().expect("tempdir");
        let pid_file = dir.path().join("pid");
        let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
        let inner = format!(
            "echo $$ > {pid}; exec {bin} {args}",
            pid = shell_quote(&pid_file),
            bin = shell_quote(bin),
        );
        let script = format!(
            "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {env} sh -c {inner}; \
             echo EXIT=$?; stty -a | tr -s ' ;\\n' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ' '; echo; sleep 60",
            d = shell_quote(dir.path()),
            inner = shell_quote(Path::new(&inner)),
        );
        Exiting {
            tmux: Tmux::start(tag, 100, 30, &script),
            pid_file,
            dir,
        }
    }
}

/// tmux's `fmt` of the pane (`#{alternate_on}`, `#{mouse_any_flag}`, `#{cursor_flag}`).
pub fn pane(tmux: &Tmux, fmt: &str) -> String {
    tmux.cmd(&["display-message", "-p", "-t", "main", fmt])
        .trim()
        .to_string()
}
