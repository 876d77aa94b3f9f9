//! Actions and the keymap that binds keys to them. The help overlay is generated from the
//! same keymap, so it cannot drift from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something the operator asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    /// Close the topmost overlay.
    Back,
}

impl Action {
    /// What the action does, as the help shows it.
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ToggleHelp => "show or hide this help",
            Action::Back => "close the overlay",
        }
    }
}

/// A key with modifiers, as written in help (`q`, `?`, `Esc`, `Ctrl-C`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            modifiers: KeyModifiers::NONE,
        }
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::CONTROL,
        }
    }

    /// Whether a key event is this key. Shift is ignored for characters (`?` arrives as
    /// Shift+/ on some terminals).
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let mods = if matches!(ev.code, KeyCode::Char(_)) {
            ev.modifiers - KeyModifiers::SHIFT
        } else {
            ev.modifiers
        };
        ev.code == self.code && mods == self.modifiers
    }

    /// `Ctrl-C`, `Esc`, `q`, `F5`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{}", base.to_uppercase())
        } else {
            base
        }
    }
}

/// Key bindings, in the order help lists them.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap {
            bindings: vec![
                (Key::plain(KeyCode::Char('?')), Action::ToggleHelp),
                (Key::plain(KeyCode::Esc), Action::Back),
                (Key::plain(KeyCode::Char('q')), Action::Quit),
                (Key::ctrl('c'), Action::Quit),
            ],
        }
    }
}

impl Keymap {
    /// The action bound to a key event, if any.
    pub fn action(&self, ev: &KeyEvent) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(k, _)| k.matches(ev))
            .map(|(_, a)| *a)
    }

    /// Help rows: the keys of each action joined with `/`, and its description, in
    /// binding order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        let mut rows: Vec<(Action, Vec<String>)> = Vec::new();
        for (key, action) in &self.bindings {
            match rows.iter_mut().find(|(a, _)| a == action) {
                Some((_, keys)) => keys.push(key.label()),
                None => rows.push((*action, vec![key.label()])),
            }
        }
        rows.into_iter()
            .map(|(a, keys)| (keys.join("/"), a.description()))
            .collect()
    }

    /// The first key bound to `action`, for footer hints.
    pub fn key_for(&self, action: Action) -> Option<Key> {
        self.bindings
            .iter()
            .find(|(_, a)| *a == action)
            .map(|(k, _)| *k)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions() {
        let km = Keymap::default();
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        let cc = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::NONE);
        let help = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(km.action(&q), Some(Action::Quit));
        assert_eq!(km.action(&cc), Some(Action::Quit));
        assert_eq!(km.action(&c), None);
        assert_eq!(km.action(&help), Some(Action::ToggleHelp));
    }

    #[test]
    fn help_rows_group_keys_per_action() {
        let rows = Keymap::default().help_rows();
        assert!(rows.contains(&("q/Ctrl-C".to_string(), "quit")));
        assert_eq!(rows[0].0, "?");
    }
}
