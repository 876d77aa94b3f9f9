//! The metric side of the test Loki server (`support::loki`), evaluated from the stored
//! entries as real Loki 2.8 / 3.4 answered (`/work/shared/FACTS.md`, "Grafana Loki HTTP
//! API"; issue 17):
//!
//! - `count_over_time(<log query> [R])`, `sum (...)` and `sum by (<labels>) (...)`; a
//!   point at `t` counts the lines in `(t - R, t]`.
//! - `query_range` with `step`: points aligned to the step, from the first multiple of the
//!   step at or after `start` to the first at or after `end` (so the last point can lie up to
//!   a step past `end`); points without lines are left out. `/query` with `time`: a vector.
//! - Grouping by a label a line lacks gives the series with an empty metric (`{}`).
//! - Loki 3.x (`LokiVersion::V3`): structured metadata and `detected_level` are label-like
//!   (`detected_level` is the `level` label, else the line's `level` field or first word,
//!   else `unknown`); Loki 2.x has neither.
//! - Pipeline stages: `|= "text"`, `| json`, `| logfmt`, label filters `| key="v"` and
//!   `| key!="v"` on stream labels and parsed fields, `| __error__=""`. A line the parser
//!   rejects carries `__error__` (`JSONParserErr`, `LogfmtParserErr`); only an `__error__`
//!   filter removes it (as observed: `{app="mcpist"} | json | module="notion"` failed on
//!   streams holding plain lines), and one reaching the count fails the query with 400
//!   `pipeline error: 'JSONParserErr' for series: ...`.

use std::collections::BTreeMap;
use std::collections::HashMap;

use serde_json::{Value, json};

use super::loki::{Entry, LokiVersion};
use super::loki_query::Selector;

/// A parsed metric query.
struct Metric {
    /// `None`: one series per label set; `Some(empty)`: `sum` without `by`.
    by: Option<Vec<String>>,
    log: String,
    range_ns: i64,
}

/// One stage after the stream selector.
enum Stage {
    Parser(&'static str),
    /// `(name, equal, value)`.
    Filter(String, bool, String),
}

/// Answers a metric `query_range`: the `data` of a matrix, or the 400 text.
pub fn range(
    q: &HashMap<String, String>,
    entries: &[Entry],
    version: LokiVersion,
) -> Result<Value, String> {
    let m = parse(q.get("query").map_or("", String::as_str))?;
    let now = now_ns();
    let end = time(q.get("end"), now)?;
    let start = time(q.get("start"), end - 3_600_000_000_000)?;
    let step = q
        .get("step")
        .map_or(Ok(60_000_000_000), |s| duration_ns(s))?;
    if step <= 0 {
        return Err("zero or negative query resolution step widths are not accepted".into());
    }
    let first = start.div_euclid(step) * step + if start % step == 0 { 0 } else { step };
    let last = end.div_euclid(step) * step + if end % step == 0 { 0 } else { step };
    let mut series: BTreeMap<BTreeMap<String, String>, Vec<Value>> = BTreeMap::new();
    let mut t = first;
    while t <= last {
        for (metric, n) in evaluate(&m, entries, version, t)? {
            series
                .entry(metric)
                .or_default()
                .push(json!([t as f64 / 1e9, n.to_string()]));
        }
        t += step;
    }
    let result: Vec<Value> = series
        .into_iter()
        .map(|(metric, values)| json!({"metric": metric, "values": values}))
        .collect();
    Ok(json!({"resultType": "matrix", "result": result, "stats": {}}))
}

/// Answers `/loki/api/v1/query` at `time` (default now): the `data` of a vector, or the
/// 400 text.
pub fn instant(
    q: &HashMap<String, String>,
    entries: &[Entry],
    version: LokiVersion,
) -> Result<Value, String> {
    let query = q.get("query").map_or("", String::as_str);
    if query.trim_start().starts_with('{') {
        return Err("log queries are not supported as an instant query type, please change your query to a range query type".into());
    }
    let m = parse(query)?;
    let t = time(q.get("time"), now_ns())?;
    let result: Vec<Value> = evaluate(&m, entries, version, t)?
        .into_iter()
        .map(|(metric, n)| json!({"metric": metric, "value": [t as f64 / 1e9, n.to_string()]}))
        .collect();
    Ok(json!({"resultType": "vector", "result": result, "stats": {}}))
}

/// The series and their counts at `t`; series without lines are left out.
fn evaluate(
    m: &Metric,
    entries: &[Entry],
    version: LokiVersion,
    t: i64,
) -> Result<BTreeMap<BTreeMap<String, String>, u64>, String> {
    let sel = Selector::parse(&m.log)?;
    let stages = stages(&m.log);
    let mut out: BTreeMap<BTreeMap<String, String>, u64> = BTreeMap::new();
    for e in entries
        .iter()
        .filter(|e| e.ts_ns > t - m.range_ns && e.ts_ns <= t && sel.selects(e))
    {
        let Some(labels) = pipeline(e, &stages, version) else {
            continue;
        };
        if let Some(err) = labels.get("__error__") {
            return Err(format!(
                "pipeline error: '{err}' for series: '{}'.\nUse a label filter to intentionally skip this error. (e.g | __error__!=\"{err}\").\nTo skip all potential errors you can match empty errors.(e.g __error__=\"\")\nThe label filter can also be specified after unwrap. (e.g | unwrap latency | __error__=\"\" )",
                show(&labels)
            ));
        }
        let key: BTreeMap<String, String> = match &m.by {
            None => labels,
            Some(by) => by
                .iter()
                .filter_map(|l| labels.get(l).map(|v| (l.clone(), v.clone())))
                .filter(|(_, v)| !v.is_empty())
                .collect(),
        };
        *out.entry(key).or_default() += 1;
    }
    Ok(out)
}

/// The labels of `e` after the stages, or `None` when a filter drops it.
fn pipeline(e: &Entry, stages: &[Stage], version: LokiVersion) -> Option<BTreeMap<String, String>> {
    let mut labels: BTreeMap<String, String> = e.stream.iter().cloned().collect();
    if version == LokiVersion::V3 {
        labels.extend(e.metadata.iter().cloned());
        if !labels.contains_key("detected_level") {
            labels.insert("detected_level".into(), detected_level(e));
        }
    }
    for s in stages {
        match s {
            Stage::Parser(p) => match parsed(&e.line, p) {
                Some(fields) => {
                    for (k, v) in fields {
                        labels.entry(k).or_insert(v);
                    }
                }
                None => {
                    let err = if *p == "json" {
                        "JSONParserErr"
                    } else {
                        "LogfmtParserErr"
                    };
                    labels.insert("__error__".into(), err.into());
                }
            },
            Stage::Filter(name, eq, want) => {
                let got = labels.get(name).map_or("", String::as_str);
                // A line the parser rejected passes every filter but one on `__error__`.
                if name != "__error__" && labels.contains_key("__error__") {
                    continue;
                }
                if (got == want) != *eq {
                    return None;
                }
                if name == "__error__" {
                    labels.remove("__error__");
                }
            }
        }
    }
    Some(labels)
}

/// Loki 3's `detected_level`: the `level` label, else the line's `level` field (JSON or
/// logfmt) or first word, normalised; else `unknown`.
fn detected_level(e: &Entry) -> String {
    let word = e
        .stream
        .iter()
        .find(|(k, _)| k == "level")
        .map(|(_, v)| v.clone())
        .or_else(|| {
            parsed(&e.line, "json")
                .or_else(|| parsed(&e.line, "logfmt"))
                .and_then(|f| f.get("level").cloned())
        })
        .or_else(|| e.line.split_whitespace().next().map(str::to_string))
        .unwrap_or_default();
    let w = word.trim_end_matches(':').to_ascii_lowercase();
    match w.as_str() {
        "err" | "error" | "eror" => "error",
        "warn" | "warning" => "warn",
        "info" | "inf" | "information" => "info",
        "debug" | "dbg" => "debug",
        "trace" => "trace",
        "crit" | "critical" | "fatal" => "critical",
        _ => "unknown",
    }
    .to_string()
}

/// The fields of `line` by `parser`, or `None` when it rejects the line. Top-level JSON
/// values only; logfmt needs the line to start with a `key=` pair.
fn parsed(line: &str, parser: &str) -> Option<BTreeMap<String, String>> {
    if parser == "json" {
        let v: serde_json::Map<String, Value> = serde_json::from_str(line).ok()?;
        return Some(
            v.into_iter()
                .map(|(k, v)| {
                    let s = match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (k, s)
                })
                .collect(),
        );
    }
    let mut out = BTreeMap::new();
    for word in line.split_whitespace() {
        if let Some((k, v)) = word.split_once('=')
            && !k.is_empty()
        {
            out.insert(k.to_string(), v.trim_matches('"').to_string());
        } else if out.is_empty() {
            return None;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The stages after the selector: parsers and label filters (line filters are the
/// selector's).
fn stages(log: &str) -> Vec<Stage> {
    let rest = log.find('}').map_or("", |i| &log[i + 1..]);
    let mut out = Vec::new();
    for part in split_pipes(rest) {
        let p = part.trim();
        if p.starts_with('=') || p.starts_with('~') || p.is_empty() {
            continue; // a line filter
        }
        match p {
            "json" => out.push(Stage::Parser("json")),
            "logfmt" => out.push(Stage::Parser("logfmt")),
            _ => {
                let (name, eq, value) = if let Some((n, v)) = p.split_once("!=") {
                    (n, false, v)
                } else if let Some((n, v)) = p.split_once('=') {
                    (n, true, v)
                } else {
                    continue;
                };
                let value = value.trim().trim_matches(|c| c == '"' || c == '`');
                out.push(Stage::Filter(
                    name.trim().to_string(),
                    eq,
                    value.to_string(),
                ));
            }
        }
    }
    out
}

/// `text` split at each `|` outside quotes.
fn split_pipes(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut from = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' | '`' => quoted = !quoted,
            '|' if !quoted => {
                out.push(&text[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&text[from..]);
    out
}

/// Parses `count_over_time(<log> [R])`, `sum (...)`, `sum by (a, b) (...)`.
fn parse(query: &str) -> Result<Metric, String> {
    let bad = || format!("parse error: unsupported metric query `{query}`");
    let mut q = query.trim();
    let mut by = None;
    if let Some(rest) = q.strip_prefix("sum") {
        let rest = rest.trim_start();
        let (labels, rest) = match rest.strip_prefix("by") {
            Some(r) => {
                let r = r.trim_start().strip_prefix('(').ok_or_else(bad)?;
                let close = r.find(')').ok_or_else(bad)?;
                let labels: Vec<String> = r[..close]
                    .split(',')
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect();
                (labels, r[close + 1..].trim_start())
            }
            None => (Vec::new(), rest),
        };
        by = Some(labels);
        q = rest
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(bad)?
            .trim();
    }
    let inner = q
        .strip_prefix("count_over_time")
        .map(str::trim_start)
        .and_then(|r| r.strip_prefix('('))
        .and_then(|r| r.strip_suffix(')'))
        .ok_or_else(bad)?;
    let open = inner.rfind('[').ok_or_else(bad)?;
    let close = inner.rfind(']').ok_or_else(bad)?;
    Ok(Metric {
        by,
        log: inner[..open].trim().to_string(),
        range_ns: duration_ns(&inner[open + 1..close])?,
    })
}

/// `60`, `60s`, `5m`, `1h` as nanoseconds.
fn duration_ns(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len()));
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration \"{t}\""))?;
    let scale = match unit {
        "" | "s" => 1e9,
        "ms" => 1e6,
        "m" => 60e9,
        "h" => 3600e9,
        _ => return Err(format!("invalid duration \"{t}\"")),
    };
    Ok((n * scale) as i64)
}

/// A time parameter: Unix seconds (possibly fractional) or nanoseconds, as Loki takes.
fn time(v: Option<&String>, default: i64) -> Result<i64, String> {
    let Some(v) = v else { return Ok(default) };
    if let Ok(n) = v.parse::<i64>() {
        return Ok(if n.abs() < 100_000_000_000 {
            n * 1_000_000_000
        } else {
            n
        });
    }
    v.parse::<f64>()
        .map(|s| (s * 1e9) as i64)
        .map_err(|_| format!("invalid parameter: cannot parse \"{v}\" to a valid timestamp"))
}

fn show(labels: &BTreeMap<String, String>) -> String {
    let parts: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{{{}}}", parts.join(", "))
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}
