//! Loki's HTTP API shapes, decoded: `query_range` streams (2.x and 3.x, with or without
//! `categorize-labels`), tail frames, metric matrices, and plain-text errors.
//! Documented at <https://grafana.com/docs/loki/latest/reference/loki-http-api/>.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Deserialize;

use crate::model::logs::summary::{FIVE_MIN_NS, LevelCounts};
use crate::model::logs::{Labels, Level, LogEntry};

/// Longest error text kept from a body, characters.
const ERROR_CHARS: usize = 300;

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    status: String,
    #[serde(default)]
    error: Option<String>,
    data: Option<Data>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: serde_json::Value,
}

/// One stream of a `streams` result or a tail frame.
#[derive(Deserialize)]
struct Stream {
    #[serde(default)]
    stream: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<Value>,
}

/// `["<ns>", "<line>"]`, or with categorize-labels
/// `["<ns>", "<line>", {"structuredMetadata": {...}, "parsed": {...}}]`.
#[derive(Deserialize)]
struct Value(String, String, #[serde(default)] Option<Categorized>);

#[derive(Deserialize, Default)]
struct Categorized {
    #[serde(default, rename = "structuredMetadata")]
    structured_metadata: BTreeMap<String, String>,
    #[serde(default)]
    parsed: BTreeMap<String, String>,
}

/// A tail frame: `{"streams":[...],"dropped_entries":[...]}`.
#[derive(Deserialize)]
struct TailFrame {
    #[serde(default)]
    streams: Vec<Stream>,
    #[serde(default)]
    dropped_entries: Vec<serde_json::Value>,
}

/// One series of a matrix result.
#[derive(Deserialize)]
struct Series {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// The entries of a `streams` result, oldest first (a stable sort by timestamp across
/// streams; Loki answers newest first for `direction=backward`).
///
/// Errors: not JSON of Loki's shape, `status` not `success`, a result that is not
/// `streams`, or a timestamp that is not an integer.
pub fn streams(body: &[u8]) -> Result<Vec<LogEntry>, String> {
    let data = success(body)?;
    if data.result_type != "streams" {
        return Err(format!(
            "Loki answered a `{}` result where log streams were expected (a metric query?)",
            data.result_type
        ));
    }
    let streams: Vec<Stream> =
        serde_json::from_value(data.result).map_err(|e| format!("unexpected Loki streams: {e}"))?;
    let mut out = entries(streams)?;
    out.sort_by_key(|e| e.ts_ns);
    Ok(out)
}

/// The entries a tail frame says Loki left out of the stream (`dropped_entries`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dropped {
    /// How many entries were listed.
    pub count: u64,
    /// Their timestamps, ns, where readable: a string of nanoseconds (what Loki sends), a
    /// number, or an RFC 3339 time (the legacy API).
    pub timestamps_ns: Vec<i64>,
}

/// A tail frame's entries (oldest first) and what Loki says it dropped.
///
/// Errors: not a JSON tail frame, or an entry's timestamp that is not an integer.
pub fn tail_frame(text: &str) -> Result<(Vec<LogEntry>, Dropped), String> {
    let frame: TailFrame =
        crate::inbound::json_str(text).map_err(|e| format!("unexpected tail frame: {e}"))?;
    let mut out = entries(frame.streams)?;
    out.sort_by_key(|e| e.ts_ns);
    let dropped = Dropped {
        count: frame.dropped_entries.len() as u64,
        timestamps_ns: frame
            .dropped_entries
            .iter()
            .filter_map(|d| dropped_ts(d.get("timestamp")?))
            .collect(),
    };
    Ok((out, dropped))
}

/// A dropped entry's `timestamp`, ns.
fn dropped_ts(v: &serde_json::Value) -> Option<i64> {
    if let Some(n) = v.as_i64() {
        return Some(n);
    }
    let s = v.as_str()?.trim();
    s.parse::<i64>().ok().or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()?
            .timestamp_nanos_opt()
    })
}

fn entries(streams: Vec<Stream>) -> Result<Vec<LogEntry>, String> {
    let mut out = Vec::with_capacity(streams.iter().map(|s| s.values.len()).sum());
    for s in streams {
        let labels: Arc<Labels> = Arc::new(s.stream.into_iter().collect());
        for Value(ts, line, cat) in s.values {
            let ts_ns = ts
                .parse::<i64>()
                .map_err(|_| format!("bad Loki timestamp `{ts}`: not nanoseconds"))?;
            let metadata: Labels = cat
                .map(|c| c.structured_metadata.into_iter().chain(c.parsed).collect())
                .unwrap_or_default();
            out.push(LogEntry::new(ts_ns, line, labels.clone(), metadata));
        }
    }
    Ok(out)
}

/// Per-level counts from the matrix of
/// `sum by (<level_label>) (count_over_time(<query> [1m]))` over the last hour at a 60 s
/// step: the hour sums every point, 5 minutes the points after `end_s - 300`. A series
/// without the label counts as level `-`.
///
/// Errors: not a successful `matrix` result.
pub fn level_counts(body: &[u8], level_label: &str, end_s: f64) -> Result<LevelCounts, String> {
    let data = success(body)?;
    if data.result_type != "matrix" {
        return Err(format!(
            "Loki answered a `{}` result where a matrix was expected",
            data.result_type
        ));
    }
    let series: Vec<Series> =
        serde_json::from_value(data.result).map_err(|e| format!("unexpected Loki matrix: {e}"))?;
    let five_min_s = (FIVE_MIN_NS / 1_000_000_000) as f64;
    let mut by_level: HashMap<String, (f64, f64)> = HashMap::new();
    for s in series {
        let level = s
            .metric
            .get(level_label)
            .filter(|l| !l.is_empty())
            .cloned()
            .unwrap_or_else(|| "-".to_string());
        let slot = by_level.entry(level).or_default();
        for (t, v) in s.values {
            let v: f64 = v.parse().unwrap_or(0.0);
            if !v.is_finite() {
                continue;
            }
            slot.1 += v;
            if t > end_s - five_min_s {
                slot.0 += v;
            }
        }
    }
    let mut rows: Vec<(String, f64, f64)> = by_level
        .into_iter()
        .map(|(l, (m5, h1))| (l, m5, h1))
        .collect();
    rows.sort_by(|a, b| {
        let rank = |l: &str| Level::parse(l).unwrap_or(Level::Unknown);
        rank(&a.0).cmp(&rank(&b.0)).then(a.0.cmp(&b.0))
    });
    Ok(LevelCounts {
        rows,
        origin: "loki",
    })
}

fn success(body: &[u8]) -> Result<Data, String> {
    let resp: Response = crate::inbound::json(body).map_err(|_| {
        let text = error_text(body);
        if text.is_empty() {
            "Loki sent an empty answer".to_string()
        } else {
            format!("not a Loki answer: {text}")
        }
    })?;
    if resp.status != "success" {
        return Err(resp
            .error
            .unwrap_or_else(|| format!("Loki answered status `{}`", resp.status)));
    }
    resp.data
        .ok_or_else(|| "Loki's answer has no `data`".to_string())
}

/// Loki's error text from a body: plain text (what Loki sends, whatever the content
/// type says), or the `error` of a JSON error object; whitespace folded, cut at 300
/// characters.
pub fn error_text(body: &[u8]) -> String {
    if crate::sources::http::is_binary(body) {
        return format!("{} bytes of binary data", body.len());
    }
    if let Some(page) = crate::sources::http::html_page(&String::from_utf8_lossy(body)) {
        return fold(&page);
    }
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(e) = v.get("error").and_then(|e| e.as_str())
    {
        return fold(e);
    }
    fold(&String::from_utf8_lossy(body))
}

fn fold(text: &str) -> String {
    let text = crate::inbound::text(text);
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() > ERROR_CHARS {
        let cut: String = folded.chars().take(ERROR_CHARS).collect();
        format!("{cut}…")
    } else {
        folded
    }
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
