//! A loopback stand-in for a query API that answers its newest points late, as
//! VictoriaMetrics does (`-search.latencyOffset`, 30 s by default; shorter here): in a
//! `query_range` answer each point newer than `now - offset` repeats the value of the last
//! older point of the same answer (VictoriaMetrics' `adjustLastPoints`), and is left out
//! when the answer has none, so a range lying wholly in the offset answers `"result":[]`.
//! The values settle once they are older than the offset. (VictoriaMetrics 1.79, Debian's
//! `victoria-metrics`, answers so: a rate that rose 20 s ago reads its old value over the
//! last 30 s of a range, with or without `nocache=1`, and `start = end = now` is `[]`.)
//!
//! Series: one without labels for a plain expression, `instance="a:9464"` (¾ of the
//! total) and `instance="b:9464"` (¼) for a `by (instance)` one. An expression holding
//! `error_marker` answers a tenth of the requests. Instant queries answer an empty vector.
//! Holes (time ranges) can be punched and healed: no series has a point there.

use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::{Value, json};

/// The instances and their shares of the total.
pub const INSTANCES: [(&str, f64); 2] = [("a:9464", 0.75), ("b:9464", 0.25)];

/// The settled requests per second of the total at `t_ms`: 10 + (seconds mod 7), so
/// neighbouring points differ and a repeated value shows.
pub fn truth(t_ms: i64) -> f64 {
    10.0 + t_ms.div_euclid(1000).rem_euclid(7) as f64
}

/// The stand-in's settings and what it was asked.
#[derive(Debug, Default)]
pub struct Lag {
    /// How long before now points are not settled, ms.
    pub offset_ms: i64,
    /// Substring of the errors expression.
    pub error_marker: String,
    /// `[from, to]` Unix ms with no data.
    pub holes: Vec<(i64, i64)>,
    /// `(start_ms, end_ms)` of every `query_range`, oldest first.
    pub ranges: Vec<(i64, i64)>,
}

pub type Shared = Arc<Mutex<Lag>>;

#[derive(Deserialize)]
struct RangeParams {
    query: String,
    start: f64,
    end: f64,
    step: f64,
}

/// Serves the stand-in; its base URL and its shared state.
pub async fn start(offset_ms: i64, error_marker: &str) -> (String, Shared) {
    let lag: Shared = Arc::new(Mutex::new(Lag {
        offset_ms,
        error_marker: error_marker.to_string(),
        ..Lag::default()
    }));
    let app = axum::Router::new()
        .route("/api/v1/query_range", axum::routing::get(query_range))
        .route("/api/v1/query", axum::routing::get(instant))
        .with_state(lag.clone());
    let addr = super::serve::serve(app).await;
    (format!("http://{addr}"), lag)
}

async fn instant() -> axum::Json<Value> {
    axum::Json(json!({"status": "success", "data": {"resultType": "vector", "result": []}}))
}

async fn query_range(State(lag): State<Shared>, Query(p): Query<RangeParams>) -> axum::Json<Value> {
    let now = mcptop::sources::now_ms();
    let (start, end, step) = (
        (p.start * 1000.0).round() as i64,
        (p.end * 1000.0).round() as i64,
        ((p.step * 1000.0).round() as i64).max(1),
    );
    let (offset, marker, holes) = match lag.lock() {
        Ok(mut l) => {
            l.ranges.push((start, end));
            (l.offset_ms, l.error_marker.clone(), l.holes.clone())
        }
        Err(_) => (0, String::new(), Vec::new()),
    };
    let result: Vec<Value> = super::combined_query::parts(&p.query)
        .into_iter()
        .flat_map(|(tag, part)| {
            let errors = !marker.is_empty() && part.contains(&marker);
            let points = points(&part, errors, (start, end, step), (now, offset), &holes);
            super::combined_query::tag(points, tag.as_deref())
        })
        .collect();
    axum::Json(json!({"status": "success", "data": {"resultType": "matrix", "result": result}}))
}

/// One part's series over `[start, end]` every `step`, lagging `offset` behind `now`.
fn points(
    query: &str,
    errors: bool,
    (start, end, step): (i64, i64, i64),
    (now, offset): (i64, i64),
    holes: &[(i64, i64)],
) -> Vec<Value> {
    let series: Vec<(Value, f64)> = if query.contains("by (instance)") {
        INSTANCES
            .iter()
            .map(|(i, share)| (json!({ "instance": i }), *share))
            .collect()
    } else {
        vec![(json!({}), 1.0)]
    };
    let scale = if errors { 0.1 } else { 1.0 };
    series
        .into_iter()
        .map(|(metric, share)| {
            let mut values = Vec::new();
            let mut last: Option<f64> = None;
            let mut t = start;
            while t <= end {
                if !holes.iter().any(|(a, b)| (*a..=*b).contains(&t)) {
                    let v = if t <= now - offset {
                        Some(truth(t) * share * scale)
                    } else {
                        last
                    };
                    if let Some(v) = v {
                        last = Some(v);
                        values.push(json!([t as f64 / 1000.0, v.to_string()]));
                    }
                }
                t += step;
            }
            json!({"metric": metric, "values": values})
        })
        .filter(|s| s["values"].as_array().is_some_and(|v| !v.is_empty()))
        .collect()
}
