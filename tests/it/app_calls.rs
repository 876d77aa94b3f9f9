//! The tools/call flow driven by keys: confirmation rules from the annotations, the
//! read-only guard, cancel, key bindings and server commands. Commands the app sends are
//! recorded by the fixture instead of reaching a server.

use crate::support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mcptop::action::Key;
use mcptop::app::nav::Overlay;
use mcptop::app::{App, ToolKey};
use mcptop::model::mcp::state::CallOrigin;
use mcptop::model::mcp::{CallId, McpCommand};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use serde_json::{Value, json};
use support::drive::{key, keys};

use support::mcp_fixture::{Sent, mcp_app};

/// Selects `tool` on the tools screen with the filter and presses Enter.
fn open(app: &mut App, now: i64, tool: &str) {
    key(app, now, KeyCode::Char('2'));
    key(app, now, KeyCode::Char('/'));
    keys(app, now, tool);
    key(app, now, KeyCode::Enter);
    key(app, now, KeyCode::Enter);
}

/// Binds `key` to `tool` of `server` with preset `args` (a JSON object).
fn bind(app: &mut App, key: &str, server: usize, tool: &str, args: Value, confirm: Option<bool>) {
    app.bindings.push(ToolKey {
        key: Key::parse(key).expect("key"),
        server,
        tool: tool.into(),
        args: args.as_object().cloned().unwrap_or_default(),
        confirm,
        timeout: None,
    });
}

/// The one command sent, which must be a tools/call to server 0: its tool and arguments.
fn only_call(sent: &Sent) -> (String, serde_json::Map<String, Value>) {
    match sent.lock().expect("lock").as_slice() {
        [
            (
                0,
                McpCommand::Call {
                    tool, arguments, ..
                },
            ),
        ] => (tool.clone(), arguments.clone()),
        other => panic!("expected one tools/call to server 0, got {other:?}"),
    }
}

fn calls(sent: &Sent) -> Vec<(usize, String)> {
    sent.lock()
        .expect("lock")
        .iter()
        .filter_map(|(s, c)| match c {
            McpCommand::Call { tool, .. } => Some((*s, tool.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn a_read_only_tool_without_arguments_is_called_at_once() {
    let (mut app, now, sent) = mcp_app();
    open(&mut app, now, "health.check");
    assert_eq!(calls(&sent), vec![(0, "health.check".to_string())]);
    assert!(matches!(app.nav.overlay, Some(Overlay::Call { .. })));
    assert_eq!(app.mcp.running(), 1);
}

#[test]
fn a_tool_that_is_not_read_only_asks_y_or_n() {
    let (mut app, now, sent) = mcp_app();
    open(&mut app, now, "calendar.create_event");
    assert!(matches!(&app.nav.overlay, Some(Overlay::Confirm(c)) if !c.explicit));
    key(&mut app, now, KeyCode::Char('x'));
    key(&mut app, now, KeyCode::Enter);
    assert!(calls(&sent).is_empty(), "only y confirms");
    key(&mut app, now, KeyCode::Char('y'));
    assert_eq!(calls(&sent), vec![(0, "calendar.create_event".to_string())]);
}

#[test]
fn declining_sends_nothing() {
    let (mut app, now, sent) = mcp_app();
    open(&mut app, now, "calendar.create_event");
    key(&mut app, now, KeyCode::Char('n'));
    assert!(app.nav.overlay.is_none());
    assert!(calls(&sent).is_empty());
    assert!(
        app.nav
            .toast
            .as_ref()
            .is_some_and(|t| t.text.contains("nothing was sent"))
    );
}

#[test]
fn a_destructive_tool_needs_its_name_typed() {
    let (mut app, now, sent) = mcp_app();
    open(&mut app, now, "ops.restart");
    assert!(matches!(&app.nav.overlay, Some(Overlay::Confirm(c)) if c.explicit));
    key(&mut app, now, KeyCode::Char('y'));
    key(&mut app, now, KeyCode::Enter);
    assert!(calls(&sent).is_empty(), "y and Enter alone do not confirm");
    assert!(matches!(app.nav.overlay, Some(Overlay::Confirm(_))));
    // Clear the stray `y`, then type the name.
    key(&mut app, now, KeyCode::Backspace);
    keys(&mut app, now, "ops.restart");
    key(&mut app, now, KeyCode::Enter);
    assert_eq!(calls(&sent), vec![(0, "ops.restart".to_string())]);
}

#[test]
fn read_only_mode_refuses_tools_not_annotated_read_only() {
    let (mut app, now, sent) = mcp_app();
    app.cfg.mcp.read_only = true;
    open(&mut app, now, "ops.restart");
    assert!(app.nav.overlay.is_none());
    assert!(calls(&sent).is_empty());
    let toast = app.nav.toast.clone().expect("toast");
    assert!(
        toast.error && toast.text.contains("read-only mode"),
        "{toast:?}"
    );
    // A read-only tool still works.
    key(&mut app, now, KeyCode::Esc);
    open(&mut app, now, "health.check");
    assert_eq!(calls(&sent), vec![(0, "health.check".to_string())]);
}

#[test]
fn esc_cancels_a_running_call_once() {
    let (mut app, now, sent) = mcp_app();
    open(&mut app, now, "health.check");
    key(&mut app, now, KeyCode::Esc);
    key(&mut app, now, KeyCode::Esc);
    let cancels: Vec<CallId> = sent
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|(_, c)| match c {
            McpCommand::Cancel { call } => Some(*call),
            _ => None,
        })
        .collect();
    assert_eq!(cancels.len(), 1, "a second Esc does not cancel twice");
    assert!(app.mcp.call(cancels[0]).is_some_and(|c| c.cancelling));
    assert!(
        matches!(app.nav.overlay, Some(Overlay::Call { .. })),
        "stays until the end"
    );
}

#[test]
fn a_bound_key_calls_its_tool_with_preset_arguments() {
    let (mut app, now, sent) = mcp_app();
    bind(
        &mut app,
        "F5",
        0,
        "notion.search",
        json!({"query": "incident"}),
        None,
    );
    key(&mut app, now, KeyCode::F(5));
    let (tool, arguments) = only_call(&sent);
    assert_eq!(tool, "notion.search");
    assert_eq!(arguments.get("query"), Some(&json!("incident")));
    let newest = app.mcp.calls().next().expect("in history");
    assert_eq!(newest.origin, CallOrigin::Binding("F5".into()));
}

#[test]
fn a_binding_with_confirm_asks_even_for_a_read_only_tool() {
    let (mut app, now, sent) = mcp_app();
    bind(&mut app, "F6", 0, "health.check", json!({}), Some(true));
    key(&mut app, now, KeyCode::F(6));
    assert!(matches!(&app.nav.overlay, Some(Overlay::Confirm(c)) if !c.explicit));
    assert!(calls(&sent).is_empty());
}

#[test]
fn a_binding_missing_required_arguments_opens_the_form() {
    let (mut app, now, sent) = mcp_app();
    bind(
        &mut app,
        "F7",
        0,
        "jira.create_issue",
        json!({"project": "OPS"}),
        None,
    );
    key(&mut app, now, KeyCode::F(7));
    assert!(matches!(app.nav.overlay, Some(Overlay::Form(_))));
    assert!(calls(&sent).is_empty());
}

#[test]
fn a_binding_to_an_unlisted_tool_says_so() {
    let (mut app, now, sent) = mcp_app();
    bind(&mut app, "F8", 1, "cache.flush", json!({}), None);
    key(&mut app, now, KeyCode::F(8));
    let toast = app.nav.toast.clone().expect("toast");
    assert!(toast.text.contains("not listed yet"), "{toast:?}");
    assert!(sent.lock().expect("lock").is_empty());
}

#[test]
fn refresh_and_reconnect_go_to_the_selected_server() {
    let (mut app, now, sent) = mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Char('r'));
    key(&mut app, now, KeyCode::Char(']'));
    key(&mut app, now, KeyCode::Char('R'));
    let sent = sent.lock().expect("lock").clone();
    assert_eq!(
        sent,
        vec![(0, McpCommand::RefreshTools), (1, McpCommand::Reconnect)]
    );
}

#[test]
fn the_form_sends_what_was_typed() {
    let (mut app, now, sent) = mcp_app();
    open(&mut app, now, "notion.search");
    assert!(matches!(app.nav.overlay, Some(Overlay::Form(_))));
    keys(&mut app, now, "runbook");
    app.on_key_at(
        &KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
        now,
    );
    let (tool, arguments) = only_call(&sent);
    assert_eq!(tool, "notion.search");
    assert_eq!(arguments.get("query"), Some(&json!("runbook")));
}

#[test]
fn the_raw_json_editor_sends_what_was_typed() {
    let (mut app, now, sent) = mcp_app();
    open(&mut app, now, "notion.search");
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    app.on_key_at(&ctrl('r'), now);
    assert!(app.raw_editor.is_some(), "raw mode has an editor");
    // Whatever the fields gave, replace it with one object typed key by key.
    for _ in 0..10 {
        app.on_key_at(&ctrl('a'), now);
        app.on_key_at(&ctrl('k'), now);
        key(&mut app, now, KeyCode::Backspace);
        key(&mut app, now, KeyCode::Delete);
    }
    keys(&mut app, now, "{\"query\": \"raw\"}");
    key(&mut app, now, KeyCode::Left);
    let screen = support::drive::render(&app, now, 80, 24);
    assert!(screen.contains("{\"query\": \"raw\"}"), "{screen}");
    // The cursor drawn is the editor's: on the closing brace after ←.
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|f| mcptop::ui::draw_with(f, &app.view(now), &app.theme, app.widgets()))
        .expect("draw");
    let buf = terminal.backend().buffer();
    let cursor: Vec<&str> = buf
        .content()
        .iter()
        .filter(|c| c.modifier.contains(Modifier::REVERSED))
        .map(|c| c.symbol())
        .collect();
    assert_eq!(cursor, ["}"], "{screen}");
    app.on_key_at(&ctrl('s'), now);
    let (tool, arguments) = only_call(&sent);
    assert_eq!(tool, "notion.search");
    assert_eq!(arguments.get("query"), Some(&json!("raw")));
    assert!(app.raw_editor.is_none(), "the editor goes with the form");
}

#[test]
fn secret_arguments_are_masked_in_the_history() {
    let (mut app, now, sent) = mcp_app();
    bind(
        &mut app,
        "F9",
        0,
        "notion.search",
        json!({"query": "x", "api_token": "sk-live-PLANTED1234567890"}),
        None,
    );
    key(&mut app, now, KeyCode::F(9));
    let record = app.mcp.calls().next().expect("history");
    assert!(!format!("{:?}", record.arguments).contains("PLANTED"));
    // The server receives the real value.
    let sent = sent.lock().expect("lock").clone();
    assert!(format!("{sent:?}").contains("PLANTED"));
}

#[test]
fn a_finished_call_writes_one_masked_audit_line() {
    let (mut app, now, sent) = mcp_app();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.jsonl");
    app.audit = Some(mcptop::audit::AuditLog::new(&path));
    app.user = "oncall".into();
    bind(
        &mut app,
        "F5",
        0,
        "notion.search",
        json!({"query": "x", "password": "hunter2-PLANTED"}),
        None,
    );
    key(&mut app, now, KeyCode::F(5));
    let id = match sent.lock().expect("lock").as_slice() {
        [(_, McpCommand::Call { call, .. })] => *call,
        other => panic!("{other:?}"),
    };
    assert!(!path.exists(), "nothing is written before the call ends");
    app.apply(mcptop::sources::Update::Mcp(
        mcptop::model::mcp::McpUpdate::CallDone {
            server: 0,
            call: id,
            outcome: mcptop::model::mcp::CallOutcome::Timeout(std::time::Duration::from_secs(30)),
            elapsed: std::time::Duration::from_millis(30_010),
        },
    ));
    let text = std::fs::read_to_string(&path).expect("audit written");
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    let l = &lines[0];
    assert_eq!(l["user"], "oncall");
    assert_eq!(l["action"], "tools/call");
    assert_eq!(l["target"], "notion.search");
    assert_eq!(l["outcome"], "timeout");
    assert_eq!(l["duration_ms"], 30_010);
    assert_eq!(l["arguments"]["query"], "x");
    assert!(
        l["endpoint"]
            .as_str()
            .is_some_and(|e| e.starts_with("demo "))
    );
    assert!(!text.contains("PLANTED"), "{text}");
}

#[test]
fn read_only_mode_also_refuses_a_bound_key() {
    let (mut app, now, sent) = mcp_app();
    app.cfg.mcp.read_only = true;
    bind(
        &mut app,
        "F5",
        0,
        "cache.flush",
        json!({"region": "ap-northeast-1"}),
        Some(false),
    );
    key(&mut app, now, KeyCode::F(5));
    assert!(sent.lock().expect("lock").is_empty());
    assert!(app.nav.overlay.is_none());
    assert!(
        app.nav
            .toast
            .as_ref()
            .is_some_and(|t| t.text.contains("read-only mode"))
    );
}

#[test]
fn confirm_false_cannot_skip_the_annotations_confirmation() {
    let (mut app, now, sent) = mcp_app();
    bind(
        &mut app,
        "F5",
        0,
        "cache.flush",
        json!({"region": "ap-northeast-1"}),
        Some(false),
    );
    key(&mut app, now, KeyCode::F(5));
    assert!(matches!(&app.nav.overlay, Some(Overlay::Confirm(c)) if c.explicit));
    assert!(sent.lock().expect("lock").is_empty());
}

#[test]
fn an_empty_tool_name_cannot_be_confirmed_by_enter() {
    let (mut app, now, sent) = mcp_app();
    let mut nameless = app.mcp.servers[0].tools[4].clone();
    nameless.name = String::new();
    app.mcp.servers[0].tools = vec![nameless];
    key(&mut app, now, KeyCode::Char('2'));
    key(&mut app, now, KeyCode::Enter);
    assert!(matches!(&app.nav.overlay, Some(Overlay::Confirm(c)) if c.explicit));
    key(&mut app, now, KeyCode::Enter);
    assert!(sent.lock().expect("lock").is_empty());
}

#[test]
fn calls_still_running_at_quit_are_audited_as_abandoned() {
    let (mut app, now, _sent) = mcp_app();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.jsonl");
    app.audit = Some(mcptop::audit::AuditLog::new(&path));
    open(&mut app, now, "health.check");
    app.audit_abandoned(now + 5000);
    let text = std::fs::read_to_string(&path).expect("audit written");
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("\"outcome\":\"abandoned\""), "{text}");
    assert!(text.contains("\"duration_ms\":5000"), "{text}");
}

/// `L` on the tools screen asks the selected server for the next log level, from the one it
/// acknowledged (shown on the servers panel); a server without logging is not asked.
#[test]
fn l_steps_the_log_level_of_a_server_that_offers_logging() {
    let (mut app, now, sent) = mcp_app();
    let levels = |sent: &Sent| -> Vec<(usize, String)> {
        sent.lock()
            .expect("lock")
            .iter()
            .filter_map(|(s, c)| match c {
                McpCommand::SetLogLevel { level } => Some((*s, level.clone())),
                _ => None,
            })
            .collect()
    };
    key(&mut app, now, KeyCode::Char('2'));
    app.apply(mcptop::sources::Update::Mcp(
        mcptop::model::mcp::McpUpdate::LogLevel {
            server: 0,
            level: "info".into(),
            result: Ok(()),
        },
    ));
    let screen = support::drive::render(&app, now, 120, 30);
    assert!(screen.contains("log info"), "{screen}");
    key(&mut app, now, KeyCode::Char('L'));
    assert_eq!(levels(&sent), vec![(0, "warning".to_string())]);
    app.apply(mcptop::sources::Update::Mcp(
        mcptop::model::mcp::McpUpdate::LogLevel {
            server: 0,
            level: "warning".into(),
            result: Ok(()),
        },
    ));
    key(&mut app, now, KeyCode::Char('L'));
    assert_eq!(levels(&sent).last(), Some(&(0, "error".to_string())));
    // prod has not declared logging (it never connected).
    key(&mut app, now, KeyCode::Char(']'));
    key(&mut app, now, KeyCode::Char('L'));
    assert_eq!(levels(&sent).len(), 2);
    let screen = support::drive::render(&app, now, 120, 30);
    assert!(screen.contains("does not declare logging"), "{screen}");
}
