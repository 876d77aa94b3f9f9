//! Shell completions and the man page are generated from the same clap definition as
//! `--help`, so they list every flag.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mcptop"))
        .args(args)
        .output()
        .expect("mcptop runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn completions_cover_the_flags_and_subcommands() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, text) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        for flag in ["--prometheus", "--theme", "--fail-if", "watch", "demo"] {
            // fish writes `-l prometheus`, the others `--prometheus`.
            assert!(
                text.contains(flag.trim_start_matches('-')),
                "{shell} lacks {flag}"
            );
        }
    }
    let (code, _) = run(&["completions", "tcsh"]);
    assert_ne!(code, 0, "an unknown shell is refused");
}

#[test]
fn the_man_page_is_roff_with_every_global_flag() {
    let (code, text) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(
        text.contains(".TH mcptop 1"),
        "{}",
        &text[..200.min(text.len())]
    );
    for flag in [
        "prometheus",
        "selector",
        "theme",
        "mouse",
        "alertmanager",
        "loki",
    ] {
        assert!(text.contains(flag), "man page lacks --{flag}");
    }
}
