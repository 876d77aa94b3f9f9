//! Render snapshots of the MCP screens and overlays (TestBackend + insta), driven by keys
//! from a fixed state.

use crate::support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::drive::{key, keys, render};

use mcptop::model::mcp::McpError;
use support::mcp_fixture;

#[test]
fn tools_screen_80x24() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn tools_screen_200x50() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    insta::assert_snapshot!(render(&app, now, 200, 50));
}

#[test]
fn tools_filter_narrows_the_list() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/cache");
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("Tools of demo (1/6)"), "{screen}");
    assert!(screen.contains("/cache"), "{screen}");
    assert!(screen.contains("cache.flush"), "{screen}");
    assert!(!screen.contains("notion.search"), "{screen}");
    key(&mut app, now, KeyCode::Esc);
    let screen = render(&app, now, 120, 30);
    assert!(screen.contains("Tools of demo (6/6)"), "{screen}");
}

#[test]
fn destructive_confirmation_dialog() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/ops.restart");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn call_result_with_structured_content() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('3'));
    key(&mut app, now, KeyCode::Down);
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&app, now, 100, 30);
    assert!(
        !screen.contains("PLANTED"),
        "a secret-looking value is masked:\n{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn calls_history_80x24() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('3'));
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn tool_form_with_a_required_error() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/jira");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    // Submit with nothing filled: the form stays open with the errors.
    app.on_key_at(
        &KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
        now,
    );
    let screen = render(&app, now, 80, 24);
    assert!(
        screen.contains("Call jira.create_issue on demo"),
        "{screen}"
    );
    assert!(screen.contains("✗"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn logs_screen_masks_secrets() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('4'));
    let screen = render(&app, now, 80, 24);
    assert!(!screen.contains("abc.def.ghi"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_running_call_shows_progress() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/health");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    let id = app.mcp.calls().next().map(|c| c.id).expect("call");
    app.apply(mcptop::sources::Update::Mcp(
        mcptop::model::mcp::McpUpdate::Progress {
            server: 0,
            call: id,
            progress: 3.0,
            total: Some(8.0),
            message: Some("checking jira".into()),
        },
    ));
    let screen = render(&app, now + 4000, 80, 24);
    assert!(screen.contains("⟳ running"), "{screen}");
    assert!(screen.contains("38% 3/8 checking jira"), "{screen}");
    assert!(screen.contains("Esc cancel"), "{screen}");
}

#[test]
fn a_default_is_marked_until_typing_replaces_it() {
    let (mut app, now, sent) = mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/notion");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    keys(&mut app, now, "runbook");
    key(&mut app, now, KeyCode::Tab);
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("10  (default)"), "{screen}");
    insta::assert_snapshot!(screen);
    // `limit` defaults to 10: typing 3 sends 3, not 103.
    keys(&mut app, now, "3");
    let screen = render(&app, now, 80, 24);
    assert!(!screen.contains("(default)"), "{screen}");
    app.on_key_at(
        &KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL),
        now,
    );
    let sent = sent.lock().expect("recorder").clone();
    let call = sent
        .iter()
        .find_map(|(_, cmd)| match cmd {
            mcptop::model::mcp::McpCommand::Call { arguments, .. } => Some(arguments.clone()),
            _ => None,
        })
        .expect("a call was sent (read-only tool: no confirmation)");
    assert_eq!(
        serde_json::Value::Object(call),
        serde_json::json!({"query": "runbook", "limit": 3})
    );
}

/// Descriptions keep their words apart: line breaks stay in the detail, tabs and line breaks
/// become spaces in the one-line argument list and form hint (they used to be deleted:
/// `Returns:yes or no`); an escape sequence still never reaches the screen.
#[test]
fn description_line_breaks_and_tabs_are_kept_apart() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    let ask = mcptop::model::mcp::ToolInfo {
        name: "ask".into(),
        title: None,
        description: Some(
            "Ask the operator a question.\nReturns:\tyes or no\n\u{1b}[2Jdone".into(),
        ),
        input_schema: serde_json::json!({"type": "object", "properties": {
            "question": {"type": "string", "description": "What\tto ask.\nOne\tline."}},
            "required": ["question"]}),
        output_schema: None,
        hints: Default::default(),
        task: Default::default(),
    };
    app.apply(mcptop::sources::Update::Mcp(
        mcptop::model::mcp::McpUpdate::Tools {
            server: 0,
            tools: Ok(vec![ask]),
        },
    ));
    key(&mut app, now, KeyCode::Char('2'));
    let screen = render(&app, now, 100, 30);
    let rows: Vec<&str> = screen.lines().collect();
    let at = |text: &str| {
        rows.iter()
            .position(|r| r.contains(text))
            .unwrap_or_else(|| panic!("no row with {text:?}:\n{screen}"))
    };
    assert_eq!(
        at("Returns: yes or no"),
        at("Ask the operator a question.") + 1,
        "{screen}"
    );
    assert!(
        screen.contains("question* string — What to ask. One line."),
        "{screen}"
    );
    assert!(!screen.contains('\u{1b}'), "{screen}");
    insta::assert_snapshot!(screen);
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("string · What to ask."), "{screen}");
}

/// A read-only tool asked for by a binding's `confirm = true` says so, not "not marked
/// read-only" under its `[read-only]` badge.
#[test]
fn a_binding_confirm_on_a_read_only_tool_says_why_it_asks() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    app.bindings.push(mcptop::app::ToolKey {
        key: mcptop::action::Key::parse("F6").expect("key"),
        server: 0,
        tool: "health.check".into(),
        args: serde_json::Map::new(),
        confirm: Some(true),
        timeout: None,
    });
    key(&mut app, now, KeyCode::F(6));
    let screen = render(&app, now, 80, 24);
    assert!(screen.contains("[read-only]"), "{screen}");
    assert!(!screen.contains("not marked read-only"), "{screen}");
    assert!(
        screen.contains("Asked because the binding on F6 sets confirm = true"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// `--mcp http://host/sse` against a legacy HTTP+SSE server: the servers panel itself says
/// what the URL looks like and what to use instead, and names the 404 page by its title.
#[test]
fn a_legacy_sse_url_shows_the_hint_on_the_servers_panel() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    app.mcp.servers[1].endpoint = "http://127.0.0.1:3001/sse".into();
    app.mcp.apply(
        mcptop::model::mcp::McpUpdate::State {
            server: 1,
            state: mcptop::model::mcp::ConnState::Reconnecting {
                attempt: 2,
                retry_in: std::time::Duration::from_secs(1),
                // As the client words it (tests/e2e/mcp_client.rs checks the source's text).
                // `this URL looks like the legacy HTTP+SSE transport, which rmcp 3.x cannot
                // speak: use the server's Streamable HTTP endpoint (often /mcp); the server
                // answered: unexpected server response: HTTP 404 Not Found: an HTML page
                // (Error) (send initialize request)`
                error: McpError::LegacySse(Some(Box::new(McpError::During {
                    error: Box::new(McpError::Transport(
                        "unexpected server response: HTTP 404 Not Found: an HTML page (Error)"
                            .into(),
                    )),
                    during: "send initialize request".into(),
                }))),
            },
        },
        now - 5_000,
    );
    key(&mut app, now, KeyCode::Char('2'));
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("(often /mcp)"), "{screen}");
    assert!(!screen.contains('<'), "{screen}");
    insta::assert_snapshot!(screen);
}
