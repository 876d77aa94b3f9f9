//! Fields of a log line: a JSON object's top-level keys or logfmt `key=value` pairs, the
//! level and the message found in them.

use super::entry::{Labels, Level};

/// Names that hold a level, in the order they are tried (labels, metadata, then fields).
const LEVEL_KEYS: [&str; 5] = ["level", "detected_level", "severity", "lvl", "log_level"];

/// Names that hold the message of a structured line, in the order they are tried.
const MESSAGE_KEYS: [&str; 5] = ["msg", "message", "error", "err", "event"];

/// The fields of a structured line: a JSON object's top-level members (strings as they
/// are, other values as compact JSON) or logfmt `key=value` pairs (quoted values
/// unescaped). `None` when the line is neither (plain text, or a JSON value that is not
/// an object).
pub fn fields(line: &str) -> Option<Vec<(String, String)>> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('{') {
        let map =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(trimmed).ok()?;
        // The line's own escapes (`\u001b`) are decoded here: its fields enter as outside
        // text of their own.
        let clean = crate::inbound::Cleaner::new();
        return Some(
            map.into_iter()
                .map(|(k, v)| {
                    let text = match v {
                        serde_json::Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (clean.string(k), clean.string(text))
                })
                .collect(),
        );
    }
    let pairs = logfmt(line);
    (!pairs.is_empty()).then_some(pairs)
}

/// One field of a structured line (see [`fields`]).
pub fn field(line: &str, name: &str) -> Option<String> {
    fields(line)?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The `key=value` pairs of a logfmt line. Bare words (no `=`) are skipped; a value in
/// double quotes may hold spaces and `\"`/`\\` escapes. Keys are non-empty runs without
/// spaces, `=` or `"`.
pub fn logfmt(line: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        // A key: up to '=', whitespace or the end.
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c == '=' || c.is_whitespace() || c == '"' {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let key = &line[start..end];
        match chars.peek() {
            Some(&(_, '=')) if !key.is_empty() => {
                chars.next();
            }
            Some(&(_, '"')) => {
                // A quoted bare word: skip it whole.
                chars.next();
                skip_quoted(&mut chars);
                continue;
            }
            _ => {
                if end == start {
                    chars.next();
                }
                continue;
            }
        }
        let value = match chars.peek() {
            Some(&(_, '"')) => {
                chars.next();
                skip_quoted(&mut chars)
            }
            _ => {
                let mut v = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() {
                        break;
                    }
                    v.push(c);
                    chars.next();
                }
                v
            }
        };
        out.push((key.to_string(), value));
    }
    out
}

/// Reads a quoted value after its opening quote, unescaping `\"` and `\\`.
fn skip_quoted(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) -> String {
    let mut v = String::new();
    while let Some((_, c)) = chars.next() {
        match c {
            '"' => break,
            '\\' => match chars.next() {
                Some((_, 'n')) => v.push('\n'),
                Some((_, 't')) => v.push('\t'),
                Some((_, e)) => v.push(e),
                None => break,
            },
            c => v.push(c),
        }
    }
    v
}

/// The level of an entry: a level label of the stream, then of the structured metadata
/// (`detected_level` of Loki 3), then a level field of a JSON or logfmt line, each
/// tried with the names `level`, `detected_level`, `severity`, `lvl`, `log_level`, then
/// the first word of the line (`ERROR ...`, `[warn] ...`). [`Level::Unknown`] when none
/// names a level.
pub fn detect_level(stream: &Labels, metadata: &Labels, line: &str) -> Level {
    for labels in [stream, metadata] {
        for key in LEVEL_KEYS {
            if let Some(level) = labels
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| Level::parse(v))
            {
                return level;
            }
        }
    }
    if let Some(fields) = fields(line) {
        for key in LEVEL_KEYS {
            if let Some(level) = fields
                .iter()
                .find(|(k, _)| k == key)
                .and_then(|(_, v)| Level::parse(v))
            {
                return level;
            }
        }
    }
    // Plain text that starts with its level: `ERROR db down`, `[warn] slow`, `INFO: ok`.
    line.split_whitespace()
        .next()
        .map(|w| w.trim_matches(|c: char| matches!(c, '[' | ']' | ':' | '(' | ')')))
        .and_then(Level::parse)
        .unwrap_or(Level::Unknown)
}

/// The message of a line: the `msg`, `message`, `error`, `err` or `event` field of a
/// structured line, else the whole line.
pub fn message(line: &str) -> String {
    fields(line)
        .as_deref()
        .and_then(message_field)
        .map_or_else(|| line.to_string(), str::to_string)
}

/// The message field among already parsed `fields` (see [`message`]), if any.
pub fn message_field(fields: &[(String, String)]) -> Option<&str> {
    MESSAGE_KEYS.iter().find_map(|key| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    })
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
    fn json_lines_give_their_top_level_members() {
        let mut f = fields(r#"{"level":"error","module":"notion","duration_ms":3012,"ok":false}"#)
            .expect("json");
        f.sort();
        assert_eq!(
            f,
            labels(&[
                ("duration_ms", "3012"),
                ("level", "error"),
                ("module", "notion"),
                ("ok", "false")
            ])
        );
        assert_eq!(fields("[1,2]"), None);
        assert_eq!(fields("{broken"), None);
    }

    #[test]
    fn logfmt_reads_quoted_values_and_skips_bare_words() {
        let f = logfmt(
            r#"ts=2026-11-22T10:00:00Z level=warn msg="slow call \"x\"" module=notion done"#,
        );
        assert_eq!(
            f,
            labels(&[
                ("ts", "2026-11-22T10:00:00Z"),
                ("level", "warn"),
                ("msg", "slow call \"x\""),
                ("module", "notion"),
            ])
        );
        assert!(logfmt("plain text without pairs").is_empty());
        assert!(logfmt("== = \"\"").is_empty());
        assert_eq!(logfmt("k=ü v=\"a b"), labels(&[("k", "ü"), ("v", "a b")]));
    }

    #[test]
    fn level_comes_from_labels_then_metadata_then_fields() {
        let none = Labels::new();
        assert_eq!(
            detect_level(&labels(&[("level", "WARN")]), &none, r#"{"level":"error"}"#),
            Level::Warn
        );
        assert_eq!(
            detect_level(&none, &labels(&[("detected_level", "error")]), "x"),
            Level::Error
        );
        assert_eq!(
            detect_level(&none, &none, r#"{"severity":"fatal","msg":"x"}"#),
            Level::Critical
        );
        assert_eq!(
            detect_level(&none, &none, "level=debug msg=hi"),
            Level::Debug
        );
        assert_eq!(detect_level(&none, &none, "just text"), Level::Unknown);
        assert_eq!(detect_level(&none, &none, "ERROR db down"), Level::Error);
        assert_eq!(detect_level(&none, &none, "[warn] slow"), Level::Warn);
        assert_eq!(detect_level(&none, &none, "INFO: listening"), Level::Info);
        assert_eq!(
            detect_level(&labels(&[("level", "verbose")]), &none, "lvl=info"),
            Level::Info
        );
    }

    #[test]
    fn message_prefers_the_msg_field() {
        assert_eq!(message(r#"{"msg":"boom","level":"error"}"#), "boom");
        assert_eq!(message("level=error error=\"db down\""), "db down");
        assert_eq!(message("plain"), "plain");
    }
}
