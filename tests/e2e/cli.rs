//! The binary's command line: help, and errors that say what is wrong before any terminal
//! set-up.

use std::process::Command;

fn mcptop(args: &[&str], config_home: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_mcptop"))
        .args(args)
        .env("XDG_CONFIG_HOME", config_home)
        .env("XDG_STATE_HOME", config_home.join("state"))
        .env("NO_COLOR", "1")
        .output()
        .expect("mcptop runs")
}

#[test]
fn help_lists_the_demo_and_the_target_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = mcptop(&["--help"], dir.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--target <URL>"), "{text}");
    assert!(text.contains("demo"), "{text}");
    let out = mcptop(&["demo", "--help"], dir.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--serve-only"), "{text}");
}

#[test]
fn stdout_that_is_not_a_terminal_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = mcptop(&["--target", "http://127.0.0.1:9"], dir.path());
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("stdout is not a terminal"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "drew into a pipe: {:?}",
        out.stdout.len()
    );
}

#[test]
fn help_lists_the_mcp_flags() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = mcptop(&["--help"], dir.path());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("--mcp-config <PATH>"), "{text}");
    assert!(text.contains("--mcp <[NAME=]URL>"), "{text}");
    assert!(text.contains("--read-only"), "{text}");
    assert!(text.contains("[config: mcp.read_only"), "{text}");
}

#[test]
fn unusable_mcp_import_is_named_before_any_terminal_set_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("mcp.json");
    std::fs::write(&json, "{\n  \"mcpServers\": {\n    \"a\": {]\n}\n").expect("write");
    let out = mcptop(
        &[
            "--target",
            "http://127.0.0.1:9",
            "--mcp-config",
            json.to_str().expect("utf-8 path"),
        ],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:3:11: ", json.display())), "{err}");
}

#[test]
fn profile_list_prints_every_profile_without_a_target() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = mcptop(&["--profile", "list"], dir.path());
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    for name in [
        "otel-mcp",
        "otel-mcp-client",
        "toolhive",
        "mcpany",
        "mcp-tool-calls",
        "http",
        "custom",
    ] {
        assert!(text.contains(&format!("\n{name}  ")), "{name}:\n{text}");
    }
    assert!(text.contains("tool errors  HTTP status only"), "{text}");
    let help = mcptop(&["--help"], dir.path());
    assert!(
        String::from_utf8_lossy(&help.stdout).contains("--profile list"),
        "the help mentions it"
    );
    let bad = mcptop(&["--profile", "otel"], dir.path());
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("mcp-tool-calls"));
}
