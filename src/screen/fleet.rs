//! The fleet as data, whichever mode feeds it: one row per instance (query mode) or per
//! scrape target (scrape mode with several targets), each with its own dashboard for the
//! drill-down, and the table's order, filter and cursor. The app feeds it
//! (`app/query.rs`, `app/targets.rs`) and handles its keys (`app/fleet.rs`).

use std::collections::BTreeMap;

use tui_input::Input;

use crate::config::{PrometheusConfig, Target};
use crate::model::dashboard::{Dashboard, ModelConfig};
use crate::model::fleet::{FleetOrder, InstanceRow};
use crate::model::profile::Profile;
use crate::model::rules::RuleEngine;

/// The ID a scrape target's updates carry (the sources' `TargetId`).
pub type TargetId = u64;

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
    pub model: ModelConfig,
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

    /// Query mode's source, to change.
    pub fn query_mut(&mut self) -> Option<&mut QuerySource> {
        match &mut self.source {
            FleetSource::Query(q) => Some(q.as_mut()),
            FleetSource::Scrape(_) => None,
        }
    }

    /// Scrape mode's targets, to change.
    pub fn scrape_mut(&mut self) -> Option<&mut ScrapeSource> {
        match &mut self.source {
            FleetSource::Scrape(s) => Some(s),
            FleetSource::Query(_) => None,
        }
    }

    /// The name of target `id`, when it is one of the fleet's.
    pub fn target_name(&self, id: TargetId) -> Option<String> {
        self.scrape()
            .and_then(|s| s.targets.get(&id))
            .map(|t| t.name.clone())
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
    pub fn member(&mut self, name: &str) -> &mut Dashboard {
        let model = &self.model;
        self.instances
            .entry(name.to_string())
            .or_insert_with(|| Dashboard::new(model.clone()))
    }

    /// Selects row `row` of the visible rows (clamped).
    pub fn select(&mut self, row: usize) {
        let visible = self.visible();
        let row = row.min(visible.len().saturating_sub(1));
        let name = visible.get(row).map(|r| r.instance.clone());
        self.row = row;
        self.selected = name;
    }

    /// Finds the selected member again after the rows changed order or content; one that
    /// is gone leaves the cursor where it was.
    pub fn reselect(&mut self) {
        let found = self
            .selected
            .as_ref()
            .and_then(|name| self.visible().iter().position(|r| &r.instance == name));
        self.select(found.unwrap_or(self.row));
    }

    /// Forgets every member (an environment switch).
    pub fn clear(&mut self) {
        self.rows.clear();
        self.instances.clear();
        self.drilled = None;
        self.warnings.clear();
        self.timeline_error = None;
        self.row = 0;
        self.selected = None;
    }
}

/// Query mode's environments and the run in view: what the panels read of the query
/// source (the link that switches it is the app's).
pub struct QuerySource {
    /// `(name, selector as written, redacted URL)` of each environment.
    pub envs: Vec<(String, String, String)>,
    /// The environment in view.
    pub env: usize,
    /// The source's run for it: bumped at each switch; updates of other runs are dropped.
    pub run: u64,
    /// The profile the source reported, given to each new instance's model.
    pub profile: Option<Result<Profile, String>>,
    /// The newest sample time the last good refresh held (Unix ms): the header's age.
    pub newest_sample_ms: Option<i64>,
    /// Each instance's own sample time in that refresh (Unix ms): a drill-down's age.
    pub sample_ms: BTreeMap<String, i64>,
}

impl QuerySource {
    pub fn new(cfg: &PrometheusConfig) -> QuerySource {
        QuerySource {
            envs: cfg
                .environments
                .iter()
                .map(|e| {
                    (
                        e.name.clone(),
                        e.selector_text(),
                        crate::text::url::redact(&e.url),
                    )
                })
                .collect(),
            env: cfg.start_index(),
            run: 0,
            profile: None,
            newest_sample_ms: None,
            sample_ms: BTreeMap::new(),
        }
    }

    /// The time the numbers in view were sampled, Unix ms: `drilled`'s own `up` sample
    /// when drilled into an instance (an instance whose target went quiet ages while the
    /// fleet stays fresh), else the newest of the fleet's. `None` when the answer held no
    /// sample time for it.
    pub fn sampled_ms(&self, drilled: Option<&str>) -> Option<i64> {
        match drilled {
            Some(name) => self.sample_ms.get(name).copied(),
            None => self.newest_sample_ms,
        }
    }
}

/// The scraped fleet's targets.
pub struct ScrapeSource {
    /// Shown as the fleet's name: `target.name`, else `targets`.
    pub name: String,
    /// Each target by the ID its updates carry.
    pub targets: BTreeMap<TargetId, Target>,
    /// Each target's local rules, by name.
    pub rules: BTreeMap<String, RuleEngine>,
}

impl ScrapeSource {
    pub fn new(name: String) -> ScrapeSource {
        ScrapeSource {
            name,
            targets: BTreeMap::new(),
            rules: BTreeMap::new(),
        }
    }

    /// The metrics URL of target `name`, redacted.
    pub fn url_of(&self, name: &str) -> Option<String> {
        self.targets
            .values()
            .find(|t| t.name == name)
            .map(Target::shown_url)
    }
}

impl FleetState {
    /// The URL shown in the header for what is in view: the environment's API, or the
    /// drilled target's metrics URL.
    pub fn shown_url(&self) -> Option<String> {
        match &self.source {
            FleetSource::Query(q) => q.envs.get(q.env).map(|(_, _, url)| url.clone()),
            FleetSource::Scrape(s) => Some(match &self.drilled {
                Some(name) => s.url_of(name).unwrap_or_default(),
                None => String::new(),
            }),
        }
    }
}
