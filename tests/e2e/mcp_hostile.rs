//! Integration: a hostile `tools/list` answer. One tool's `inputSchema` nests thousands of
//! levels (deeper than the 128 serde_json decodes, which made rmcp drop the whole answer and
//! the tools screen say "listing tools…" for ever). The deep schema is cut, the tool is listed
//! with the cut marked, the other tools are listed normally, the reason is in the server's log
//! and on the servers panel, and a second server works meanwhile. Over stdio (a standard
//! library Python server) and Streamable HTTP (a loopback server here, JSON and SSE answers).

use crate::support;

use std::collections::BTreeMap;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use crossterm::event::KeyCode;
use mcptop::config::mcp::{McpServerConfig, McpSettings, McpTransport};
use mcptop::model::mcp::state::{McpState, ServerState};
use mcptop::model::mcp::{
    CallId, CallOutcome, ConnState, LogOrigin, McpCommand, McpUpdate, ServerId, ToolInfo,
};
use mcptop::sources::Update;
use mcptop::sources::mcp::{self, McpHandle};
use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};
use serde_json::{Map, Value};
use support::drive::{key, render};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

const WAIT: Duration = Duration::from_secs(30);

fn settings() -> McpSettings {
    support::mcp_fixture::client_settings("info")
}

/// Two sources (0: the hostile server, 1: the demo), their updates applied to one state.
struct Pair {
    rx: mpsc::Receiver<Update>,
    _handles: Vec<McpHandle>,
    _tasks: JoinSet<()>,
    state: McpState,
    seen: Vec<McpUpdate>,
}

impl Pair {
    fn start(hostile: McpTransport, demo_url: &str) -> Pair {
        Self::start_with(hostile, demo_url, settings())
    }

    fn start_with(hostile: McpTransport, demo_url: &str, settings: McpSettings) -> Pair {
        let (tx, rx) = mpsc::channel(1024);
        let mut tasks = JoinSet::new();
        let demo = McpTransport::Http {
            url: demo_url.into(),
            http: Default::default(),
        };
        let handles = [("deep", hostile), ("demo", demo)]
            .into_iter()
            .enumerate()
            .map(|(i, (name, transport))| {
                let cfg = McpServerConfig {
                    name: name.into(),
                    transport,
                };
                mcp::spawn(i, cfg, settings.clone(), tx.clone(), &mut tasks)
            })
            .collect();
        let state = McpState::new(vec![
            ServerState::new("deep".into(), "hostile".into(), 1000),
            ServerState::new("demo".into(), demo_url.into(), 1000),
        ]);
        Pair {
            rx,
            _handles: handles,
            _tasks: tasks,
            state,
            seen: Vec::new(),
        }
    }

    /// Applies updates until `done` holds of the state.
    async fn until(&mut self, what: &str, done: impl Fn(&McpState) -> bool) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while !done(&self.state) {
            let update = match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Update::Mcp(u))) => u,
                Ok(Some(other)) => panic!("not an MCP update: {other:?}"),
                Ok(None) => panic!("sources ended while waiting for {what}"),
                Err(_) => panic!(
                    "no {what} within {WAIT:?}; updates but pings:\n{:#?}",
                    self.seen
                        .iter()
                        .filter(|u| !matches!(u, McpUpdate::Ping { .. }))
                        .collect::<Vec<_>>()
                ),
            };
            self.seen.push(update.clone());
            self.state.apply(update, 1);
        }
    }

    fn server(&self, id: ServerId) -> &ServerState {
        &self.state.servers[id]
    }

    fn client_log(&self, id: ServerId) -> Vec<String> {
        self.seen
            .iter()
            .filter_map(|u| match u {
                McpUpdate::Log { server, line }
                    if *server == id && line.origin == LogOrigin::Client =>
                {
                    Some(line.text.clone())
                }
                _ => None,
            })
            .collect()
    }
}

async fn demo() -> DemoServer {
    DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: false,
            error_ratio: 0.0,
            ..LoadOptions::default()
        },
    })
    .await
    .expect("demo server starts")
}

/// Depth of `v`, counted without recursion.
fn depth(v: &Value) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(v, 1)];
    while let Some((v, d)) = stack.pop() {
        deepest = deepest.max(d);
        match v {
            Value::Object(m) => stack.extend(m.values().map(|c| (c, d + 1))),
            Value::Array(a) => stack.extend(a.iter().map(|c| (c, d + 1))),
            _ => {}
        }
    }
    deepest
}

/// The cut tool and the ordinary one are listed, the reason is logged and drawn on the
/// servers panel, and the demo server (1) is connected with its tools meanwhile.
async fn check_cut(pair: &mut Pair) {
    pair.until("both servers' tools", |s| {
        !s.servers[0].tools.is_empty() && !s.servers[1].tools.is_empty()
    })
    .await;
    let deep = pair.server(0);
    assert_eq!(deep.tools_error, None);
    let names: Vec<&str> = deep.tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["echo", "deep"]);
    let echo: &ToolInfo = &deep.tools[0];
    assert_eq!(
        echo.input_schema["properties"]["text"]["type"], "string",
        "the ordinary tool is untouched"
    );
    let cut = &deep.tools[1];
    let d = depth(&cut.input_schema);
    assert!(d < 64, "the deep schema is cut (depth {d})");
    assert!(
        cut.input_schema.to_string().contains("x-mcptop-cut"),
        "the cut is marked in the schema"
    );
    assert_eq!(deep.tools_cut, ["deep"]);
    assert!(pair.server(1).is_connected());
    assert!(pair.server(1).tools.len() > 1, "the demo lists its tools");
    pair.until("the log line about the cut", |_| true).await;
    let logs = pair.client_log(0);
    assert!(
        logs.iter()
            .any(|l| l.contains("deep") && l.contains("deeper than")),
        "{logs:#?}"
    );
    assert!(
        pair.client_log(1).iter().all(|l| !l.contains("deeper")),
        "the demo's log is unaffected"
    );

    // The servers panel says so, under the server.
    let (mut app, now) = support::fixture::healthy_app();
    app.mcp = pair.state.clone();
    key(&mut app, now, KeyCode::Char('2'));
    let screen = render(&app, now, 160, 40);
    assert!(
        screen.contains("input schema of deep nested deeper than"),
        "{screen}"
    );
    assert!(screen.contains("call it with raw JSON"), "{screen}");
}

fn python_deep(levels: usize) -> Option<McpTransport> {
    let (python, _) = support::peers::python_server()?;
    let script = support::peers::peers_dir().join("python/deep_server.py");
    let env = BTreeMap::from([("MCPTOP_DEEP_LEVELS".to_string(), levels.to_string())]);
    Some(McpTransport::Stdio {
        command: python.display().to_string(),
        args: vec![script.display().to_string()],
        env,
        cwd: None,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_3000_levels_deep_over_stdio_is_cut_and_the_rest_listed() {
    let Some(transport) = python_deep(3000) else {
        return;
    };
    let server = demo().await;
    let mut pair = Pair::start(transport, &format!("http://{}/mcp", server.addr));
    check_cut(&mut pair).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_100000_levels_deep_over_stdio_does_not_crash() {
    let Some(transport) = python_deep(100_000) else {
        return;
    };
    let server = demo().await;
    let mut pair = Pair::start(transport, &format!("http://{}/mcp", server.addr));
    check_cut(&mut pair).await;
}

/// How the loopback server answers a request.
#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Json,
    Sse,
    /// tools/list is never answered (the POST stays open).
    Silent,
    /// Every tools/list page points to one more.
    EndlessPages,
}

/// `{"type":"object","properties":{"a": …}}` nested `levels` levels (JSON depth).
fn deep_schema(levels: usize) -> String {
    let steps = (levels / 2).max(1);
    let mut s = r#"{"type":"object","properties":{"a":"#.repeat(steps);
    s.push_str("{}");
    s.push_str(&"}}".repeat(steps));
    s
}

/// A Streamable HTTP server (no session) answering initialize, ping and tools/list.
fn hostile_http(answer: Answer, levels: usize) -> Router {
    let tools = format!(
        r#"{{"tools":[{{"name":"echo","inputSchema":{{"type":"object","properties":{{"text":{{"type":"string"}}}}}}}},{{"name":"deep","inputSchema":{}}}]}}"#,
        deep_schema(levels)
    );
    Router::new().route(
        "/mcp",
        post(move |_: HeaderMap, body: String| {
            let tools = tools.clone();
            async move {
                let Ok(msg) = serde_json::from_str::<Value>(&body) else {
                    return StatusCode::BAD_REQUEST.into_response();
                };
                let (Some(id), Some(method)) = (msg.get("id"), msg["method"].as_str()) else {
                    return StatusCode::ACCEPTED.into_response();
                };
                let result = match method {
                    "initialize" => format!(
                        r#"{{"protocolVersion":{},"capabilities":{{"tools":{{}}}},"serverInfo":{{"name":"deep-http","version":"1.0"}}}}"#,
                        msg["params"]["protocolVersion"]
                    ),
                    "tools/list" if answer == Answer::Silent => {
                        std::future::pending::<()>().await;
                        unreachable!("pending never ends")
                    }
                    "tools/list" if answer == Answer::EndlessPages => {
                        r#"{"tools":[],"nextCursor":"again"}"#.to_string()
                    }
                    "tools/list" => tools,
                    "tools/call" => format!(
                        r#"{{"content":[{{"type":"text","text":"done"}}],"structuredContent":{}}}"#,
                        deep_schema(levels)
                    ),
                    _ => "{}".to_string(),
                };
                let text = format!(r#"{{"jsonrpc":"2.0","id":{id},"result":{result}}}"#);
                let answer_response: Response = match answer {
                    Answer::Json | Answer::EndlessPages | Answer::Silent => {
                        ([(header::CONTENT_TYPE, "application/json")], text).into_response()
                    }
                    Answer::Sse => (
                        [(header::CONTENT_TYPE, "text/event-stream")],
                        format!("event: message\ndata: {text}\n\n"),
                    )
                        .into_response(),
                };
                answer_response
            }
        })
        .get(|| async { StatusCode::METHOD_NOT_ALLOWED })
        .delete(|| async { StatusCode::OK }),
    )
}

async fn over_http(answer: Answer, levels: usize) {
    let addr = support::serve::serve(hostile_http(answer, levels)).await;
    let server = demo().await;
    let transport = McpTransport::Http {
        url: format!("http://{addr}/mcp"),
        http: Default::default(),
    };
    let mut pair = Pair::start(transport, &format!("http://{}/mcp", server.addr));
    check_cut(&mut pair).await;
    assert!(
        matches!(pair.server(0).conn, ConnState::Connected),
        "{:?}",
        pair.server(0).conn
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_3000_levels_deep_in_a_json_answer_is_cut() {
    over_http(Answer::Json, 3000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_3000_levels_deep_in_an_sse_answer_is_cut() {
    over_http(Answer::Sse, 3000).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_100000_levels_deep_over_http_does_not_crash() {
    over_http(Answer::Sse, 100_000).await;
}

/// A tools/list that fails (`answer`) shows `error` on the servers panel and in the log,
/// while the demo server lists its tools.
async fn list_fails(answer: Answer, error: &str) {
    let addr = support::serve::serve(hostile_http(answer, 10)).await;
    let server = demo().await;
    let transport = McpTransport::Http {
        url: format!("http://{addr}/mcp"),
        http: Default::default(),
    };
    let quick = McpSettings {
        call_timeout: Duration::from_secs(1),
        ..settings()
    };
    let mut pair = Pair::start_with(transport, &format!("http://{}/mcp", server.addr), quick);
    pair.until("the failed list and the demo's tools", |s| {
        s.servers[0].tools_error.is_some() && !s.servers[1].tools.is_empty()
    })
    .await;
    assert_eq!(pair.server(0).tools_error.as_deref(), Some(error));
    assert!(pair.server(0).is_connected(), "{:?}", pair.server(0).conn);
    assert!(pair.client_log(0).iter().any(|l| l == error));
    assert_eq!(pair.server(1).tools_error, None);

    let (mut app, now) = support::fixture::healthy_app();
    app.mcp = pair.state.clone();
    key(&mut app, now, KeyCode::Char('2'));
    let screen = render(&app, now, 160, 40);
    assert!(screen.contains(&format!("✖ {error}")), "{screen}");
    assert!(!screen.contains("listing tools…"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tools_list_never_answered_fails_after_the_request_timeout() {
    list_fails(Answer::Silent, "tools/list: no answer in 1 s").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tools_list_whose_pages_never_end_stops() {
    list_fails(
        Answer::EndlessPages,
        "tools/list: still more pages after 100 (the server's cursor may loop)",
    )
    .await;
}

/// A tools/call whose structured content nests 3,000 levels: cut and shown when streamed
/// (SSE); a JSON-RPC error with the reason when sent as one JSON body (a call is not asked
/// twice).
async fn deep_call(answer: Answer) -> CallOutcome {
    let addr = support::serve::serve(hostile_http(answer, 3000)).await;
    let server = demo().await;
    let transport = McpTransport::Http {
        url: format!("http://{addr}/mcp"),
        http: Default::default(),
    };
    let mut pair = Pair::start(transport, &format!("http://{}/mcp", server.addr));
    pair.until("the tools", |s| !s.servers[0].tools.is_empty())
        .await;
    pair._handles[0]
        .send(McpCommand::Call {
            call: CallId(1),
            tool: "echo".into(),
            arguments: Map::new(),
            timeout: Duration::from_secs(20),
            idempotent: false,
        })
        .expect("queued");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, pair.rx.recv()).await {
            Ok(Some(Update::Mcp(McpUpdate::CallDone { outcome, .. }))) => return outcome,
            Ok(Some(_)) => {}
            other => panic!("no CallDone within {WAIT:?}: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_result_too_deep_is_cut_or_refused_with_the_reason() {
    match deep_call(Answer::Sse).await {
        CallOutcome::Result(r) => {
            let structured = r.structured.expect("structured content");
            assert!(depth(&structured) <= 64, "cut");
            assert!(structured.to_string().contains("x-mcptop-cut"));
        }
        other => panic!("streamed: {other:?}"),
    }
    match deep_call(Answer::Json).await {
        CallOutcome::Rpc { message, .. } => {
            assert!(
                message.contains("nested deeper than 128 levels"),
                "{message}"
            );
        }
        other => panic!("one JSON body: {other:?}"),
    }
}

#[test]
fn deep_schema_has_the_depth_asked() {
    let levels = deep_schema(100);
    let parsed: Value = serde_json::from_str(&levels).expect("100 levels parse");
    assert_eq!(depth(&parsed), 101);
}
