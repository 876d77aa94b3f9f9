use std::time::Duration;

use serde_json::Map;

use super::*;
use crate::model::mcp::McpError;
use crate::model::mcp::types::{CallResult, CallRetry, ToolHints};
use crate::model::source_error::SourceError;

fn state() -> McpState {
    McpState::new(vec![ServerState::new(
        "demo".into(),
        "http://127.0.0.1:1/mcp".into(),
        3,
    )])
}

fn tool(name: &str) -> ToolInfo {
    ToolInfo {
        name: name.into(),
        title: None,
        description: None,
        input_schema: serde_json::json!({"type": "object"}),
        output_schema: None,
        hints: ToolHints::default(),
        task: Default::default(),
    }
}

#[test]
fn connection_state_changes_stamp_the_time_and_clear_the_ping() {
    let mut s = state();
    s.apply(
        McpUpdate::State {
            server: 0,
            state: ConnState::Connected,
        },
        1000,
    );
    s.apply(
        McpUpdate::Ping {
            server: 0,
            rtt: Ok(Some(Duration::from_millis(3))),
        },
        1500,
    );
    assert_eq!(s.servers[0].since_ms, 1000);
    assert!(s.servers[0].ping.is_some());
    s.apply(
        McpUpdate::State {
            server: 0,
            state: ConnState::Connected,
        },
        2000,
    );
    assert_eq!(s.servers[0].since_ms, 1000, "same state keeps its start");
    s.apply(
        McpUpdate::State {
            server: 0,
            state: ConnState::Reconnecting {
                attempt: 1,
                retry_in: Duration::from_secs(1),
                error: McpError::Closed,
            },
        },
        3000,
    );
    assert_eq!(s.servers[0].since_ms, 3000);
    assert_eq!(s.servers[0].ping, None);
}

#[test]
fn a_failed_tools_list_keeps_the_previous_tools() {
    let mut s = state();
    s.apply(
        McpUpdate::Tools {
            server: 0,
            tools: Ok(vec![tool("a"), tool("b")]),
        },
        10,
    );
    s.apply(
        McpUpdate::Tools {
            server: 0,
            tools: Err(McpError::Other("timeout".into())),
        },
        20,
    );
    assert_eq!(s.servers[0].tools.len(), 2);
    assert_eq!(s.servers[0].tools_error.as_deref(), Some("timeout"));
    assert_eq!(s.servers[0].tools_at_ms, Some(10));
    assert!(s.servers[0].tool("b").is_some());
}

#[test]
fn tools_whose_schema_was_cut_are_named_until_the_next_list() {
    let mut s = state();
    let mut deep = tool("deep");
    deep.input_schema = serde_json::json!({"type": "object", "properties": {
        "a": {"type": "array", "items": [{CUT_KEY: "nested deeper than 64 levels"}]}}});
    s.apply(
        McpUpdate::Tools {
            server: 0,
            tools: Ok(vec![tool("a"), deep]),
        },
        10,
    );
    assert_eq!(s.servers[0].tools_cut, ["deep"]);
    assert_eq!(s.servers[0].tools.len(), 2);
    s.apply(
        McpUpdate::Tools {
            server: 0,
            tools: Ok(vec![tool("a")]),
        },
        20,
    );
    assert!(s.servers[0].tools_cut.is_empty());
    assert!(!holds_cut(
        &serde_json::json!({"x-mcptop": [1, {"cut": true}]})
    ));
}

#[test]
fn calls_run_report_progress_and_end() {
    let mut s = state();
    let id = s.start_call(0, "slow".into(), Map::new(), CallOrigin::Form, 100);
    assert_eq!(s.running(), 1);
    s.apply(
        McpUpdate::Progress {
            server: 0,
            call: id,
            progress: 5.0,
            total: Some(20.0),
            message: None,
        },
        200,
    );
    assert_eq!(
        s.call(id).and_then(|c| c.progress.as_ref()?.ratio()),
        Some(0.25)
    );
    s.apply(
        McpUpdate::CallDone {
            server: 0,
            call: id,
            outcome: CallOutcome::Result(CallResult::default()),
            elapsed: Duration::from_millis(900),
        },
        1000,
    );
    assert_eq!(s.running(), 0);
    assert!(
        s.call(id)
            .is_some_and(|c| c.outcome.as_ref().is_some_and(CallOutcome::is_success))
    );
    // Progress after the end is ignored.
    s.apply(
        McpUpdate::Progress {
            server: 0,
            call: id,
            progress: 20.0,
            total: Some(20.0),
            message: None,
        },
        1100,
    );
    assert_eq!(
        s.call(id).and_then(|c| c.progress.as_ref()?.ratio()),
        Some(0.25)
    );
}

#[test]
fn history_is_bounded_and_keeps_running_calls() {
    let mut s = state();
    let first = s.start_call(0, "long".into(), Map::new(), CallOrigin::Form, 0);
    for i in 0..HISTORY + 10 {
        let id = s.start_call(0, format!("t{i}"), Map::new(), CallOrigin::Form, 0);
        s.apply(
            McpUpdate::CallDone {
                server: 0,
                call: id,
                outcome: CallOutcome::Cancelled,
                elapsed: Duration::ZERO,
            },
            0,
        );
    }
    assert_eq!(s.calls().len(), HISTORY);
    assert!(s.call(first).is_some(), "the running call is kept");
    assert_eq!(s.calls().next().map(|c| c.tool.as_str()), Some("t209"));
}

#[test]
fn logs_are_bounded_by_count() {
    let mut s = state();
    for i in 0..5 {
        s.apply(
            McpUpdate::Log {
                server: 0,
                line: LogLine {
                    t_ms: i,
                    origin: LogOrigin::Stderr,
                    text: format!("line {i}"),
                },
            },
            i,
        );
    }
    let logs = &s.servers[0].logs;
    assert_eq!(logs.len(), 3);
    assert_eq!(logs.dropped, 2);
    assert_eq!(logs.iter().next().map(|l| l.line.as_str()), Some("line 2"));
}

#[test]
fn updates_for_unknown_servers_and_calls_are_ignored() {
    let mut s = state();
    let before = s.clone();
    s.apply(
        McpUpdate::Ping {
            server: 7,
            rtt: Ok(None),
        },
        1,
    );
    s.apply(
        McpUpdate::CallDone {
            server: 0,
            call: CallId(99),
            outcome: CallOutcome::Cancelled,
            elapsed: Duration::ZERO,
        },
        1,
    );
    assert_eq!(s, before);
}

/// Connected, then the session breaks: the server is `Reconnecting` (drawn `↻ unreachable`)
/// from that one update, with the reason, no ping left from the dead session; a call in
/// flight is told it waits to be sent again, then that it was, and keeps saying so after
/// its result.
#[test]
fn a_lost_connection_marks_the_server_and_its_call_in_flight_at_once() {
    let mut s = state();
    s.apply(
        McpUpdate::State {
            server: 0,
            state: ConnState::Connected,
        },
        1000,
    );
    s.apply(
        McpUpdate::Ping {
            server: 0,
            rtt: Ok(Some(Duration::from_millis(2))),
        },
        1100,
    );
    let id = s.start_call(0, "slow".into(), Map::new(), CallOrigin::Form, 1200);
    s.apply(
        McpUpdate::Progress {
            server: 0,
            call: id,
            progress: 3.0,
            total: Some(10.0),
            message: None,
        },
        1300,
    );
    let reason = McpError::Unreachable(Box::new(McpError::Http(SourceError::Connect(
        "Connection refused (os error 111)".into(),
    ))));
    let text = "unreachable: cannot connect: Connection refused (os error 111)";
    s.apply(
        McpUpdate::State {
            server: 0,
            state: ConnState::Reconnecting {
                attempt: 1,
                retry_in: Duration::from_millis(500),
                error: reason.clone(),
            },
        },
        1400,
    );
    let server = &s.servers[0];
    assert!(!server.is_connected());
    assert_eq!(server.since_ms, 1400);
    assert_eq!(server.ping, None);
    assert!(
        matches!(&server.conn, ConnState::Reconnecting { error, .. } if error.to_string() == text)
    );

    s.apply(
        McpUpdate::CallRetry {
            server: 0,
            call: id,
            retry: CallRetry::Waiting {
                error: reason.clone(),
            },
        },
        1400,
    );
    let call = s.call(id).expect("call");
    assert!(call.is_running());
    assert_eq!(call.progress, None, "the old session's progress is gone");
    assert!(matches!(call.retry, Some(CallRetry::Waiting { .. })));

    s.apply(
        McpUpdate::CallRetry {
            server: 0,
            call: id,
            retry: CallRetry::Resent {
                error: reason.clone(),
            },
        },
        2500,
    );
    s.apply(
        McpUpdate::CallDone {
            server: 0,
            call: id,
            outcome: CallOutcome::Result(CallResult::default()),
            elapsed: Duration::from_millis(3000),
        },
        4200,
    );
    let call = s.call(id).expect("call");
    assert!(call.outcome.as_ref().is_some_and(CallOutcome::is_success));
    assert_eq!(
        call.retry,
        Some(CallRetry::Resent {
            error: reason.clone()
        })
    );
}
