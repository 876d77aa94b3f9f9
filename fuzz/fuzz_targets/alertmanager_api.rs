//! The Alertmanager API v2 decoders (`sources::alertmanager::api`): alerts, groups,
//! silences, status, a created silence's ID and error texts, on any body.
//!
//! Never panics; times decoded from RFC 3339 write back to the same instant; a silence read
//! can be written back (`silence_body`); error texts are one line of at most 200 characters.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcptop::model::alerts::SilenceDraft;

use mcptop::sources::alertmanager::api::{
    error_text, parse_alerts, parse_created, parse_groups, parse_silences, parse_status, rfc3339,
    silence_body, time_ms,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(alerts) = parse_alerts(data, 0) {
        for a in &alerts {
            same_instant(a.starts_at_ms);
            a.updated_at_ms.into_iter().for_each(same_instant);
            a.ends_at_ms.into_iter().for_each(same_instant);
        }
    }
    let _ = parse_groups(data);
    if let Ok((silences, _skipped)) = parse_silences(data) {
        for s in silences {
            same_instant(s.starts_at_ms);
            same_instant(s.ends_at_ms);
            let draft = SilenceDraft {
                matchers: s.matchers,
                starts_at_ms: s.starts_at_ms,
                ends_at_ms: s.ends_at_ms,
                created_by: s.created_by,
                comment: s.comment,
            };
            if let Err(e) = silence_body(&draft) {
                panic!("a silence read cannot be written back: {e}");
            }
        }
    }
    let _ = parse_status(data);
    let _ = parse_created(data);
    let text = error_text(data);
    assert!(text.chars().count() <= 201, "error text not cut: {text}");
    assert!(
        !text.contains(['\n', '\r', '\t']),
        "error text on two lines"
    );
});

/// A time read from RFC 3339 can be written as RFC 3339 and reads back the same; except
/// outside years 0000-9999 in UTC (`9999-12-31T23:59:59-23:00` is in 10000), where chrono
/// writes a signed year (`+10000-01-01T...`) that RFC 3339 has no form for.
fn same_instant(ms: i64) {
    let written = match rfc3339(ms) {
        Some(t) => t,
        None => panic!("{ms} ms read from RFC 3339 cannot be written back"),
    };
    if written.starts_with(['+', '-']) {
        return;
    }
    assert_eq!(time_ms("t", &written), Ok(ms), "{written}");
}
