//! A loopback stand-in for the query APIs in front of a shared or long-term store: Thanos
//! Querier (with its query-frontend) and Grafana Mimir (query-frontend and querier). Both
//! speak Prometheus' HTTP API; each quirk below is switched on by [`Quirks`] and answers as
//! the documentation (or the code) of the real one says:
//!
//! - **Tenant** (Mimir, Cortex): every API route needs `X-Scope-OrgID`; without it the
//!   answer is `401` with the plain text `no org id` (dskit `middleware.AuthenticateUser`
//!   writes `user.ErrNoOrgID` with `http.Error`). Unknown routes answer `404 page not
//!   found` before any tenant check (gorilla/mux's default, routes are registered one by
//!   one in mimir `pkg/api/handlers.go`). Mimir serves the API under `/prometheus`
//!   (`-http.prometheus-http-prefix`).
//! - **No targets list** (Mimir, Cortex): `/api/v1/targets` is not one of those routes:
//!   `404 page not found`. Thanos Querier has it (`pkg/api/query/v1.go`: `/targets`, merged
//!   from its StoreAPIs' targets, `health` lowercase, `lastScrape` RFC 3339).
//! - **Partial response** (Thanos): when a StoreAPI does not answer and partial responses
//!   are allowed (`partial_response` parameter, default the `--query.partial-response`
//!   flag, true), the answer is HTTP 200 `"status":"success"` with only the other stores'
//!   series and the store's error in `"warnings"` (docs/components/query.md, "Partial
//!   Response"; `pkg/store/proxy_merge.go`: `fetch series for ...`). With
//!   `partial_response=false` the query fails: HTTP 422, `"errorType":"execution"`
//!   (`pkg/api/api.go` `RespondError`; PromQL's `expanding series: ...`).
//! - **Step alignment** (Thanos query-frontend `--query-range.align-range-with-step`,
//!   default true; Mimir `-query-frontend.align-queries-with-step`, default false):
//!   `query_range`'s start and end are rounded down to a multiple of the step
//!   (Thanos `internal/cortex/querier/queryrange/step_align.go`), so the points come at
//!   those times whatever was asked.
//!
//! Not emulated: the query-frontend's results cache (Mimir leaves the newest
//! `-query-frontend.max-cache-freshness`, 10 m since Mimir 2.11, out of it; Thanos'
//! frontend 1 m), splitting by interval (24 h), `dedup`, `max_source_resolution`.
//!
//! Data: two instances, `a:9464` (¾ of the total) and `b:9464` (¼), the total
//! [`super::lagging_api::truth`] requests per second; an expression holding `error_marker`
//! answers a twentieth of that, latency buckets ([`BUCKETS`]) a share of it each. A
//! combined query ([`super::combined_query`]) is answered part by part. The store holding `b` is the one that fails in a partial
//! answer: then only `a` is answered. Detection's `group by` queries answer nothing (the
//! tests name their profile).

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::lagging_api::{INSTANCES, truth};

/// The errors' share of the requests.
pub const ERROR_SHARE: f64 = 0.05;

/// The latency buckets' bounds and the share of the requests in each (cumulative).
pub const BUCKETS: [(&str, f64); 4] = [("0.1", 0.5), ("0.25", 0.9), ("0.5", 0.99), ("+Inf", 1.0)];

/// Which quirks the stand-in has.
#[derive(Debug, Clone, Default)]
pub struct Quirks {
    /// Path before `/api/v1` (Mimir: `/prometheus`).
    pub prefix: String,
    /// The tenant every API route needs in `X-Scope-OrgID`; `None`: no tenancy.
    pub tenant: Option<String>,
    /// Thanos' StoreAPI error while the store of `b` is down: answers are partial.
    pub store_down: Option<String>,
    /// `query_range` start and end rounded down to the step.
    pub align_step: bool,
    /// Serve `/api/v1/targets` (Thanos) or not (Mimir).
    pub targets: bool,
    /// The instance whose `up` is 0, with this scrape error in the targets list.
    pub down: Option<(String, String)>,
    /// Substring of the errors expression.
    pub error_marker: String,
}

impl Quirks {
    /// Mimir behind its query-frontend: `/prometheus`, tenant `tenant`, no targets list,
    /// step alignment on.
    pub fn mimir(tenant: &str, error_marker: &str) -> Quirks {
        Quirks {
            prefix: "/prometheus".into(),
            tenant: Some(tenant.into()),
            align_step: true,
            error_marker: error_marker.into(),
            ..Quirks::default()
        }
    }

    /// Thanos Querier behind its query-frontend: targets list, step alignment on.
    pub fn thanos(error_marker: &str) -> Quirks {
        Quirks {
            targets: true,
            align_step: true,
            error_marker: error_marker.into(),
            ..Quirks::default()
        }
    }
}

/// One request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The path after the prefix, e.g. `/api/v1/query`.
    pub path: String,
    pub tenant: Option<String>,
    /// The decoded query parameters.
    pub params: Vec<(String, String)>,
    pub status: u16,
}

impl Seen {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The quirks (changeable while it runs) and every request seen.
#[derive(Debug, Default)]
pub struct State {
    pub quirks: Quirks,
    pub seen: Vec<Seen>,
}

pub type Shared = Arc<Mutex<State>>;

/// Serves the stand-in; its base URL (with the prefix) and its shared state.
pub async fn start(quirks: Quirks) -> (String, Shared) {
    let prefix = quirks.prefix.clone();
    let state: Shared = Arc::new(Mutex::new(State {
        quirks,
        seen: Vec::new(),
    }));
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(state.clone());
    let addr = super::serve::serve(app).await;
    (format!("http://{addr}{prefix}"), state)
}

/// The requests seen so far.
pub fn seen(state: &Shared) -> Vec<Seen> {
    state.lock().map(|s| s.seen.clone()).unwrap_or_default()
}

async fn answer(
    axum::extract::State(state): axum::extract::State<Shared>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let quirks = match state.lock() {
        Ok(s) => s.quirks.clone(),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let params: Vec<(String, String)> = reqwest::Url::parse(&format!("http://standin{uri}"))
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let tenant = headers
        .get("x-scope-orgid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let path = uri
        .path()
        .strip_prefix(quirks.prefix.as_str())
        .unwrap_or("")
        .to_string();
    let mut seen = Seen {
        path: path.clone(),
        tenant: tenant.clone(),
        params,
        status: 200,
    };
    let response = route(&quirks, &seen, tenant.as_deref());
    seen.status = response.0.as_u16();
    if let Ok(mut s) = state.lock() {
        s.seen.push(seen);
    }
    response.into_response()
}

/// `(status, content type, body)`.
struct Answer(StatusCode, &'static str, String);

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        (self.0, [(axum::http::header::CONTENT_TYPE, self.1)], self.2).into_response()
    }
}

fn text(status: StatusCode, body: &str) -> Answer {
    Answer(status, "text/plain; charset=utf-8", body.to_string())
}

fn json_answer(status: StatusCode, v: Value) -> Answer {
    Answer(status, "application/json", v.to_string())
}

fn route(q: &Quirks, seen: &Seen, tenant: Option<&str>) -> Answer {
    let known = matches!(seen.path.as_str(), "/api/v1/query" | "/api/v1/query_range")
        || (q.targets && seen.path == "/api/v1/targets");
    if !known {
        return text(StatusCode::NOT_FOUND, "404 page not found\n");
    }
    if q.tenant.is_some() && tenant.is_none() {
        return text(StatusCode::UNAUTHORIZED, "no org id\n");
    }
    if seen.path == "/api/v1/targets" {
        return json_answer(StatusCode::OK, targets(q));
    }
    let partial = q.store_down.as_deref();
    if let Some(e) = partial
        && seen.param("partial_response") == Some("false")
    {
        return json_answer(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"status": "error", "errorType": "execution",
                   "error": format!("expanding series: {e}")}),
        );
    }
    let query = seen.param("query").unwrap_or("");
    let data = if seen.path == "/api/v1/query" {
        instant(q, query, partial.is_some())
    } else {
        range(q, seen, query, partial.is_some())
    };
    let mut body = json!({"status": "success", "data": data});
    if let Some(e) = partial {
        body["warnings"] = json!([e]);
    }
    json_answer(StatusCode::OK, body)
}

/// The instances the answering stores hold, and their shares.
fn instances(partial: bool) -> &'static [(&'static str, f64)] {
    if partial { &INSTANCES[..1] } else { &INSTANCES }
}

fn instant(q: &Quirks, query: &str, partial: bool) -> Value {
    let result: Vec<Value> = super::combined_query::parts(query)
        .into_iter()
        .flat_map(|(tag, part)| {
            super::combined_query::tag(instant_part(q, &part, partial), tag.as_deref())
        })
        .collect();
    json!({"resultType": "vector", "result": result})
}

fn instant_part(q: &Quirks, query: &str, partial: bool) -> Vec<Value> {
    let now = mcptop::sources::now_ms();
    let one = |labels: Value, v: f64| json!({"metric": labels, "value": [now as f64 / 1000.0, v.to_string()]});
    let by_instance = |f: &dyn Fn(&str, f64) -> f64| -> Vec<Value> {
        instances(partial)
            .iter()
            .map(|(i, share)| one(json!({"instance": i, "job": "mcp"}), f(i, *share)))
            .collect()
    };
    if query.starts_with("group by") {
        Vec::new()
    } else if query.starts_with("timestamp(") {
        by_instance(&|_, _| (now / 1000) as f64)
    } else if query.starts_with("up") {
        let down = q.down.as_ref().map(|(i, _)| i.as_str());
        by_instance(&|i, _| if Some(i) == down { 0.0 } else { 1.0 })
    } else if query.contains("_bucket") {
        let per_instance = query.contains("by (instance");
        let mut out = Vec::new();
        for (i, share) in instances(partial) {
            for (le, cumulative) in BUCKETS {
                let v = truth(now) * share * cumulative;
                let labels = if per_instance {
                    json!({"instance": i, "le": le})
                } else {
                    json!({"le": le})
                };
                out.push(one(labels, v));
            }
        }
        out
    } else {
        let scale = if query.contains(&q.error_marker) {
            ERROR_SHARE
        } else {
            1.0
        };
        // `by (instance`: the counted rates also hold `on (job, instance)` in the total.
        if query.contains("by (instance") {
            by_instance(&|_, share| truth(now) * share * scale)
        } else {
            let answered: f64 = instances(partial).iter().map(|(_, s)| s).sum();
            vec![one(json!({}), truth(now) * answered * scale)]
        }
    }
}

fn range(q: &Quirks, seen: &Seen, query: &str, partial: bool) -> Value {
    let result: Vec<Value> = super::combined_query::parts(query)
        .into_iter()
        .flat_map(|(tag, part)| {
            super::combined_query::tag(range_part(q, seen, &part, partial), tag.as_deref())
        })
        .collect();
    json!({"resultType": "matrix", "result": result})
}

fn range_part(q: &Quirks, seen: &Seen, query: &str, partial: bool) -> Vec<Value> {
    let ms = |name: &str| {
        seen.param(name)
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0, |s| (s * 1000.0).round() as i64)
    };
    let step = ms("step").max(1);
    let (mut start, mut end) = (ms("start"), ms("end"));
    if q.align_step {
        start = start.div_euclid(step) * step;
        end = end.div_euclid(step) * step;
    }
    let scale = if query.contains(&q.error_marker) {
        ERROR_SHARE
    } else {
        1.0
    };
    let series: Vec<(Value, f64)> = if query.contains("by (instance") {
        instances(partial)
            .iter()
            .map(|(i, share)| (json!({ "instance": i }), *share))
            .collect()
    } else {
        vec![(json!({}), instances(partial).iter().map(|(_, s)| s).sum())]
    };
    series
        .into_iter()
        .map(|(metric, share)| {
            let mut values = Vec::new();
            let mut t = start;
            while t <= end {
                let v = truth(t) * share * scale;
                values.push(json!([t as f64 / 1000.0, v.to_string()]));
                t += step;
            }
            json!({"metric": metric, "values": values})
        })
        .collect()
}

/// Thanos Querier's `/api/v1/targets`: every instance, the down one with its error.
fn targets(q: &Quirks) -> Value {
    let last = chrono::Utc::now().to_rfc3339();
    let active: Vec<Value> = INSTANCES
        .iter()
        .map(|(i, _)| {
            let error = q
                .down
                .as_ref()
                .filter(|(d, _)| d == i)
                .map(|(_, e)| e.as_str());
            json!({
                "discoveredLabels": {"__address__": i},
                "labels": {"instance": i, "job": "mcp"},
                "scrapePool": "mcp",
                "scrapeUrl": format!("http://{i}/metrics"),
                "globalUrl": format!("http://{i}/metrics"),
                "lastError": error.unwrap_or(""),
                "lastScrape": last,
                "lastScrapeDuration": 0.002,
                "health": if error.is_some() { "down" } else { "up" },
            })
        })
        .collect();
    json!({"status": "success", "data": {"activeTargets": active, "droppedTargets": []}})
}
