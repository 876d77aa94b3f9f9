//! Query mode in the app: the fleet's rows and each instance's tiles from the Prometheus
//! source, the fleet screen's keys (sort, filter, drill down, back), environment switching
//! and the `:` command line.

use std::collections::BTreeMap;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::App;
use super::nav::Overlay;
use crate::action::{Action, Screen};
use crate::config::PrometheusConfig;
use crate::model::dashboard::{Dashboard, ModelConfig};
use crate::model::fleet::{FleetOrder, InstanceRow};
use crate::model::profile::Profile;
use crate::model::query_mode::{PromUpdate, Refresh};

/// Switches the source to another environment; `Err` says why it could not.
pub type PromLink = Box<dyn Fn(usize, u64) -> Result<(), String> + Send>;

/// Query mode's state: the environments, the fleet and the instance drilled into.
pub struct QueryState {
    /// `(name, selector as written, redacted URL)` of each environment.
    pub envs: Vec<(String, String, String)>,
    /// The environment in view.
    pub env: usize,
    /// The source's run for it: bumped at each switch; updates of other runs are dropped.
    pub run: u64,
    /// The fleet as last refreshed, by instance.
    pub rows: Vec<InstanceRow>,
    /// Each instance's tiles and timeline, for the drill-down.
    pub instances: BTreeMap<String, Dashboard>,
    /// The instance whose overview is in view; `None`: the whole selector.
    pub drilled: Option<String>,
    /// The API's warnings of the last refresh.
    pub warnings: Vec<String>,
    /// How the fleet table is sorted and filtered, and its selected row, kept on the same
    /// instance (by name) when a refresh, sort or filter moves it.
    pub order: FleetOrder,
    pub row: usize,
    selected: Option<String>,
    /// Why the timeline's `query_range` failed, until it works again.
    pub timeline_error: Option<String>,
    /// The fleet filter line while it has the keyboard.
    pub filter: Input,
    pub filtering: bool,
    /// Settings of a new instance's model.
    model: ModelConfig,
    /// The profile the source reported, given to each new instance's model.
    profile: Option<Result<Profile, String>>,
    pub link: Option<PromLink>,
}

impl QueryState {
    pub fn new(cfg: &PrometheusConfig, model: ModelConfig) -> QueryState {
        QueryState {
            envs: cfg
                .environments
                .iter()
                .map(|e| {
                    (
                        e.name.clone(),
                        e.selector_text(),
                        crate::sources::http::redact(&e.url),
                    )
                })
                .collect(),
            env: cfg.start_index(),
            run: 0,
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
            profile: None,
            link: None,
        }
    }

    /// The rows in view: filtered and sorted.
    pub fn visible(&self) -> Vec<&InstanceRow> {
        self.order.apply(&self.rows)
    }

    /// The header's name for what is in view: `production {job="mcp"}`, or the instance.
    pub fn title(&self) -> String {
        let (name, selector, _) = self.envs.get(self.env).cloned().unwrap_or_default();
        match &self.drilled {
            Some(i) => format!("{name} · {i}"),
            None if selector.is_empty() => name,
            None => format!("{name} {{{selector}}}"),
        }
    }

    fn instance(&mut self, name: &str) -> &mut Dashboard {
        let (model, profile) = (&self.model, &self.profile);
        self.instances.entry(name.to_string()).or_insert_with(|| {
            let mut d = Dashboard::new(model.clone());
            if let Some(p) = profile {
                d.set_profile(p.clone());
            }
            d
        })
    }

    /// Selects row `row` of the visible rows (clamped).
    fn select(&mut self, row: usize) {
        let visible = self.visible();
        let row = row.min(visible.len().saturating_sub(1));
        let name = visible.get(row).map(|r| r.instance.clone());
        self.row = row;
        self.selected = name;
    }

    /// Finds the selected instance again after the rows changed order or content; one that
    /// is gone leaves the cursor where it was.
    fn reselect(&mut self) {
        let found = self
            .selected
            .as_ref()
            .and_then(|name| self.visible().iter().position(|r| &r.instance == name));
        self.select(found.unwrap_or(self.row));
    }

    fn apply_refresh(&mut self, t_ms: i64, r: Refresh) {
        // Instances no longer reported are forgotten (pods come and go); the one drilled
        // into stays, saying so.
        let drilled = self.drilled.clone();
        self.instances.retain(|name, _| {
            r.rows.iter().any(|row| &row.instance == name) || drilled.as_ref() == Some(name)
        });
        if let Some(name) = &drilled
            && !r.rows.iter().any(|row| &row.instance == name)
            && let Some(d) = self.instances.get_mut(name)
        {
            d.apply_stats(
                t_ms,
                Err("no longer reported: the selector finds no series of it".into()),
            );
        }
        for row in &r.rows {
            let stats = r
                .per_instance
                .get(&row.instance)
                .cloned()
                .unwrap_or_default();
            let result = match row.up {
                Some(false) => Err(match row.last_error.is_empty() {
                    true => "down: up == 0 (its last scrape failed)".to_string(),
                    false => format!("down: {}", row.last_error),
                }),
                _ => Ok(stats),
            };
            self.instance(&row.instance).apply_stats(t_ms, result);
        }
        self.rows = r.rows;
        self.warnings = r.warnings;
        self.reselect();
    }
}

impl App {
    /// Applies an update of the query-mode source; updates of another environment than
    /// the one in view are dropped.
    pub(super) fn apply_prometheus(&mut self, u: PromUpdate) {
        let Some(q) = self.query.as_mut() else {
            return;
        };
        match u {
            PromUpdate::Profile { run, result } if run == q.run => {
                let result = result.map(|p| *p);
                for d in q.instances.values_mut() {
                    d.set_profile(result.clone());
                }
                q.profile = Some(result.clone());
                self.dashboard.set_profile(result);
            }
            PromUpdate::Timeline {
                run,
                range_ms,
                total,
                instances,
                replace,
            } if run == q.run => {
                q.timeline_error = None;
                self.dashboard.timeline.range_ms = range_ms;
                self.dashboard.timeline.extend(&total, replace);
                for (name, points) in instances {
                    let d = q.instance(&name);
                    d.timeline.range_ms = range_ms;
                    d.timeline.extend(&points, replace);
                }
            }
            PromUpdate::Refresh { run, t_ms, result } if run == q.run => match result {
                Ok(r) => {
                    self.dashboard.apply_stats(t_ms, Ok(r.total.clone()));
                    q.apply_refresh(t_ms, *r);
                    self.eval_rules(t_ms);
                }
                Err(e) => {
                    for d in q.instances.values_mut() {
                        d.apply_stats(t_ms, Err(e.clone()));
                    }
                    self.dashboard.apply_stats(t_ms, Err(e));
                    self.eval_rules(t_ms);
                }
            },
            PromUpdate::TimelineFailed { run, error } if run == q.run => {
                q.timeline_error = Some(error);
            }
            _ => {}
        }
        self.sync_title();
    }

    /// The dashboard in view: the drilled instance's, else the whole selector's.
    pub fn shown_dashboard(&self) -> &Dashboard {
        self.query
            .as_ref()
            .and_then(|q| q.drilled.as_ref().and_then(|i| q.instances.get(i)))
            .unwrap_or(&self.dashboard)
    }

    fn sync_title(&mut self) {
        if let Some(q) = &self.query {
            self.target_name = q.title();
            if let Some((_, _, url)) = q.envs.get(q.env) {
                self.target_url.clone_from(url);
            }
        }
    }

    /// Switches to environment `name`: the fleet, tiles and timeline start afresh.
    /// Errors: no such environment, or the source has stopped.
    pub fn switch_env(&mut self, name: &str, now_ms: i64) -> Result<(), String> {
        let Some(q) = self.query.as_mut() else {
            return Err(
                "environments need query mode: set [prometheus] or --prometheus URL".into(),
            );
        };
        let Some(index) = q.envs.iter().position(|(n, _, _)| n == name) else {
            let known: Vec<&str> = q.envs.iter().map(|(n, _, _)| n.as_str()).collect();
            return Err(format!(
                "no environment `{name}` (known: {})",
                known.join(", ")
            ));
        };
        if let Some(link) = &q.link {
            link(index, q.run + 1)?;
        }
        q.run += 1;
        q.env = index;
        q.rows.clear();
        q.instances.clear();
        q.drilled = None;
        q.warnings.clear();
        q.profile = None;
        q.timeline_error = None;
        q.row = 0;
        q.selected = None;
        self.dashboard = Dashboard::new(q.model.clone());
        // Alerts of the old environment's numbers do not carry over.
        self.rules = crate::model::rules::RuleEngine::new(
            self.cfg.rules.clone(),
            self.cfg.alerts.keep_resolved,
        );
        self.eval_rules(now_ms);
        self.sync_title();
        self.toast(&format!("environment {name}"), false, now_ms);
        Ok(())
    }

    /// Keys of the fleet screen; `None` hands the action to the common handling.
    pub(super) fn fleet_action(&mut self, action: Action) -> Option<bool> {
        let q = self.query.as_mut()?;
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
    /// the other screens are about the whole selector.
    pub(super) fn end_drill_off_overview(&mut self) {
        let off = self.nav.screen != Screen::Overview;
        if off
            && let Some(q) = self.query.as_mut()
            && q.drilled.take().is_some()
        {
            self.sync_title();
        }
    }

    /// Esc on the overview of a drilled instance goes back to the fleet.
    pub(super) fn leave_drill_down(&mut self) -> bool {
        let Some(q) = self.query.as_mut() else {
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
        let Some(q) = self.query.as_mut() else {
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
            ("env" | "ctx" | "context", None) => Err(match &self.query {
                Some(q) => format!(
                    "environments: {}",
                    q.envs
                        .iter()
                        .map(|(n, _, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "environments need query mode: set [prometheus] or --prometheus URL".into(),
            }),
            ("q" | "quit", None) => {
                self.quit = true;
                Ok(())
            }
            (name, None) => {
                let screen = Screen::all(self.query.is_some())
                    .iter()
                    .find(|s| s.title().eq_ignore_ascii_case(name))
                    .copied()
                    .ok_or_else(|| {
                        format!("unknown command `{name}` (try :env NAME, :fleet, :alerts, :q)")
                    })?;
                if screen != Screen::Overview
                    && let Some(q) = self.query.as_mut()
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
