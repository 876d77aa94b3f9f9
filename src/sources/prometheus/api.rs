//! The shapes of Prometheus' HTTP API (`/api/v1/query`, `/api/v1/query_range`,
//! `/api/v1/targets`), as Prometheus, Thanos, Mimir and VictoriaMetrics answer them, decoded
//! into owned values. Errors keep the server's own words.
//!
//! Success: `{"status":"success","data":{"resultType":"vector","result":[...]},
//! "warnings":[...]}`; sample values are strings (`"1.5"`, `"NaN"`, `"+Inf"`), timestamps
//! Unix seconds as a float (or an integer). Failure: `{"status":"error","errorType":
//! "bad_data","error":"..."}` with 400, 422 or 503, or a non-JSON body from a proxy.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// Labels of one series.
pub type Labels = BTreeMap<String, String>;

/// A query's result.
#[derive(Debug, Clone, PartialEq)]
pub enum Data {
    /// Instant vector: each series' labels and value.
    Vector(Vec<(Labels, f64)>),
    /// Range vector: each series' labels and `(Unix ms, value)` points, oldest first.
    Matrix(Vec<(Labels, Vec<(i64, f64)>)>),
    /// A scalar `(Unix ms, value)`.
    Scalar(i64, f64),
}

/// A successful answer and the warnings (and 3.x `infos`) that came with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<T> {
    pub data: T,
    pub warnings: Vec<String>,
}

/// One scrape target of `/api/v1/targets`.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Its labels after relabelling (`instance`, `job`, ...).
    pub labels: Labels,
    /// `up`, `down` or `unknown`.
    pub health: String,
    /// The last scrape's error; empty when it succeeded.
    pub last_error: String,
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Value,
    #[serde(default, rename = "errorType")]
    error_type: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    warnings: Vec<String>,
    #[serde(default)]
    infos: Vec<String>,
}

#[derive(Deserialize)]
struct QueryData {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Value,
}

#[derive(Deserialize)]
struct VectorItem {
    #[serde(default)]
    metric: Labels,
    value: (Value, String),
}

#[derive(Deserialize)]
struct MatrixItem {
    #[serde(default)]
    metric: Labels,
    #[serde(default)]
    values: Vec<(Value, String)>,
}

#[derive(Deserialize)]
struct TargetsData {
    #[serde(default, rename = "activeTargets")]
    active: Vec<RawTarget>,
}

#[derive(Deserialize)]
struct RawTarget {
    #[serde(default)]
    labels: Labels,
    #[serde(default)]
    health: String,
    #[serde(default, rename = "lastError")]
    last_error: String,
}

/// Decodes a query answer (`/api/v1/query` or `/api/v1/query_range`) of HTTP `status`.
///
/// Errors: the API's error (`bad_data: parse error at char 5 (HTTP 400)`), a non-JSON body
/// (`HTTP 502: <its first line>`), or JSON of another shape.
pub fn query(status: u16, body: &[u8]) -> Result<Answer<Data>, String> {
    let env = envelope(status, body)?;
    let data: QueryData =
        serde_json::from_value(env.data).map_err(|e| format!("unexpected answer: {e}"))?;
    let parsed = match data.result_type.as_str() {
        "vector" => {
            let items: Vec<VectorItem> = serde_json::from_value(data.result)
                .map_err(|e| format!("unexpected vector: {e}"))?;
            Data::Vector(
                items
                    .into_iter()
                    .map(|i| Ok((i.metric, number(&i.value.1)?)))
                    .collect::<Result<_, String>>()?,
            )
        }
        "matrix" => {
            let items: Vec<MatrixItem> = serde_json::from_value(data.result)
                .map_err(|e| format!("unexpected matrix: {e}"))?;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let points = item
                    .values
                    .iter()
                    .map(|(t, v)| Ok((millis(t)?, number(v)?)))
                    .collect::<Result<Vec<_>, String>>()?;
                out.push((item.metric, points));
            }
            Data::Matrix(out)
        }
        "scalar" => {
            let (t, v): (Value, String) = serde_json::from_value(data.result)
                .map_err(|e| format!("unexpected scalar: {e}"))?;
            Data::Scalar(millis(&t)?, number(&v)?)
        }
        other => return Err(format!("unexpected resultType `{other}`")),
    };
    Ok(Answer {
        data: parsed,
        warnings: env.warnings,
    })
}

/// Decodes `/api/v1/targets`: the active targets.
///
/// Errors: as [`query`].
pub fn targets(status: u16, body: &[u8]) -> Result<Answer<Vec<Target>>, String> {
    let env = envelope(status, body)?;
    let data: TargetsData =
        serde_json::from_value(env.data).map_err(|e| format!("unexpected targets: {e}"))?;
    Ok(Answer {
        data: data
            .active
            .into_iter()
            .map(|t| Target {
                labels: t.labels,
                health: t.health,
                last_error: t.last_error,
            })
            .collect(),
        warnings: env.warnings,
    })
}

/// The envelope of a 2xx success, or the error it or the status carries.
fn envelope(status: u16, body: &[u8]) -> Result<Envelope, String> {
    let Ok(mut env) = serde_json::from_slice::<Envelope>(body) else {
        return Err(not_json(status, body));
    };
    if env.status != "success" {
        let what = match (env.error_type.is_empty(), env.error.is_empty()) {
            (false, false) => format!("{}: {}", env.error_type, env.error),
            (true, false) => env.error.clone(),
            (false, true) => env.error_type.clone(),
            (true, true) => format!("status `{}` without an error", env.status),
        };
        return Err(format!("{what} (HTTP {status})"));
    }
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status} with a success body"));
    }
    env.warnings.append(&mut env.infos);
    Ok(env)
}

/// A body that is not the API's JSON: a proxy's page or a plain-text error.
fn not_json(status: u16, body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.starts_with('<') {
        let title = text
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(t, _)| t.trim())
            .filter(|t| !t.is_empty());
        return match title {
            Some(t) => format!("HTTP {status}: an HTML page ({})", clip(t)),
            None => format!("HTTP {status}: an HTML page, not the Prometheus API"),
        };
    }
    match text.lines().next().filter(|l| !l.trim().is_empty()) {
        Some(line) => format!("HTTP {status}: {}", clip(line.trim())),
        None => format!("HTTP {status} with an empty body"),
    }
}

fn clip(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// A sample value as the API writes it: `"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`.
pub fn number(s: &str) -> Result<f64, String> {
    match s {
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        other => other
            .parse()
            .map_err(|_| format!("sample value `{}` is not a number", clip(other))),
    }
}

/// A timestamp in Unix seconds (float or integer JSON number) as Unix ms.
fn millis(v: &Value) -> Result<i64, String> {
    v.as_f64()
        .filter(|s| s.is_finite())
        .map(|s| (s * 1000.0).round() as i64)
        .ok_or_else(|| format!("timestamp `{v}` is not a number"))
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
