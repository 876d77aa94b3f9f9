//! The input modes driven through the app's keys: an action exists only in the modes the
//! action table gives it, a key typed into a filter line is text, and the help and the
//! footer list the keys of the mode in view.

use crate::support;

use crossterm::event::KeyCode;
use mcptop::action::{Mode, Screen};
use mcptop::app::nav::Overlay;
use support::alerts_fixture::{alerts_app, writes};
use support::drive::{key, keys, render};
use support::fixture::healthy_app;
use support::fleet_fixture::fleet_app;

#[test]
fn expire_exists_on_the_silences_screen_only() {
    let (mut app, now, sent, _dir) = alerts_app();
    // On the overview and the alerts, `x` is nothing.
    for screen in ['1', '5'] {
        key(&mut app, now, KeyCode::Char(screen));
        key(&mut app, now, KeyCode::Char('x'));
        assert!(app.nav.overlay.is_none(), "{screen}: {:?}", app.nav.overlay);
    }
    assert!(writes(&sent).is_empty());
    key(&mut app, now, KeyCode::Char('6'));
    key(&mut app, now, KeyCode::Char('x'));
    assert!(matches!(app.nav.overlay, Some(Overlay::SilenceConfirm(_))));
}

#[test]
fn sort_exists_on_the_fleet_only() {
    let (mut app, now) = fleet_app();
    let before = render(&app, now, 200, 50);
    for screen in ['1', '2', '4'] {
        key(&mut app, now, KeyCode::Char(screen));
        keys(&mut app, now, "oO");
    }
    key(&mut app, now, KeyCode::Char('0'));
    assert_eq!(app.nav.screen, Screen::Fleet);
    assert_eq!(
        render(&app, now, 200, 50),
        before,
        "sorting elsewhere left the fleet's order alone"
    );
    key(&mut app, now, KeyCode::Char('o'));
    assert_ne!(render(&app, now, 200, 50), before, "o sorts on the fleet");
}

#[test]
fn keys_typed_into_a_filter_are_text() {
    let (mut app, now) = healthy_app();
    // Tools: `q` quit, `5` alerts, `x` and `o` would be actions elsewhere.
    key(&mut app, now, KeyCode::Char('2'));
    keys(&mut app, now, "/q5xo?");
    assert!(!app.quit);
    assert!(!app.show_help);
    assert_eq!(app.nav.screen, Screen::Tools);
    assert_eq!(app.nav.filter.value(), "q5xo?");
    key(&mut app, now, KeyCode::Enter);
    // Logs.
    key(&mut app, now, KeyCode::Char('4'));
    keys(&mut app, now, "/q1 w");
    assert!(!app.quit);
    assert_eq!(app.nav.screen, Screen::Logs);
    assert_eq!(app.nav.log_filter.value(), "q1 w");
    assert!(!app.nav.logs.wrap, "w was text, not wrap");
    // The fleet.
    let (mut app, now) = fleet_app();
    keys(&mut app, now, "/qo1");
    assert!(!app.quit);
    assert_eq!(app.nav.screen, Screen::Fleet);
    let fleet = app.fleet.as_ref().expect("fleet");
    assert_eq!(fleet.filter.value(), "qo1");
}

#[test]
fn help_and_footer_list_the_keys_of_the_mode_in_view() {
    let (mut app, now, _sent, _dir) = alerts_app();
    key(&mut app, now, KeyCode::Char('6'));
    assert_eq!(app.view(now).mode, Mode::Screen(Screen::Silences));
    let screen = render(&app, now, 100, 30);
    let footer = screen.lines().last().unwrap_or_default();
    assert!(footer.contains(" x  expire"), "{footer}");
    key(&mut app, now, KeyCode::Char('?'));
    let help = render(&app, now, 100, 30);
    assert!(help.contains("expire the selected silence"), "{help}");
    assert!(!help.contains("fleet: sort by next column"), "{help}");
    key(&mut app, now, KeyCode::Esc);
    key(&mut app, now, KeyCode::Char('1'));
    let screen = render(&app, now, 100, 30);
    let footer = screen.lines().last().unwrap_or_default();
    assert!(!footer.contains("expire"), "{footer}");
    key(&mut app, now, KeyCode::Char('?'));
    let help = render(&app, now, 100, 30);
    assert!(help.contains("Help: keys"), "{help}");
    assert!(help.contains("Alertmanager silences"), "{help}");
    assert!(!help.contains("expire the selected silence"), "{help}");
}

#[test]
fn the_tool_table_s_keys_do_nothing_outside_it() {
    let (mut app, now) = healthy_app();
    let order = app.nav.tool_table.order.clone();
    // Sort, reverse and fold are the table's alone.
    for screen in ['1', '2', '3'] {
        key(&mut app, now, KeyCode::Char(screen));
        keys(&mut app, now, "oO ");
        assert!(app.nav.overlay.is_none(), "{screen}: {:?}", app.nav.overlay);
    }
    assert_eq!(app.nav.tool_table.order, order);
    assert!(app.nav.tool_table.collapsed.is_empty());
    assert_eq!(app.nav.tool_table.open, None);
    key(&mut app, now, KeyCode::Char('7'));
    assert_eq!(app.view(now).mode, Mode::Screen(Screen::ToolStats));
    key(&mut app, now, KeyCode::Char('o'));
    assert_ne!(app.nav.tool_table.order, order, "o sorts the table");
    key(&mut app, now, KeyCode::Enter);
    assert_eq!(app.view(now).mode, Mode::ToolView);
    // `o` is the table's: in a tool's view it sorts nothing.
    let sorted = app.nav.tool_table.order.clone();
    key(&mut app, now, KeyCode::Char('o'));
    assert_eq!(app.nav.tool_table.order, sorted);
    // Without a connected server listing the tool, Enter says so and opens no form.
    key(&mut app, now, KeyCode::Enter);
    assert!(app.nav.overlay.is_none());
    assert!(render(&app, now, 120, 30).contains("no MCP server lists"));
    // Screen keys still work from the view; Esc goes back to the table.
    key(&mut app, now, KeyCode::Esc);
    assert_eq!(app.view(now).mode, Mode::Screen(Screen::ToolStats));
}
