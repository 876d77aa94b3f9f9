//! Render snapshots of the alerts and silences screens and their overlays (TestBackend +
//! insta), driven by keys from the fixed state of `support::alerts_fixture`.

use crate::support;

use crossterm::event::KeyCode;
use mcptop::model::alerts::{AlertsState, AmUpdate, PriorityMap};
use mcptop::sources::Update;
use support::alerts_fixture::alerts_app;
use support::drive::{key, keys, render};

#[test]
fn alerts_list_80x24() {
    let (mut app, now, _, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('5'));
    insta::assert_snapshot!(render(&app, now, 80, 24));
}

#[test]
fn alerts_list_200x50() {
    let (mut app, now, _, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('5'));
    insta::assert_snapshot!(render(&app, now, 200, 50));
}

#[test]
fn states_are_words_and_the_selection_moves_with_j() {
    let (mut app, now, _, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('5'));
    let screen = render(&app, now, 160, 30);
    for word in [
        "● firing",
        "◐ pending",
        "◌ silenced",
        "◇ inhibited",
        "local",
    ] {
        assert!(screen.contains(word), "{word} missing:\n{screen}");
    }
    assert!(
        screen.contains("P0 1 P1 1 P2 1 P3 0"),
        "header counts firing alerts:\n{screen}"
    );
    key(&mut app, now, KeyCode::Char('j'));
    key(&mut app, now, KeyCode::Enter);
    let detail = render(&app, now, 160, 40);
    assert!(
        detail.contains(" HighErrorRate "),
        "j then Enter opens the second row:\n{detail}"
    );
}

#[test]
fn detail_with_runbook_100x40() {
    let (mut app, now, _, dir) = alerts_app();
    std::fs::write(
        dir.path().join("HighErrorRate.md"),
        "# HighErrorRate\n\n**Impact:** tool calls fail.\n\n## Steps\n1. Check error logs: `{app=\"mcpist\"} | json | level=\"error\"`\n2. Is one module affected more?\n3. Roll back the last deploy if it persists.\n",
    )
    .expect("runbook");
    app.cfg.alerts.runbooks = Some(dir.path().to_path_buf());
    key(&mut app, now, KeyCode::Char('5'));
    key(&mut app, now, KeyCode::Char('j'));
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&app, now, 100, 40);
    assert!(screen.contains("Check error logs"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn silence_form_with_preview_100x30() {
    let (mut app, now, _, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('5'));
    key(&mut app, now, KeyCode::Char('j'));
    key(&mut app, now, KeyCode::Char('s'));
    keys(&mut app, now, "notion rollout, INC-2042");
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("matches 1 alert now"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn silence_form_shows_a_missing_comment() {
    let (mut app, now, _, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('5'));
    key(&mut app, now, KeyCode::Char('s'));
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("✖ a comment is required"), "{screen}");
}

#[test]
fn silence_confirmation_100x30() {
    let (mut app, now, _, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('5'));
    key(&mut app, now, KeyCode::Char('j'));
    key(&mut app, now, KeyCode::Char('s'));
    keys(&mut app, now, "notion rollout, INC-2042");
    key(&mut app, now, KeyCode::Enter);
    insta::assert_snapshot!(render(&app, now, 100, 30));
}

#[test]
fn expire_confirmation_lists_what_will_notify_again() {
    let (mut app, now, _, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('6'));
    key(&mut app, now, KeyCode::Char('x'));
    let screen = render(&app, now, 100, 30);
    assert!(screen.contains("Expire silence 0b1c2d3e"), "{screen}");
    assert!(screen.contains("TokenRefreshFailed"), "{screen}");
}

#[test]
fn silences_list_120x30() {
    let (mut app, now, _, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('6'));
    insta::assert_snapshot!(render(&app, now, 120, 30));
}

#[test]
fn without_alertmanager_local_rules_only() {
    let (mut app, now, _, _dir) = alerts_app();
    let local = app.alerts.local_alerts().to_vec();
    app.alerts = AlertsState::new(Vec::new(), PriorityMap::default());
    app.alerts.set_local(local);
    key(&mut app, now, KeyCode::Char('5'));
    insta::assert_snapshot!(render(&app, now, 100, 20));
}

#[test]
fn unreachable_alertmanager_shows_the_error_and_the_age_of_its_data() {
    let (mut app, now, _, _dir) = alerts_app();
    app.apply(Update::Alertmanager(AmUpdate::Polled {
        instance: 0,
        t_ms: now - 500,
        result: Err(mcptop::model::source_error::SourceError::Connect(
            "Connection refused (os error 111)".into(),
        )),
    }));
    key(&mut app, now, KeyCode::Char('5'));
    let screen = render(&app, now, 120, 24);
    assert!(screen.contains("Connection refused"), "{screen}");
    assert!(
        screen.contains("HighErrorRate"),
        "the last good data stays:\n{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn an_alertmanager_not_polled_yet_is_connecting_not_failing() {
    let (mut app, now, _, _dir) = alerts_app();
    app.alerts = AlertsState::new(vec!["http://127.0.0.1:9093".into()], PriorityMap::default());
    key(&mut app, now, KeyCode::Char('5'));
    let screen = render(&app, now, 120, 24);
    assert!(screen.contains("connecting"), "{screen}");
    assert!(
        screen.contains("waiting for Alertmanager's first answer"),
        "{screen}"
    );
    assert!(!screen.contains("failing"), "{screen}");
    // Once its first poll fails, it is failing.
    app.apply(Update::Alertmanager(AmUpdate::Polled {
        instance: 0,
        t_ms: now - 500,
        result: Err(mcptop::model::source_error::SourceError::Connect(
            "Connection refused (os error 111)".into(),
        )),
    }));
    let screen = render(&app, now, 120, 24);
    assert!(screen.contains("failing (1×)"), "{screen}");
    assert!(screen.contains("an Alertmanager is failing"), "{screen}");
}
