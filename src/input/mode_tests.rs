//! The action table and the keymap of each mode: every action is declared whole and lives
//! somewhere; a key does what its mode's keymap says, and nothing elsewhere.

use super::*;
use crate::action::{Action, Key, KeyCode, Keymap, Screen};

fn ch(c: char) -> Key {
    Key::plain(KeyCode::Char(c))
}

#[test]
fn every_action_is_named_described_and_lives_in_a_mode() {
    let mut names: Vec<&str> = Vec::new();
    for &(name, action) in Action::NAMED {
        assert!(!name.is_empty() && !names.contains(&name), "{name}");
        names.push(name);
        assert_eq!(action.name(), name);
        assert!(!action.description().is_empty(), "{name}");
        assert!(!action.short().is_empty(), "{name}");
        assert!(
            Mode::ALL.iter().any(|m| action.in_mode(*m)),
            "{name} exists in no mode"
        );
        // Bound by default, in a mode where it exists: every action is reachable.
        let km = Keymap::default();
        let key = km.key_for(action).expect("a default key");
        assert!(
            Mode::ALL
                .iter()
                .any(|m| km.action_in(*m, &key) == Some(action)),
            "{name}: its key reaches it nowhere"
        );
    }
}

#[test]
fn a_key_fires_only_the_action_of_its_mode() {
    let km = Keymap::default();
    let on = |s| Mode::Screen(s);
    // `x` expires a silence on the silences screen, and is nothing elsewhere.
    assert_eq!(
        km.action_in(on(Screen::Silences), &ch('x')),
        Some(Action::Expire)
    );
    assert_eq!(km.action_in(on(Screen::Overview), &ch('x')), None);
    assert_eq!(km.action_in(on(Screen::Alerts), &ch('x')), None);
    // `o` sorts the fleet only.
    assert_eq!(
        km.action_in(on(Screen::Fleet), &ch('o')),
        Some(Action::Sort)
    );
    for s in [
        Screen::Overview,
        Screen::Tools,
        Screen::Logs,
        Screen::Silences,
    ] {
        assert_eq!(km.action_in(on(s), &ch('o')), None, "{s:?}");
    }
    assert_eq!(km.action_in(Mode::Drilled, &ch('o')), None);
    // The help closes, quits, and nothing else.
    assert_eq!(km.action_in(Mode::Help, &ch('?')), Some(Action::ToggleHelp));
    assert_eq!(km.action_in(Mode::Help, &ch('q')), Some(Action::Quit));
    assert_eq!(km.action_in(Mode::Help, &ch('2')), None);
    // An alert's detail silences and scrolls; a call's result only scrolls.
    let detail = Mode::Overlay(OverlayKind::AlertDetail);
    assert_eq!(km.action_in(detail, &ch('s')), Some(Action::Silence));
    assert_eq!(km.action_in(detail, &ch('j')), Some(Action::Down));
    let call = Mode::Overlay(OverlayKind::Call);
    assert_eq!(km.action_in(call, &ch('s')), None);
    assert_eq!(km.action_in(call, &ch('k')), Some(Action::Up));
}

#[test]
fn typing_modes_have_no_actions() {
    let km = Keymap::default();
    let typing = [
        Mode::Filter(FilterTarget::Tools),
        Mode::Filter(FilterTarget::Logs),
        Mode::Filter(FilterTarget::Fleet),
        Mode::Overlay(OverlayKind::Form),
        Mode::Overlay(OverlayKind::RawJson),
        Mode::Overlay(OverlayKind::Confirm),
        Mode::Overlay(OverlayKind::FetchForm),
        Mode::Overlay(OverlayKind::SilenceForm),
        Mode::Overlay(OverlayKind::SilenceConfirm),
        Mode::Overlay(OverlayKind::LogQuery),
        Mode::Overlay(OverlayKind::Command),
        Mode::Overlay(OverlayKind::Elicit),
        Mode::Overlay(OverlayKind::Authorize),
    ];
    for m in typing {
        assert!(km.of_mode(m).help_rows().is_empty(), "{m:?}");
        assert_eq!(km.action_in(m, &ch('q')), None, "{m:?}");
    }
}

#[test]
fn help_and_footer_come_from_the_mode() {
    let km = Keymap::default();
    let silences = km.of_mode(Mode::Screen(Screen::Silences)).help_rows();
    assert!(silences.contains(&("x".to_string(), "expire the selected silence")));
    assert!(
        !silences.iter().any(|(_, d)| d.contains("sort")),
        "{silences:?}"
    );
    let overview = km.of_mode(Mode::Screen(Screen::Overview)).help_rows();
    assert_eq!(overview[0], ("?".to_string(), "show/hide this help"));
    assert!(
        !overview.iter().any(|(k, _)| k == "x" || k == "o"),
        "{overview:?}"
    );
    // Every hint of a screen's footer is an action of that screen.
    for m in Mode::ALL {
        if let Hints::Keys(actions) = m.hints() {
            for a in actions {
                assert!(a.in_mode(m) || m == Mode::Help || matches!(m, Mode::Overlay(_)));
            }
        }
    }
    assert!(matches!(
        Mode::Filter(FilterTarget::Tools).hints(),
        Hints::Text(t) if t.contains("Enter keep")
    ));
}

#[test]
fn a_key_may_serve_two_modes_but_not_two_actions_of_one() {
    // Sort (fleet) and expire (silences) never share a mode: `x` can be both.
    let map = Keymap::with(&[(Action::Sort, vec![ch('x')])]).expect("keymap");
    assert_eq!(
        map.action_in(Mode::Screen(Screen::Fleet), &ch('x')),
        Some(Action::Sort)
    );
    assert_eq!(
        map.action_in(Mode::Screen(Screen::Silences), &ch('x')),
        Some(Action::Expire)
    );
    // Filter and sort are both the fleet's.
    let e = Keymap::with(&[(Action::Sort, vec![ch('/')])]).unwrap_err();
    assert_eq!(
        e,
        "`/` is bound to both filter and sort: give one of them another key"
    );
}

#[test]
fn the_mode_follows_help_overlays_and_filters() {
    let mut nav = crate::screen::nav::Nav {
        screen: Screen::Tools,
        ..Default::default()
    };
    assert_eq!(mode(false, &nav, None), Mode::Screen(Screen::Tools));
    nav.filtering = true;
    assert_eq!(mode(false, &nav, None), Mode::Filter(FilterTarget::Tools));
    nav.overlay = Some(crate::screen::nav::Overlay::Command(Default::default()));
    assert_eq!(mode(false, &nav, None), Mode::Overlay(OverlayKind::Command));
    // The footer keeps the mode beneath the overlay; the help is over everything.
    assert_eq!(screen_mode(&nav, None), Mode::Filter(FilterTarget::Tools));
    assert_eq!(mode(true, &nav, None), Mode::Help);
}

#[test]
fn the_forms_name_every_key() {
    let Hints::Labels(form) = Mode::Overlay(OverlayKind::Form).hints() else {
        panic!("the form lists its keys");
    };
    let keys: Vec<&str> = form.iter().map(|(k, _)| *k).collect();
    for k in ["Tab/↓", "Enter", "Space", "←/→", "Ctrl-S", "Ctrl-R", "Esc"] {
        assert!(keys.contains(&k), "{k}");
    }
    let Hints::Labels(raw) = Mode::Overlay(OverlayKind::RawJson).hints() else {
        panic!("the raw editor lists its keys");
    };
    assert!(raw.contains(&("Enter", "new line")), "{raw:?}");
}
