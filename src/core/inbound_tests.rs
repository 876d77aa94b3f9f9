use std::borrow::Cow;

use serde_json::json;

use super::{Cleaner, is_unsafe, json, lines, one_line, terminal_safe};

/// The escape sequences and controls an upstream may plant, each with what must be left.
const CORPUS: &[(&str, &str)] = &[
    ("a\u{1b}]52;c;aGVsbG8=\u{7}b", "a]52;c;aGVsbG8=b"),
    ("\u{1b}]0;owned\u{7}title", "]0;ownedtitle"),
    ("x\u{1b}[2Jy", "x[2Jy"),
    ("c1\u{9b}31mred\u{85}", "c131mred"),
    ("abc\u{202e}fed\u{202c}", "abcfed"),
    ("\u{2066}iso\u{2069}\u{2067}\u{2068}", "iso"),
    ("cr\rlf\nkept\ttab\u{7f}", "crlf\nkept\ttab"),
    ("plain ascii and 数据库 🔥", "plain ascii and 数据库 🔥"),
];

#[test]
fn the_corpus_loses_its_controls_and_keeps_its_text() {
    for (dirty, clean) in CORPUS {
        assert_eq!(terminal_safe(dirty), *clean, "{dirty:?}");
        assert!(!terminal_safe(dirty).chars().any(is_unsafe));
    }
}

#[test]
fn the_byte_scan_agrees_with_the_char_rule_for_every_char_it_could_meet() {
    for c in (0u32..0x3000).filter_map(char::from_u32) {
        let s = format!("a{c}b");
        let kept = matches!(terminal_safe(&s), Cow::Borrowed(_));
        assert_eq!(kept, !is_unsafe(c), "U+{:04X}", c as u32);
    }
}

#[test]
fn clean_text_is_borrowed() {
    assert!(matches!(
        terminal_safe("mcp_requests_total"),
        Cow::Borrowed(_)
    ));
    assert!(matches!(Cleaner::new().text("αβγ 日本"), Cow::Borrowed(_)));
}

#[test]
fn one_line_turns_breaks_into_spaces() {
    assert_eq!(one_line("a\nb\tc\u{1b}d"), "a b cd");
}

#[test]
fn secrets_are_scrubbed_in_values_and_keys_at_any_depth() {
    crate::secrets::remember("inbound-test-secret-42");
    let mut v = json!({
        "status": "success",
        "warnings": ["upstream saw Bearer inbound-test-secret-42"],
        "data": {"inbound-test-secret-42": [{"deep": ["\u{1b}]52;c;x\u{7}inbound-test-secret-42"]}]},
        "n": 1.5
    });
    Cleaner::new().value(&mut v);
    assert_eq!(
        v,
        json!({
            "status": "success",
            "warnings": ["upstream saw Bearer ***"],
            "data": {"***": [{"deep": ["]52;c;x***"]}]},
            "n": 1.5
        })
    );
}

#[test]
fn a_json_answer_is_decoded_clean() {
    #[derive(serde::Deserialize)]
    struct Answer {
        line: String,
    }
    let a: Answer = json(br#"{"line":"ok\u001b[31m red \u202e"}"#).expect("decodes");
    assert_eq!(a.line, "ok[31m red ");
}

#[test]
fn a_deeply_nested_answer_does_not_overflow_the_walk() {
    let mut v = json!("x\u{1b}");
    for _ in 0..100_000 {
        v = serde_json::Value::Array(vec![v]);
    }
    Cleaner::new().value(&mut v);
    let mut inner = &v;
    while let serde_json::Value::Array(items) = inner {
        inner = &items[0];
    }
    assert_eq!(inner, &json!("x"));
    // Dropping a deep Value recurses in serde_json: unwind it by hand.
    while let serde_json::Value::Array(mut items) = v {
        v = items.pop().unwrap_or(serde_json::Value::Null);
    }
}

#[test]
fn lines_keep_breaks_turn_tabs_into_spaces_and_drop_escapes() {
    assert_eq!(
        lines("Returns:\tyes\n\n\u{1b}[2Jno\u{202e}"),
        ["Returns: yes", "", "[2Jno"]
    );
    assert_eq!(lines(""), [""]);
}
