//! Fields of a log line: a JSON object's top-level keys or logfmt `key=value` pairs, the
//! level and the message found in them.

use super::entry::{Labels, Level};
use super::logfmt::scan;

/// Names that hold a level, in the order they are tried (labels, metadata, then fields).
const LEVEL_KEYS: [&str; 5] = ["level", "detected_level", "severity", "lvl", "log_level"];

/// Names that hold the message of a structured line, in the order they are tried.
const MESSAGE_KEYS: [&str; 5] = ["msg", "message", "error", "err", "event"];

/// How a line is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON object.
    Json,
    /// logfmt: made of `key=value` pairs (see [`Scan::is_logfmt`]).
    Logfmt,
    /// Anything else: prose, possibly with a few `key=value` pairs inside.
    Plain,
}

/// A line's fields: a JSON object's top-level members in the line's order (strings as
/// they are, other values as compact JSON), or the `key=value` pairs of a logfmt line,
/// or the pairs found inside a plain line (still shown as fields and columns, but the
/// whole plain line stays its message).
#[derive(Debug, Clone, PartialEq)]
pub struct LineFields {
    pub shape: Shape,
    pub fields: Vec<(String, String)>,
}

impl LineFields {
    /// Whether the line is JSON or logfmt (its message is a field, not the line).
    pub fn structured(&self) -> bool {
        self.shape != Shape::Plain
    }

    /// A field's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The message field of a structured line (`msg`, `message`, `error`, `err`, `event`);
    /// `None` for a plain line, whose message is the whole line.
    pub fn message(&self) -> Option<&str> {
        if !self.structured() {
            return None;
        }
        MESSAGE_KEYS.iter().find_map(|key| self.get(key))
    }
}

/// Reads a line's shape and fields (see [`LineFields`]). A line starting with `{` that is
/// not a JSON object is read as text.
pub fn parse(line: &str) -> LineFields {
    let trimmed = line.trim_start();
    if trimmed.starts_with('{')
        && let Ok(map) = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(trimmed)
    {
        // The line's own escapes (`\u001b`) are decoded here: its fields enter as outside
        // text of their own.
        let clean = crate::inbound::Cleaner::new();
        let fields = map
            .into_iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (clean.string(k), clean.string(text))
            })
            .collect();
        return LineFields {
            shape: Shape::Json,
            fields,
        };
    }
    let scan = scan(line);
    LineFields {
        shape: if scan.is_logfmt() {
            Shape::Logfmt
        } else {
            Shape::Plain
        },
        fields: scan.pairs,
    }
}

/// One field of a line (see [`parse`]).
pub fn field(line: &str, name: &str) -> Option<String> {
    parse(line).get(name).map(str::to_string)
}

/// The level of an entry: a level label of the stream, then of the structured metadata
/// (`detected_level` of Loki 3), then of the labels a parser stage extracted, then a level
/// field of a JSON or logfmt line, each tried with the names `level`, `detected_level`,
/// `severity`, `lvl`, `log_level`; then the first word of the line (`ERROR ...`,
/// `[warn] ...`); then a level pair inside a plain line. [`Level::Unknown`] when none
/// names a level.
pub fn detect_level(labels: &[&Labels], line: &str) -> Level {
    if let Some(level) = labels.iter().find_map(|l| named_level(l)) {
        return level;
    }
    let parsed = parse(line);
    if parsed.structured()
        && let Some(level) = named_level(&parsed.fields)
    {
        return level;
    }
    // Plain text that starts with its level (after a date and time, if any): `ERROR db
    // down`, `[warn] slow`, `INFO: ok`, `2026-12-06 10:00:00 WARN slow`.
    line.split_whitespace()
        .find(|w| !super::logfmt::is_timestamp(w))
        .map(|w| w.trim_matches(|c: char| matches!(c, '[' | ']' | ':' | '(' | ')')))
        .and_then(Level::parse)
        .or_else(|| named_level(&parsed.fields))
        .unwrap_or(Level::Unknown)
}

/// The first of [`LEVEL_KEYS`] among `pairs` whose value reads as a level.
fn named_level(pairs: &[(String, String)]) -> Option<Level> {
    LEVEL_KEYS.iter().find_map(|key| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| Level::parse(v))
    })
}

/// The message of a line: the `msg`, `message`, `error`, `err` or `event` field of a
/// JSON or logfmt line, else the whole line.
pub fn message(line: &str) -> String {
    parse(line)
        .message()
        .map_or_else(|| line.to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn json_lines_give_their_top_level_members_in_line_order() {
        let f = parse(r#"{"level":"error","module":"notion","duration_ms":3012,"ok":false}"#);
        assert_eq!(f.shape, Shape::Json);
        assert_eq!(
            f.fields,
            labels(&[
                ("level", "error"),
                ("module", "notion"),
                ("duration_ms", "3012"),
                ("ok", "false")
            ])
        );
        assert_eq!(parse("[1,2]").shape, Shape::Plain);
        assert_eq!(parse("{broken").shape, Shape::Plain);
    }

    #[test]
    fn a_plain_line_keeps_its_pairs_but_not_as_its_message() {
        let line = "ERROR upstream timeout after 3000 ms request_id=abc123";
        let f = parse(line);
        assert_eq!(f.shape, Shape::Plain);
        assert_eq!(f.get("request_id"), Some("abc123"));
        assert_eq!(f.message(), None);
        assert_eq!(message(line), line);
        let line = "WARN connection pool exhausted, waiting 5s; pool=notion size=10";
        assert_eq!(message(line), line);
        assert_eq!(parse(line).get("pool"), Some("notion"));
        let line = "ERROR: notion API returned 502 (page=42)";
        assert_eq!(message(line), line);
        // A logfmt line's message is its msg.
        assert_eq!(parse("level=info msg=hello").shape, Shape::Logfmt);
        assert_eq!(message("level=info msg=hello"), "hello");
    }

    #[test]
    fn level_comes_from_labels_then_metadata_then_fields() {
        let none = Labels::new();
        let level = |stream: &Labels, md: &Labels, line: &str| detect_level(&[stream, md], line);
        assert_eq!(
            level(&labels(&[("level", "WARN")]), &none, r#"{"level":"error"}"#),
            Level::Warn
        );
        assert_eq!(
            level(&none, &labels(&[("detected_level", "error")]), "x"),
            Level::Error
        );
        assert_eq!(
            level(&none, &none, r#"{"severity":"fatal","msg":"x"}"#),
            Level::Critical
        );
        assert_eq!(level(&none, &none, "level=debug msg=hi"), Level::Debug);
        assert_eq!(level(&none, &none, "just text"), Level::Unknown);
        assert_eq!(level(&none, &none, "ERROR db down"), Level::Error);
        assert_eq!(level(&none, &none, "[warn] slow"), Level::Warn);
        assert_eq!(level(&none, &none, "INFO: listening"), Level::Info);
        assert_eq!(
            level(&none, &none, "2026-12-06 10:00:00.123 WARN pool exhausted"),
            Level::Warn
        );
        assert_eq!(
            level(&labels(&[("level", "verbose")]), &none, "lvl=info"),
            Level::Info
        );
        // A plain line: its first word, then a level pair inside it.
        assert_eq!(
            level(&none, &none, "WARN retry failed level=error"),
            Level::Warn
        );
        assert_eq!(
            level(&none, &none, "the call failed and level=error was set"),
            Level::Error
        );
    }

    #[test]
    fn message_prefers_the_msg_field() {
        assert_eq!(message(r#"{"msg":"boom","level":"error"}"#), "boom");
        assert_eq!(message("level=error error=\"db down\""), "db down");
        assert_eq!(message("plain"), "plain");
    }
}
