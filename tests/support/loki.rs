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
//! - `GET /loki/api/v1/query` (instant metric queries at `time`): a vector.
//! - `GET /loki/api/v1/tail` (WebSocket; `start` ns, default an hour ago; `limit`, default
//!   100; `delay_for` <= 5): a first frame with the backlog since `start` (the newest
//!   `limit`, oldest first, sent when not empty), then a frame per push,
//!   `{"streams":[...]}` with `dropped_entries` only when some were dropped; ended with a
//!   normal Close after `tail_max` (Loki's `querier.tail-max-duration`).
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
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::loki_query::{Selector, streams};

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

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// How the server behaves.
#[derive(Debug, Clone)]
pub struct Options {
    pub version: LokiVersion,
    /// Each tail is closed (code 1000) after this long.
    pub tail_max: Option<Duration>,
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
enum Push {
    Entries(Vec<Entry>),
    Dropped(Vec<(Vec<(String, String)>, i64)>),
    /// End every tail without a Close frame.
    Cut,
}

struct Shared {
    opts: Options,
    entries: Vec<Entry>,
    requests: Vec<Recorded>,
    error_next: Option<(u16, String)>,
    tails_opened: usize,
    open_tails: usize,
}

type Db = Arc<(Mutex<Shared>, broadcast::Sender<Push>)>;

/// The running server; dropping it stops it.
pub struct FakeLoki {
    url: String,
    db: Db,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeLoki {
    fn drop(&mut self) {
        self.task.abort();
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
        let app = Router::new()
            .route("/loki/api/v1/query_range", get(query_range))
            .route("/loki/api/v1/tail", get(tail))
            .route("/loki/api/v1/query", get(query_instant))
            .with_state(db.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeLoki { url, db, task }
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

    /// Pushes `per_sec / 10` JSON lines every 100 ms for `secs` seconds (every 10th an
    /// error), timestamps strictly increasing from the wall clock.
    pub fn flood(
        &self,
        per_sec: u64,
        secs: u64,
        stream: &[(&str, &str)],
    ) -> tokio::task::JoinHandle<()> {
        let db = self.db.clone();
        let stream = pairs(stream);
        tokio::spawn(async move {
            let per_tick = (per_sec / 10).max(1);
            let mut n: u64 = 0;
            let mut last_ts = 0i64;
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            for _ in 0..secs * 10 {
                tick.tick().await;
                let base = now_ns().max(last_ts + 1);
                let batch: Vec<Entry> = (0..per_tick)
                    .map(|i| {
                        n += 1;
                        let line = if n.is_multiple_of(10) {
                            format!(
                                r#"{{"level":"error","module":"notion","msg":"upstream timeout after 3000 ms (request {n})","duration_ms":3000}}"#
                            )
                        } else {
                            format!(
                                r#"{{"level":"info","module":"notion","msg":"call {n} done","duration_ms":12}}"#
                            )
                        };
                        Entry {
                            stream: stream.clone(),
                            ts_ns: base + i as i64,
                            line,
                            metadata: Vec::new(),
                        }
                    })
                    .collect();
                last_ts = base + per_tick as i64;
                db.0.lock()
                    .expect("lock")
                    .entries
                    .extend(batch.iter().cloned());
                let _ = db.1.send(Push::Entries(batch));
            }
        })
    }
}

fn now_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as i64)
        .unwrap_or(0)
}

fn record(db: &Db, path: &str, q: &HashMap<String, String>, headers: &HeaderMap) -> Options {
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
fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

/// 401 when the tenant or the bearer token is missing or wrong.
fn denied(opts: &Options, headers: &HeaderMap) -> Option<Response> {
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
fn int(q: &HashMap<String, String>, key: &str, default: i64) -> Result<i64, String> {
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

/// An instant metric query, evaluated from the stored entries.
async fn query_instant(
    State(db): State<Db>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let opts = record(&db, "/loki/api/v1/query", &q, &headers);
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

async fn tail(
    State(db): State<Db>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    let opts = record(&db, "/loki/api/v1/tail", &q, &headers);
    if opts.websocket_blocked {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain")],
            "websocket upgrade refused by proxy",
        )
            .into_response();
    }
    if let Some(r) = denied(&opts, &headers) {
        return r;
    }
    let sel = match Selector::parse(q.get("query").map_or("", String::as_str)) {
        Ok(s) => s,
        Err(e) => return plain(StatusCode::BAD_REQUEST, &e),
    };
    let now = now_ns();
    let (start, limit, delay) = match (
        int(&q, "start", now - 3_600_000_000_000),
        int(&q, "limit", 100),
        int(&q, "delay_for", 0),
    ) {
        (Ok(s), Ok(l), Ok(d)) => (s, l.max(0) as usize, d),
        (Err(r), _, _) | (_, Err(r), _) | (_, _, Err(r)) => {
            return plain(StatusCode::BAD_REQUEST, &r);
        }
    };
    if delay > 5 {
        return plain(StatusCode::BAD_REQUEST, "delay_for can't be greater than 5");
    }
    // Subscribe before reading the backlog so that nothing falls between them.
    let rx = db.1.subscribe();
    let mut backlog: Vec<Entry> = {
        let mut s = db.0.lock().expect("lock");
        s.tails_opened += 1;
        s.open_tails += 1;
        s.entries
            .iter()
            .filter(|e| e.ts_ns >= start && sel.selects(e))
            .cloned()
            .collect()
    };
    backlog.sort_by_key(|e| e.ts_ns);
    let skip = backlog.len().saturating_sub(limit);
    let backlog = backlog.split_off(skip);
    let version = opts.version;
    let tail_max = opts.tail_max;
    ws.on_upgrade(move |socket| async move {
        run_tail(socket, rx, sel, backlog, version, tail_max).await;
        db.0.lock().expect("lock").open_tails -= 1;
    })
}

async fn run_tail(
    mut socket: WebSocket,
    mut rx: broadcast::Receiver<Push>,
    sel: Selector,
    backlog: Vec<Entry>,
    version: LokiVersion,
    tail_max: Option<Duration>,
) {
    let frame =
        |entries: &[Entry]| json!({"streams": streams(entries, version, false)}).to_string();
    if !backlog.is_empty()
        && socket
            .send(Message::Text(frame(&backlog).into()))
            .await
            .is_err()
    {
        return;
    }
    let deadline = tokio::time::sleep(tail_max.unwrap_or(Duration::from_secs(24 * 3600)));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => {
                let _ = socket
                    .send(Message::Close(Some(CloseFrame { code: 1000, reason: "".into() })))
                    .await;
                return;
            }
            push = rx.recv() => match push {
                Ok(Push::Entries(entries)) => {
                    let mine: Vec<Entry> = entries.into_iter().filter(|e| sel.selects(e)).collect();
                    if !mine.is_empty() && socket.send(Message::Text(frame(&mine).into())).await.is_err() {
                        return;
                    }
                }
                Ok(Push::Dropped(dropped)) => {
                    let list: Vec<Value> = dropped
                        .iter()
                        .map(|(labels, ts)| {
                            let l: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
                            json!({"labels": format!("{{{}}}", l.join(", ")), "timestamp": ts.to_string()})
                        })
                        .collect();
                    let text = json!({"streams": [], "dropped_entries": list}).to_string();
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                // Dropped without a Close frame: the connection just ends.
                Ok(Push::Cut) => return,
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            incoming = socket.recv() => if incoming.is_none() { return },
        }
    }
}
