//! The silence flow driven by keys: read-only guard, form, confirmation, the write sent to
//! the Alertmanager source, its answer, and the audit lines. Commands are recorded instead
//! of reaching Alertmanager (tests/e2e/alertmanager.rs covers the real one).

use crate::support;

use crossterm::event::KeyCode;
use mcptop::app::App;
use mcptop::app::nav::Overlay;
use mcptop::model::alerts::{AlertsState, AmCommand, AmUpdate, AmWrite, PriorityMap};
use mcptop::sources::Update;
use support::alerts_fixture::{ACTIVE_SILENCE, alerts_app as app, audit_lines, writes};
use support::drive::{key, keys};

/// Selects the P1 HighErrorRate alert (the second row, after the P0 McpServerDown).
fn select_high_error_rate(app: &mut App, now: i64) {
    key(app, now, KeyCode::Char('5'));
    key(app, now, KeyCode::Char('j'));
}

#[test]
fn silence_from_an_alert_is_confirmed_sent_and_audited() {
    let (mut app, now, sent, dir) = app();
    select_high_error_rate(&mut app, now);
    key(&mut app, now, KeyCode::Char('s'));
    let Some(Overlay::SilenceForm(f)) = &app.nav.overlay else {
        panic!("s opens the silence form");
    };
    assert_eq!(
        f.form.matchers.value(),
        r#"alertname="HighErrorRate" env="prod" service="notion-mcp" severity="critical""#
    );
    // No comment: Enter does not get past the form.
    key(&mut app, now, KeyCode::Enter);
    assert!(matches!(app.nav.overlay, Some(Overlay::SilenceForm(_))));
    keys(&mut app, now, "deploy 42");
    key(&mut app, now, KeyCode::Enter);
    assert!(
        matches!(app.nav.overlay, Some(Overlay::SilenceConfirm(_))),
        "a valid form asks for confirmation first"
    );
    assert!(writes(&sent).is_empty(), "nothing is sent before y");
    key(&mut app, now, KeyCode::Char('y'));
    let sent_writes = writes(&sent);
    let [(request, AmWrite::CreateSilence(draft))] = sent_writes.as_slice() else {
        panic!("one silence create, got {sent_writes:?}");
    };
    assert_eq!(draft.comment, "deploy 42");
    assert_eq!(draft.created_by, "alice");
    assert_eq!(
        draft.ends_at_ms - draft.starts_at_ms,
        3_600_000,
        "default 1h"
    );
    assert_eq!(draft.matchers.len(), 4);
    // Alertmanager answers.
    app.apply(Update::Alertmanager(AmUpdate::Written {
        request: *request,
        write: AmWrite::CreateSilence(draft.clone()),
        endpoint: "http://127.0.0.1:9093".into(),
        result: Ok("5e1f0000-1111-2222-3333-444444444444".into()),
    }));
    let toast = app.nav.toast.as_ref().expect("toast");
    assert!(
        toast.text.contains("silence 5e1f0000 created"),
        "{}",
        toast.text
    );
    assert!(
        sent.lock().expect("lock").contains(&AmCommand::Refresh),
        "the lists are polled again after a write"
    );
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let l = &lines[0];
    assert_eq!(l["action"], "silence.create");
    assert_eq!(l["user"], "alice");
    assert_eq!(l["endpoint"], "http://127.0.0.1:9093");
    assert_eq!(l["target"], "5e1f0000-1111-2222-3333-444444444444");
    assert_eq!(l["outcome"], "ok");
    assert_eq!(l["matchers"][0], r#"alertname="HighErrorRate""#);
    assert_eq!(l["arguments"]["comment"], "deploy 42");
}

#[test]
fn a_rejected_silence_shows_alertmanagers_text_and_is_audited() {
    let (mut app, now, sent, dir) = app();
    select_high_error_rate(&mut app, now);
    key(&mut app, now, KeyCode::Char('s'));
    keys(&mut app, now, "x");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Char('y'));
    let (request, write) = writes(&sent).remove(0);
    app.apply(Update::Alertmanager(AmUpdate::Written {
        request,
        write,
        endpoint: "http://127.0.0.1:9093".into(),
        result: Err(mcptop::model::source_error::SourceError::ApiText {
            http: 400,
            text: "silence invalid: start time must be before end time".into(),
        }),
    }));
    let toast = app.nav.toast.as_ref().expect("toast");
    assert!(toast.error);
    assert!(
        toast.text.contains("start time must be before end time"),
        "{}",
        toast.text
    );
    let lines = audit_lines(&dir);
    assert_eq!(lines[0]["outcome"], "error");
    assert!(
        lines[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("start time"))
    );
}

#[test]
fn n_and_esc_send_nothing() {
    let (mut app, now, sent, dir) = app();
    select_high_error_rate(&mut app, now);
    key(&mut app, now, KeyCode::Char('s'));
    keys(&mut app, now, "x");
    key(&mut app, now, KeyCode::Enter);
    key(&mut app, now, KeyCode::Char('n'));
    assert!(app.nav.overlay.is_none());
    key(&mut app, now, KeyCode::Char('s'));
    key(&mut app, now, KeyCode::Esc);
    assert!(app.nav.overlay.is_none());
    assert!(writes(&sent).is_empty());
    assert!(audit_lines(&dir).is_empty(), "nothing sent, nothing logged");
}

#[test]
fn read_only_refuses_create_and_expire_with_a_message_and_an_audit_line() {
    let (mut app, now, sent, dir) = app();
    app.cfg.alerts.read_only = true;
    select_high_error_rate(&mut app, now);
    key(&mut app, now, KeyCode::Char('s'));
    assert!(app.nav.overlay.is_none(), "no form in read-only mode");
    let toast = app.nav.toast.as_ref().expect("toast");
    assert!(
        toast.error && toast.text.contains("read-only"),
        "{}",
        toast.text
    );
    key(&mut app, now, KeyCode::Char('6'));
    key(&mut app, now, KeyCode::Char('x'));
    assert!(
        app.nav.overlay.is_none(),
        "no confirmation in read-only mode"
    );
    assert!(writes(&sent).is_empty());
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["action"], "silence.create");
    assert_eq!(lines[0]["outcome"], "refused");
    assert_eq!(lines[0]["target"], "HighErrorRate");
    assert_eq!(lines[1]["action"], "silence.expire");
    assert_eq!(lines[1]["target"], ACTIVE_SILENCE);
}

#[test]
fn expire_asks_then_sends_the_selected_silence() {
    let (mut app, now, sent, _dir) = app();
    key(&mut app, now, KeyCode::Char('6'));
    key(&mut app, now, KeyCode::Char('x'));
    assert!(matches!(app.nav.overlay, Some(Overlay::SilenceConfirm(_))));
    key(&mut app, now, KeyCode::Char('y'));
    assert_eq!(
        writes(&sent),
        [(
            1,
            AmWrite::ExpireSilence {
                id: ACTIVE_SILENCE.into()
            }
        )]
    );
}

#[test]
fn without_alertmanager_silencing_explains_where_silences_live() {
    let (mut app, now, sent, _dir) = app();
    app.alerts = AlertsState::new(Vec::new(), PriorityMap::default());
    select_high_error_rate(&mut app, now);
    key(&mut app, now, KeyCode::Char('s'));
    assert!(app.nav.overlay.is_none());
    let toast = app.nav.toast.as_ref().expect("toast");
    assert!(toast.text.contains("--alertmanager"), "{}", toast.text);
    assert!(writes(&sent).is_empty());
}

#[test]
fn detail_opens_with_enter_and_s_silences_from_it() {
    let (mut app, now, _sent, _dir) = app();
    select_high_error_rate(&mut app, now);
    key(&mut app, now, KeyCode::Enter);
    let Some(Overlay::AlertDetail(d)) = &app.nav.overlay else {
        panic!("Enter opens the detail");
    };
    assert_eq!(d.fingerprint, "f-err");
    assert!(d.runbook.is_none(), "no runbook directory configured");
    key(&mut app, now, KeyCode::Char('s'));
    assert!(matches!(app.nav.overlay, Some(Overlay::SilenceForm(_))));
}

#[test]
fn runbook_is_read_from_the_configured_directory() {
    let (mut app, now, _sent, dir) = app();
    std::fs::write(
        dir.path().join("HighErrorRate.md"),
        "# High error rate\n1. check logs\n",
    )
    .expect("write runbook");
    app.cfg.alerts.runbooks = Some(dir.path().to_path_buf());
    select_high_error_rate(&mut app, now);
    key(&mut app, now, KeyCode::Enter);
    let Some(Overlay::AlertDetail(d)) = &app.nav.overlay else {
        panic!("Enter opens the detail");
    };
    let runbook = d.runbook.as_ref().expect("runbook found");
    assert!(
        runbook
            .text
            .as_ref()
            .is_ok_and(|t| t.contains("check logs"))
    );
}

#[test]
fn the_selection_follows_its_alert_when_the_list_changes() {
    let (mut app, now, _sent, _dir) = app();
    select_high_error_rate(&mut app, now);
    // McpServerDown resolves: HighErrorRate moves up a row, and stays selected.
    let mut snapshot = support::alerts_fixture::snapshot(now);
    snapshot.alerts.retain(|a| a.name() != "McpServerDown");
    app.apply(Update::Alertmanager(AmUpdate::Polled {
        instance: 0,
        t_ms: now,
        result: Ok(snapshot),
    }));
    assert_eq!(app.nav.alert, 0);
    key(&mut app, now, KeyCode::Enter);
    let Some(Overlay::AlertDetail(d)) = &app.nav.overlay else {
        panic!("Enter opens the detail");
    };
    assert_eq!(d.fingerprint, "f-err");
}
