//! Loki's HTTP API shapes, decoded: `query_range` streams (2.x and 3.x, with or without
//! `categorize-labels`), tail frames, metric vectors, and plain-text errors.
//! Documented at <https://grafana.com/docs/loki/latest/reference/loki-http-api/>.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::model::logs::{Labels, LogEntry};

/// Longest error text kept from a body, characters: room for Loki's pipeline error,
/// which names the series and how to skip the error (about 450 characters).
const ERROR_CHARS: usize = 1000;

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

/// One series of an instant query's answer: its labels and its value.
pub type Sample = (BTreeMap<String, String>, f64);

/// One sample of a vector result: `{"metric":{...},"value":[<s>,"<v>"]}`.
#[derive(Deserialize)]
struct RawSample {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    value: (f64, String),
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
            let (metadata, parsed): (Labels, Labels) = cat.map_or_else(Default::default, |c| {
                (
                    c.structured_metadata.into_iter().collect(),
                    c.parsed.into_iter().collect(),
                )
            });
            out.push(LogEntry::parsed(
                ts_ns,
                line,
                labels.clone(),
                metadata,
                parsed,
            ));
        }
    }
    Ok(out)
}

/// The samples of an instant query's `vector` result: each series' labels and value
/// (a value that is not a finite number counts as 0).
///
/// Errors: not a successful `vector` result.
pub fn vector(body: &[u8]) -> Result<Vec<Sample>, String> {
    let data = success(body)?;
    if data.result_type != "vector" {
        return Err(format!(
            "Loki answered a `{}` result where a vector was expected",
            data.result_type
        ));
    }
    let samples: Vec<RawSample> =
        serde_json::from_value(data.result).map_err(|e| format!("unexpected Loki vector: {e}"))?;
    Ok(samples
        .into_iter()
        .map(|s| {
            let v = s.value.1.parse::<f64>().unwrap_or(0.0);
            (s.metric, if v.is_finite() { v } else { 0.0 })
        })
        .collect())
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
/// type says), or the `error` of a JSON error object; whitespace folded, cut at 1000
/// characters.
pub fn error_text(body: &[u8]) -> String {
    if crate::http::is_binary(body) {
        return format!("{} bytes of binary data", body.len());
    }
    if let Some(page) = crate::http::html_page(&String::from_utf8_lossy(body)) {
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
