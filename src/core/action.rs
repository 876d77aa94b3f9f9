//! Actions and the keymap that binds keys to them. The help overlay is generated from the
//! same keymap, so it cannot drift from what the keys do.

mod key;

#[cfg(any(test, feature = "testing"))]
pub use key::testing;
pub use key::{Key, KeyCode, KeyPress, Mods};

/// What the fleet key says when there is no fleet.
/// Short, so that the footer's counters beside it stay whole on an 80-column terminal.
pub const FLEET_NEEDS: &str = "no fleet: add --target twice, [[targets]] or --prometheus";

/// A screen of the dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Screen {
    /// Tiles, timeline and tool calls by module.
    #[default]
    Overview,
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
    const TABS: [Screen; 7] = [
        Screen::Fleet,
        Screen::Overview,
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

/// Something the operator asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    /// Close the topmost overlay, clear a filter, or cancel the call in view.
    Back,
    Show(Screen),
    NextScreen,
    PrevScreen,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextServer,
    PrevServer,
    /// Start typing a filter for the list in view.
    Filter,
    /// Open the selected item: a tool's call form, a call's result.
    Open,
    /// List the selected server's tools again (tools/list).
    Refresh,
    /// Drop the selected server's connection and connect again now.
    Reconnect,
    /// Silence the selected alert (or, on the silences screen, write a new silence).
    Silence,
    /// Expire the selected silence.
    Expire,
    /// Pause the log pane (lines keep arriving, unseen) or resume.
    Pause,
    /// Wrap long log lines or cut them.
    Wrap,
    /// Edit the LogQL query of the Loki source.
    EditQuery,
    /// Open the `:` command line (`:env NAME`, `:fleet`, ...).
    Command,
    /// Fleet: sort by the next column.
    Sort,
    /// Fleet: reverse the order.
    SortReverse,
    /// Write an incident report draft (Markdown and JSON) of what is on screen.
    Snapshot,
    /// Mark a deploy now: a line on the timeline, the tiles' values before it beside the
    /// current ones; again to clear it.
    MarkDeploy,
    /// Tools screen: show the next list of the server (tools, resources, prompts).
    NextList,
    /// Tools screen: ask the selected server for the next log level (`logging/setLevel`:
    /// debug, info, warning, error, round).
    LogLevel,
}

impl Action {
    /// What the action does, as the help shows it (short: help flows into two columns).
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ToggleHelp => "show/hide this help",
            Action::Back => "back; cancel a call",
            Action::Show(Screen::Overview) => "overview",
            Action::Show(Screen::Tools) => "MCP servers and tools",
            Action::Show(Screen::Calls) => "history of tools/call",
            Action::Show(Screen::Logs) => "logs (Loki or MCP servers)",
            Action::Show(Screen::Alerts) => "alerts by priority",
            Action::Show(Screen::Silences) => "Alertmanager silences",
            Action::Show(Screen::Fleet) => "fleet: every target",
            Action::NextScreen => "next screen",
            Action::PrevScreen => "previous screen",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "first row",
            Action::Bottom => "last row; follow logs",
            Action::NextServer => "next server / log source",
            Action::PrevServer => "prev server / log source",
            Action::Filter => "filter (logs: ~ for regex)",
            Action::Open => "open the selected item",
            Action::Refresh => "tools/list again",
            Action::Reconnect => "reconnect the server",
            Action::Silence => "silence the selected alert",
            Action::Expire => "expire the selected silence",
            Action::Pause => "pause/resume the logs",
            Action::Wrap => "wrap long log lines",
            Action::EditQuery => "edit the LogQL query",
            Action::Command => "command (:env NAME, :fleet)",
            Action::Sort => "fleet: sort by next column",
            Action::SortReverse => "fleet: reverse the order",
            Action::Snapshot => "incident report draft",
            Action::MarkDeploy => "mark a deploy, or clear it",
            Action::NextList => "tools / resources / prompts",
            Action::LogLevel => "server log level (setLevel)",
        }
    }

    /// A one-word name for footer hints.
    pub fn short(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::ToggleHelp => "help",
            Action::Back => "back",
            Action::Show(s) => s.title(),
            Action::NextScreen | Action::PrevScreen => "screen",
            Action::Up | Action::Down => "move",
            Action::PageUp | Action::PageDown => "page",
            Action::Top | Action::Bottom => "ends",
            Action::NextServer | Action::PrevServer => "server",
            Action::Filter => "filter",
            Action::Open => "open",
            Action::Refresh => "refresh",
            Action::Reconnect => "reconnect",
            Action::Silence => "silence",
            Action::Expire => "expire",
            Action::Pause => "pause",
            Action::Wrap => "wrap",
            Action::EditQuery => "query",
            Action::Command => "command",
            Action::Sort | Action::SortReverse => "sort",
            Action::Snapshot => "snapshot",
            Action::MarkDeploy => "deploy",
            Action::NextList => "list",
            Action::LogLevel => "log level",
        }
    }
}

impl Action {
    /// Every action with its name in `[keys]` of the config.
    pub const NAMED: [(&'static str, Action); 36] = [
        ("help", Action::ToggleHelp),
        ("back", Action::Back),
        ("quit", Action::Quit),
        ("overview", Action::Show(Screen::Overview)),
        ("tools", Action::Show(Screen::Tools)),
        ("calls", Action::Show(Screen::Calls)),
        ("logs", Action::Show(Screen::Logs)),
        ("alerts", Action::Show(Screen::Alerts)),
        ("silences", Action::Show(Screen::Silences)),
        ("fleet", Action::Show(Screen::Fleet)),
        ("next_screen", Action::NextScreen),
        ("prev_screen", Action::PrevScreen),
        ("up", Action::Up),
        ("down", Action::Down),
        ("page_up", Action::PageUp),
        ("page_down", Action::PageDown),
        ("top", Action::Top),
        ("bottom", Action::Bottom),
        ("next_server", Action::NextServer),
        ("prev_server", Action::PrevServer),
        ("filter", Action::Filter),
        ("open", Action::Open),
        ("refresh", Action::Refresh),
        ("reconnect", Action::Reconnect),
        ("silence", Action::Silence),
        ("expire", Action::Expire),
        ("pause", Action::Pause),
        ("wrap", Action::Wrap),
        ("edit_query", Action::EditQuery),
        ("command", Action::Command),
        ("sort", Action::Sort),
        ("sort_reverse", Action::SortReverse),
        ("snapshot", Action::Snapshot),
        ("mark_deploy", Action::MarkDeploy),
        ("next_list", Action::NextList),
        ("log_level", Action::LogLevel),
    ];

    /// The action named `name` in `[keys]`.
    ///
    /// Errors: an unknown name, with the known ones.
    pub fn from_name(name: &str) -> Result<Action, String> {
        Action::NAMED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
            .ok_or_else(|| {
                let names: Vec<&str> = Action::NAMED.iter().map(|(n, _)| *n).collect();
                format!("`{name}` is not an action (known: {})", names.join(", "))
            })
    }

    /// This action's name in `[keys]`.
    pub fn name(self) -> &'static str {
        Action::NAMED
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("?", |(n, _)| *n)
    }
}

/// Key bindings, in the order help lists them.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<(Key, Action)>,
}

impl Default for Keymap {
    fn default() -> Self {
        use KeyCode::*;
        let c = |ch| Key::plain(Char(ch));
        Keymap {
            bindings: vec![
                (c('?'), Action::ToggleHelp),
                (Key::plain(Esc), Action::Back),
                (c('q'), Action::Quit),
                (Key::ctrl('c'), Action::Quit),
                (c('1'), Action::Show(Screen::Overview)),
                (c('2'), Action::Show(Screen::Tools)),
                (c('3'), Action::Show(Screen::Calls)),
                (c('4'), Action::Show(Screen::Logs)),
                (c('5'), Action::Show(Screen::Alerts)),
                (c('6'), Action::Show(Screen::Silences)),
                (c('0'), Action::Show(Screen::Fleet)),
                (Key::plain(Tab), Action::NextScreen),
                (Key::plain(BackTab), Action::PrevScreen),
                (Key::plain(KeyCode::Up), Action::Up),
                (c('k'), Action::Up),
                (Key::plain(KeyCode::Down), Action::Down),
                (c('j'), Action::Down),
                (Key::plain(KeyCode::PageUp), Action::PageUp),
                (Key::plain(KeyCode::PageDown), Action::PageDown),
                (Key::plain(Home), Action::Top),
                (c('g'), Action::Top),
                (Key::plain(End), Action::Bottom),
                (c('G'), Action::Bottom),
                (c(']'), Action::NextServer),
                (c('['), Action::PrevServer),
                (c('/'), Action::Filter),
                (Key::plain(Enter), Action::Open),
                (c('r'), Action::Refresh),
                (c('R'), Action::Reconnect),
                (c('s'), Action::Silence),
                (c('x'), Action::Expire),
                (c(' '), Action::Pause),
                (c('w'), Action::Wrap),
                (c('e'), Action::EditQuery),
                (c(':'), Action::Command),
                (c('o'), Action::Sort),
                (c('O'), Action::SortReverse),
                (c('I'), Action::Snapshot),
                (c('D'), Action::MarkDeploy),
                (c('v'), Action::NextList),
                (c('L'), Action::LogLevel),
            ],
        }
    }
}

impl Keymap {
    /// The default keymap with `[keys]` applied: each listed action gets exactly the keys
    /// given (an empty list unbinds it), in place of its defaults.
    ///
    /// Errors: a key left bound to two actions, naming both. `Ctrl-C` always quits and
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
            if let Some((_, b)) = map.bindings[..i].iter().find(|(k2, b)| k2 == k && b != a) {
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

    /// The action bound to a key, if any.
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

    /// Whether `key` is bound to any action (tool bindings must not shadow one).
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
