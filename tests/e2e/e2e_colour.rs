//! End to end: what the real binary writes to a terminal that shows no colour (`NO_COLOR`)
//! or 16 colours only (`TERM=xterm`, no `COLORTERM`; `TERM=linux`, the console), read back from tmux with its SGR
//! sequences (`capture-pane -e`).

use crate::support;

use std::path::Path;
use std::time::Duration;

use support::tmux::{Tmux, shell_quote};

/// Every SGR colour a captured screen uses, as written: `31`, `38;5;208`, `38;2;1;2;3`.
fn colours(captured: &str) -> Vec<String> {
    let sgr = regex::Regex::new(r"\x1b\[([0-9;]*)m").expect("regex");
    let mut out = Vec::new();
    for c in sgr.captures_iter(captured) {
        let params: Vec<&str> = c[1].split(';').collect();
        let mut i = 0;
        while i < params.len() {
            let p: u16 = params[i].parse().unwrap_or(0);
            match p {
                38 | 48 => {
                    let n = if params.get(i + 1) == Some(&"5") {
                        3
                    } else {
                        5
                    };
                    out.push(params[i..(i + n).min(params.len())].join(";"));
                    i += n;
                    continue;
                }
                30..=37 | 40..=47 | 90..=97 | 100..=107 => out.push(p.to_string()),
                _ => {}
            }
            i += 1;
        }
    }
    out
}

fn start(tag: &str, env: &str, extra: &str, dir: &Path) -> Tmux {
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env -u COLORTERM {env} XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} {extra} demo --interval 1s; sleep 30",
        d = shell_quote(dir),
        bin = shell_quote(bin),
    );
    Tmux::start(tag, 120, 30, &script)
}

/// The pane with its colour escapes, once the target is up and the tiles show their states
/// (the words the tests look for, drawn with the colours they check).
fn captured_with_numbers(tmux: &Tmux) -> String {
    tmux.wait_for("numbers and their states", Duration::from_secs(60), |s| {
        s.contains("req/s")
            && s.contains("● UP")
            && (s.contains("ok <") || s.contains("warn ≥") || s.contains("CRIT ≥"))
    });
    tmux.cmd(&["capture-pane", "-e", "-p", "-t", "main"])
}

#[test]
fn no_color_writes_no_colour_and_states_stay_readable() {
    if !support::require_program("tmux") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = start(
        "nocolor",
        "NO_COLOR=1 TERM=xterm-256color",
        "--theme solarized-dark",
        dir.path(),
    );
    let screen = captured_with_numbers(&tmux);
    assert_eq!(colours(&screen), Vec::<String>::new(), "{screen}");
    // States are words and symbols, not colours.
    assert!(screen.contains("● UP"), "{screen}");
    assert!(
        screen.contains("ok <") || screen.contains("warn ≥") || screen.contains("CRIT ≥"),
        "{screen}"
    );
    tmux.keys("q");
}

#[test]
fn a_sixteen_colour_terminal_gets_only_the_sixteen_colours() {
    only_the_sixteen("sixteen", "TERM=xterm");
}

#[test]
fn the_linux_console_gets_only_the_sixteen_colours_whatever_colorterm_says() {
    only_the_sixteen("linux", "TERM=linux COLORTERM=truecolor");
}

fn only_the_sixteen(tag: &str, env: &str) {
    if !support::require_program("tmux") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = start(tag, env, "--theme solarized-dark", dir.path());
    let screen = captured_with_numbers(&tmux);
    let used = colours(&screen);
    assert!(!used.is_empty(), "colours are used: {screen}");
    // crossterm writes even the 16 ANSI colours as `38;5;N`; N must stay below 16 (the
    // terminal's own palette), and no RGB.
    let wide: Vec<&String> = used
        .iter()
        .filter(|c| {
            c.starts_with("38;2") || c.starts_with("48;2") || {
                let n = c.strip_prefix("38;5;").or(c.strip_prefix("48;5;"));
                n.is_some_and(|n| n.parse::<u16>().map_or(true, |n| n >= 16))
            }
        })
        .collect();
    assert!(
        wide.is_empty(),
        "colours outside the 16 on a 16-colour terminal: {wide:?}"
    );
    tmux.keys("q");
}

#[test]
fn a_truecolor_terminal_gets_the_themes_own_colours() {
    if !support::require_program("tmux") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let tmux = start(
        "truecolor",
        "COLORTERM=truecolor TERM=xterm-256color",
        "--theme solarized-dark",
        dir.path(),
    );
    let screen = captured_with_numbers(&tmux);
    let used = colours(&screen);
    // tmux passes RGB through as RGB or turns it into its nearest 256-colour index.
    assert!(
        used.iter().any(|c| {
            c.starts_with("38;2;")
                || c.strip_prefix("38;5;")
                    .and_then(|n| n.parse::<u16>().ok())
                    .is_some_and(|n| n >= 16)
        }),
        "the theme's RGB colours reach the terminal: {used:?}"
    );
    tmux.keys("q");
}
