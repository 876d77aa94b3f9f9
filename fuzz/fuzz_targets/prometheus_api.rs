//! The Prometheus query-API decoders (`sources::prometheus::api`): `query`, `targets` and
//! `number`, on any body and HTTP status.
//!
//! Never panics; a body that is not JSON gives a short error; a success only comes with a
//! 2xx status.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcptop::sources::prometheus::api::{number, query, targets};

/// Statuses the API and proxies in front of it answer with.
const STATUSES: [u16; 8] = [200, 204, 400, 401, 422, 500, 502, 503];

fuzz_target!(|data: &[u8]| {
    let Some((&first, body)) = data.split_first() else {
        return;
    };
    let status = STATUSES[usize::from(first) % STATUSES.len()];
    // A body that is not JSON (a proxy's page, a plain-text error) is named in one short
    // line: clipped to 200 characters plus the status and a few words.
    let json = serde_json::from_slice::<serde_json::Value>(body).is_ok();
    let check_error = |e: mcptop::model::source_error::SourceError| {
        let e = e.to_string();
        assert!(!e.is_empty());
        if !json {
            assert!(e.chars().count() < 260, "unclipped error: {e}");
        }
    };
    match query(status, body) {
        Ok(_) => assert!((200..300).contains(&status)),
        Err(e) => check_error(e),
    }
    match targets(status, body) {
        Ok(_) => assert!((200..300).contains(&status)),
        Err(e) => check_error(e),
    }
    let _ = number(&String::from_utf8_lossy(body));
});
