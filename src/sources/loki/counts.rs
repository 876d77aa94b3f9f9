//! The error summary's counts from Loki: lines per level over the last 5 minutes and the
//! last hour, as two instant LogQL queries at one `time`,
//! `sum by (<label>) (count_over_time(<query> [5m]))` and `... [1h]`, so that each figure
//! is Loki's own count over exactly that window (summing the points of a range query
//! over-counted: its steps are aligned, the last up to a step past `end`; issue 17).
//!
//! The level label is found once per query: the configured `level_label` (default
//! `level`), then `detected_level` (Loki 3), the first whose answer has a series with a
//! value for it; when none has, the levels come from the kept lines and Loki gives only the
//! totals. Series without the label are counted apart, never as a level. A query with a
//! parser stage and no `__error__` filter gets `| __error__=""` appended: Loki fails a
//! metric query over lines its parser rejects (`pipeline error: 'JSONParserErr'`).

use std::collections::BTreeMap;

use super::api::Sample;
use super::client::LokiClient;
use crate::model::logs::Level;
use crate::model::logs::summary::LevelCounts;

/// Loki 3's level of each line (structured metadata, usable in `by (...)`).
pub const DETECTED_LEVEL: &str = "detected_level";

/// LogQL parser stages: after one of them, a line the parser rejects carries `__error__`.
const PARSERS: [&str; 5] = ["json", "logfmt", "regexp", "pattern", "unpack"];

/// How the levels of a query are counted, once found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LevelBy {
    /// `sum by (<label>)`.
    Label(String),
    /// No label holds a level: Loki counts the totals, the kept lines the levels.
    KeptLines,
}

/// The log query as the metric query counts it, and whether `| __error__=""` was added:
/// added when a stage is a parser (`| json`, `| logfmt`, `| regexp`, `| pattern`,
/// `| unpack`) and no stage filters on `__error__`. Quoted text is not looked into.
pub fn metric_log_query(query: &str) -> (String, bool) {
    let stages = stages(query);
    let parser = stages.iter().any(|s| {
        let word = s.split_whitespace().next().unwrap_or("");
        PARSERS.contains(&word)
    });
    let filtered = stages
        .iter()
        .any(|s| s.trim_start().starts_with("__error__"));
    if parser && !filtered {
        (format!("{} | __error__=\"\"", query.trim_end()), true)
    } else {
        (query.to_string(), false)
    }
}

/// The pipeline stages of a log query: the text after each `|` outside quotes and
/// braces, `|=` and `|~` line filters left out.
fn stages(query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut chars = query.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(s) = current.as_mut() {
                    s.push(c);
                }
                if let (Some(n), Some(s)) = (chars.next(), current.as_mut()) {
                    s.push(n);
                }
                continue;
            }
            (Some(_), _) => {}
            (None, '"' | '`') => quote = Some(c),
            (None, '{') => depth += 1,
            (None, '}') => depth = depth.saturating_sub(1),
            (None, '|') if depth == 0 && !matches!(chars.peek(), Some('=' | '~')) => {
                out.extend(current.take());
                current = Some(String::new());
                continue;
            }
            (None, '|') if depth == 0 => {
                // A line filter ends the stage before it.
                out.extend(current.take());
            }
            _ => {}
        }
        if let Some(s) = current.as_mut() {
            s.push(c);
        }
    }
    out.extend(current);
    out
}

/// `sum by (<label>) (count_over_time(<log> [<range>]))`, or `sum (...)` without a label.
fn metric(log: &str, label: Option<&str>, range: &str) -> String {
    match label {
        Some(l) => format!("sum by ({l}) (count_over_time({log} [{range}]))"),
        None => format!("sum (count_over_time({log} [{range}]))"),
    }
}

/// The counts of `query` at `time_s` (Unix seconds), finding the level label first when
/// `by` is `None` (and setting it once an answer decides; an hour without lines decides
/// nothing).
///
/// Errors: a query failed (Loki's text).
pub async fn count(
    client: &LokiClient,
    query: &str,
    level_label: &str,
    by: &mut Option<LevelBy>,
    time_s: i64,
) -> Result<LevelCounts, crate::model::source_error::SourceError> {
    let (log, dropped) = metric_log_query(query);
    let candidates: Vec<String> = match by {
        Some(LevelBy::Label(l)) => vec![l.clone()],
        Some(LevelBy::KeptLines) => Vec::new(),
        None => {
            let mut c = vec![level_label.to_string()];
            if level_label != DETECTED_LEVEL {
                c.push(DETECTED_LEVEL.to_string());
            }
            c
        }
    };
    for label in &candidates {
        let hour = client
            .instant(&metric(&log, Some(label), "1h"), time_s)
            .await?;
        if by.is_none() {
            if hour.is_empty() {
                // No line in the hour: nothing to tell the level label by yet.
                return Ok(LevelCounts {
                    origin: "loki",
                    level_by: Some(label.clone()),
                    parse_errors_dropped: dropped,
                    ..LevelCounts::default()
                });
            }
            if !hour.iter().any(|(m, _)| has(m, label)) {
                continue;
            }
            *by = Some(LevelBy::Label(label.clone()));
        }
        let five = client
            .instant(&metric(&log, Some(label), "5m"), time_s)
            .await?;
        return Ok(LevelCounts {
            level_by: Some(label.clone()),
            parse_errors_dropped: dropped,
            ..merge(label, &five, &hour)
        });
    }
    *by = Some(LevelBy::KeptLines);
    let total = |v: &[Sample]| v.iter().map(|(_, n)| n).sum::<f64>();
    let hour = client.instant(&metric(&log, None, "1h"), time_s).await?;
    let five = client.instant(&metric(&log, None, "5m"), time_s).await?;
    Ok(LevelCounts {
        origin: "loki",
        unlabelled: (total(&five), total(&hour)),
        parse_errors_dropped: dropped,
        ..LevelCounts::default()
    })
}

fn has(metric: &BTreeMap<String, String>, label: &str) -> bool {
    metric.get(label).is_some_and(|v| !v.is_empty())
}

/// Rows per value of `label` from the 5-minute and hour vectors, worst level first; the
/// series without it summed into `unlabelled`.
fn merge(label: &str, five: &[Sample], hour: &[Sample]) -> LevelCounts {
    let mut by_level: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut unlabelled = (0.0, 0.0);
    for (which, samples) in [(0, five), (1, hour)] {
        for (m, n) in samples {
            let slot = match m.get(label).filter(|v| !v.is_empty()) {
                Some(l) => by_level.entry(l.clone()).or_default(),
                None => &mut unlabelled,
            };
            if which == 0 {
                slot.0 += n;
            } else {
                slot.1 += n;
            }
        }
    }
    let mut rows: Vec<(String, f64, f64)> =
        by_level.into_iter().map(|(l, (a, b))| (l, a, b)).collect();
    rows.sort_by(|a, b| {
        let rank = |l: &str| Level::parse(l).unwrap_or(Level::Unknown);
        rank(&a.0).cmp(&rank(&b.0)).then(a.0.cmp(&b.0))
    });
    LevelCounts {
        rows,
        origin: "loki",
        unlabelled,
        ..LevelCounts::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_parser_stage_without_an_error_filter_gets_one() {
        let q = r#"{app="mcpist"} | json | module="notion""#;
        assert_eq!(
            metric_log_query(q),
            (format!(r#"{q} | __error__="""#), true)
        );
        for p in [
            "logfmt",
            "regexp \"(?P<a>x)\"",
            "pattern \"<a> <b>\"",
            "unpack",
        ] {
            let q = format!(r#"{{app="x"}} |= "a" | {p}"#);
            assert!(metric_log_query(&q).1, "{q}");
        }
        for q in [
            r#"{app="mcpist"}"#,
            r#"{app="mcpist"} |= "| json""#,
            r#"{app="mcpist"} |= "timeout" |~ "x|json""#,
            r#"{app="mcpist"} | json | __error__!="JSONParserErr""#,
            r#"{app="mcpist"} | logfmt | __error__="""#,
            r#"{app="a|json"}"#,
            r#"{app="mcpist"} | jsonish="1""#,
        ] {
            assert_eq!(metric_log_query(q), (q.to_string(), false), "{q}");
        }
    }

    fn sample(label: Option<(&str, &str)>, n: f64) -> Sample {
        (
            label
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .into_iter()
                .collect(),
            n,
        )
    }

    #[test]
    fn series_without_the_label_are_no_level() {
        let five = [sample(Some(("level", "info")), 3.0), sample(None, 1.0)];
        let hour = [
            sample(Some(("level", "info")), 30.0),
            sample(Some(("level", "error")), 2.0),
            sample(Some(("level", "")), 4.0),
            sample(None, 5.0),
        ];
        let c = merge("level", &five, &hour);
        assert_eq!(
            c.rows,
            vec![
                ("error".to_string(), 0.0, 2.0),
                ("info".to_string(), 3.0, 30.0)
            ]
        );
        assert_eq!(c.unlabelled, (1.0, 9.0));
    }
}
