//! Mouse input (`--mouse` / `ui.mouse`): a click on a tab opens its screen, the wheel moves
//! like ↑/↓; with the mouse off (the default over SSH) both are ignored.

use crate::support;

use crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use mcptop::action::Screen;
use support::drive::render;
use support::fixture;

fn click(column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

/// The column where `label` starts on the tab row.
fn column_of(screen: &str, label: &str) -> u16 {
    let tabs = screen.lines().nth(1).expect("tab row");
    let byte = tabs
        .find(label)
        .unwrap_or_else(|| panic!("{label} in {tabs}"));
    tabs[..byte].chars().count() as u16
}

#[test]
fn a_click_on_a_tab_opens_it() {
    let (mut app, now) = fixture::healthy_app();
    app.mouse = true;
    let screen = render(&app, now, 120, 30);
    let x = column_of(&screen, "5 Alerts");
    assert!(app.on_mouse(&click(x + 2, 1), 120, now));
    assert_eq!(app.nav.screen, Screen::Alerts);
    // A click elsewhere on the row, or below it, opens nothing.
    assert!(!app.on_mouse(&click(119, 1), 120, now));
    assert_eq!(app.nav.screen, Screen::Alerts);
    let x = column_of(&render(&app, now, 120, 30), "3 Calls");
    app.on_mouse(&click(x, 1), 120, now);
    assert_eq!(app.nav.screen, Screen::Calls);
}

#[test]
fn the_wheel_moves_the_selection() {
    let (mut app, now) = support::fleet_fixture::fleet_app();
    app.mouse = true;
    let wheel = |kind| MouseEvent {
        kind,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    };
    let row = |app: &mcptop::app::App| app.fleet.as_ref().map(|q| q.row);
    assert_eq!(row(&app), Some(0));
    app.on_mouse(&wheel(MouseEventKind::ScrollDown), 120, now);
    app.on_mouse(&wheel(MouseEventKind::ScrollDown), 120, now);
    assert_eq!(row(&app), Some(2));
    app.on_mouse(&wheel(MouseEventKind::ScrollUp), 120, now);
    assert_eq!(row(&app), Some(1));
}

#[test]
fn the_mouse_is_off_over_ssh_unless_asked_for() {
    let ui = mcptop::config::UiConfig::default();
    let ssh = |k: &str| (k == "SSH_CONNECTION").then(|| "10.0.0.1 5555 10.0.0.2 22".to_string());
    assert!(!ui.mouse_on(ssh), "over SSH");
    assert!(ui.mouse_on(|_| None), "local");
    let asked = mcptop::config::UiConfig {
        mouse: Some(true),
        ..ui.clone()
    };
    assert!(asked.mouse_on(ssh), "--mouse over SSH");
    let (mut app, now) = fixture::healthy_app();
    app.mouse = false;
    let x = column_of(&render(&app, now, 120, 30), "5 Alerts");
    assert!(!app.on_mouse(&click(x, 1), 120, now));
    assert_eq!(app.nav.screen, Screen::Overview);
}
