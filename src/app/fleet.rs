//! The fleet in the app, whichever mode feeds it: one row per instance (query mode) or per
//! scrape target (scrape mode with several targets), each with its own dashboard for the
//! drill-down. The fleet screen's keys (sort, filter, drill down, back) and the `:` command
//! line live here; what each mode feeds in is in [`super::query`] and [`super::targets`].

use std::collections::BTreeMap;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::App;
use super::nav::Overlay;
use super::query::QuerySource;
use super::targets::ScrapeSource;
use crate::action::{Action, Screen};
use crate::model::dashboard::{Dashboard, ModelConfig};
use crate::model::fleet::{FleetOrder, InstanceRow};

/// Where the fleet comes from.
pub enum FleetSource {
    /// Query mode: the environments of a Prometheus-compatible API.
    Query(Box<QuerySource>),
    /// Scrape mode with several targets (or a `targets_file`).
    Scrape(ScrapeSource),
}

/// The fleet: its rows, each member's dashboard, and the table's order, filter and cursor.
pub struct FleetState {
    pub source: FleetSource,
    /// The fleet as last refreshed, by instance (or target name).
    pub rows: Vec<InstanceRow>,
    /// Each member's tiles and timeline, for the drill-down, by instance (or target name).
    pub instances: BTreeMap<String, Dashboard>,
    /// The member whose overview is in view; `None`: the whole fleet.
    pub drilled: Option<String>,
    /// The API's warnings of the last refresh, or why `targets_file` could not be read.
    pub warnings: Vec<String>,
    /// How the table is sorted and filtered, and its selected row, kept on the same
    /// member (by name) when a refresh, sort or filter moves it.
    pub order: FleetOrder,
    pub row: usize,
    selected: Option<String>,
    /// Why the timeline's `query_range` failed, until it works again (query mode).
    pub timeline_error: Option<String>,
    /// The fleet filter line while it has the keyboard.
    pub filter: Input,
    pub filtering: bool,
    /// Settings of a new member's model.
    pub(super) model: ModelConfig,
}

impl FleetState {
    pub fn new(source: FleetSource, model: ModelConfig) -> FleetState {
        FleetState {
            source,
            rows: Vec::new(),
            instances: BTreeMap::new(),
            drilled: None,
            warnings: Vec::new(),
            order: FleetOrder::default(),
            row: 0,
            selected: None,
            timeline_error: None,
            filter: Input::default(),
            filtering: false,
            model,
        }
    }

    /// Query mode's environments and source, when the fleet comes from a query API.
    pub fn query(&self) -> Option<&QuerySource> {
        match &self.source {
            FleetSource::Query(q) => Some(q.as_ref()),
            FleetSource::Scrape(_) => None,
        }
    }

    /// Scrape mode's targets, when the fleet is scraped.
    pub fn scrape(&self) -> Option<&ScrapeSource> {
        match &self.source {
            FleetSource::Scrape(s) => Some(s),
            FleetSource::Query(_) => None,
        }
    }

    /// The rows in view: filtered and sorted.
    pub fn visible(&self) -> Vec<&InstanceRow> {
        self.order.apply(&self.rows)
    }

    /// What the members are called in titles: `instance` or `target`.
    pub fn member_word(&self) -> &'static str {
        match self.source {
            FleetSource::Query(_) => "instance",
            FleetSource::Scrape(_) => "target",
        }
    }

    /// The header's name for what is in view: `production {job="mcp"}` or `targets`, or
    /// `… · <member>` when drilled into one.
    pub fn title(&self) -> String {
        let (name, selector) = match &self.source {
            FleetSource::Query(q) => q
                .envs
                .get(q.env)
                .map(|(n, s, _)| (n.clone(), s.clone()))
                .unwrap_or_default(),
            FleetSource::Scrape(s) => (s.name.clone(), String::new()),
        };
        match &self.drilled {
            Some(i) => format!("{name} · {i}"),
            None if selector.is_empty() => name,
            None => format!("{name} {{{selector}}}"),
        }
    }

    /// The dashboard of `name`, made with the fleet's model settings when it is new.
    pub(super) fn member(&mut self, name: &str) -> &mut Dashboard {
        let model = &self.model;
        self.instances
            .entry(name.to_string())
            .or_insert_with(|| Dashboard::new(model.clone()))
    }

    /// Selects row `row` of the visible rows (clamped).
    pub(super) fn select(&mut self, row: usize) {
        let visible = self.visible();
        let row = row.min(visible.len().saturating_sub(1));
        let name = visible.get(row).map(|r| r.instance.clone());
        self.row = row;
        self.selected = name;
    }

    /// Finds the selected member again after the rows changed order or content; one that
    /// is gone leaves the cursor where it was.
    pub(super) fn reselect(&mut self) {
        let found = self
            .selected
            .as_ref()
            .and_then(|name| self.visible().iter().position(|r| &r.instance == name));
        self.select(found.unwrap_or(self.row));
    }

    /// Forgets every member (an environment switch).
    pub(super) fn clear(&mut self) {
        self.rows.clear();
        self.instances.clear();
        self.drilled = None;
        self.warnings.clear();
        self.timeline_error = None;
        self.row = 0;
        self.selected = None;
    }
}

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
    /// the other screens are about the whole fleet.
    pub(super) fn end_drill_off_overview(&mut self) {
        let off = self.nav.screen != Screen::Overview;
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

    /// Runs a k9s-style command: `env NAME` (or `ctx NAME`), `fleet`, a screen's name,
    /// `q`/`quit`.
    ///
    /// Errors: an unknown command or environment, said plainly.
    pub fn run_command(&mut self, text: &str, now_ms: i64) -> Result<(), String> {
        let mut words = text.split_whitespace();
        let Some(cmd) = words.next() else {
            return Ok(());
        };
        let arg = words.next();
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
            (name, None) => {
                let screen = Screen::all(self.fleet.is_some())
                    .iter()
                    .find(|s| s.title().eq_ignore_ascii_case(name))
                    .copied()
                    .ok_or_else(|| {
                        format!("unknown command `{name}` (try :env NAME, :fleet, :alerts, :q)")
                    })?;
                if screen != Screen::Overview
                    && let Some(q) = self.fleet.as_mut()
                {
                    q.drilled = None;
                }
                self.nav.screen = screen;
                self.sync_title();
                Ok(())
            }
            (name, Some(_)) => Err(format!(
                "unknown command `{name}` (try :env NAME, :fleet, :alerts, :q)"
            )),
        }
    }
}

impl FleetState {
    /// The URL shown in the header for what is in view: the environment's API, or the
    /// drilled target's metrics URL.
    fn shown_url(&self) -> Option<String> {
        match &self.source {
            FleetSource::Query(q) => q.envs.get(q.env).map(|(_, _, url)| url.clone()),
            FleetSource::Scrape(s) => Some(match &self.drilled {
                Some(name) => s.url_of(name).unwrap_or_default(),
                None => String::new(),
            }),
        }
    }
}
