//! Render snapshots of task-augmented tool calls (MCP 2025-11-25): the `[task]` badge of a
//! tool that must be called as a task, in the tools list and its detail, and the call view
//! showing where the task stands and then its result.

use crate::support;

use std::time::Duration;

use crossterm::event::KeyCode;
use mcptop::model::mcp::{
    CallOutcome, CallResult, Content, McpCommand, McpUpdate, TaskState, TaskSupport, ToolHints,
    ToolInfo,
};
use mcptop::sources::Update;
use support::drive::{key, keys, render};
use support::mcp_fixture;

/// The demo server's tools plus `report.build`, which must be called as a task.
fn with_task_tool(app: &mut mcptop::app::App) {
    let mut tools = mcp_fixture::tools();
    tools.push(ToolInfo {
        name: "report.build".into(),
        title: None,
        description: Some("Build the weekly report (takes minutes).".into()),
        input_schema: serde_json::json!({"type": "object", "properties": {}}),
        output_schema: None,
        hints: ToolHints {
            read_only: Some(true),
            ..ToolHints::default()
        },
        task: TaskSupport::Required,
    });
    app.apply(Update::Mcp(McpUpdate::Tools {
        server: 0,
        tools: Ok(tools),
    }));
}

#[test]
fn a_task_tool_is_badged_in_the_list_and_its_detail() {
    let (mut app, now, _) = mcp_fixture::mcp_app();
    with_task_tool(&mut app);
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/report");
    let screen = render(&app, now, 110, 24);
    assert!(screen.contains("report.build [ro] [task]"), "{screen}");
    assert!(
        screen.contains("execution [task] called as a task"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn the_call_view_shows_the_task_status_then_its_result() {
    let (mut app, now, sent) = mcp_fixture::mcp_app();
    with_task_tool(&mut app);
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/report");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    let id = app.mcp.calls().next().map(|c| c.id).expect("call");
    assert!(
        sent.lock()
            .expect("recorder")
            .iter()
            .any(|(_, c)| matches!(c, McpCommand::Call { tool, .. } if tool == "report.build")),
        "the call was sent"
    );
    let status = |status: &str, message: &str| {
        Update::Mcp(McpUpdate::Task {
            server: 0,
            call: id,
            task: TaskState {
                id: "7f3a".into(),
                status: status.into(),
                message: Some(message.into()),
            },
        })
    };
    app.apply(status("working", "Gathering sources..."));
    app.apply(status("working", "Analyzing content..."));
    let screen = render(&app, now + 3000, 90, 20);
    assert!(
        screen.contains("task working: Analyzing content..."),
        "{screen}"
    );
    assert!(
        !screen.contains("Gathering"),
        "only the last status: {screen}"
    );
    assert!(screen.contains("Esc cancel"), "{screen}");
    insta::assert_snapshot!("task_working", screen);

    app.apply(status("completed", "Generating report..."));
    app.apply(Update::Mcp(McpUpdate::CallDone {
        server: 0,
        call: id,
        outcome: CallOutcome::Result(CallResult {
            content: vec![Content::Text("# Weekly report\nall green".into())],
            structured: None,
            is_error: false,
        }),
        elapsed: Duration::from_millis(4200),
    }));
    let screen = render(&app, now + 5000, 90, 20);
    assert!(screen.contains("✔ ok"), "{screen}");
    assert!(screen.contains("task completed"), "{screen}");
    assert!(screen.contains("# Weekly report"), "{screen}");
    insta::assert_snapshot!("task_completed", screen);
}

#[test]
fn esc_in_the_call_view_cancels_the_task_call() {
    let (mut app, now, sent) = mcp_fixture::mcp_app();
    with_task_tool(&mut app);
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/report");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    let id = app.mcp.calls().next().map(|c| c.id).expect("call");
    app.apply(Update::Mcp(McpUpdate::Task {
        server: 0,
        call: id,
        task: TaskState {
            id: "7f3a".into(),
            status: "working".into(),
            message: None,
        },
    }));
    key(&mut app, now, KeyCode::Esc);
    let cancels = sent
        .lock()
        .expect("recorder")
        .iter()
        .filter(|(_, c)| matches!(c, McpCommand::Cancel { call } if *call == id))
        .count();
    assert_eq!(
        cancels, 1,
        "Esc sends the source one Cancel (it sends tasks/cancel)"
    );
    let screen = render(&app, now + 1000, 90, 20);
    assert!(screen.contains("⊘ cancelling"), "{screen}");
    assert!(screen.contains("task working  (task 7f3a)"), "{screen}");
}
