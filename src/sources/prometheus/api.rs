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

use crate::model::source_error::{NotJson, SourceError};

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
    /// When the last scrape ran (`lastScrape`, RFC 3339), Unix ms; `None` when absent or
    /// unreadable (or Go's zero time, before the first scrape).
    pub last_scrape_ms: Option<i64>,
}

/// The envelope of every answer; `data` is typed by the caller.
#[derive(Deserialize)]
struct Envelope<T> {
    status: String,
    data: Option<T>,
    #[serde(default, rename = "errorType")]
    error_type: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    warnings: Vec<String>,
    #[serde(default)]
    infos: Vec<String>,
}

/// The envelope of an error, whatever its `data`.
#[derive(Deserialize)]
struct ErrorEnvelope {
    status: String,
    #[serde(default, rename = "errorType")]
    error_type: String,
    #[serde(default)]
    error: String,
}

/// `data` of a query, decoded straight from the body by `resultType`.
#[derive(Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum QueryData {
    Vector(Vec<VectorItem>),
    Matrix(Vec<MatrixItem>),
    Scalar((Value, String)),
    String(serde::de::IgnoredAny),
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
    #[serde(default, rename = "lastScrape")]
    last_scrape: String,
}

/// Decodes a query answer (`/api/v1/query` or `/api/v1/query_range`) of HTTP `status`.
///
/// Errors: the API's error (`bad_data: parse error at char 5 (HTTP 400)`), a non-JSON body
/// (`HTTP 502: <its first line>`), or JSON of another shape.
pub fn query(status: u16, body: &[u8]) -> Result<Answer<Data>, SourceError> {
    if let Some(answer) = query_typed(status, body) {
        return Ok(answer);
    }
    let (data, warnings) = envelope::<QueryData>(status, body)?;
    let parsed = match data {
        QueryData::Scalar((t, v)) => Data::Scalar(millis(&t)?, number(&v)?),
        QueryData::String(_) => {
            return Err(SourceError::BadAnswer(
                "unexpected resultType `string`".into(),
            ));
        }
        series => numbers(series, |l| l)?,
    };
    Ok(Answer {
        data: parsed,
        warnings,
    })
}

/// The common answer, a success holding a vector or a matrix of numbers, decoded in one
/// pass straight into its types, then its label names and values and warnings cleaned as
/// [`crate::inbound::json`] cleans every string (a label set is rebuilt only when one of
/// its strings changed). Decoding through a `serde_json::Value` first, as the general path
/// does, cost a 200-instance refresh twice the time. `None` for anything else (an error, a
/// scalar, a bad number): [`query`]'s general path then decodes it and says what is wrong.
fn query_typed(status: u16, body: &[u8]) -> Option<Answer<Data>> {
    use std::borrow::Cow;
    if !(200..300).contains(&status) {
        return None;
    }
    let env: Envelope<QueryData> = serde_json::from_slice(body).ok()?;
    if env.status != "success" {
        return None;
    }
    let clean = crate::inbound::Cleaner::new();
    let dirty = |s: &str| matches!(clean.text(s), Cow::Owned(_));
    let labels = |l: Labels| -> Labels {
        if l.iter().any(|(k, v)| dirty(k) || dirty(v)) {
            l.into_iter()
                .map(|(k, v)| (clean.string(k), clean.string(v)))
                .collect()
        } else {
            l
        }
    };
    let data = match env.data? {
        QueryData::Scalar(_) | QueryData::String(_) => return None,
        series => numbers(series, labels).ok()?,
    };
    let warnings = env
        .warnings
        .into_iter()
        .chain(env.infos)
        .map(|w| clean.string(w))
        .collect();
    Some(Answer { data, warnings })
}

/// A vector's or a matrix's series with their values as numbers and their label sets
/// through `labels`.
///
/// Errors: a value or timestamp that is not a number; a scalar or a string (the callers
/// take those apart themselves).
fn numbers(data: QueryData, labels: impl Fn(Labels) -> Labels) -> Result<Data, SourceError> {
    Ok(match data {
        QueryData::Vector(items) => Data::Vector(
            items
                .into_iter()
                .map(|i| Ok((labels(i.metric), number(&i.value.1)?)))
                .collect::<Result<_, SourceError>>()?,
        ),
        QueryData::Matrix(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let points = item
                    .values
                    .iter()
                    .map(|(t, v)| Ok((millis(t)?, number(v)?)))
                    .collect::<Result<Vec<_>, SourceError>>()?;
                out.push((labels(item.metric), points));
            }
            Data::Matrix(out)
        }
        QueryData::Scalar(_) | QueryData::String(_) => {
            return Err(SourceError::BadAnswer(
                "a scalar or a string where series were expected".into(),
            ));
        }
    })
}

/// Decodes `/api/v1/targets`: the active targets.
///
/// Errors: as [`query`].
pub fn targets(status: u16, body: &[u8]) -> Result<Answer<Vec<Target>>, SourceError> {
    let (data, warnings) = envelope::<TargetsData>(status, body)?;
    Ok(Answer {
        data: data
            .active
            .into_iter()
            .map(|t| Target {
                labels: t.labels,
                health: t.health,
                last_error: t.last_error,
                last_scrape_ms: rfc3339_ms(&t.last_scrape),
            })
            .collect(),
        warnings,
    })
}

/// The `data` and warnings of a 2xx success, or the error the body or the status carries.
fn envelope<T: serde::de::DeserializeOwned>(
    status: u16,
    body: &[u8],
) -> Result<(T, Vec<String>), SourceError> {
    match crate::inbound::json::<Envelope<T>>(body) {
        Ok(env) if env.status == "success" => {
            if !(200..300).contains(&status) {
                return Err(SourceError::BadAnswer(format!(
                    "HTTP {status} with a success body"
                )));
            }
            let data = env
                .data
                .ok_or_else(|| SourceError::BadAnswer("a success without data".into()))?;
            let mut warnings = env.warnings;
            warnings.extend(env.infos);
            Ok((data, warnings))
        }
        Ok(env) => Err(api_error(&env.status, &env.error_type, &env.error, status)),
        Err(shape) => match serde_json::from_slice::<ErrorEnvelope>(body) {
            Ok(e) if e.status != "success" => {
                Err(api_error(&e.status, &e.error_type, &e.error, status))
            }
            Ok(_) => Err(SourceError::BadAnswer(format!(
                "unexpected answer: {shape}"
            ))),
            Err(_) => Err(not_json(status, body)),
        },
    }
}

fn api_error(status_field: &str, error_type: &str, error: &str, status: u16) -> SourceError {
    let what = match (error_type.is_empty(), error.is_empty()) {
        (false, false) => format!("{error_type}: {error}"),
        (true, false) => error.to_string(),
        (false, true) => error_type.to_string(),
        (true, true) => format!("status `{status_field}` without an error"),
    };
    SourceError::Api {
        message: crate::inbound::text(&what).into_owned(),
        http: status,
    }
}

/// A body that is not the API's JSON: a proxy's page or a plain-text error.
fn not_json(status: u16, body: &[u8]) -> SourceError {
    let seen = |body| SourceError::NotJson { http: status, body };
    if crate::http::is_binary(body) {
        return seen(NotJson::Binary(body.len()));
    }
    let text = String::from_utf8_lossy(body);
    let text = crate::inbound::text(&text);
    let text = text.trim();
    if text.starts_with('<') {
        let title = text
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(t, _)| t.trim())
            .filter(|t| !t.is_empty());
        return seen(NotJson::Html(title.map(clip)));
    }
    match text.lines().next().filter(|l| !l.trim().is_empty()) {
        Some(line) => seen(NotJson::Line(clip(line.trim()))),
        None => seen(NotJson::Empty),
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
pub fn number(s: &str) -> Result<f64, SourceError> {
    match s {
        "+Inf" | "Inf" => Ok(f64::INFINITY),
        "-Inf" => Ok(f64::NEG_INFINITY),
        "NaN" => Ok(f64::NAN),
        other => other.parse().map_err(|_| {
            SourceError::BadAnswer(format!("sample value `{}` is not a number", clip(other)))
        }),
    }
}

/// An RFC 3339 time (`2026-12-06T22:18:08.429Z`, `...+01:00`) as Unix ms; `None` when it
/// is not one or is before 1970 (Go's zero time `0001-01-01T00:00:00Z` of a target never
/// scraped).
fn rfc3339_ms(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
        .filter(|ms| *ms > 0)
}

/// A timestamp in Unix seconds (float or integer JSON number) as Unix ms.
fn millis(v: &Value) -> Result<i64, SourceError> {
    v.as_f64()
        .filter(|s| s.is_finite())
        .map(|s| (s * 1000.0).round() as i64)
        .ok_or_else(|| SourceError::BadAnswer(format!("timestamp `{v}` is not a number")))
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
