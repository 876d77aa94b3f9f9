//! The config loader on TOML text (`Config::from_toml`, what `--config FILE` runs after
//! reading the file).
//!
//! Never panics; an error names a line and column inside the text, and prints.
//!
//! A config whose `mcp.import` names files is left out: loading it reads those files, and a
//! fuzzer's paths (`/dev/stdin`, `/dev/zero`) would block or never end.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use mcptop::config::{Config, ConfigError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The library parses with the same toml version: text that fails here fails there before
    // any import is read.
    if let Ok(table) = toml::from_str::<toml::Table>(text)
        && table.get("mcp").and_then(|mcp| mcp.get("import")).is_some()
    {
        return;
    }
    match Config::from_toml(text, Path::new("fuzz.toml")) {
        Ok(cfg) => {
            let _ = cfg.target_name();
        }
        Err(e) => {
            if let ConfigError::Syntax { line, column, .. } = &e {
                let lines = text.split('\n').count();
                assert!(*line >= 1 && *line <= lines, "line {line} of {lines}: {e}");
                assert!(*column >= 1, "column {column}: {e}");
            }
            assert!(!e.to_string().is_empty());
        }
    }
});
