//! A small in-process server with Grafana Loki's documented HTTP API shapes, because Loki
//! itself is not installable here. What it reproduces (and nothing more):
//!
//! - `GET /loki/api/v1/query_range` (start inclusive, end exclusive, ns; `limit`, default
//!   100, over all streams; `direction` backward (newest `limit`, newest first) or
//!   forward): `streams` results grouped per stream. Loki 2.x answers `[ts, line]` values;
//!   Loki 3.x folds structured metadata into the stream labels, unless the request carries
//!   `X-Loki-Response-Encoding-Flags: categorize-labels`, in which case the stream holds
//!   the indexed labels, values carry `{"structuredMetadata":{...}}` as a third element and
//!   `data.encodingFlags` is set. Metric queries (not starting with `{`) are evaluated
//!   from the stored entries (`support::loki_metric`), or answer `matrix` when set.
//!   A `limit` over `max_entries` (Loki's `max_entries_limit_per_query`, 5,000 by default)
//!   answers 400 `max entries limit per query exceeded, limit > max_entries_limit (N > M)`
//!   (log queries only; the tail's `limit` is not checked).
//! - `GET /loki/api/v1/query` (instant metric queries at `time`): a vector.
//! - `GET /loki/api/v1/tail` (WebSocket; `start` ns, default an hour ago; `limit`, default
//!   100; `delay_for` <= 5): a first frame with the backlog since `start` (the newest
//!   `limit`, oldest first, sent when not empty), then a frame per push,
//!   `{"streams":[...]}` with `dropped_entries` (`{"labels":"{app=\"x\"}","timestamp":
//!   "<ns>"}`) only when some were dropped: with `tail_batch_max = N`, a push of more than
//!   N selected entries sends the first N and lists the rest, which stay stored so that
//!   `query_range` returns them (Loki under load). Real Loki's ends: close code 1011
//!   `reached tail max duration limit` after `tail_max` (its `querier.tail-max-duration`),
//!   1011 `all ingesters closed the connection` when it shuts down
//!   ([`FakeLoki::stop`] with [`Stop::Term`]), or a connection that just ends.
//! - Stopping and starting again on the same port with the entries kept (a restart:
//!   SIGTERM or SIGKILL); while stopped, connections are refused.
//! - Tenants: `X-Scope-OrgID` `a|b` (several tenants) on a Loki without
//!   `multi_tenant_queries_enabled` (`multi_tenant_refusal`): `query_range` answers 500
//!   `multiple org IDs present` after a delay (real Loki took ~17 s); the tail refuses
//!   several tenants with 400 `multiple org IDs present` in any case (Loki's TailHandler
//!   takes exactly one tenant).
//! - Errors as plain text bodies with `Content-Type: application/json`, as Loki 2.8 sends
//!   them: 400 `parse error ...` for a query that is neither a selector nor a metric query,
//!   401 `no org id` without `X-Scope-OrgID` when a tenant is required.
//!
//! LogQL subset: a stream selector of `=` matchers and `|= "text"` line filters; any other
//! stage is accepted and ignored by log queries (metric queries: `support::loki_metric`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};

use super::loki_query::{Selector, streams};
use super::loki_tail::{CLOSE_INTERNAL, INGESTERS_GONE};

/// Which Loki's answers to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LokiVersion {
    V2,
    V3,
}

/// One log entry of the store.
#[derive(Debug, Clone)]
pub struct Entry {
    pub stream: Vec<(String, String)>,
    pub ts_ns: i64,
    pub line: String,
    pub metadata: Vec<(String, String)>,
}

impl Entry {
    pub fn new(stream: &[(&str, &str)], ts_ns: i64, line: &str) -> Entry {
        Entry {
            stream: pairs(stream),
            ts_ns,
            line: line.to_string(),
            metadata: Vec::new(),
        }
    }

    pub fn with_metadata(mut self, md: &[(&str, &str)]) -> Entry {
        self.metadata = pairs(md);
        self
    }
}

pub(super) fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Options {
    pub version: LokiVersion,
    /// Each tail is closed (code 1011, `reached tail max duration limit`) after this long.
    pub tail_max: Option<Duration>,
    /// A push of more than this many entries selected by a tail sends it only the first
    /// ones and lists the rest in `dropped_entries` (they stay stored).
    pub tail_batch_max: Option<usize>,
    /// Loki's `max_entries_limit_per_query`: a larger `limit` is refused. Default 5,000.
    pub max_entries: usize,
    /// Multi-tenant queries are not enabled: a `query_range` with several tenants is
    /// answered 500 `multiple org IDs present` after this long.
    pub multi_tenant_refusal: Option<Duration>,
    /// The tail upgrade is answered 403 text/plain, as by a proxy that blocks WebSockets.
    pub websocket_blocked: bool,
    /// Requests without this `X-Scope-OrgID` get 401 `no org id`.
    pub tenant: Option<String>,
    /// Requests without `Authorization: Bearer <it>` get 401.
    pub bearer: Option<String>,
    /// When not empty, the `result` of every metric `query_range` (a matrix) instead of
    /// counting the stored entries.
    pub matrix: Value,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: LokiVersion::V3,
            tail_max: None,
            tail_batch_max: None,
            max_entries: 5000,
            multi_tenant_refusal: None,
            websocket_blocked: false,
            tenant: None,
            bearer: None,
            matrix: json!([]),
        }
    }
}

/// A request as received; header names lower-case.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
}

impl Recorded {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What tails are sent.
#[derive(Debug, Clone)]
pub(super) enum Push {
    Entries(Vec<Entry>),
    Dropped(Vec<(Vec<(String, String)>, i64)>),
    /// End every tail with this Close frame.
    Close(u16, String),
    /// End every tail without a Close frame.
    Cut,
}

/// How [`FakeLoki::stop`] stops the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGTERM: tails are closed with 1011 `all ingesters closed the connection`, then
    /// every connection ends.
    Term,
    /// SIGKILL: every connection just ends.
    Kill,
}

pub(super) struct Shared {
    pub(super) opts: Options,
    pub(super) entries: Vec<Entry>,
    pub(super) requests: Vec<Recorded>,
    pub(super) error_next: Option<(u16, String)>,
    pub(super) tails_opened: usize,
    pub(super) open_tails: usize,
}

pub(super) type Db = Arc<(Mutex<Shared>, broadcast::Sender<Push>)>;

/// The running server; dropping it stops it.
pub struct FakeLoki {
    addr: std::net::SocketAddr,
    url: String,
    pub(super) db: Db,
    /// Turned true to stop the current server and end its connections.
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeLoki {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

impl FakeLoki {
    /// Starts on 127.0.0.1 on a free port.
    pub async fn start(opts: Options) -> FakeLoki {
        let (tx, _) = broadcast::channel(4096);
        let db: Db = Arc::new((
            Mutex::new(Shared {
                opts,
                entries: Vec::new(),
                requests: Vec::new(),
                error_next: None,
                tails_opened: 0,
                open_tails: 0,
            }),
            tx,
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (stop, rx) = watch::channel(false);
        let task = super::loki_serve::serve(listener, router(&db), rx);
        FakeLoki {
            addr,
            url: format!("http://{addr}"),
            db,
            stop,
            task: Some(task),
        }
    }

    /// Stops the server as `how` says: every connection ends and new ones are refused
    /// until [`FakeLoki::start_again`]. The stored entries are kept; entries pushed
    /// meanwhile are stored (as a log shipper sends them once Loki is back).
    pub async fn stop(&mut self, how: Stop) {
        if how == Stop::Term {
            self.close_tails(CLOSE_INTERNAL, INGESTERS_GONE);
            let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
            while self.open_tails() > 0 && tokio::time::Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            t.abort();
            let _ = t.await;
        }
    }

    /// Starts a new server on the port of the stopped one, with the same entries and
    /// options.
    pub async fn start_again(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        let listener = loop {
            match tokio::net::TcpListener::bind(self.addr).await {
                Ok(l) => break l,
                Err(e) if tokio::time::Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(e) => panic!("binding {} again: {e}", self.addr),
            }
        };
        let (stop, rx) = watch::channel(false);
        self.stop = stop;
        self.task = Some(super::loki_serve::serve(listener, router(&self.db), rx));
    }

    /// Ends every open tail with a Close frame of `code` and `reason`.
    pub fn close_tails(&self, code: u16, reason: &str) {
        let _ = self.db.1.send(Push::Close(code, reason.to_string()));
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        self.db.0.lock().expect("lock")
    }

    /// Stores entries and sends them to every open tail whose query selects them.
    pub fn push(&self, entries: Vec<Entry>) {
        self.lock().entries.extend(entries.iter().cloned());
        let _ = self.db.1.send(Push::Entries(entries));
    }

    /// Sends a frame with only `dropped_entries` to every open tail.
    pub fn push_dropped(&self, dropped: Vec<(Vec<(String, String)>, i64)>) {
        let _ = self.db.1.send(Push::Dropped(dropped));
    }

    /// Every request received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }

    pub fn tails_opened(&self) -> usize {
        self.lock().tails_opened
    }

    pub fn open_tails(&self) -> usize {
        self.lock().open_tails
    }

    /// Cuts every open tail without a Close frame, as when a socket drops.
    pub fn drop_tails(&self) {
        let _ = self.db.1.send(Push::Cut);
    }

    /// The next `query_range` of a log query (not a metric query, which the source's
    /// counting task sends at its own pace) answers `status` with `body` as plain text
    /// (JSON content type, as Loki 2.8 does).
    pub fn error_next(&self, status: u16, body: &str) {
        self.lock().error_next = Some((status, body.to_string()));
    }
}

fn router(db: &Db) -> Router {
    Router::new()
        .route("/loki/api/v1/query_range", get(query_range))
        .route("/loki/api/v1/tail", get(super::loki_tail::tail))
        .route("/loki/api/v1/query", get(query_instant))
        .with_state(db.clone())
}

/// Whether `X-Scope-OrgID` names several tenants (`a|b`).
pub(super) fn multi_tenant(headers: &HeaderMap) -> bool {
    headers
        .get("x-scope-orgid")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.contains('|'))
}

pub(super) fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

pub(super) fn record(
    db: &Db,
    path: &str,
    q: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Options {
    let mut s = db.0.lock().expect("lock");
    let mut query: Vec<(String, String)> = q.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    query.sort();
    s.requests.push(Recorded {
        path: path.to_string(),
        query,
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
            .collect(),
    });
    s.opts.clone()
}

/// A plain-text error with a JSON content type, as Loki 2.8 sends.
pub(super) fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

/// 401 when the tenant or the bearer token is missing or wrong.
pub(super) fn denied(opts: &Options, headers: &HeaderMap) -> Option<Response> {
    if let Some(t) = &opts.tenant {
        match headers.get("x-scope-orgid").and_then(|v| v.to_str().ok()) {
            None => return Some(plain(StatusCode::UNAUTHORIZED, "no org id")),
            Some(got) if got != t => {
                return Some(plain(StatusCode::UNAUTHORIZED, "unknown tenant"));
            }
            _ => {}
        }
    }
    if let Some(b) = &opts.bearer {
        let want = format!("Bearer {b}");
        if headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            != Some(want.as_str())
        {
            return Some(plain(StatusCode::UNAUTHORIZED, "invalid token"));
        }
    }
    None
}

/// An integer parameter; the error is Loki's text for a bad one.
pub(super) fn int(q: &HashMap<String, String>, key: &str, default: i64) -> Result<i64, String> {
    match q.get(key) {
        None => Ok(default),
        Some(v) => v
            .parse()
            .map_err(|_| format!("invalid parameter \"{key}\": cannot parse \"{v}\"")),
    }
}

async fn query_range(
    State(db): State<Db>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let opts = record(&db, "/loki/api/v1/query_range", &q, &headers);
    if let Some(r) = refuse_tenants(&opts, &headers).await {
        return r;
    }
    if let Some(r) = denied(&opts, &headers) {
        return r;
    }
    let query = q.get("query").cloned().unwrap_or_default();
    if query.trim_start().starts_with('{')
        && let Some((status, body)) = db.0.lock().expect("lock").error_next.take()
    {
        return plain(
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
            &body,
        );
    }
    if !query.trim_start().starts_with('{') && !query.trim().is_empty() && query.contains('(') {
        if opts.matrix != json!([]) {
            return axum::Json(json!({"status":"success","data":{"resultType":"matrix","result":opts.matrix,"stats":{}}}))
                .into_response();
        }
        let entries = db.0.lock().expect("lock").entries.clone();
        return metric_answer(super::loki_metric::range(&q, &entries, opts.version));
    }
    let sel = match Selector::parse(&query) {
        Ok(s) => s,
        Err(e) => return plain(StatusCode::BAD_REQUEST, &e),
    };
    let now = now_ns();
    let (start, end, limit) = match (
        int(&q, "start", now - 3_600_000_000_000),
        int(&q, "end", now),
        int(&q, "limit", 100),
    ) {
        (Ok(s), Ok(e), Ok(l)) => (s, e, l.max(0) as usize),
        (Err(r), _, _) | (_, Err(r), _) | (_, _, Err(r)) => {
            return plain(StatusCode::BAD_REQUEST, &r);
        }
    };
    if limit > opts.max_entries {
        return plain(
            StatusCode::BAD_REQUEST,
            &format!(
                "max entries limit per query exceeded, limit > max_entries_limit ({limit} > {})",
                opts.max_entries
            ),
        );
    }
    let forward = q.get("direction").is_some_and(|d| d == "forward");
    let mut picked: Vec<Entry> =
        db.0.lock()
            .expect("lock")
            .entries
            .iter()
            .filter(|e| e.ts_ns >= start && e.ts_ns < end && sel.selects(e))
            .cloned()
            .collect();
    picked.sort_by_key(|e| e.ts_ns);
    if !forward {
        picked.reverse();
    }
    picked.truncate(limit);
    let categorize = opts.version == LokiVersion::V3
        && headers
            .get("x-loki-response-encoding-flags")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|f| f.trim() == "categorize-labels"));
    let result = streams(&picked, opts.version, categorize);
    let mut data = json!({"resultType":"streams","result":result,"stats":{"summary":{"totalEntriesReturned":picked.len()}}});
    if categorize {
        data["encodingFlags"] = json!(["categorize-labels"]);
    }
    axum::Json(json!({"status":"success","data":data})).into_response()
}

/// With `multi_tenant_refusal`, a query across tenants (`a|b`): 500 `multiple org IDs
/// present`, after the delay (real Loki took ~17 s).
async fn refuse_tenants(opts: &Options, headers: &HeaderMap) -> Option<Response> {
    let delay = opts.multi_tenant_refusal?;
    if !multi_tenant(headers) {
        return None;
    }
    tokio::time::sleep(delay).await;
    Some(plain(
        StatusCode::INTERNAL_SERVER_ERROR,
        "multiple org IDs present",
    ))
}

/// An instant metric query, evaluated from the stored entries.
async fn query_instant(
    State(db): State<Db>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let opts = record(&db, "/loki/api/v1/query", &q, &headers);
    if let Some(r) = refuse_tenants(&opts, &headers).await {
        return r;
    }
    if let Some(r) = denied(&opts, &headers) {
        return r;
    }
    let entries = db.0.lock().expect("lock").entries.clone();
    metric_answer(super::loki_metric::instant(&q, &entries, opts.version))
}

/// A metric answer as Loki sends it: the data, or a 400 with the text.
fn metric_answer(data: Result<Value, String>) -> Response {
    match data {
        Ok(data) => axum::Json(json!({"status":"success","data":data})).into_response(),
        Err(text) => plain(StatusCode::BAD_REQUEST, &text),
    }
}
