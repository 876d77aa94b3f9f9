//! Input modes: what has the keyboard. The mode decides which actions exist (each action
//! of [`super::table`] names the modes it lives in) and what the footer hints. The app
//! derives the mode from its state (`crate::input::mode`); this module is plain data.

use super::{Action, Screen};

/// What has the keyboard, from the top: the help, an overlay, a filter line, else the
/// screen in view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A screen with nothing over it and no filter line typing.
    Screen(Screen),
    /// The overview of one fleet member (Enter on the fleet); `Esc` goes back up.
    Drilled,
    /// One tool's view (Enter on the tools-by-their-numbers table); `Esc` goes back to
    /// the table.
    ToolView,
    /// A filter line takes every key as text; Enter keeps it, Esc clears it.
    Filter(FilterTarget),
    /// The help overlay.
    Help,
    /// An overlay on top of the screen.
    Overlay(OverlayKind),
}

/// The list whose filter line is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterTarget {
    Tools,
    /// The tools-by-their-numbers table.
    ToolStats,
    Logs,
    Fleet,
}

/// The kind of an overlay. The four viewers (a call, a read, an alert, a log line) scroll
/// with the movement actions; the others take keys as text or as their own form keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverlayKind {
    /// A tool's arguments form, field by field.
    Form,
    /// A tool's arguments form as raw JSON (Ctrl-R in the form).
    RawJson,
    /// Asking before a call.
    Confirm,
    /// A call's progress and result.
    Call,
    /// A resource template's or a prompt's form.
    FetchForm,
    /// A `resources/read` or `prompts/get` and what it returned.
    Fetch,
    AlertDetail,
    SilenceForm,
    SilenceConfirm,
    LogDetail,
    /// The LogQL query line.
    LogQuery,
    /// The `:` command line.
    Command,
    /// A server's question (`elicitation/create`).
    Elicit,
    /// The paste line of an OAuth authorization.
    Authorize,
}

/// What the footer shows in a mode: key hints of these actions (those bound in the mode,
/// most important first, as many as fit), a fixed line, or, in a form, whose keys are
/// editing keys and not actions, (key label, what it does) pairs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hints {
    Keys(&'static [Action]),
    Text(&'static str),
    Labels(&'static [(&'static str, &'static str)]),
}

/// The keys of a tool's form, field by field ([`OverlayKind::Form`]).
///
/// Tab/↓ and S-Tab/↑ move between fields and the `[ Call ]` row; Enter moves to the next
/// field and calls on `[ Call ]`; Space flips a boolean (Delete unsets an optional one) or
/// steps an enum; ←/→ step an enum (in a text field they move the cursor); Ctrl-S calls
/// from anywhere; Ctrl-R switches between the fields and raw JSON; Esc cancels. Text
/// fields take tui-input's editing keys (Backspace, Ctrl-W, Ctrl-U, Home/End, …).
const FORM_KEYS: &[(&str, &str)] = &[
    ("Tab/↓", "next"),
    ("S-Tab/↑", "previous"),
    ("Enter", "next / call"),
    ("Space", "toggle"),
    ("←/→", "choose"),
    ("Ctrl-S", "call"),
    ("Ctrl-R", "raw JSON"),
    ("Esc", "cancel"),
];

/// The keys of a tool's form as raw JSON ([`OverlayKind::RawJson`]): Enter is a new line,
/// the editor takes ratatui-textarea's keys.
const RAW_JSON_KEYS: &[(&str, &str)] = &[
    ("Enter", "new line"),
    ("Ctrl-S", "call"),
    ("Ctrl-R", "form"),
    ("Esc", "cancel"),
];

impl Mode {
    /// Every mode, for checks over all of them (each action lives in at least one).
    pub const ALL: [Mode; 29] = {
        use OverlayKind as O;
        [
            Mode::Screen(Screen::Fleet),
            Mode::Screen(Screen::Overview),
            Mode::Screen(Screen::ToolStats),
            Mode::Screen(Screen::Tools),
            Mode::Screen(Screen::Calls),
            Mode::Screen(Screen::Logs),
            Mode::Screen(Screen::Alerts),
            Mode::Screen(Screen::Silences),
            Mode::Drilled,
            Mode::ToolView,
            Mode::Filter(FilterTarget::Tools),
            Mode::Filter(FilterTarget::ToolStats),
            Mode::Filter(FilterTarget::Logs),
            Mode::Filter(FilterTarget::Fleet),
            Mode::Help,
            Mode::Overlay(O::Form),
            Mode::Overlay(O::RawJson),
            Mode::Overlay(O::Confirm),
            Mode::Overlay(O::Call),
            Mode::Overlay(O::FetchForm),
            Mode::Overlay(O::Fetch),
            Mode::Overlay(O::AlertDetail),
            Mode::Overlay(O::SilenceForm),
            Mode::Overlay(O::SilenceConfirm),
            Mode::Overlay(O::LogDetail),
            Mode::Overlay(O::LogQuery),
            Mode::Overlay(O::Command),
            Mode::Overlay(O::Elicit),
            Mode::Overlay(O::Authorize),
        ]
    };

    /// The footer of this mode. Help and overlays draw their own keys in their boxes (the
    /// forms from their labels here); the footer under them keeps the hints of the mode
    /// beneath (the app passes that one).
    pub fn hints(self) -> Hints {
        use Action as A;
        match self {
            Mode::Screen(Screen::Tools) => Hints::Keys(&[
                A::ToggleHelp,
                A::Quit,
                A::NextScreen,
                A::Open,
                A::NextList,
                A::Filter,
                A::NextServer,
                A::Refresh,
                A::Reconnect,
            ]),
            Mode::Screen(Screen::Calls) => {
                Hints::Keys(&[A::ToggleHelp, A::Quit, A::NextScreen, A::Open, A::Down])
            }
            // `e` shows only when Loki is configured: the footer drops it otherwise.
            Mode::Screen(Screen::Logs) => Hints::Keys(&[
                A::ToggleHelp,
                A::Quit,
                A::NextScreen,
                A::Filter,
                A::Pause,
                A::Open,
                A::Wrap,
                A::EditQuery,
                A::NextServer,
                A::Bottom,
            ]),
            Mode::Screen(Screen::Alerts) => Hints::Keys(&[
                A::ToggleHelp,
                A::Quit,
                A::NextScreen,
                A::Open,
                A::Silence,
                A::Down,
            ]),
            Mode::Screen(Screen::Silences) => Hints::Keys(&[
                A::ToggleHelp,
                A::Quit,
                A::NextScreen,
                A::Silence,
                A::Expire,
                A::Down,
            ]),
            Mode::Screen(Screen::Fleet) => Hints::Keys(&[
                A::ToggleHelp,
                A::Quit,
                A::NextScreen,
                A::Open,
                A::Filter,
                A::Sort,
                A::SortReverse,
                A::Command,
            ]),
            Mode::Drilled => {
                Hints::Keys(&[A::ToggleHelp, A::Quit, A::NextScreen, A::Back, A::Command])
            }
            Mode::Screen(Screen::ToolStats) => Hints::Keys(&[
                A::ToggleHelp,
                A::Quit,
                A::NextScreen,
                A::Open,
                A::Filter,
                A::Sort,
                A::SortReverse,
                A::Collapse,
            ]),
            Mode::ToolView => {
                Hints::Keys(&[A::ToggleHelp, A::Quit, A::Back, A::Open, A::NextScreen])
            }
            Mode::Filter(FilterTarget::ToolStats) => Hints::Text(
                " filter: type part of a tool, module or error type · Enter keep · Esc clear",
            ),
            Mode::Filter(FilterTarget::Tools) => {
                Hints::Text(" filter: type to narrow the list · Enter keep · Esc clear")
            }
            Mode::Filter(FilterTarget::Logs) => Hints::Text(
                " filter: type a substring (~ for a regex), applied as you type · Enter keep · \
                 Esc clear",
            ),
            Mode::Filter(FilterTarget::Fleet) => Hints::Text(
                " filter: type part of an instance, job or error · Enter keep · Esc clear",
            ),
            Mode::Overlay(OverlayKind::Form) => Hints::Labels(FORM_KEYS),
            Mode::Overlay(OverlayKind::RawJson) => Hints::Labels(RAW_JSON_KEYS),
            Mode::Screen(Screen::Overview) | Mode::Help | Mode::Overlay(_) => {
                Hints::Keys(&[A::ToggleHelp, A::Quit, A::NextScreen])
            }
        }
    }
}
