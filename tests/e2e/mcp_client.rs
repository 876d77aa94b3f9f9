//! Integration: mcptop's MCP client source (`sources::mcp::spawn`) against real servers on
//! this machine: server-everything (npm) over stdio and Streamable HTTP, a Python server on
//! PyPI `mcp` over stdio, and the bundled demo server over HTTP. Everything is observed
//! through the `Update`s the source sends, as the app sees them.

use crate::support;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use mcptop::config::mcp::{McpServerConfig, McpSettings, McpTransport, SecretSource};
use mcptop::model::mcp::{
    CallId, CallOutcome, CallResult, ConnState, Content, ElicitAnswer, LogOrigin, McpCommand,
    McpError, McpUpdate, ToolInfo,
};
use mcptop::sources::Update;
use mcptop::sources::mcp::{self, McpHandle};
use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};
use serde_json::{Map, Value, json};
use support::peers;
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Long enough for a slow CI machine; these are correctness tests, not timing tests.
const WAIT: Duration = Duration::from_secs(30);

fn settings() -> McpSettings {
    support::mcp_fixture::client_settings("debug")
}

/// One source under test and everything it has sent so far.
struct Probe {
    rx: mpsc::Receiver<Update>,
    handle: Option<McpHandle>,
    tasks: JoinSet<()>,
    seen: Vec<McpUpdate>,
}

impl Probe {
    fn start(transport: McpTransport) -> Probe {
        let (tx, rx) = mpsc::channel(1024);
        let mut tasks = JoinSet::new();
        let cfg = McpServerConfig {
            name: "peer".into(),
            transport,
        };
        let handle = mcp::spawn(0, cfg, settings(), tx, &mut tasks);
        assert_eq!(handle.server, 0);
        Probe {
            rx,
            handle: Some(handle),
            tasks,
            seen: Vec::new(),
        }
    }

    fn send(&self, cmd: McpCommand) {
        self.handle
            .as_ref()
            .expect("handle")
            .send(cmd)
            .expect("command queued");
    }

    /// The next update (from now on) that `pick` accepts, and what it picked out of it.
    async fn next<T>(&mut self, what: &str, mut pick: impl FnMut(&McpUpdate) -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let update = match tokio::time::timeout_at(deadline, self.rx.recv()).await {
                Ok(Some(Update::Mcp(u))) => u,
                Ok(Some(other)) => panic!("not an MCP update: {other:?}"),
                Ok(None) => panic!("source ended while waiting for {what}\n{}", self.recent()),
                Err(_) => panic!("no {what} within {WAIT:?}\n{}", self.recent()),
            };
            assert_eq!(server_of(&update), 0, "update for another server");
            let picked = pick(&update);
            self.seen.push(update);
            if let Some(t) = picked {
                return t;
            }
        }
    }

    /// Like [`Probe::next`], but an update seen earlier counts too.
    async fn ever<T>(&mut self, what: &str, mut pick: impl FnMut(&McpUpdate) -> Option<T>) -> T {
        if let Some(t) = self.seen.iter().find_map(&mut pick) {
            return t;
        }
        self.next(what, pick).await
    }

    async fn state(&mut self, what: &str, want: impl Fn(&ConnState) -> bool) -> ConnState {
        self.next(what, |u| match u {
            McpUpdate::State { state, .. } if want(state) => Some(state.clone()),
            _ => None,
        })
        .await
    }

    /// The next ping's round-trip (or its error).
    async fn ping(&mut self) -> Result<Option<Duration>, String> {
        self.next("a ping", |u| match u {
            McpUpdate::Ping { rtt, .. } => Some(rtt.clone().map_err(|e| e.to_string())),
            _ => None,
        })
        .await
    }

    async fn connected(&mut self) {
        self.state("Connected", |s| *s == ConnState::Connected)
            .await;
    }

    async fn tools(&mut self) -> Vec<ToolInfo> {
        self.next("a tools list", |u| match u {
            McpUpdate::Tools { tools, .. } => Some(tools.clone().expect("tools/list succeeds")),
            _ => None,
        })
        .await
    }

    fn call(&self, id: u64, tool: &str, args: Value, timeout: Duration, idempotent: bool) {
        let Value::Object(arguments) = args else {
            panic!("arguments must be an object")
        };
        self.send(McpCommand::Call {
            call: CallId(id),
            tool: tool.into(),
            arguments,
            timeout,
            idempotent,
        });
    }

    async fn done(&mut self, id: u64) -> CallOutcome {
        self.next(&format!("CallDone for call {id}"), |u| match u {
            McpUpdate::CallDone { call, outcome, .. } if *call == CallId(id) => {
                Some(outcome.clone())
            }
            _ => None,
        })
        .await
    }

    /// Calls and waits for the outcome.
    async fn call_done(&mut self, id: u64, tool: &str, args: Value) -> CallOutcome {
        self.call(id, tool, args, Duration::from_secs(20), false);
        self.done(id).await
    }

    async fn progress(&mut self, id: u64) -> (f64, Option<f64>, Option<String>) {
        self.next(&format!("progress of call {id}"), |u| match u {
            McpUpdate::Progress {
                call,
                progress,
                total,
                message,
                ..
            } if *call == CallId(id) => Some((*progress, *total, message.clone())),
            _ => None,
        })
        .await
    }

    async fn log(&mut self, what: &str, want: impl Fn(&LogOrigin, &str) -> bool) -> String {
        self.ever(what, |u| match u {
            McpUpdate::Log { line, .. } if want(&line.origin, &line.text) => {
                Some(line.text.clone())
            }
            _ => None,
        })
        .await
    }

    /// Drops the handle and waits for the task to end.
    async fn stop(mut self) {
        self.handle = None;
        let joined = tokio::time::timeout(WAIT, self.tasks.join_next()).await;
        match joined {
            Ok(Some(Ok(()))) => {}
            other => panic!("source did not stop cleanly: {other:?}"),
        }
    }

    fn recent(&self) -> String {
        let from = self.seen.len().saturating_sub(40);
        let lines: Vec<String> = self.seen[from..]
            .iter()
            .map(|u| format!("  {u:?}"))
            .collect();
        format!("last updates:\n{}", lines.join("\n"))
    }
}

fn server_of(u: &McpUpdate) -> usize {
    match u {
        McpUpdate::State { server, .. }
        | McpUpdate::Initialized { server, .. }
        | McpUpdate::Tools { server, .. }
        | McpUpdate::Ping { server, .. }
        | McpUpdate::Progress { server, .. }
        | McpUpdate::CallDone { server, .. }
        | McpUpdate::Task { server, .. }
        | McpUpdate::CallRetry { server, .. }
        | McpUpdate::Log { server, .. }
        | McpUpdate::Catalog { server, .. }
        | McpUpdate::Elicit { server, .. }
        | McpUpdate::LogLevel { server, .. }
        | McpUpdate::ElicitClosed { server, .. }
        | McpUpdate::Subscription { server, .. }
        | McpUpdate::ResourceUpdated { server, .. }
        | McpUpdate::Fetched { server, .. } => *server,
    }
}

fn result(outcome: CallOutcome) -> CallResult {
    match outcome {
        CallOutcome::Result(r) => r,
        other => panic!("expected a result, got {other:?}"),
    }
}

fn text(r: &CallResult) -> String {
    r.content
        .iter()
        .filter_map(|c| match c {
            Content::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn tool<'a>(tools: &'a [ToolInfo], name: &str) -> &'a ToolInfo {
    tools
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name} in {:?}", names(tools)))
}

fn names(tools: &[ToolInfo]) -> Vec<&str> {
    tools.iter().map(|t| t.name.as_str()).collect()
}

/// Waits (up to `WAIT`) until `file` has `lines` lines.
async fn lines_in(file: &Path, lines: usize) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        if text.lines().count() >= lines {
            return text;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} has {:?}, expected {lines} lines",
            file.display(),
            text
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn python_env(dir: &Path) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    let path = |name: &str| dir.join(name).display().to_string();
    env.insert("MCPTOP_PEER_PIDFILE".into(), path("pid"));
    env.insert("MCPTOP_PEER_CANCELLED".into(), path("cancelled"));
    env.insert(
        "MCPTOP_PEER_GREETING".into(),
        "peer says hello on stderr".into(),
    );
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_over_stdio_tools_calls_logs_and_pings() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let mut p = Probe::start(peers::everything_stdio(&script));
    p.state("Connecting", |s| *s == ConnState::Connecting).await;
    p.connected().await;
    let info = p
        .next("Initialized", |u| match u {
            McpUpdate::Initialized { info, .. } => Some(info.clone()),
            _ => None,
        })
        .await;
    assert_eq!(info.name, "mcp-servers/everything");
    assert!(!info.protocol_version.is_empty());
    for cap in [
        "tools (listChanged)",
        "resources (subscribe, listChanged)",
        "logging",
    ] {
        assert!(
            info.capabilities.iter().any(|c| c == cap),
            "{cap} in {:?}",
            info.capabilities
        );
    }

    let tools = p.tools().await;
    for name in [
        "echo",
        "get-sum",
        "get-structured-content",
        "trigger-long-running-operation",
    ] {
        tool(&tools, name);
    }
    let echo = tool(&tools, "echo");
    assert_eq!(echo.hints.read_only, Some(true));
    assert!(!echo.hints.is_destructive());
    assert!(echo.input_schema["properties"]["message"].is_object());
    assert!(
        tool(&tools, "get-structured-content")
            .output_schema
            .is_some()
    );

    let r = result(
        p.call_done(1, "echo", json!({"message": "hello mcptop"}))
            .await,
    );
    assert_eq!(text(&r), "Echo: hello mcptop");
    assert!(!r.is_error);

    let r = result(p.call_done(2, "get-sum", json!({"a": 2, "b": 40})).await);
    assert!(text(&r).contains("42"), "{r:?}");

    let r = result(
        p.call_done(3, "get-structured-content", json!({"location": "Chicago"}))
            .await,
    );
    assert_eq!(
        r.structured,
        Some(json!({"temperature": 36, "conditions": "Light rain / drizzle", "humidity": 82}))
    );

    let r = result(p.call_done(4, "get-tiny-image", json!({})).await);
    let image = r.content.iter().find_map(|c| match c {
        Content::Image { mime, bytes } => Some((mime.clone(), *bytes)),
        _ => None,
    });
    let (mime, bytes) = image.expect("an image block");
    assert_eq!(mime, "image/png");
    assert!(bytes > 100, "decoded size {bytes}");

    // The level was set to debug, so every simulated message comes through.
    p.call_done(5, "toggle-simulated-logging", json!({})).await;
    let (level, text) = p
        .next("a notifications/message", |u| match u {
            McpUpdate::Log { line, .. } => match &line.origin {
                LogOrigin::Notification { level, .. } => Some((level.clone(), line.text.clone())),
                _ => None,
            },
            _ => None,
        })
        .await;
    assert!(
        mcptop::config::mcp::LOG_LEVELS.contains(&level.as_str()),
        "{level}"
    );
    assert!(text.to_lowercase().contains("message"), "{text}");
    p.log("the setLevel note", |o, t| {
        *o == LogOrigin::Client && t.contains("log level debug")
    })
    .await;

    // Its stderr is captured, not painted over the terminal.
    p.log("server-everything's stderr", |o, t| {
        *o == LogOrigin::Stderr && t.contains("Starting default (STDIO) server")
    })
    .await;

    let rtt = p.ping().await;
    assert!(matches!(rtt, Ok(Some(_))), "{rtt:?}");
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_server_hints_structured_content_and_two_kinds_of_error() {
    let Some((python, script)) = peers::python_server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Probe::start(peers::python_stdio(
        &python,
        &script,
        python_env(dir.path()),
    ));
    p.connected().await;
    let tools = p.tools().await;

    let wipe = tool(&tools, "wipe");
    assert_eq!(wipe.hints.destructive, Some(true));
    assert_eq!(wipe.hints.read_only, Some(false));
    assert!(wipe.hints.is_destructive());
    assert!(!wipe.hints.is_idempotent());
    let lookup = tool(&tools, "lookup");
    assert!(lookup.hints.is_read_only());
    assert!(!lookup.hints.is_destructive());
    assert_eq!(lookup.hints.open_world, Some(false));
    // No annotations at all: destructive by the spec's defaults.
    let fail = tool(&tools, "fail");
    assert_eq!(fail.hints, Default::default());
    assert!(fail.hints.is_destructive());
    assert!(tool(&tools, "echo").hints.is_idempotent());
    // A docstring's line break reaches the model whole (the list shows it as a space).
    let whoami = tool(&tools, "whoami")
        .description
        .clone()
        .unwrap_or_default();
    assert!(
        whoami.contains("debug tool does:\n    the `Authorization` header"),
        "{whoami:?}"
    );

    let r = result(p.call_done(1, "add", json!({"a": 2, "b": 3})).await);
    assert_eq!(r.structured, Some(json!({"sum": 5})));
    assert!(!r.is_error);

    let r = result(p.call_done(2, "echo", json!({"text": "über ✓"})).await);
    assert_eq!(text(&r), "über ✓");

    // The tool ran and failed: a result with isError, not a protocol error.
    let outcome = p.call_done(3, "fail", json!({})).await;
    assert!(!outcome.is_success());
    let r = result(outcome);
    assert!(r.is_error);
    assert_eq!(text(&r), "the tool failed on purpose");

    // The server refused the request: a JSON-RPC error.
    match p.call_done(4, "reject", json!({"reason": "no"})).await {
        CallOutcome::Rpc { code, message } => {
            assert_eq!(code, -32602);
            assert!(message.contains("rejected: no"), "{message}");
        }
        other => panic!("expected a JSON-RPC error, got {other:?}"),
    }

    // Calls run side by side: a quick one is not held up by a slow one.
    p.call(5, "slow", json!({"seconds": 2, "steps": 1}), WAIT, false);
    let r = result(p.call_done(6, "echo", json!({"text": "meanwhile"})).await);
    assert_eq!(text(&r), "meanwhile");
    let slow_done =
        |u: &McpUpdate| matches!(u, McpUpdate::CallDone { call, .. } if *call == CallId(5));
    assert!(!p.seen.iter().any(slow_done), "the slow call ended first");
    assert_eq!(text(&result(p.done(5).await)), "slept 2.0 s in 1 steps");

    p.log("the greeting on stderr", |o, t| {
        *o == LogOrigin::Stderr && t == "peer says hello on stderr"
    })
    .await;
    p.log("the second stderr line", |o, t| {
        *o == LogOrigin::Stderr && t == "a second stderr line"
    })
    .await;
    let rtt = p.ping().await;
    assert!(matches!(rtt, Ok(Some(_))), "{rtt:?}");
    p.stop().await;
}

/// A server's question (elicitation/create, form mode) reaches the app with its message and
/// schema; the operator's accept (with values), decline and cancel reach the server, which
/// says what it got back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_elicitation_is_put_to_the_app_and_its_answer_reaches_the_server() {
    let Some((python, script)) = peers::python_server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut env = python_env(dir.path());
    env.insert("MCPTOP_PEER_ELICIT".into(), "1".into());
    let mut p = Probe::start(peers::python_stdio(&python, &script, env));
    p.connected().await;
    tool(&p.tools().await, "ask");
    let mut name = serde_json::Map::new();
    name.insert("name".into(), json!("Ada"));
    let answers = [
        (
            ElicitAnswer::Accept(name),
            "elicitation answered accept: Ada",
        ),
        (ElicitAnswer::Decline, "elicitation answered decline"),
        (ElicitAnswer::Cancel, "elicitation answered cancel"),
    ];
    for (n, (answer, want)) in answers.into_iter().enumerate() {
        let call = n as u64 + 1;
        p.call(call, "ask", json!({}), Duration::from_secs(60), false);
        let (id, message, schema) = p
            .next("the elicitation", |u| match u {
                McpUpdate::Elicit {
                    id,
                    message,
                    schema,
                    ..
                } => Some((*id, message.clone(), schema.clone())),
                _ => None,
            })
            .await;
        assert_eq!(message, "What is your name?");
        assert_eq!(schema["properties"]["name"]["type"], "string", "{schema}");
        p.send(McpCommand::Elicited { id, answer });
        let r = result(p.done(call).await);
        assert_eq!(text(&r), want);
    }
    p.stop().await;
}

/// server-everything's elicitation tool (listed only to a client that declares the
/// capability) asks with a schema of every kind the spec allows; the form built from it
/// (defaults prefilled, the required name typed) answers `accept`, and the server echoes
/// the values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_everythings_elicitation_is_answered_from_its_form() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let mut p = Probe::start(peers::everything_stdio(&script));
    p.connected().await;
    let tools = p.tools().await;
    tool(&tools, "trigger-elicitation-request");
    p.call(
        1,
        "trigger-elicitation-request",
        json!({}),
        Duration::from_secs(60),
        false,
    );
    let (id, schema) = p
        .next("the elicitation", |u| match u {
            McpUpdate::Elicit { id, schema, .. } => Some((*id, schema.clone())),
            _ => None,
        })
        .await;
    let asked = ToolInfo {
        name: "elicitation".into(),
        title: None,
        description: None,
        input_schema: schema,
        output_schema: None,
        hints: Default::default(),
        task: Default::default(),
    };
    let mut form = mcptop::model::mcp::form::Form::from_schema(&asked);
    let mut typed = Map::new();
    typed.insert("name".into(), json!("Ada Lovelace"));
    form.with_values(&typed);
    let values = form.arguments().expect("the form is complete");
    p.send(McpCommand::Elicited {
        id,
        answer: ElicitAnswer::Accept(values),
    });
    let r = result(p.done(1).await);
    let all = text(&r);
    assert!(all.contains("- Name: Ada Lovelace"), "{all}");
    assert!(all.contains("- Favorite Integer: 42"), "{all}");
    p.stop().await;
}

fn log_level(u: &McpUpdate) -> Option<(String, Result<(), String>)> {
    match u {
        McpUpdate::LogLevel { level, result, .. } => {
            Some((level.clone(), result.clone().map_err(|e| e.to_string())))
        }
        _ => None,
    }
}

/// The log level key's command reaches the server: server-everything acknowledges
/// `logging/setLevel` and then sends only messages at or above the level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn set_log_level_reaches_the_server_and_filters_its_messages() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let mut p = Probe::start(peers::everything_stdio(&script));
    p.connected().await;
    let at_connect = p.ever("the level asked at connect", log_level).await;
    assert_eq!(at_connect, ("debug".to_string(), Ok(())));
    p.send(McpCommand::SetLogLevel {
        level: "error".into(),
    });
    let set = p.next("the new level", log_level).await;
    assert_eq!(set, ("error".to_string(), Ok(())));
    p.call_done(1, "toggle-simulated-logging", json!({})).await;
    // A random level every 5 s, half of them below `error`: wait for one that passes
    // (a minute and more of bad luck is 2^-12 likely).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let level = loop {
        match tokio::time::timeout_at(deadline, p.rx.recv()).await {
            Ok(Some(Update::Mcp(McpUpdate::Log { line, .. }))) => {
                if let LogOrigin::Notification { level, .. } = line.origin {
                    break level;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => panic!("source ended\n{}", p.recent()),
            Err(_) => panic!("no log message at error or above in 120 s"),
        }
    };
    assert!(
        ["error", "critical", "alert", "emergency"].contains(&level.as_str()),
        "a {level} message arrived after setLevel error"
    );
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_then_cancel_and_timeout_reach_the_server() {
    let Some((python, script)) = peers::python_server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("cancelled");
    let mut p = Probe::start(peers::python_stdio(
        &python,
        &script,
        python_env(dir.path()),
    ));
    p.connected().await;

    // Progress arrives for the call, then the operator cancels it.
    p.call(
        1,
        "slow",
        json!({"seconds": 30, "steps": 150}),
        Duration::from_secs(60),
        false,
    );
    let (progress, total, message) = p.progress(1).await;
    assert!(progress >= 1.0);
    assert_eq!(total, Some(150.0));
    assert!(message.is_some_and(|m| m.starts_with("step ")));
    p.progress(1).await;
    p.send(McpCommand::Cancel { call: CallId(1) });
    assert_eq!(p.done(1).await, CallOutcome::Cancelled);
    assert!(lines_in(&marker, 1).await.contains("slow cancelled"));

    // No answer in time: a timeout, and the server is told to stop too.
    let limit = Duration::from_millis(700);
    p.call(2, "slow", json!({"seconds": 30, "steps": 3}), limit, false);
    assert_eq!(p.done(2).await, CallOutcome::Timeout(limit));
    lines_in(&marker, 2).await;

    // Both ended cleanly: the session still works.
    let r = result(p.call_done(3, "echo", json!({"text": "still here"})).await);
    assert_eq!(text(&r), "still here");
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_stdio_server_interrupts_its_call_and_is_respawned() {
    let Some((python, script)) = peers::python_server() else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let pidfile = dir.path().join("pid");
    let mut p = Probe::start(peers::python_stdio(
        &python,
        &script,
        python_env(dir.path()),
    ));
    p.connected().await;
    let first = peers::read_pid(&pidfile, None);

    // Not idempotent: interrupted, never sent again.
    let args = json!({"seconds": 30, "steps": 150});
    p.call(1, "slow", args, Duration::from_secs(60), false);
    p.progress(1).await;
    peers::kill_pid(first);
    match p.done(1).await {
        CallOutcome::Interrupted { error, retried } => {
            assert!(!retried);
            let error = error.to_string();
            assert!(error.contains("connection closed"), "{error}");
        }
        other => panic!("expected Interrupted, got {other:?}"),
    }
    let state = p
        .state("Reconnecting", |s| {
            matches!(s, ConnState::Reconnecting { .. })
        })
        .await;
    let ConnState::Reconnecting { attempt, error, .. } = state else {
        unreachable!()
    };
    let error = error.to_string();
    assert_eq!(attempt, 1);
    assert!(error.contains("connection closed"), "{error}");
    p.connected().await;
    let second = peers::read_pid(&pidfile, Some(first));
    assert!(!peers::alive(first));

    // Idempotent: sent once more on the respawned server, which answers.
    let args = json!({"seconds": 2, "steps": 10});
    p.call(2, "slow", args, Duration::from_secs(60), true);
    p.progress(2).await;
    peers::kill_pid(second);
    let r = result(p.done(2).await);
    assert_eq!(text(&r), "slept 2.0 s in 10 steps");
    p.log("the resend note", |o, t| {
        *o == LogOrigin::Client && t.contains("sending it again")
    })
    .await;
    let third = peers::read_pid(&pidfile, Some(second));
    p.stop().await;

    // Stopping the source ends the child.
    let deadline = tokio::time::Instant::now() + WAIT;
    while peers::alive(third) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "child {third} outlived the source"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_http_server_interrupts_its_call_and_the_session_comes_back() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let port = peers::free_port();
    let server = peers::EverythingHttp::start(&script, port);
    let mut p = Probe::start(McpTransport::Http {
        url: server.url(),
        http: mcptop::config::endpoint::HttpSettings {
            headers: BTreeMap::from([("X-Mcptop-Test".to_string(), "1".to_string())]),
            ..Default::default()
        },
    });
    p.connected().await;
    p.tools().await;

    p.call(
        1,
        "trigger-long-running-operation",
        json!({"duration": 30, "steps": 60}),
        Duration::from_secs(60),
        false,
    );
    let (_, total, _) = p.progress(1).await;
    assert_eq!(total, Some(60.0));
    server.kill();
    match p.done(1).await {
        CallOutcome::Interrupted { error, retried } => {
            assert!(!retried);
            // Why, not just that: whichever found the server gone first, a request refused,
            // a connection reset as the process died, or the call's own stream cut off
            // mid-message (all three seen on a loaded machine).
            assert!(matches!(error, McpError::ConnectionLost(_)), "{error:?}");
            let error = error.to_string();
            assert!(error.starts_with("connection lost: "), "{error}");
            let reasons = [
                "Connection refused",
                "Connection reset by peer",
                "connection closed before message completed",
            ];
            assert!(reasons.iter().any(|r| error.contains(r)), "{error}");
        }
        other => panic!("expected Interrupted, got {other:?}"),
    }
    p.state("Reconnecting", |s| {
        matches!(s, ConnState::Reconnecting { .. })
    })
    .await;

    // The same server comes back on the same port: a new session.
    let server = peers::EverythingHttp::start(&script, port);
    p.connected().await;
    let r = result(p.call_done(2, "echo", json!({"message": "back"})).await);
    assert_eq!(text(&r), "Echo: back");
    p.stop().await;
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_server_over_http() {
    let server = DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: false,
            error_ratio: 0.0,
            latency_ms: (5, 20),
            ..LoadOptions::default()
        },
    })
    .await
    .expect("demo server starts");
    // The token from a file, with the blanks and newline an editor leaves around it.
    let dir = tempfile::tempdir().expect("temp dir");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "  demo-token\n").expect("token file");
    let mut p = Probe::start(McpTransport::Http {
        url: format!("http://{}/mcp", server.addr),
        http: mcptop::config::endpoint::HttpSettings {
            auth: Some(mcptop::config::endpoint::HttpAuth::Bearer(
                SecretSource::File(token_file),
            )),
            ..Default::default()
        },
    });
    p.connected().await;
    let tools = p.tools().await;
    assert_eq!(tools.len(), 13, "{:?}", names(&tools));
    tool(&tools, "health.check");
    tool(&tools, "cache.flush");

    let outcome = p.call_done(1, "health.check", json!({})).await;
    assert!(outcome.is_success(), "{outcome:?}");
    assert!(server.calls_total() >= 1);

    p.send(McpCommand::RefreshTools);
    assert_eq!(p.tools().await.len(), 13);

    // The operator's reconnect: a new session at once, no backoff.
    p.send(McpCommand::Reconnect);
    p.next("a new connection", |u| match u {
        McpUpdate::State { state, .. } => match state {
            ConnState::Connecting => Some(()),
            ConnState::Reconnecting { .. } => panic!("a requested reconnect does not back off"),
            _ => None,
        },
        _ => None,
    })
    .await;
    p.connected().await;
    let rtt = p.ping().await;
    assert!(matches!(rtt, Ok(Some(_))), "{rtt:?}");
    p.stop().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_sse_endpoint_fails_with_the_reason() {
    let mut p = Probe::start(McpTransport::Sse {
        url: "http://127.0.0.1:9/sse".into(),
    });
    let state = p
        .state("Failed", |s| matches!(s, ConnState::Failed(_)))
        .await;
    let ConnState::Failed(why) = state else {
        unreachable!()
    };
    assert_eq!(why, McpError::LegacySse(None));
    let why = why.to_string();
    assert!(why.contains("legacy HTTP+SSE"), "{why}");
    assert!(why.contains("Streamable HTTP"), "{why}");
    p.call(1, "anything", json!({}), Duration::from_secs(5), false);
    assert!(matches!(p.done(1).await, CallOutcome::NotSent(_)));
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_legacy_sse_url_given_as_http_gets_the_hint() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let server = peers::EverythingHttp::start_legacy_sse(&script, peers::free_port());
    let mut p = Probe::start(McpTransport::Http {
        url: format!("http://127.0.0.1:{}/sse", server.port),
        http: Default::default(),
    });
    let state = p
        .state("Reconnecting", |s| {
            matches!(s, ConnState::Reconnecting { .. })
        })
        .await;
    let ConnState::Reconnecting { error, .. } = state else {
        unreachable!()
    };
    assert!(matches!(error, McpError::LegacySse(Some(_))), "{error:?}");
    let error = error.to_string();
    assert!(error.contains("404"), "{error}");
    // The remedy first (a panel line cut to its width keeps it), the page by its title.
    assert!(
        error.starts_with(
            "this URL looks like the legacy HTTP+SSE transport, which rmcp 3.x cannot speak: \
             use the server's Streamable HTTP endpoint (often /mcp)"
        ),
        "{error}"
    );
    assert!(error.contains("an HTML page (Error)"), "{error}");
    assert!(
        !error.contains('<') && !error.contains("charset"),
        "{error}"
    );
    assert!(!error.contains('\n'), "one line: {error}");
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_config_is_reported_and_retried_with_backoff() {
    // A command that does not exist.
    let mut p = Probe::start(McpTransport::Stdio {
        command: "mcptop-no-such-mcp-server".into(),
        args: vec![],
        env: BTreeMap::new(),
        cwd: None,
    });
    let mut delays = Vec::new();
    for n in 1..=2u32 {
        let state = p
            .state("Reconnecting", |s| {
                matches!(s, ConnState::Reconnecting { .. })
            })
            .await;
        let ConnState::Reconnecting {
            attempt,
            retry_in,
            error,
        } = state
        else {
            unreachable!()
        };
        assert_eq!(attempt, n);
        assert_eq!(
            error,
            McpError::CommandNotFound("mcptop-no-such-mcp-server".into())
        );
        assert_eq!(
            error.to_string(),
            "command not found: mcptop-no-such-mcp-server"
        );
        delays.push(retry_in);
    }
    assert!(delays[1] > delays[0], "backoff grows: {delays:?}");
    // Not connected: a call is refused at once.
    p.call(1, "x", json!({}), Duration::from_secs(5), false);
    match p.done(1).await {
        CallOutcome::NotSent(why) => {
            assert!(matches!(why, McpError::NotConnected(_)), "{why:?}");
            assert!(why.to_string().starts_with("not connected"), "{why}")
        }
        other => panic!("expected NotSent, got {other:?}"),
    }
    p.stop().await;

    // A token from a variable that is not set (nothing is contacted).
    let mut p = Probe::start(McpTransport::Http {
        url: "http://127.0.0.1:9/mcp".into(),
        http: mcptop::config::endpoint::HttpSettings {
            auth: Some(mcptop::config::endpoint::HttpAuth::Bearer(
                SecretSource::Env("MCPTOP_TEST_NO_SUCH_TOKEN_VAR".into()),
            )),
            ..Default::default()
        },
    });
    let state = p
        .state("Reconnecting", |s| {
            matches!(s, ConnState::Reconnecting { .. })
        })
        .await;
    let ConnState::Reconnecting { error, .. } = state else {
        unreachable!()
    };
    let error = error.to_string();
    assert!(
        error.contains("MCPTOP_TEST_NO_SUCH_TOKEN_VAR is not set"),
        "{error}"
    );
    p.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_are_refused_once_the_source_has_stopped() {
    let (tx, rx) = mpsc::channel(16);
    let mut tasks = JoinSet::new();
    let cfg = McpServerConfig {
        name: "gone".into(),
        transport: McpTransport::Sse {
            url: "http://127.0.0.1:9/sse".into(),
        },
    };
    let handle = mcp::spawn(0, cfg, settings(), tx, &mut tasks);
    drop(rx);
    let joined = tokio::time::timeout(WAIT, tasks.join_next()).await;
    assert!(matches!(joined, Ok(Some(Ok(())))), "{joined:?}");
    let err = handle
        .send(McpCommand::Call {
            call: CallId(1),
            tool: "x".into(),
            arguments: Map::new(),
            timeout: Duration::from_secs(1),
            idempotent: false,
        })
        .unwrap_err();
    assert!(err.contains("stopped"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_http_server_gets_a_new_session_and_the_tools_are_listed_again() {
    let demo = |port| {
        DemoServer::start(DemoOptions {
            port,
            load: LoadOptions {
                enabled: false,
                error_ratio: 0.0,
                latency_ms: (1, 5),
                ..LoadOptions::default()
            },
        })
    };
    let server = demo(0).await.expect("demo server starts");
    let port = server.addr.port();
    let mut p = Probe::start(McpTransport::Http {
        url: format!("http://{}/mcp", server.addr),
        http: Default::default(),
    });
    p.connected().await;
    assert_eq!(p.tools().await.len(), 13);
    // Restart at once on the same port: the old session id is unknown to the new process.
    server.shutdown().await;
    let server = demo(port).await.expect("demo server restarts on its port");
    // mcptop notices (404 / failed pings), initialises a new session itself and lists the
    // tools again, whose annotations the confirmations depend on.
    p.next("a new initialize", |u| match u {
        McpUpdate::Initialized { .. } => Some(()),
        _ => None,
    })
    .await;
    assert_eq!(p.tools().await.len(), 13);
    let outcome = p.call_done(7, "health.check", json!({})).await;
    assert!(outcome.is_success(), "{outcome:?}");
    p.stop().await;
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bearer_token_and_headers_reach_the_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let token_file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(token_file.path(), "file-token-PLANTED\n").expect("token written");
    let mut p = Probe::start(McpTransport::Http {
        url: format!("http://{addr}/mcp"),
        http: mcptop::config::endpoint::HttpSettings {
            headers: BTreeMap::from([("X-Mcptop-Test".to_string(), "yes".to_string())]),
            auth: Some(mcptop::config::endpoint::HttpAuth::Bearer(
                SecretSource::File(token_file.path().to_path_buf()),
            )),
            ..Default::default()
        },
    });
    // Read the initialize request's head, then answer with an error so the source backs off.
    let (mut conn, _) = tokio::time::timeout(Duration::from_secs(20), listener.accept())
        .await
        .expect("the source connects")
        .expect("accept");
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut buf))
            .await
            .expect("request arrives")
            .expect("read");
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let head = String::from_utf8_lossy(&head).to_lowercase();
    assert!(head.starts_with("post /mcp "), "{head}");
    assert!(
        head.contains("authorization: bearer file-token-planted\r\n"),
        "{head}"
    );
    assert!(head.contains("x-mcptop-test: yes\r\n"), "{head}");
    let _ = conn
        .write_all(
            b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        )
        .await;
    drop(conn);
    // The failure is reported without the token.
    let state = p
        .state("the failed connect", |s| {
            matches!(s, ConnState::Reconnecting { .. } | ConnState::Failed(_))
        })
        .await;
    assert!(!format!("{state:?}").contains("PLANTED"), "{state:?}");
    assert!(!p.recent().contains("PLANTED"));
    p.stop().await;
}
