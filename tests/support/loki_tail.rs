//! The tail WebSocket of the test Loki server (`support::loki`): the backlog frame, a frame
//! per push, `dropped_entries` under load, and the ends real Loki gives a tail (close 1011
//! with its reason, or a connection that just ends).

use std::collections::HashMap;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::loki::{Db, Entry, LokiVersion, Push, denied, int, multi_tenant, now_ns, plain, record};
use super::loki_query::{Selector, streams};

/// Close code of every tail end real Loki gives (`websocket.CloseInternalServerErr`).
pub const CLOSE_INTERNAL: u16 = 1011;
/// Reason of the close at `querier.tail-max-duration` (Loki 2.8 and 3.4).
pub const TAIL_MAX_REASON: &str = "reached tail max duration limit";
/// Reason of the close when Loki shuts down (SIGTERM): its ingesters left the tail.
pub const INGESTERS_GONE: &str = "all ingesters closed the connection";

pub(super) async fn tail(
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
    // Loki's TailHandler takes exactly one tenant (`tenant.TenantID`), whether or not
    // multi-tenant queries are enabled.
    if multi_tenant(&headers) {
        return plain(StatusCode::BAD_REQUEST, "multiple org IDs present");
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
    let tail = Tail {
        sel,
        version: opts.version,
        tail_max: opts.tail_max,
        batch_max: opts.tail_batch_max,
    };
    ws.on_upgrade(move |socket| async move {
        tail.run(socket, rx, backlog).await;
        db.0.lock().expect("lock").open_tails -= 1;
    })
}

struct Tail {
    sel: Selector,
    version: LokiVersion,
    tail_max: Option<Duration>,
    batch_max: Option<usize>,
}

impl Tail {
    fn frame(&self, entries: &[Entry], dropped: &[Entry]) -> String {
        let mut frame = json!({"streams": streams(entries, self.version, false)});
        if !dropped.is_empty() {
            let list: Vec<Value> = dropped
                .iter()
                .map(|e| dropped_entry(&e.stream, e.ts_ns))
                .collect();
            frame["dropped_entries"] = json!(list);
        }
        frame.to_string()
    }

    async fn run(
        &self,
        mut socket: WebSocket,
        mut rx: broadcast::Receiver<Push>,
        backlog: Vec<Entry>,
    ) {
        if !backlog.is_empty()
            && socket
                .send(Message::Text(self.frame(&backlog, &[]).into()))
                .await
                .is_err()
        {
            return;
        }
        let deadline = tokio::time::sleep(self.tail_max.unwrap_or(Duration::from_secs(24 * 3600)));
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => {
                    close(&mut socket, CLOSE_INTERNAL, TAIL_MAX_REASON).await;
                    return;
                }
                push = rx.recv() => match push {
                    Ok(Push::Entries(entries)) => {
                        let mut mine: Vec<Entry> =
                            entries.into_iter().filter(|e| self.sel.selects(e)).collect();
                        // Under load Loki sends part of what came in and lists the rest.
                        let dropped = match self.batch_max {
                            Some(n) if mine.len() > n => mine.split_off(n),
                            _ => Vec::new(),
                        };
                        if (!mine.is_empty() || !dropped.is_empty())
                            && socket.send(Message::Text(self.frame(&mine, &dropped).into())).await.is_err()
                        {
                            return;
                        }
                    }
                    Ok(Push::Dropped(dropped)) => {
                        let list: Vec<Value> =
                            dropped.iter().map(|(labels, ts)| dropped_entry(labels, *ts)).collect();
                        let text = json!({"streams": [], "dropped_entries": list}).to_string();
                        if socket.send(Message::Text(text.into())).await.is_err() {
                            return;
                        }
                    }
                    Ok(Push::Close(code, reason)) => {
                        close(&mut socket, code, &reason).await;
                        return;
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
}

async fn close(socket: &mut WebSocket, code: u16, reason: &str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.to_string().into(),
        })))
        .await;
}

/// `{"labels":"{app=\"x\"}","timestamp":"<ns>"}`.
fn dropped_entry(labels: &[(String, String)], ts_ns: i64) -> Value {
    let l: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    json!({"labels": format!("{{{}}}", l.join(", ")), "timestamp": ts_ns.to_string()})
}
