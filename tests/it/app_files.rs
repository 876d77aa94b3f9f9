//! The app's side of the files task with a link that holds commands back, as a file system
//! that stalls does: audit lines wait and the footer says so after a second, a line the
//! task refuses is counted, and a runbook shows when its answer arrives (not before, and
//! only in the detail of its alert).

use crate::support;

use std::sync::{Arc, Mutex};

use crossterm::event::KeyCode;
use mcptop::app::App;
use mcptop::app::nav::Overlay;
use mcptop::sources::Update;
use mcptop::sources::files::{FileCommand, FileDone, run};
use support::alerts_fixture::{alerts_app as app, audit_lines};
use support::drive::{key, render};

type Held = Arc<Mutex<Vec<FileCommand>>>;

/// A link that keeps every command, answering none: the task is stuck.
fn stuck(app: &mut App) -> Held {
    let held: Held = Arc::default();
    let keep = held.clone();
    app.files = Some(Box::new(move |cmd| {
        keep.lock().expect("lock").push(cmd);
        Ok(None)
    }));
    held
}

/// The footer (last line) of the screen at `now`, long after any toast.
fn footer(app: &App, now: i64) -> String {
    let screen = render(app, now, 120, 30);
    screen.lines().last().unwrap_or_default().to_string()
}

#[test]
fn audit_lines_wait_in_sight_and_are_written_when_the_task_answers() {
    let (mut app, now, _sent, dir) = app();
    let held = stuck(&mut app);
    app.cfg.alerts.read_only = true;
    key(&mut app, now, KeyCode::Char('5'));
    // Refused in read-only mode: one audit line, handed over, not written.
    key(&mut app, now, KeyCode::Char('s'));
    assert_eq!(held.lock().expect("lock").len(), 1);
    assert!(audit_lines(&dir).is_empty());
    assert_eq!(
        app.audit_stall(now + 999),
        None,
        "a line under a second is no stall"
    );
    let later = now + 60_000;
    let shown = footer(&app, later);
    assert!(
        shown.contains("⚠ audit log stalled: 1 line waiting"),
        "{shown}"
    );

    let cmd = held.lock().expect("lock").remove(0);
    assert!(matches!(cmd, FileCommand::Audit { .. }), "{cmd:?}");
    app.apply(Update::File(run(cmd)));
    let lines = audit_lines(&dir);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["outcome"], "refused");
    assert_eq!(app.audit_stall(later), None);
    assert!(!footer(&app, later).contains("audit log"));
}

#[test]
fn a_line_the_task_cannot_take_is_counted_not_dropped_unseen() {
    let (mut app, now, _sent, _dir) = app();
    app.files = Some(Box::new(|_| Err("the queue is full".to_string())));
    app.cfg.alerts.read_only = true;
    key(&mut app, now, KeyCode::Char('5'));
    key(&mut app, now, KeyCode::Char('s'));
    let toast = app.nav.toast.as_ref().expect("toast");
    assert_eq!(toast.text, "audit log write failed: the queue is full");
    let shown = footer(&app, now + 60_000);
    assert!(
        shown.contains("audit log stalled: 0 lines waiting, 1 not written"),
        "{shown}"
    );
}

#[test]
fn the_runbook_shows_when_read_and_only_in_its_alerts_detail() {
    let (mut app, now, _sent, dir) = app();
    std::fs::write(dir.path().join("HighErrorRate.md"), "# High error rate\n").expect("write");
    app.cfg.alerts.runbooks = Some(dir.path().to_path_buf());
    let held = stuck(&mut app);
    key(&mut app, now, KeyCode::Char('5'));
    key(&mut app, now, KeyCode::Char('j'));
    key(&mut app, now, KeyCode::Enter);
    let Some(Overlay::AlertDetail(d)) = &app.nav.overlay else {
        panic!("Enter opens the detail at once");
    };
    assert!(d.runbook.is_none(), "not read yet");
    let cmd = held.lock().expect("lock").remove(0);
    // An answer for another alert's detail is not shown here.
    let FileDone::Runbook { runbook, .. } = run(cmd.clone()) else {
        panic!("{cmd:?}");
    };
    app.apply(Update::File(FileDone::Runbook {
        fingerprint: "another".into(),
        runbook,
    }));
    let Some(Overlay::AlertDetail(d)) = &app.nav.overlay else {
        panic!("still the detail");
    };
    assert!(d.runbook.is_none());
    app.apply(Update::File(run(cmd)));
    let Some(Overlay::AlertDetail(d)) = &app.nav.overlay else {
        panic!("still the detail");
    };
    let text = d.runbook.as_ref().map(|r| r.text.clone());
    assert_eq!(text, Some(Ok("# High error rate\n".to_string())));
}
