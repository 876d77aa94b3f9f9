//! `[keys]`: rebinding actions, and errors that name the file, line and key.

use super::mcp_tests::{error_at, parse};
use crate::action::{Action, Key, KeyCode, Keymap};

fn press(map: &Keymap, c: char) -> Option<Action> {
    map.action(&Key::plain(KeyCode::Char(c)))
}

#[test]
fn listed_actions_get_exactly_their_keys() {
    let cfg = parse("[keys]\nsilence = \"S\"\nquit = [\"q\", \"F10\"]\nfleet = []\n");
    let map = Keymap::with(&cfg.keys).expect("keymap");
    assert_eq!(press(&map, 'S'), Some(Action::Silence));
    assert_eq!(press(&map, 's'), None, "the default key is gone");
    assert_eq!(press(&map, 'q'), Some(Action::Quit));
    assert_eq!(map.action(&Key::plain(KeyCode::F(10))), Some(Action::Quit));
    assert_eq!(press(&map, '0'), None, "unbound with []");
    assert!(map.key_for(Action::ShowFleet).is_none());
    // Help lists what is bound now.
    let rows = map.help_rows();
    assert!(
        rows.contains(&("S".to_string(), "silence the selected alert")),
        "{rows:?}"
    );
    assert!(rows.contains(&("q/F10".to_string(), "quit")), "{rows:?}");
}

#[test]
fn every_action_has_a_name_that_reads_back() {
    for &(name, action) in Action::NAMED {
        assert_eq!(Action::from_name(name), Ok(action));
        assert_eq!(action.name(), name);
    }
    // Every action of the default keymap has a name, so every one can be rebound.
    let names: Vec<&str> = Keymap::default()
        .help_rows()
        .iter()
        .map(|(_, what)| *what)
        .collect();
    assert_eq!(names.len(), Action::NAMED.len(), "{names:?}");
}

#[test]
fn bad_bindings_name_the_line_and_key() {
    let e = error_at("[keys]\nsilense = \"S\"\n", 2, "keys.silense");
    assert!(
        e.contains("is not an action") && e.contains("silence"),
        "{e}"
    );
    let e = error_at("[keys]\nsilence = \"Hyper-S\"\n", 2, "keys.silence");
    assert!(e.contains("is not a key"), "{e}");
    let e = error_at("[keys]\nsilence = \"x\"\n", 2, "keys.silence");
    assert!(
        e.contains("`x` is bound to both") && e.contains("expire"),
        "{e}"
    );
    let e = error_at("[keys]\nwrap = \"Ctrl-c\"\n", 2, "keys.wrap");
    assert!(e.contains("Ctrl-C always quits"), "{e}");
    let e = error_at("[keys]\nwrap = \"Ctrl-z\"\n", 2, "keys.wrap");
    assert!(e.contains("Ctrl-Z always suspends"), "{e}");
    // Moving the other action away first makes it legal.
    let cfg = parse("[keys]\nexpire = \"X\"\nsilence = \"x\"\n");
    let map = Keymap::with(&cfg.keys).expect("keymap");
    assert_eq!(press(&map, 'x'), Some(Action::Silence));
    assert_eq!(press(&map, 'X'), Some(Action::Expire));
}

#[test]
fn the_sample_names_every_action() {
    let sample = include_str!("sample.toml");
    let comment: String = sample
        .lines()
        .filter(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join(" ");
    for &(name, _) in Action::NAMED {
        assert!(
            comment.split([' ', '.']).any(|w| w == name),
            "sample.toml does not list `{name}`"
        );
    }
}
