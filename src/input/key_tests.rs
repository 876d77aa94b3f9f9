use super::*;
use crate::action::{Action, Keymap, testing};
use crossterm::event::{KeyEventState, KeyModifiers};

fn ev(code: TermCode, mods: TermMods) -> KeyEvent {
    KeyEvent::new(code, mods)
}

#[test]
fn keys_map_to_actions() {
    let km = Keymap::default();
    let action = |e: KeyEvent| km.action(&from_event(&e));
    assert_eq!(
        action(ev(TermCode::Char('q'), TermMods::NONE)),
        Some(Action::Quit)
    );
    assert_eq!(
        action(ev(TermCode::Char('c'), TermMods::CONTROL)),
        Some(Action::Quit)
    );
    assert_eq!(action(ev(TermCode::Char('c'), TermMods::NONE)), None);
    assert_eq!(
        action(ev(TermCode::Char('?'), TermMods::SHIFT)),
        Some(Action::ToggleHelp),
        "? arrives as Shift+/ on some terminals"
    );
}

#[test]
fn shift_is_dropped_from_characters_and_backtab_only() {
    assert_eq!(
        from_event(&ev(TermCode::Char('G'), TermMods::SHIFT)),
        Key::plain(KeyCode::Char('G'))
    );
    assert_eq!(
        from_event(&ev(TermCode::BackTab, TermMods::SHIFT)),
        Key::plain(KeyCode::BackTab)
    );
    assert_eq!(
        from_event(&ev(
            TermCode::Char('r'),
            TermMods::CONTROL | TermMods::SHIFT
        )),
        Key::ctrl('r')
    );
    let shift_up = from_event(&ev(TermCode::Up, TermMods::SHIFT));
    assert_ne!(shift_up, Key::plain(KeyCode::Up));
    assert_eq!(shift_up.modifiers, Mods::SHIFT);
    assert_ne!(
        from_event(&ev(TermCode::Char('x'), TermMods::ALT)),
        Key::plain(KeyCode::Char('x')),
        "Alt-x is not x"
    );
    assert_ne!(
        from_event(&ev(TermCode::Char('q'), TermMods::SUPER)),
        Key::plain(KeyCode::Char('q'))
    );
}

#[test]
fn every_modifier_and_code_is_carried_over() {
    let all = TermMods::SHIFT
        | TermMods::CONTROL
        | TermMods::ALT
        | TermMods::SUPER
        | TermMods::HYPER
        | TermMods::META;
    let key = from_event(&ev(TermCode::F(5), all));
    assert_eq!(key.code, KeyCode::F(5));
    for m in [
        Mods::SHIFT,
        Mods::CONTROL,
        Mods::ALT,
        Mods::SUPER,
        Mods::HYPER,
        Mods::META,
    ] {
        assert!(key.modifiers.contains(m), "{m:?}");
    }
    assert_eq!(
        from_event(&ev(TermCode::CapsLock, TermMods::NONE)).code,
        KeyCode::Other
    );
    assert_eq!(
        from_event(&ev(TermCode::Null, TermMods::NONE)).code,
        KeyCode::Other
    );
    assert_eq!(
        from_event(&ev(TermCode::PageDown, TermMods::NONE)),
        Key::parse("PageDown").expect("key")
    );
}

#[test]
fn releases_are_no_press_and_state_does_not_matter() {
    let mut release = ev(TermCode::Char('x'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert_eq!(press(&release), None);
    assert_eq!(edit(&release), None);
    let mut caps = ev(TermCode::Char('a'), KeyModifiers::NONE);
    caps.state = KeyEventState::CAPS_LOCK;
    assert_eq!(
        press(&caps),
        Some(KeyPress {
            key: Key::plain(KeyCode::Char('a')),
            edit: Some(InputRequest::InsertChar('a')),
        })
    );
}

/// The model's unit tests make presses without a terminal (`action::testing`); they must
/// carry the edit tui-input reads in the same key.
#[test]
fn the_model_tests_presses_edit_as_tui_input_reads_the_key() {
    let mut events = vec![];
    for code in [
        TermCode::Backspace,
        TermCode::Delete,
        TermCode::Left,
        TermCode::Right,
        TermCode::Home,
        TermCode::End,
        TermCode::Tab,
        TermCode::Enter,
        TermCode::Esc,
        TermCode::Up,
        TermCode::F(5),
    ] {
        for mods in [
            TermMods::NONE,
            TermMods::CONTROL,
            TermMods::ALT,
            TermMods::META,
        ] {
            events.push(ev(code, mods));
        }
    }
    for c in "abdefhkuwyzrs ?Ä".chars() {
        for mods in [
            TermMods::NONE,
            TermMods::CONTROL,
            TermMods::META,
            TermMods::ALT,
            TermMods::CONTROL | TermMods::ALT,
        ] {
            events.push(ev(TermCode::Char(c), mods));
        }
    }
    for e in events {
        assert_eq!(
            testing::press(from_event(&e)),
            press(&e).expect("a press"),
            "{e:?}"
        );
    }
}
