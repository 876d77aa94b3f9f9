//! The Loki API decoders (`sources::loki::api`): `streams`, `tail_frame`, `vector` and
//! `error_text`, on any body.
//!
//! Never panics; entries come out oldest first; counts are finite; error texts are folded
//! onto one line and cut at 1,000 characters.

#![no_main]

use libfuzzer_sys::fuzz_target;

use mcptop::sources::loki::api::{error_text, streams, tail_frame, vector};

fuzz_target!(|data: &[u8]| {
    if let Ok(entries) = streams(data) {
        assert!(entries.is_sorted_by_key(|e| e.ts_ns), "not oldest first");
    }
    if let Ok((entries, _dropped)) = tail_frame(&String::from_utf8_lossy(data)) {
        assert!(entries.is_sorted_by_key(|e| e.ts_ns), "not oldest first");
    }
    if let Ok(samples) = vector(data) {
        assert!(
            samples.iter().all(|(_, v)| v.is_finite()),
            "a count that is not a number"
        );
    }
    let text = error_text(data);
    assert!(text.chars().count() <= 1001, "error text not cut: {text}");
    assert!(
        !text.contains(['\n', '\r', '\t']),
        "error text on two lines"
    );
});
