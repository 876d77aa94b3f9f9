//! The footer's message: cut with `…` before the counters beside it (never running into
//! them), and cleared by the next action that succeeds, driven through the app's keys.

use crate::support;

use crossterm::event::KeyCode;
use mcptop::app::App;
use mcptop::app::nav::{TOAST_MS, Toast};
use support::drive::{key, render};

/// The footer (last row) of the screen `app` draws in a `w` x 24 terminal.
fn footer(app: &App, now: i64, w: u16) -> String {
    let screen = render(app, now, w, 24);
    let last = screen.lines().last().unwrap_or_default();
    last.trim_matches('"').to_string()
}

/// The counters the footer shows for the fixture (one target).
fn counters(app: &App) -> String {
    format!(
        "{} series · {} samples",
        app.dashboard.series_count(),
        app.dashboard.sample_count()
    )
}

#[test]
fn a_long_message_is_cut_with_a_mark_before_the_counters() {
    let (mut app, now) = support::fixture::healthy_app();
    let text = "incident report not written: permission denied writing \
                /var/lib/mcptop/reports/2026-11-22T00-10-01Z-demo.md (os error 13), \
                check the state directory";
    app.nav.toast = Some(Toast {
        text: text.into(),
        error: true,
        until_ms: now + TOAST_MS,
    });
    let counters = counters(&app);
    for w in [80, 120] {
        let line = footer(&app, now, w);
        assert_eq!(line.chars().count(), usize::from(w), "{line}");
        let (message, right) = line
            .split_once(&counters)
            .map(|(m, _)| (m, &line[m.len()..]))
            .unwrap_or_else(|| panic!("the counters are whole at {w} columns: {line}"));
        assert_eq!(right.trim_end(), counters, "{line}");
        assert!(
            message.starts_with(" ✖ incident report not written"),
            "{line}"
        );
        assert!(
            message.trim_end().ends_with('…') && message.ends_with("  "),
            "the message ends with … at least two columns before the counters at {w}: {line:?}"
        );
    }
    // A message that fits is drawn whole.
    app.nav.toast = Some(Toast {
        text: "deploy mark cleared".into(),
        error: false,
        until_ms: now + TOAST_MS,
    });
    let line = footer(&app, now, 80);
    assert!(line.starts_with(" ✔ deploy mark cleared  "), "{line}");
    assert!(!line.contains('…'), "{line}");
}

#[test]
fn the_next_action_that_succeeds_clears_the_message() {
    let (mut app, now) = support::fixture::healthy_app();
    // The fleet key without a fleet fails with a message.
    key(&mut app, now, KeyCode::Char('0'));
    assert!(app.nav.toast.as_ref().is_some_and(|t| t.error), "a message");
    assert!(footer(&app, now, 120).contains("no fleet"));
    // A key that does nothing (Esc with nothing to close) leaves it.
    key(&mut app, now + 100, KeyCode::Esc);
    assert!(footer(&app, now + 100, 120).contains("no fleet"));
    // Showing another screen succeeds: the message goes at once, not after its timeout.
    key(&mut app, now + 200, KeyCode::Char('2'));
    assert!(app.nav.toast.is_none(), "{:?}", app.nav.toast);
    let line = footer(&app, now + 200, 120);
    assert!(!line.contains("no fleet"), "{line}");
    assert!(line.contains("help"), "the key hints are back: {line}");
    // An action with its own message replaces the previous one.
    key(&mut app, now + 300, KeyCode::Char('0'));
    key(&mut app, now + 400, KeyCode::Char('D'));
    let toast = app.nav.toast.clone().expect("the deploy mark's message");
    assert!(toast.text.starts_with("deploy marked"), "{toast:?}");
}
