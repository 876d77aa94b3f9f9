//! Making a skipped test visible in a plain `cargo test`.
//!
//! libtest has no "skipped" outcome decided at run time: a test that returns early because
//! an outside program is missing is reported `ok`, and what it prints with `eprintln!` is
//! captured and thrown away when it passes. Capture only intercepts the `print!` family
//! of macros, so [`skip`] writes its line straight to the process' stderr
//! (`std::io::stderr().write_all`), where `cargo test` shows it whatever the outcome:
//!
//! ```text
//! SKIPPED e2e_tmux::demo_shows_numbers_help_and_restores_terminal: tmux is not installed: install it to run this test; .ci/run installs it [e2e_tmux: 1 test skipped so far, counted as passed]
//! ```
//!
//! The count is this test binary's distinct skipped tests until then, so the last such line
//! of a binary gives its total; `cargo test 2>&1 | grep -c '^SKIPPED'` counts all of them.
//! Under CI (`CI=true` or `1`) there is no skipping: [`skip`] panics instead.

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::Mutex;

/// The tests of this binary that skipped so far.
static SKIPPED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Whether this run is CI's (`CI=true` or `CI=1`), where nothing may skip.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// The running test's name: libtest runs each test on a thread named after it.
fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("<unnamed test>")
        .to_string()
}

/// Reports that the running test does not run because `what` is not installed, and how to
/// get it (`remedy`). Under CI this panics (the test fails) with the same words.
pub fn skip(what: &str, remedy: &str) {
    let binary = env!("CARGO_CRATE_NAME");
    if under_ci() {
        panic!("{what} is required under CI but is not installed: {remedy}");
    }
    let test = test_name();
    let count = {
        let mut skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
        skipped.insert(test.clone());
        skipped.len()
    };
    let plural = if count == 1 { "test" } else { "tests" };
    let line = format!(
        "SKIPPED {binary}::{test}: {what} is not installed: {remedy} \
         [{binary}: {count} {plural} skipped so far, counted as passed]\n"
    );
    // One write of the whole line, so lines of tests running in parallel do not interleave.
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}
