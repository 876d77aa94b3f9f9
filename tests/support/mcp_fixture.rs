//! A fixed MCP client state for render and key-flow tests: a connected demo server with a
//! few tools, a reconnecting prod server, and a call history; commands sent to the servers
//! are recorded instead of travelling.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcptop::app::App;
use mcptop::model::mcp::state::{CallOrigin, McpState, ServerState};
use mcptop::model::mcp::{
    CallOutcome, CallResult, ConnState, Content, LogLine, LogOrigin, McpCommand, McpError,
    McpUpdate, ServerId, ServerInfo, ToolHints, ToolInfo,
};
use mcptop::model::source_error::SourceError;
use serde_json::json;

use super::fixture;

/// Commands the app sent, by server.
pub type Sent = Arc<Mutex<Vec<(ServerId, McpCommand)>>>;

fn tool(name: &str, desc: &str, schema: serde_json::Value, hints: ToolHints) -> ToolInfo {
    ToolInfo {
        name: name.into(),
        title: None,
        description: Some(desc.into()),
        input_schema: schema,
        output_schema: None,
        hints,
        task: Default::default(),
    }
}

const RO: ToolHints = ToolHints {
    read_only: Some(true),
    destructive: Some(false),
    idempotent: Some(true),
    open_world: Some(true),
};
const WRITE: ToolHints = ToolHints {
    read_only: Some(false),
    destructive: Some(false),
    idempotent: Some(false),
    open_world: Some(true),
};
const DESTRUCTIVE: ToolHints = ToolHints {
    read_only: Some(false),
    destructive: Some(true),
    idempotent: Some(true),
    open_world: Some(false),
};

/// The demo server's tools as the fixture lists them.
pub fn tools() -> Vec<ToolInfo> {
    vec![
        tool(
            "notion.search",
            "Search Notion pages by text.",
            json!({"type": "object", "properties": {
                "query": {"type": "string", "description": "text to look for"},
                "limit": {"type": "integer", "minimum": 1, "default": 10}},
                "required": ["query"]}),
            RO,
        ),
        tool(
            "health.check",
            "Check the server's dependencies.",
            json!({"type": "object", "properties": {}}),
            RO,
        ),
        tool(
            "jira.create_issue",
            "Create a Jira issue.",
            json!({"type": "object", "properties": {
                "project": {"type": "string", "enum": ["OPS", "MCP"]},
                "summary": {"type": "string"},
                "priority": {"type": "string", "enum": ["P0", "P1", "P2", "P3"]}},
                "required": ["project", "summary"]}),
            WRITE,
        ),
        tool(
            "cache.flush",
            "Flush the response cache of a region.",
            json!({"type": "object", "properties": {
                "region": {"type": "string", "description": "e.g. ap-northeast-1"}}}),
            DESTRUCTIVE,
        ),
        tool(
            "ops.restart",
            "Restart the worker pool (no arguments).",
            json!({"type": "object"}),
            DESTRUCTIVE,
        ),
        tool(
            "calendar.create_event",
            "Create a calendar event.",
            json!({"type": "object", "properties": {}}),
            WRITE,
        ),
    ]
}

/// The fixture app plus an MCP state: returns the app, "now" and the recorder of sent
/// commands.
pub fn mcp_app() -> (App, i64, Sent) {
    let (mut app, now) = fixture::healthy_app();
    let demo = ServerState::new("demo".into(), "http://127.0.0.1:7777/mcp".into(), 100);
    let prod = ServerState::new("prod".into(), "https://mcp.example.com/mcp".into(), 100);
    let mut mcp = McpState::new(vec![demo, prod]);
    let t = now - 90_000;
    mcp.apply(
        McpUpdate::State {
            server: 0,
            state: ConnState::Connected,
        },
        t,
    );
    mcp.apply(
        McpUpdate::Initialized {
            server: 0,
            info: ServerInfo {
                name: "mcptop-demo".into(),
                version: "0.1.0".into(),
                title: None,
                protocol_version: "2025-06-18".into(),
                capabilities: vec!["tools".into(), "logging".into()],
                instructions: None,
            },
        },
        t,
    );
    mcp.apply(
        McpUpdate::Tools {
            server: 0,
            tools: Ok(tools()),
        },
        t,
    );
    mcp.apply(
        McpUpdate::Ping {
            server: 0,
            rtt: Ok(Some(Duration::from_micros(1200))),
        },
        now - 1000,
    );
    mcp.apply(
        McpUpdate::State {
            server: 1,
            state: ConnState::Reconnecting {
                attempt: 3,
                retry_in: Duration::from_secs(4),
                error: McpError::Http(SourceError::Connect(
                    "Connection refused (os error 111)".into(),
                )),
            },
        },
        now - 20_000,
    );
    let ok = mcp.start_call(
        0,
        "notion.search".into(),
        json!({"query": "runbook", "limit": 3})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        CallOrigin::Form,
        now - 60_000,
    );
    mcp.apply(
        McpUpdate::CallDone {
            server: 0,
            call: ok,
            outcome: CallOutcome::Result(CallResult {
                content: vec![
                    Content::Text("3 pages match \"runbook\"".into()),
                    Content::Image {
                        mime: "image/png".into(),
                        bytes: 12_345,
                    },
                    Content::ResourceLink {
                        uri: "notion://page/42".into(),
                        name: Some("On-call runbook".into()),
                        mime: None,
                    },
                ],
                structured: Some(json!({"results": [
                    {"id": 42, "title": "On-call runbook"},
                    {"id": 7, "title": "Runbook: cache"}], "api_key": "sk-live-PLANTED"})),
                is_error: false,
            }),
            elapsed: Duration::from_millis(182),
        },
        now - 59_800,
    );
    let failed = mcp.start_call(
        0,
        "jira.create_issue".into(),
        json!({"project": "OPS", "summary": "cache stale"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        CallOrigin::Binding("F6".into()),
        now - 30_000,
    );
    mcp.apply(
        McpUpdate::CallDone {
            server: 0,
            call: failed,
            outcome: CallOutcome::Result(CallResult {
                content: vec![Content::Text("Jira API: 503 Service Unavailable".into())],
                structured: None,
                is_error: true,
            }),
            elapsed: Duration::from_millis(2400),
        },
        now - 27_600,
    );
    for (i, (origin, text)) in [
        (
            LogOrigin::Client,
            "connected: mcptop-demo 0.1.0, protocol 2025-06-18",
        ),
        (LogOrigin::Stderr, "INFO  listening on stdio"),
        (
            LogOrigin::Notification {
                level: "warning".into(),
                logger: Some("jira".into()),
            },
            "Jira API slow: 2.4 s for POST /issue",
        ),
        (
            LogOrigin::Notification {
                level: "error".into(),
                logger: Some("jira".into()),
            },
            "upstream 503 with Authorization: Bearer abc.def.ghi",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        mcp.apply(
            McpUpdate::Log {
                server: 0,
                line: LogLine {
                    t_ms: now - 40_000 + i as i64 * 1000,
                    origin,
                    text: text.into(),
                },
            },
            now,
        );
    }
    app.mcp = mcp;
    let sent: Sent = Arc::default();
    app.links = (0..2)
        .map(|server| {
            let sent = sent.clone();
            let link: mcptop::app::McpLink = Box::new(move |cmd| {
                sent.lock().map_err(|e| e.to_string())?.push((server, cmd));
                Ok(())
            });
            link
        })
        .collect();
    (app, now, sent)
}

/// Client settings for tests that run real MCP sources: timeouts long enough for a loaded
/// CI machine, pings every 300 ms so a lost connection is seen quickly, and `log_level`
/// asked of servers that offer logging.
pub fn client_settings(log_level: &str) -> mcptop::config::mcp::McpSettings {
    mcptop::config::mcp::McpSettings {
        call_timeout: Duration::from_secs(20),
        ping_interval: Duration::from_millis(300),
        connect_timeout: Duration::from_secs(20),
        log_level: log_level.into(),
        log_lines: 1000,
        token_dir: None,
    }
}
