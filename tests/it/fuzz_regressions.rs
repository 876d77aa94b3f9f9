//! Inputs that crashed a fuzz target (`fuzz/`, `scripts/fuzz.sh`), each now answered with a
//! clear error instead of a panic.

use std::path::Path;
use std::time::Duration;

use mcptop::config::flags::Flags;
use mcptop::config::{Config, ConfigError};

/// The `config` target's minimised crash: a scrape interval so long (1e19 s, inside
/// Duration's range) that twice it overflowed in the check against `window.range`.
const HUGE_INTERVAL: &str = "[scrape]\ninterval=\"10000000000000000000s\"";

fn window_error(result: Result<Config, ConfigError>) {
    match result {
        Err(ConfigError::Invalid { key, message }) => {
            assert_eq!(key, "window.range (--window)");
            assert!(message.contains("twice scrape.interval"), "{message}");
        }
        other => panic!("expected the window.range error, got {other:?}"),
    }
}

#[test]
fn config_with_an_interval_too_long_to_double_is_refused() {
    window_error(Config::from_toml(HUGE_INTERVAL, Path::new("fuzz.toml")));
    // Just below the overflow the same check answers too.
    window_error(Config::from_toml(
        "[scrape]\ninterval = \"9000000000000000000s\"\n",
        Path::new("fuzz.toml"),
    ));
}

#[test]
fn interval_flag_too_long_to_double_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty.toml");
    std::fs::write(&path, "").expect("write the config");
    let args = Flags {
        config: Some(path),
        interval: Some(Duration::from_secs(10_000_000_000_000_000_000)),
        ..Default::default()
    };
    window_error(Config::load(&args));
}
