//! The one declaration of every action: its config name (`[keys]`), help text, footer
//! word, default keys (in help order) and the modes it exists in. [`Action`], its names,
//! [`Action::description`], [`Action::short`], [`Action::in_mode`], the default keymap
//! (and so config validation, help and footer hints) are all generated from it. Adding an
//! action is one entry here plus the arm of the app that performs it.

use super::mode::{Mode, OverlayKind as O};
use super::{Key, KeyCode, Screen};

/// A plain character key.
const fn ch(c: char) -> Key {
    Key::plain(KeyCode::Char(c))
}

/// A plain key.
const fn k(code: KeyCode) -> Key {
    Key::plain(code)
}

/// The screens with a list or a pane to move in (all but the overview), as a pattern.
macro_rules! moving {
    () => {
        Screen::ToolStats
            | Screen::Tools
            | Screen::Calls
            | Screen::Logs
            | Screen::Alerts
            | Screen::Silences
            | Screen::Fleet
    };
}

/// The overlays that show something to scroll through, as a pattern.
macro_rules! viewers {
    () => {
        O::Call | O::Fetch | O::AlertDetail | O::LogDetail
    };
}

macro_rules! actions {
    ($(
        $(#[$doc:meta])*
        $variant:ident {
            name: $name:literal,
            help: $help:literal,
            short: $short:literal,
            keys: [$($key:expr),* $(,)?],
            modes: $modes:pat,
        }
    )*) => {
        /// Something the operator asks for.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($(#[$doc])* $variant,)*
        }

        impl Action {
            /// Every action with its name in `[keys]` of the config, in help order.
            pub const NAMED: &'static [(&'static str, Action)] = &[$(($name, Action::$variant),)*];

            /// This action's name in `[keys]`.
            pub fn name(self) -> &'static str {
                match self { $(Action::$variant => $name,)* }
            }

            /// What the action does, as the help shows it (short: help flows into two
            /// columns).
            pub fn description(self) -> &'static str {
                match self { $(Action::$variant => $help,)* }
            }

            /// A one-word name for footer hints.
            pub fn short(self) -> &'static str {
                match self { $(Action::$variant => $short,)* }
            }

            /// Whether the action exists in `mode`: a key of an action that does not is
            /// not the action's there (it does nothing, or is text in a typing mode).
            pub fn in_mode(self, mode: Mode) -> bool {
                match self { $(Action::$variant => matches!(mode, $modes),)* }
            }
        }

        /// The default bindings, in help order.
        pub(super) fn default_bindings() -> Vec<(Key, Action)> {
            vec![$($(($key, Action::$variant),)*)*]
        }
    };
}

actions! {
    ToggleHelp {
        name: "help", help: "show/hide this help", short: "help", keys: [ch('?')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView | Mode::Help,
    }
    /// Close the topmost overlay, clear a filter, or cancel the call in view.
    Back {
        name: "back", help: "back; cancel a call", short: "back", keys: [k(KeyCode::Esc)],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView | Mode::Help
            | Mode::Overlay(O::AlertDetail),
    }
    Quit {
        name: "quit", help: "quit", short: "quit", keys: [ch('q'), Key::ctrl('c')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView | Mode::Help
            | Mode::Overlay(viewers!()),
    }
    ShowOverview {
        name: "overview", help: "overview", short: "Overview", keys: [ch('1')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    ShowToolStats {
        name: "tool_stats", help: "tools by their numbers", short: "By tool", keys: [ch('7')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    ShowTools {
        name: "tools", help: "MCP servers and tools", short: "Tools", keys: [ch('2')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    ShowCalls {
        name: "calls", help: "history of tools/call", short: "Calls", keys: [ch('3')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    ShowLogs {
        name: "logs", help: "logs (Loki or MCP servers)", short: "Logs", keys: [ch('4')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    ShowAlerts {
        name: "alerts", help: "alerts by priority", short: "Alerts", keys: [ch('5')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    ShowSilences {
        name: "silences", help: "Alertmanager silences", short: "Silences", keys: [ch('6')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    ShowFleet {
        name: "fleet", help: "fleet: every target", short: "Fleet", keys: [ch('0')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    NextScreen {
        name: "next_screen", help: "next screen", short: "screen", keys: [k(KeyCode::Tab)],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    PrevScreen {
        name: "prev_screen", help: "previous screen", short: "screen",
        keys: [k(KeyCode::BackTab)],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    Up {
        name: "up", help: "up", short: "move", keys: [k(KeyCode::Up), ch('k')],
        modes: Mode::Screen(moving!()) | Mode::Overlay(viewers!()),
    }
    Down {
        name: "down", help: "down", short: "move", keys: [k(KeyCode::Down), ch('j')],
        modes: Mode::Screen(moving!()) | Mode::Overlay(viewers!()),
    }
    PageUp {
        name: "page_up", help: "page up", short: "page", keys: [k(KeyCode::PageUp)],
        modes: Mode::Screen(moving!()) | Mode::Overlay(viewers!()),
    }
    PageDown {
        name: "page_down", help: "page down", short: "page", keys: [k(KeyCode::PageDown)],
        modes: Mode::Screen(moving!()) | Mode::Overlay(viewers!()),
    }
    Top {
        name: "top", help: "first row", short: "ends", keys: [k(KeyCode::Home), ch('g')],
        modes: Mode::Screen(moving!()) | Mode::Overlay(O::AlertDetail),
    }
    Bottom {
        name: "bottom", help: "last row; follow logs", short: "ends",
        keys: [k(KeyCode::End), ch('G')],
        modes: Mode::Screen(moving!()),
    }
    NextServer {
        name: "next_server", help: "next server / log source", short: "server", keys: [ch(']')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    PrevServer {
        name: "prev_server", help: "prev server / log source", short: "server", keys: [ch('[')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    /// Start typing a filter for the list in view.
    Filter {
        name: "filter", help: "filter (logs: ~ for regex)", short: "filter", keys: [ch('/')],
        modes: Mode::Screen(Screen::ToolStats | Screen::Tools | Screen::Logs | Screen::Fleet),
    }
    /// Open the selected item: a tool's call form, a call's result; in a tool's view, the
    /// tool's call form.
    Open {
        name: "open", help: "open the selected item", short: "open", keys: [k(KeyCode::Enter)],
        modes: Mode::Screen(
            Screen::ToolStats
                | Screen::Tools
                | Screen::Calls
                | Screen::Logs
                | Screen::Alerts
                | Screen::Fleet
        ) | Mode::ToolView,
    }
    /// List the selected server's tools again (tools/list).
    Refresh {
        name: "refresh", help: "tools/list again", short: "refresh", keys: [ch('r')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    /// Drop the selected server's connection and connect again now.
    Reconnect {
        name: "reconnect", help: "reconnect the server", short: "reconnect", keys: [ch('R')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    /// Silence the selected alert (or, on the silences screen, write a new silence).
    Silence {
        name: "silence", help: "silence the selected alert", short: "silence", keys: [ch('s')],
        modes: Mode::Screen(Screen::Alerts | Screen::Silences) | Mode::Overlay(O::AlertDetail),
    }
    /// Expire the selected silence.
    Expire {
        name: "expire", help: "expire the selected silence", short: "expire", keys: [ch('x')],
        modes: Mode::Screen(Screen::Silences),
    }
    /// Pause the log pane (lines keep arriving, unseen) or resume.
    Pause {
        name: "pause", help: "pause/resume the logs", short: "pause", keys: [ch(' ')],
        modes: Mode::Screen(Screen::Logs),
    }
    /// Wrap long log lines or cut them.
    Wrap {
        name: "wrap", help: "wrap long log lines", short: "wrap", keys: [ch('w')],
        modes: Mode::Screen(Screen::Logs),
    }
    /// Edit the LogQL query of the Loki source.
    EditQuery {
        name: "edit_query", help: "edit the LogQL query", short: "query", keys: [ch('e')],
        modes: Mode::Screen(Screen::Logs),
    }
    /// Open the `:` command line (`:env NAME`, `:fleet`, ...).
    Command {
        name: "command", help: "command (:env NAME, :fleet)", short: "command", keys: [ch(':')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    /// Fleet and tools by their numbers: sort by the next column.
    Sort {
        name: "sort", help: "sort by the next column", short: "sort", keys: [ch('o')],
        modes: Mode::Screen(Screen::Fleet | Screen::ToolStats),
    }
    /// Fleet and tools by their numbers: reverse the order.
    SortReverse {
        name: "sort_reverse", help: "reverse the order", short: "sort", keys: [ch('O')],
        modes: Mode::Screen(Screen::Fleet | Screen::ToolStats),
    }
    /// Tools by their numbers: fold the selected module's tools into its row, or unfold
    /// them.
    Collapse {
        name: "collapse", help: "fold/unfold a module", short: "fold", keys: [ch(' ')],
        modes: Mode::Screen(Screen::ToolStats),
    }

    /// Write an incident report draft (Markdown and JSON) of what is on screen.
    Snapshot {
        name: "snapshot", help: "incident report draft", short: "snapshot", keys: [ch('I')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    /// Mark a deploy now: a line on the timeline, the tiles' values before it beside the
    /// current ones; again to clear it.
    MarkDeploy {
        name: "mark_deploy", help: "mark a deploy, or clear it", short: "deploy", keys: [ch('D')],
        modes: Mode::Screen(_) | Mode::Drilled | Mode::ToolView,
    }
    /// Move the time cursor one step back along the timeline (held: the step grows).
    CursorBack {
        name: "cursor_back", help: "time cursor: back", short: "time",
        keys: [k(KeyCode::Left)],
        modes: Mode::Screen(Screen::Overview | Screen::ToolStats) | Mode::Drilled | Mode::ToolView,
    }
    /// Move the time cursor one step forward (it stops at the newest data).
    CursorForward {
        name: "cursor_forward", help: "time cursor: forward", short: "time",
        keys: [k(KeyCode::Right)],
        modes: Mode::Screen(Screen::Overview | Screen::ToolStats) | Mode::Drilled | Mode::ToolView,
    }
    /// Move the time cursor to the oldest instant with a whole window of data.
    CursorOldest {
        name: "cursor_oldest", help: "time cursor: oldest", short: "time",
        keys: [k(KeyCode::Home)],
        modes: Mode::Screen(Screen::Overview) | Mode::Drilled | Mode::ToolView,
    }
    /// Back to live numbers (Esc too).
    CursorLive {
        name: "cursor_live", help: "time cursor: live", short: "live", keys: [k(KeyCode::End)],
        modes: Mode::Screen(Screen::Overview) | Mode::Drilled | Mode::ToolView,
    }
    /// Move the time cursor to the previous alert transition or deploy mark.
    CursorPrevMark {
        name: "cursor_prev_mark", help: "cursor: prev alert/deploy",
        short: "mark", keys: [ch('{')],
        modes: Mode::Screen(Screen::Overview | Screen::ToolStats) | Mode::Drilled | Mode::ToolView,
    }
    /// Move the time cursor to the next alert transition or deploy mark.
    CursorNextMark {
        name: "cursor_next_mark", help: "cursor: next alert/deploy", short: "mark",
        keys: [ch('}')],
        modes: Mode::Screen(Screen::Overview | Screen::ToolStats) | Mode::Drilled | Mode::ToolView,
    }
    /// Tools screen: show the next list of the server (tools, resources, prompts).
    NextList {
        name: "next_list", help: "tools / resources / prompts", short: "list", keys: [ch('v')],
        modes: Mode::Screen(Screen::Tools),
    }
    /// Tools screen: ask the selected server for the next log level (`logging/setLevel`:
    /// debug, info, warning, error, round).
    LogLevel {
        name: "log_level", help: "server log level (setLevel)", short: "log level",
        keys: [ch('L')],
        modes: Mode::Screen(Screen::Tools),
    }
    /// `mcptop replay`: pause the replay, or resume it.
    ReplayPause {
        name: "replay_pause", help: "replay: pause / resume", short: "pause", keys: [ch(' ')],
        modes: Mode::Screen(Screen::Overview | Screen::Fleet | Screen::Alerts) | Mode::Drilled,
    }
    /// `mcptop replay`: the next speed (1x, 10x, 60x).
    ReplayFaster {
        name: "replay_faster", help: "replay: faster (1x 10x 60x)", short: "faster",
        keys: [ch('>')],
        modes: Mode::Screen(Screen::Overview | Screen::Fleet | Screen::Alerts) | Mode::Drilled,
    }
    /// `mcptop replay`: the previous speed.
    ReplaySlower {
        name: "replay_slower", help: "replay: slower", short: "slower", keys: [ch('<')],
        modes: Mode::Screen(Screen::Overview | Screen::Fleet | Screen::Alerts) | Mode::Drilled,
    }
}

impl Action {
    /// The action that shows `screen`.
    pub fn show(screen: Screen) -> Action {
        match screen {
            Screen::Overview => Action::ShowOverview,
            Screen::ToolStats => Action::ShowToolStats,
            Screen::Tools => Action::ShowTools,
            Screen::Calls => Action::ShowCalls,
            Screen::Logs => Action::ShowLogs,
            Screen::Alerts => Action::ShowAlerts,
            Screen::Silences => Action::ShowSilences,
            Screen::Fleet => Action::ShowFleet,
        }
    }

    /// The screen this action shows, if it is one of the screen keys.
    pub fn shows(self) -> Option<Screen> {
        Screen::all(true)
            .iter()
            .copied()
            .find(|s| Action::show(*s) == self)
    }

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
}
