//! Actions and the keymap that binds keys to them. Every action is declared once, in
//! [`table`]; the keymap of each input [`Mode`] is the part of the keymap whose actions
//! exist in that mode, and the help and the footer are generated from it, so they cannot
//! drift from what the keys do.

mod key;
pub mod mode;
mod table;

#[cfg(any(test, feature = "testing"))]
pub use key::testing;
pub use key::{Key, KeyCode, KeyPress, Mods};
pub use mode::{FilterTarget, Hints, Mode, OverlayKind};
pub use table::Action;

/// What the fleet key says when there is no fleet.
/// Short, so that the footer's counters beside it stay whole on an 80-column terminal.
pub const FLEET_NEEDS: &str = "no fleet: add --target twice, [[targets]] or --prometheus";

/// A screen of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    /// Tiles, timeline and tool calls by module.
    #[default]
    Overview,
    /// Tools by their numbers: a row per tool of the metrics (calls/s, errors, latency),
    /// joined with the MCP client's tool lists; Enter opens one tool's view.
    ToolStats,
    /// MCP servers and their tools.
    Tools,
    /// History of tools/call.
    Calls,
    /// Log lines: Loki's, else the MCP servers' own (stderr and notifications/message).
    Logs,
    /// Alerts of Alertmanager and of mcptop's own rules, by priority.
    Alerts,
    /// Alertmanager's silences.
    Silences,
    /// Query mode: every instance of the selector, sortable; Enter drills into one.
    Fleet,
}

impl Screen {
    /// Every screen in tab order; the fleet shows only when there is one (query mode, or
    /// several scraped targets).
    const TABS: [Screen; 8] = [
        Screen::Fleet,
        Screen::Overview,
        Screen::ToolStats,
        Screen::Tools,
        Screen::Calls,
        Screen::Logs,
        Screen::Alerts,
        Screen::Silences,
    ];

    /// The screens of one target, or of a fleet (`fleet`, with the fleet screen first).
    pub fn all(fleet: bool) -> &'static [Screen] {
        if fleet { &Self::TABS } else { &Self::TABS[1..] }
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Fleet => "Fleet",
            Screen::Overview => "Overview",
            Screen::ToolStats => "By tool",
            Screen::Tools => "Tools",
            Screen::Calls => "Calls",
            Screen::Logs => "Logs",
            Screen::Alerts => "Alerts",
            Screen::Silences => "Silences",
        }
    }

    /// The screen after (`step` = 1) or before (`step` = -1) this one among
    /// [`Screen::all`]`(fleet)`, wrapping.
    pub fn cycle(self, step: isize, fleet: bool) -> Screen {
        let all = Screen::all(fleet);
        let i = all.iter().position(|s| *s == self).unwrap_or(0) as isize;
        let n = all.len() as isize;
        all[((i + step).rem_euclid(n)) as usize]
    }
}

/// Key bindings, in the order help lists them.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    /// The keys of [`table`], in its order.
    fn default() -> Self {
        Keymap {
            bindings: table::default_bindings(),
        }
    }
}

impl Keymap {
    /// The default keymap with `[keys]` applied: each listed action gets exactly the keys
    /// given (an empty list unbinds it), in place of its defaults.
    ///
    /// Errors: a key left bound to two actions that exist in one same mode, naming both (a
    /// key may do one thing on the fleet and another on the silences screen). `Ctrl-C` always quits and
    /// cannot be given to another action; `Ctrl-Z` always suspends and cannot be given to
    /// any.
    pub fn with(overrides: &[(Action, Vec<Key>)]) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (action, keys) in overrides {
            let at = map.bindings.iter().position(|(_, a)| a == action);
            map.bindings.retain(|(_, a)| a != action);
            let at = at.unwrap_or(map.bindings.len()).min(map.bindings.len());
            for (i, k) in keys.iter().enumerate() {
                map.bindings.insert(at + i, (*k, *action));
            }
        }
        for (i, (k, a)) in map.bindings.iter().enumerate() {
            if *k == Key::ctrl('c') && *a != Action::Quit {
                return Err(format!(
                    "Ctrl-C always quits; it cannot be the key of {}",
                    a.name()
                ));
            }
            if *k == Key::ctrl('z') {
                return Err(format!(
                    "Ctrl-Z always suspends (as in every full-screen program; `fg` resumes); \
                     it cannot be the key of {}",
                    a.name()
                ));
            }
            let clash = |(k2, b): &&(Key, Action)| k2 == k && b != a && shares_a_mode(*a, *b);
            if let Some((_, b)) = map.bindings[..i].iter().find(clash) {
                return Err(format!(
                    "`{}` is bound to both {} and {}: give one of them another key",
                    k.label(),
                    b.name(),
                    a.name()
                ));
            }
        }
        Ok(map)
    }

    /// The keymap of `mode`: the bindings of the actions that exist in it, in order.
    pub fn of_mode(&self, mode: Mode) -> Keymap {
        Keymap {
            bindings: self
                .bindings
                .iter()
                .filter(|(_, a)| a.in_mode(mode))
                .copied()
                .collect(),
        }
    }

    /// The action `key` does in `mode`, if any: the key of an action that does not exist
    /// there does nothing.
    pub fn action_in(&self, mode: Mode, key: &Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(k, a)| k == key && a.in_mode(mode))
            .map(|(_, a)| *a)
    }

    /// The action bound to a key in any mode, if any (the first in help order).
    pub fn action(&self, key: &Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(k, _)| k == key)
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

    /// Whether `key` is bound to any action in any mode (tool bindings must not shadow
    /// one).
    pub fn binds(&self, key: &Key) -> bool {
        self.bindings.iter().any(|(k, _)| k == key)
    }

    /// The first key bound to `action`, for footer hints.
    pub fn key_for(&self, action: Action) -> Option<Key> {
        self.bindings
            .iter()
            .find(|(_, a)| *a == action)
            .map(|(k, _)| *k)
    }
}

/// Whether some mode has both actions (then they cannot share a key).
fn shares_a_mode(a: Action, b: Action) -> bool {
    Mode::ALL.iter().any(|m| a.in_mode(*m) && b.in_mode(*m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions() {
        let km = Keymap::default();
        let q = Key::plain(KeyCode::Char('q'));
        let c = Key::plain(KeyCode::Char('c'));
        assert_eq!(km.action(&q), Some(Action::Quit));
        assert_eq!(km.action(&Key::ctrl('c')), Some(Action::Quit));
        assert_eq!(km.action(&c), None);
        assert_eq!(
            km.action(&Key::plain(KeyCode::Char('?'))),
            Some(Action::ToggleHelp)
        );
    }

    #[test]
    fn keys_parse_as_config_writes_them() {
        assert_eq!(Key::parse("F5"), Ok(Key::plain(KeyCode::F(5))));
        assert_eq!(Key::parse("ctrl-r"), Ok(Key::ctrl('r')));
        assert_eq!(Key::parse("Ctrl-R"), Ok(Key::ctrl('r')));
        assert_eq!(Key::parse("x"), Ok(Key::plain(KeyCode::Char('x'))));
        assert_eq!(Key::parse("-"), Ok(Key::plain(KeyCode::Char('-'))));
        assert_eq!(Key::parse("PageDown"), Ok(Key::plain(KeyCode::PageDown)));
        assert_eq!(
            Key::parse("space").map(|k| k.label()),
            Ok("Space".to_string())
        );
        assert_eq!(
            Key::parse("Alt-x").map(|k| k.label()),
            Ok("Alt-x".to_string())
        );
        assert!(Key::parse("F99").is_err());
        assert!(
            Key::parse("hyper")
                .unwrap_err()
                .contains("`hyper` is not a key")
        );
        assert!(Key::parse("").is_err());
    }

    #[test]
    fn help_rows_group_keys_per_action() {
        let rows = Keymap::default().help_rows();
        assert!(rows.contains(&("q/Ctrl-C".to_string(), "quit")));
        assert_eq!(rows[0].0, "?");
    }
}
