//! The Loki API decoders (`sources::loki::api`): `streams`, `tail_frame`, `level_counts` and
//! `error_text`, on any body.
//!
//! Never panics; entries come out oldest first; error texts are folded onto one line and cut
//! at 300 characters.

#![no_main]

use libfuzzer_sys::fuzz_target;

use mcptop::sources::loki::api::{error_text, level_counts, streams, tail_frame};

/// `level_counts`' end of the hour, Unix seconds.
const END_S: f64 = 1_700_000_000.0;

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = streams(data) {
        assert!(entries.is_sorted_by_key(|e| e.ts_ns), "not oldest first");
    }
    if let Ok((entries, _dropped)) = tail_frame(&String::from_utf8_lossy(data)) {
        assert!(entries.is_sorted_by_key(|e| e.ts_ns), "not oldest first");
    }
    if let Ok(counts) = level_counts(data, "level", END_S) {
        let mut levels: Vec<&str> = counts.rows.iter().map(|r| r.0.as_str()).collect();
        let rows = levels.len();
        levels.sort_unstable();
        levels.dedup();
        assert_eq!(levels.len(), rows, "a level counted in two rows");
        assert!(counts.rows.iter().all(|r| !r.0.is_empty()));
    }
    let text = error_text(data);
    assert!(text.chars().count() <= 301, "error text not cut: {text}");
    assert!(
        !text.contains(['\n', '\r', '\t']),
        "error text on two lines"
    );
});
