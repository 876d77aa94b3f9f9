//! User errors (a bad flag value, a config error, no target, a terminal that cannot show the
//! dashboard) are one plain line on stderr and exit 2: no source location, no backtrace,
//! no colour on a pipe, even with `RUST_BACKTRACE=1` in the environment. Backtraces are for
//! panics.

use std::process::{Command, Output};

/// Runs mcptop with `args` and `env`, stderr and stdout piped, `RUST_BACKTRACE=1`, colour
/// not turned off by `NO_COLOR`.
fn mcptop(args: &[&str], env: &[(&str, &str)], home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcptop"))
        .args(args)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("RUST_BACKTRACE", "1")
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .output()
        .expect("mcptop runs")
}

/// Exit 2 and one plain `mcptop: ` line holding `expected`; returns the line.
fn plain_usage_error(out: &Output, expected: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("Location:"), "a source location: {err}");
    assert!(
        !err.to_lowercase().contains("backtrace"),
        "a backtrace or its hint: {err}"
    );
    assert!(!err.contains('\x1b'), "colour on a pipe: {err:?}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("mcptop: "), "{err}");
    assert!(err.contains(expected), "{err}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout.len());
    err
}

#[test]
fn a_config_typo_is_one_line_naming_file_line_and_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[target]\nurl = \"http://127.0.0.1:9\"\n[window]\nrnage = \"5m\"\n",
    )
    .expect("write");
    let out = mcptop(
        &["--config", path.to_str().expect("utf-8 path")],
        &[],
        dir.path(),
    );
    let expected = format!(
        "{}:4:1: key `window.rnage`: unknown field `rnage`",
        path.display()
    );
    plain_usage_error(&out, &expected);
}

#[test]
fn no_target_is_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = mcptop(&[], &[], dir.path());
    plain_usage_error(&out, "no target: pass --target URL");
}

#[test]
fn a_bad_target_url_is_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = mcptop(&["--target", "ftp://127.0.0.1:9"], &[], dir.path());
    plain_usage_error(&out, "ftp://");
}

#[test]
fn a_dumb_terminal_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = mcptop(
        &["--target", "http://127.0.0.1:9"],
        &[("TERM", "dumb")],
        dir.path(),
    );
    let err = plain_usage_error(&out, "TERM=dumb cannot show a full-screen dashboard");
    assert!(err.contains("mcptop snapshot --stdout"), "{err}");
}

#[test]
fn a_bad_flag_value_exits_2_without_colour() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = mcptop(&["--interval", "soon"], &[], dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("'--interval <DURATION>'"), "{err}");
    assert!(!err.contains('\x1b'), "colour on a pipe: {err:?}");
    assert!(!err.to_lowercase().contains("backtrace"), "{err}");
}
