//! A server's question (`elicitation/create`) driven by keys: the form built from its
//! schema opens over the screen, Ctrl-S accepts with the values, Ctrl-D declines, Esc
//! cancels; the answer goes to the server's source, the overlay beneath comes back, and
//! the audit line names the server, the message and the action, never the values.

use crate::support;

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mcptop::app::App;
use mcptop::app::nav::Overlay;
use mcptop::model::mcp::{ElicitAnswer, McpCommand, McpUpdate};
use mcptop::sources::Update;
use serde_json::{Value, json};
use support::drive::{key, keys, render};
use support::mcp_fixture::{Sent, mcp_app};

const QUESTION: &str = "Which environment should the deploy go to?";

fn ask(app: &mut App, id: u64) {
    app.apply(Update::Mcp(McpUpdate::Elicit {
        server: 0,
        id,
        message: QUESTION.into(),
        schema: json!({
            "type": "object",
            "properties": {
                "environment": {"type": "string", "enum": ["staging", "production"]},
                "token": {"type": "string", "description": "deploy token"},
                "dry_run": {"type": "boolean", "default": true}
            },
            "required": ["environment", "token"]
        }),
        timeout: Duration::from_secs(30),
    }));
}

fn ctrl(app: &mut App, now: i64, c: char) {
    app.on_key_at(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL), now);
}

fn answers(sent: &Sent) -> Vec<(usize, u64, ElicitAnswer)> {
    sent.lock()
        .expect("lock")
        .iter()
        .filter_map(|(s, c)| match c {
            McpCommand::Elicited { id, answer } => Some((*s, *id, answer.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn accept_sends_the_values_and_brings_back_the_screen_beneath() {
    let (mut app, now, sent) = mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    ask(&mut app, 7);
    assert!(matches!(&app.nav.overlay, Some(Overlay::Elicit(e)) if e.id == 7));
    // environment: the first choice; token typed; dry_run keeps its default.
    key(&mut app, now, KeyCode::Right);
    key(&mut app, now, KeyCode::Tab);
    keys(&mut app, now, "tok-123");
    ctrl(&mut app, now, 's');
    let got = answers(&sent);
    let [(0, 7, ElicitAnswer::Accept(values))] = got.as_slice() else {
        panic!("one accept of question 7 to server 0, got {got:?}");
    };
    assert_eq!(values.get("token"), Some(&json!("tok-123")), "{values:?}");
    assert!(
        values
            .get("environment")
            .and_then(Value::as_str)
            .is_some_and(|e| e == "staging" || e == "production"),
        "{values:?}"
    );
    assert_eq!(values.get("dry_run"), Some(&json!(true)), "{values:?}");
    assert!(app.nav.overlay.is_none(), "{:?}", app.nav.overlay);
}

#[test]
fn ctrl_d_declines_and_esc_cancels() {
    let (mut app, now, sent) = mcp_app();
    ask(&mut app, 1);
    ctrl(&mut app, now, 'd');
    ask(&mut app, 2);
    key(&mut app, now, KeyCode::Esc);
    assert_eq!(
        answers(&sent),
        vec![(0, 1, ElicitAnswer::Decline), (0, 2, ElicitAnswer::Cancel)]
    );
    assert!(app.nav.overlay.is_none());
}

#[test]
fn a_question_opens_over_a_form_and_gives_it_back_after_the_answer() {
    let (mut app, now, sent) = mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/notion.search");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Enter);
    assert!(matches!(app.nav.overlay, Some(Overlay::Form(_))));
    ask(&mut app, 3);
    ask(&mut app, 4);
    key(&mut app, now, KeyCode::Esc);
    assert!(matches!(&app.nav.overlay, Some(Overlay::Elicit(e)) if e.id == 3));
    // The source gave up on 3 (no answer in time): the form beneath comes back.
    app.apply(Update::Mcp(McpUpdate::ElicitClosed {
        server: 0,
        id: 3,
        why: "no answer in 30 s".into(),
        withdrawn: false,
    }));
    assert!(matches!(app.nav.overlay, Some(Overlay::Form(_))));
    assert_eq!(answers(&sent), vec![(0, 4, ElicitAnswer::Cancel)]);
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("no answer in 30 s"), "{screen}");
}

#[test]
fn the_audit_line_has_the_message_and_the_action_never_the_values() {
    let (mut app, now, _) = mcp_app();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.jsonl");
    app.audit = Some(mcptop::audit::AuditLog::new(&path));
    ask(&mut app, 1);
    key(&mut app, now, KeyCode::Right);
    key(&mut app, now, KeyCode::Tab);
    keys(&mut app, now, "planted-value-42");
    ctrl(&mut app, now, 's');
    ask(&mut app, 2);
    ctrl(&mut app, now, 'd');
    let text = std::fs::read_to_string(&path).expect("audit written");
    assert!(!text.contains("planted-value-42"), "{text}");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    for (line, outcome) in lines.iter().zip(["accept", "decline"]) {
        assert_eq!(line["action"], "elicitation/create", "{line}");
        assert_eq!(line["target"], QUESTION, "{line}");
        assert_eq!(line["outcome"], outcome, "{line}");
        assert!(
            line["endpoint"]
                .as_str()
                .is_some_and(|e| e.starts_with("demo ")),
            "{line}"
        );
    }
}

#[test]
fn elicitation_form_80x24() {
    let (mut app, now, _) = mcp_app();
    key(&mut app, now, KeyCode::Char('2'));
    ask(&mut app, 1);
    key(&mut app, now, KeyCode::Tab);
    keys(&mut app, now, "tok-123");
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn the_time_left_counts_down_with_each_frame() {
    let (mut app, _, _) = mcp_app();
    ask(&mut app, 1);
    let Some(Overlay::Elicit(e)) = &app.nav.overlay else {
        panic!("no question open");
    };
    let opened = e.opened_ms;
    assert!(render(&app, opened, 100, 30).contains("answer within 30 s"));
    let later = render(&app, opened + 12_400, 100, 30);
    assert!(later.contains("answer within 18 s"), "{later}");
    let past = render(&app, opened + 31_000, 100, 30);
    assert!(past.contains("answer within 0 s"), "{past}");
}

#[test]
fn a_question_the_server_withdrew_is_not_said_to_be_answered() {
    let (mut app, _, sent) = mcp_app();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("audit.jsonl");
    app.audit = Some(mcptop::audit::AuditLog::new(&path));
    ask(&mut app, 5);
    app.apply(Update::Mcp(McpUpdate::ElicitClosed {
        server: 0,
        id: 5,
        why: "the server withdrew the question".into(),
        withdrawn: true,
    }));
    assert!(app.nav.overlay.is_none(), "the question is still open");
    assert!(answers(&sent).is_empty());
    let screen = render(&app, mcptop::sources::now_ms(), 120, 30);
    assert!(
        screen.contains("the server withdrew the question"),
        "{screen}"
    );
    assert!(!screen.contains("answered cancel"), "{screen}");
    let text = std::fs::read_to_string(&path).expect("audit written");
    let line: Value = serde_json::from_str(text.trim()).expect("one json line");
    assert_eq!(line["outcome"], "withdrawn", "{line}");
}
