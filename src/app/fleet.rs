//! The fleet in the app, whichever mode feeds it: one row per instance (query mode) or per
//! scrape target (scrape mode with several targets), each with its own dashboard for the
//! drill-down. The fleet screen's keys (sort, filter, drill down, back) and the `:` command
//! line live here; what each mode feeds in is in [`super::query`] and [`super::targets`].

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::App;
use super::nav::Overlay;
use crate::action::{Action, Screen};
use crate::model::dashboard::Dashboard;
pub use crate::screen::fleet::{FleetSource, FleetState};

impl App {
    /// The dashboard in view: the drilled member's, else the whole fleet's (or the single
    /// target's).
    pub fn shown_dashboard(&self) -> &Dashboard {
        self.fleet
            .as_ref()
            .and_then(|f| f.drilled.as_ref().and_then(|i| f.instances.get(i)))
            .unwrap_or(&self.dashboard)
    }

    /// Keeps the header's name and URL on what is in view.
    pub(super) fn sync_title(&mut self) {
        if let Some(f) = &self.fleet {
            self.target_name = f.title();
            if let Some(url) = f.shown_url() {
                self.target_url = url;
            }
        }
    }

    /// Keys of the fleet screen; `None` hands the action to the common handling.
    pub(super) fn fleet_action(&mut self, action: Action) -> Option<bool> {
        let q = self.fleet.as_mut()?;
        let n = q.visible().len();
        match action {
            Action::Up => q.select(q.row.saturating_sub(1)),
            Action::Down => q.select(q.row + 1),
            Action::PageUp => q.select(q.row.saturating_sub(10)),
            Action::PageDown => q.select(q.row + 10),
            Action::Top => q.select(0),
            Action::Bottom => q.select(n.saturating_sub(1)),
            Action::Sort => {
                let next = q.order.column.cycle(1);
                q.order.column = next;
                q.order.descending = next.descending_first();
                q.reselect();
            }
            Action::SortReverse => {
                q.order.descending = !q.order.descending;
                q.reselect();
            }
            Action::Filter => {
                q.filter = Input::new(q.order.filter.clone());
                q.filtering = true;
            }
            Action::Back => {
                if q.order.filter.is_empty() {
                    return Some(false);
                }
                q.order.filter.clear();
                q.reselect();
            }
            Action::Open => {
                let name = q.visible().get(q.row).map(|r| r.instance.clone())?;
                q.drilled = Some(name);
                self.nav.screen = Screen::Overview;
                self.sync_title();
            }
            _ => return None,
        }
        Some(true)
    }

    /// Leaving the overview ends a drill-down (Tab, a digit, a command): the fleet and
    /// the other screens are about the whole fleet (but for tools by their numbers, which
    /// shows a drilled scrape target's own tools).
    pub(super) fn end_drill_off_overview(&mut self) {
        // Tools by their numbers shows a drilled target's own tools (query mode asks them
        // for the whole selector only).
        let scraped = self.fleet.as_ref().is_some_and(|f| f.scrape().is_some());
        let off = match self.nav.screen {
            Screen::Overview => false,
            Screen::ToolStats => !scraped,
            _ => true,
        };
        if off
            && let Some(q) = self.fleet.as_mut()
            && q.drilled.take().is_some()
        {
            self.sync_title();
        }
    }

    /// Esc on the overview of a drilled member goes back to the fleet.
    pub(super) fn leave_drill_down(&mut self) -> bool {
        let Some(q) = self.fleet.as_mut() else {
            return false;
        };
        if q.drilled.take().is_none() {
            return false;
        }
        self.nav.screen = Screen::Fleet;
        self.sync_title();
        true
    }

    /// The fleet filter line: typing filters as it goes; Enter keeps it, Esc clears it.
    pub(super) fn fleet_filter_key(&mut self, ev: &KeyEvent) -> bool {
        let Some(q) = self.fleet.as_mut() else {
            return false;
        };
        match ev.code {
            KeyCode::Enter => q.filtering = false,
            KeyCode::Esc => {
                q.filter.reset();
                q.filtering = false;
            }
            _ => {
                q.filter.handle_event(&Event::Key(*ev));
            }
        }
        q.order.filter = q.filter.value().to_string();
        q.reselect();
        true
    }

    /// The `:` command line: Enter runs it, Esc closes it.
    pub(super) fn command_key(&mut self, mut input: Input, ev: &KeyEvent, now_ms: i64) -> bool {
        match ev.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                if let Err(e) = self.run_command(input.value(), now_ms) {
                    self.toast(&e, true, now_ms);
                }
            }
            _ => {
                input.handle_event(&Event::Key(*ev));
                self.nav.overlay = Some(Overlay::Command(input));
            }
        }
        true
    }

    /// Runs a k9s-style command: `env NAME` (or `ctx NAME`), `fleet`, a screen's title
    /// (`by tool`), `q`/`quit`.
    ///
    /// Errors: an unknown command or environment, said plainly.
    pub fn run_command(&mut self, text: &str, now_ms: i64) -> Result<(), String> {
        let mut words = text.split_whitespace();
        let Some(cmd) = words.next() else {
            return Ok(());
        };
        let arg = words.next();
        // A screen by its title, words and all (`:alerts`, `:by tool`).
        let title = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(screen) = Screen::all(self.fleet.is_some())
            .iter()
            .find(|s| s.title().eq_ignore_ascii_case(&title))
            .copied()
        {
            if screen != Screen::Overview
                && let Some(q) = self.fleet.as_mut()
            {
                q.drilled = None;
            }
            self.nav.screen = screen;
            self.sync_title();
            return Ok(());
        }
        match (cmd, arg) {
            ("env" | "ctx" | "context", Some(name)) => self.switch_env(name, now_ms),
            ("env" | "ctx" | "context", None) => {
                Err(match self.fleet.as_ref().and_then(FleetState::query) {
                    Some(q) => format!(
                        "environments: {}",
                        q.envs
                            .iter()
                            .map(|(n, _, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    None => super::query::NEEDS_QUERY_MODE.into(),
                })
            }
            ("q" | "quit", None) => {
                self.quit = true;
                Ok(())
            }
            (name, _) => Err(format!(
                "unknown command `{name}` (try :env NAME, :fleet, :alerts, :q)"
            )),
        }
    }
}
