//! The label-matcher parsers: `Matcher::parse_list` (amtool's syntax, silences and the alert
//! filter) and `config::prometheus::parse_selector` (the `--selector` / `selector =` of
//! query mode).
//!
//! Never panics; a list that parses is written back by `Matcher::format_list` into text that
//! parses to the same list; `=` matches its own value and `!=` does not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcptop::config::prometheus::parse_selector;
use mcptop::model::alerts::{Labels, MatchOp, Matcher};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(list) = Matcher::parse_list(&text) {
        assert!(!list.is_empty());
        round_trip(&list);
        apply(&list);
    }
    if let Ok(list) = parse_selector(&text) {
        if !list.is_empty() {
            round_trip(&list);
        }
        apply(&list);
    }
});

fn round_trip(list: &[Matcher]) {
    let written = Matcher::format_list(list);
    match Matcher::parse_list(&written) {
        Ok(again) => assert_eq!(again, list, "{written}"),
        Err(e) => panic!("`{written}` does not parse back: {e}"),
    }
}

/// Each matcher against labels made of its own name and value (which `=` matches and `!=`
/// does not), and against no labels.
fn apply(list: &[Matcher]) {
    let empty = Labels::new();
    for m in list {
        let own: Labels = [(m.name.clone(), m.value.clone())].into();
        let hit = m.matches(&own);
        match m.op {
            MatchOp::Eq => assert!(hit, "{m} does not match its own value"),
            MatchOp::Ne => assert!(!hit, "{m} matches its own value"),
            MatchOp::Re | MatchOp::NotRe => {}
        }
        let _ = m.matches(&empty);
    }
}
