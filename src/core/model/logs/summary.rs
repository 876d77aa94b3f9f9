//! The error summary: lines per level over the last 5 minutes and hour, and the most
//! frequent error messages with numbers and ids folded so they group.

use std::collections::HashMap;

use super::buffer::LogBuffer;
use super::entry::Level;
use super::fields::message;

/// Nanoseconds in 5 minutes and in an hour.
pub const FIVE_MIN_NS: i64 = 300 * 1_000_000_000;
pub const HOUR_NS: i64 = 3600 * 1_000_000_000;

/// Longest normalised message kept, characters.
const MESSAGE_CHARS: usize = 160;

/// Lines per level over two windows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LevelCounts {
    /// `(level, last 5 minutes, last hour)`, worst level first; levels without lines are
    /// left out.
    pub rows: Vec<(String, f64, f64)>,
    /// Where the counts come from: `"buffer"` (the lines kept) or `"loki"` (LogQL
    /// `count_over_time`, which also counts lines not kept).
    pub origin: &'static str,
    /// Loki: the label the lines were grouped by (`level`, `detected_level`); `None` when
    /// no label holds a level, so that `rows` is empty and the levels come from the kept
    /// lines.
    pub level_by: Option<String>,
    /// Loki: lines without a value for the level label (the series with an empty
    /// metric), `(last 5 minutes, last hour)`. Never shown as a level.
    pub unlabelled: (f64, f64),
    /// Loki: the metric query has `| __error__=""` appended (the query has a parser stage
    /// and no `__error__` filter), so lines the parser rejects are not counted.
    pub parse_errors_dropped: bool,
    /// Kept lines: how far back the kept lines reach when that is less than an hour,
    /// nanoseconds (the hour's figure covers only that long).
    pub span_ns: Option<i64>,
}

/// One frequent error message.
#[derive(Debug, Clone, PartialEq)]
pub struct TopError {
    /// The normalised message (numbers `<n>`, ids `<id>`).
    pub message: String,
    pub count: u64,
    /// The newest line it was seen in, as an example.
    pub example: String,
}

/// Counts the kept lines per level with timestamps in the last 5 minutes and hour before
/// `now_ns` (lines the buffer dropped are not counted); `span_ns` is how far back the
/// oldest kept line lies when that is less than an hour.
pub fn level_counts(buf: &LogBuffer, now_ns: i64) -> LevelCounts {
    let mut counts: HashMap<Level, (f64, f64)> = HashMap::new();
    for e in buf.iter().rev() {
        let age = now_ns.saturating_sub(e.ts_ns);
        if age > HOUR_NS {
            continue;
        }
        let c = counts.entry(e.level).or_default();
        c.1 += 1.0;
        if age <= FIVE_MIN_NS {
            c.0 += 1.0;
        }
    }
    let rows = Level::ALL
        .iter()
        .filter_map(|l| {
            counts
                .get(l)
                .map(|(m5, h1)| (l.word().to_string(), *m5, *h1))
        })
        .collect();
    let span_ns = buf
        .iter()
        .map(|e| e.ts_ns)
        .min()
        .map(|oldest| now_ns.saturating_sub(oldest).max(0))
        .filter(|span| *span < HOUR_NS);
    LevelCounts {
        rows,
        origin: "buffer",
        span_ns,
        ..LevelCounts::default()
    }
}

/// The `n` most frequent error (and critical) messages of the last hour before `now_ns`
/// among the kept lines, most frequent first (ties: newest first).
pub fn top_errors(buf: &LogBuffer, now_ns: i64, n: usize) -> Vec<TopError> {
    // message -> (count, newest seq, example)
    let mut groups: HashMap<String, (u64, u64, String)> = HashMap::new();
    for e in buf.iter() {
        if !e.level.is_error() || now_ns.saturating_sub(e.ts_ns) > HOUR_NS {
            continue;
        }
        let key = normalise(&message(&e.line));
        let g = groups.entry(key).or_insert((0, 0, String::new()));
        g.0 += 1;
        g.1 = e.seq;
        g.2.clone_from(&e.line);
    }
    let mut list: Vec<(String, (u64, u64, String))> = groups.into_iter().collect();
    list.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(b.1.1.cmp(&a.1.1)));
    list.into_iter()
        .take(n)
        .map(|(message, (count, _, example))| TopError {
            message,
            count,
            example,
        })
        .collect()
}

/// Folds what differs between occurrences of one message: a run of letters, digits, `-`
/// and `_` that holds a digit becomes `<n>` when it is all digits (and `-`), `<id>` when
/// it is 6 characters or longer (hex ids, UUIDs, request ids), `<n>unit` for a number
/// with a unit of up to 3 letters (`250ms`, `5s`); shorter mixed words
/// (`http2`, `v3`) stay. Whitespace runs become one space; the result is cut at 160
/// characters.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MESSAGE_CHARS));
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.chars().any(|c| c.is_ascii_digit()) {
            let digits = token.chars().take_while(char::is_ascii_digit).count();
            let unit = &token[digits..];
            if token.chars().all(|c| c.is_ascii_digit() || c == '-') {
                out.push_str("<n>");
            } else if digits > 0 && unit.len() <= 3 && unit.chars().all(|c| c.is_ascii_alphabetic())
            {
                out.push_str("<n>");
                out.push_str(unit);
            } else if token.chars().count() >= 6 {
                out.push_str("<id>");
            } else {
                out.push_str(token);
            }
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    let mut last_space = false;
    for c in text.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            token.push(c);
            last_space = false;
        } else {
            flush(&mut token, &mut out);
            if c.is_whitespace() {
                if !last_space {
                    out.push(' ');
                }
                last_space = true;
            } else {
                out.push(c);
                last_space = false;
            }
        }
        if out.chars().count() > MESSAGE_CHARS {
            break;
        }
    }
    flush(&mut token, &mut out);
    let trimmed = out.trim();
    trimmed.chars().take(MESSAGE_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::logs::LogEntry;

    const S: i64 = 1_000_000_000;

    #[test]
    fn numbers_and_ids_do_not_split_a_message() {
        assert_eq!(
            normalise("upstream timeout after 3000 ms (request 4711)"),
            "upstream timeout after <n> ms (request <n>)"
        );
        assert_eq!(
            normalise("session 550e8400-e29b-41d4-a716-446655440000 expired"),
            "session <id> expired"
        );
        assert_eq!(
            normalise("trace deadbeef01 http2  v3 failed"),
            "trace <id> http2 v3 failed"
        );
        assert_eq!(normalise("took 3.5s"), "took <n>.<n>s");
        assert_eq!(normalise(&"x".repeat(500)).len(), 160);
    }

    fn buf(entries: &[(i64, &str)]) -> LogBuffer {
        let mut b = LogBuffer::new(1000, 1 << 20);
        for (ts, line) in entries {
            b.push(LogEntry::new(
                *ts,
                line.to_string(),
                Arc::new(Vec::new()),
                Vec::new(),
            ));
        }
        b
    }

    #[test]
    fn counts_per_level_over_five_minutes_and_an_hour() {
        let now = 10_000 * S;
        let b = buf(&[
            (now - 2 * HOUR_NS, "level=error msg=ancient"),
            (now - 30 * 60 * S, "level=error msg=old"),
            (now - 60 * S, "level=error msg=new"),
            (now - 10 * S, "level=warn msg=w"),
            (now - 10 * S, "no level"),
        ]);
        let c = level_counts(&b, now);
        assert_eq!(
            c.rows,
            vec![
                ("error".to_string(), 1.0, 2.0),
                ("warn".to_string(), 1.0, 1.0),
                ("-".to_string(), 1.0, 1.0),
            ]
        );
        assert_eq!(c.span_ns, None, "the kept lines reach back over an hour");
        let recent = buf(&[(now - 23 * 60 * S, "level=info"), (now - S, "level=info")]);
        assert_eq!(level_counts(&recent, now).span_ns, Some(23 * 60 * S));
    }

    #[test]
    fn top_errors_group_normalised_messages() {
        let now = 10_000 * S;
        let b = buf(&[
            (
                now - 5 * S,
                r#"{"level":"error","msg":"upstream timeout after 3000 ms (request 1)"}"#,
            ),
            (
                now - 4 * S,
                r#"{"level":"error","msg":"upstream timeout after 3100 ms (request 2)"}"#,
            ),
            (now - 3 * S, r#"{"level":"error","msg":"db down"}"#),
            (now - 2 * S, r#"{"level":"info","msg":"db down"}"#),
            (now - S, r#"{"level":"critical","msg":"db down"}"#),
            (
                now - S,
                r#"{"level":"error","msg":"auth failed for user_123456"}"#,
            ),
        ]);
        let top = top_errors(&b, now, 2);
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].count, 2);
        assert_eq!(top[1].count, 2);
        // Equal counts: the newest first.
        assert_eq!(top[0].message, "db down");
        assert_eq!(
            top[1].message,
            "upstream timeout after <n> ms (request <n>)"
        );
        assert!(top[1].example.contains("request 2"));
    }
}
