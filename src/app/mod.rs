//! The event loop: the one owner of state. Sources send owned updates over a bounded
//! channel; keys map to actions; a frame is drawn only when something visible changed.

mod alerts;
mod authorize;
mod calls;
pub mod catalog;
pub mod cursor;
pub mod elicit;
mod event_loop;
mod files;
pub mod fleet;
pub mod follow;
mod keys;
mod log_level;
pub mod logs;
pub mod query;
pub mod record;
mod record_logs;
pub mod replay;
pub mod replay_logs;
pub mod setup;
pub mod snapshot;
mod spawn;
pub mod targets;
mod tool_table;

use std::time::Duration;

use color_eyre::eyre::{Result, eyre};
use tokio::sync::mpsc;

use crate::action::Keymap;
use crate::audit::{AuditLog, Backlog};
use crate::config::Config;
use crate::model::alerts::{AlertsState, PriorityMap};
use crate::model::clock::now_ms;
use crate::model::dashboard::{Dashboard, ModelConfig};
use crate::model::logs::LokiState;
use crate::model::mcp::McpCommand;
use crate::model::mcp::state::McpState;
use crate::model::rules::RuleEngine;
use crate::screen::View;
use crate::screen::logs::LogSummary;
use crate::sources::{self, Update};
use crate::ui::{self, theme::Theme};
use nav::Nav;

// The screen's state (`crate::screen`) was the app's: its old paths still resolve.
pub use crate::screen::logs::LogSource;
pub use crate::screen::nav;
pub use crate::screen::{DeployMark, ToolKey};

/// Sends a command to one server's MCP source; `Err` says why it could not be queued.
pub type McpLink = Box<dyn Fn(McpCommand) -> Result<(), String> + Send>;
pub use crate::sources::files::FileLink;
pub use alerts::AmLink;
pub use event_loop::{gather, run};
pub use files::AUDIT_EXIT_WAIT;
pub use logs::LokiLink;
pub use query::PromLink;

/// What time-dependent text shows ([`App::clock`]).
type Clock = (Option<i64>, i64, bool, Option<crate::audit::Stall>);

/// Whether `clock` ([`App::clock`]) changes from one second to the next on its own: late
/// numbers' age, running calls or the logs screen's ages counting, or a toast shown.
fn counts_seconds(clock: &Clock) -> bool {
    let (age, running, toast, _) = clock;
    age.is_some_and(|a| a >= 0) || *running != 0 || *toast
}

/// Shortest time between two frames (about 30 fps).
const FRAME: Duration = Duration::from_millis(33);

/// The application state.
pub struct App {
    pub cfg: Config,
    pub target_name: String,
    pub target_url: String,
    /// No target to scrape or query: mcptop runs as an MCP client alone, starting on the
    /// tools screen; the metric screens say so.
    pub no_target: bool,
    pub dashboard: Dashboard,
    pub keymap: Keymap,
    pub theme: Theme,
    pub show_help: bool,
    pub quit: bool,
    /// MCP servers, tools, calls and server logs.
    pub mcp: McpState,
    pub nav: Nav,
    /// Keys bound to tool calls.
    pub bindings: Vec<ToolKey>,
    /// One link per server, by index; missing links make calls fail as not sent.
    pub links: Vec<McpLink>,
    /// Where calls are recorded; `None` when no state dir exists.
    pub audit: Option<AuditLog>,
    /// Who the audit log names.
    pub user: String,
    /// The files task (audit lines, runbooks, reports, saved blobs); `None` until
    /// [`run`] starts it (tests install [`crate::sources::files::inline`]): file work is
    /// then refused with a message.
    pub files: Option<FileLink>,
    /// Audit lines handed to the files task and not written yet.
    pub audit_backlog: Backlog,
    /// Alertmanager's alerts and silences, and the local rules' alerts.
    pub alerts: AlertsState,
    /// mcptop's own rules.
    pub rules: RuleEngine,
    /// The Alertmanager source, when one is configured and running.
    pub am: Option<AmLink>,
    /// Last request number given to an Alertmanager write.
    pub next_request: u64,
    /// Loki's lines, health and counts, when `[loki]` has a URL.
    pub loki: Option<LokiState>,
    /// The Loki source, when running.
    pub loki_link: Option<LokiLink>,
    /// The error summary of the log source in view.
    pub log_summary: LogSummary,
    /// The fleet: query mode's instances, or the targets of a scraped fleet; `None` for
    /// one scraped target.
    pub fleet: Option<fleet::FleetState>,
    /// Switches query mode's source to another environment, when it runs.
    pub prom_link: Option<PromLink>,
    /// Query mode: asks the source for the time cursor's instant.
    pub at_link: Option<cursor::AtLink>,
    /// Query mode: tells the source whether the per-tool columns are shown (asked).
    pub tools_link: Option<query::ToolsLink>,
    /// What the source was last told through `tools_link`.
    pub tools_shown: bool,
    /// Query mode: the source's answer for the time cursor's instant.
    pub at_answer: Option<cursor::AtAnswer>,
    /// A deploy marked with `D`: when, and the tiles just before.
    pub deploy: Option<DeployMark>,
    /// Alert transitions (Alertmanager's and the local rules'), for the timeline's marks
    /// and the time cursor.
    pub marks: crate::model::marks::MarkLog,
    /// The operator's offset from UTC (the system's local time zone at start), for the
    /// time cursor's label.
    pub local_offset: chrono::FixedOffset,
    /// Whether mouse events are taken (`ui.mouse`, else on unless over SSH).
    pub mouse: bool,
    /// Endpoints that skip TLS verification, warned about in the header.
    pub unverified_tls: Vec<String>,
    /// The text editor of the form in view while it is in raw JSON mode (see
    /// [`crate::input::form::form_key`]).
    pub raw_editor: Option<crate::input::raw_editor::RawEditor>,
    /// `--record FILE`: the recording being written.
    pub recorder: Option<record::Recorder>,
    /// `mcptop replay FILE`: the recording played back (no source runs).
    pub replay: Option<replay::Replay>,
}

impl App {
    /// Builds the state for `cfg`.
    ///
    /// Without a target but with MCP servers, the app is an MCP client alone
    /// ([`App::no_target`]).
    ///
    /// Errors: neither a target URL nor an MCP server, or a module pattern that is not a
    /// regex.
    pub fn new(cfg: Config) -> Result<App> {
        let query_mode = cfg.prometheus.enabled();
        let start = cfg
            .prometheus
            .environments
            .get(cfg.prometheus.start_index());
        let no_target = !query_mode && !cfg.has_targets();
        let target_url = match start {
            Some(env) if query_mode => env.url.clone(),
            _ if no_target && cfg.mcp.servers.is_empty() => {
                return Err(eyre!(
                    "no target: pass --target URL (scrape mode) or --prometheus URL (query \
                     mode), or set target.url or [prometheus] in the config; or --mcp URL or \
                     --mcp-config PATH to use mcptop as an MCP client alone"
                ));
            }
            _ if no_target => String::new(),
            _ => cfg
                .scrape_targets()
                .map_err(|e| eyre!("{e}"))?
                .first()
                .filter(|_| !cfg.scrape_fleet())
                .map(|t| t.metrics_url.to_string())
                .unwrap_or_default(),
        };
        let module_pattern =
            regex::Regex::new(&cfg.modules.pattern).map_err(|e| eyre!("modules.pattern: {e}"))?;
        // One target alone may be a `[[targets]]` entry with a profile of its own.
        let profile = match cfg.scrape_targets() {
            Ok(ts) if !query_mode && !cfg.scrape_fleet() && ts.len() == 1 => ts[0].profile.clone(),
            _ => cfg.target.profile.clone(),
        };
        let model = ModelConfig {
            profile,
            custom_profile: cfg.custom_profile.clone(),
            range: cfg.window.range,
            history: cfg.window.history,
            interval: cfg.scrape.interval,
            module_pattern,
            module_label: cfg.modules.label.clone(),
            polling_paths: cfg.polling_paths(),
        };
        let dashboard = Dashboard::new(model.clone());
        let fleet = if query_mode {
            let source = fleet::FleetSource::Query(Box::new(
                crate::screen::fleet::QuerySource::new(&cfg.prometheus),
            ));
            Some(fleet::FleetState::new(source, model))
        } else if cfg.scrape_fleet() {
            let source = fleet::FleetSource::Scrape(crate::screen::fleet::ScrapeSource::new(
                cfg.target_name(),
            ));
            Some(fleet::FleetState::new(source, model))
        } else {
            None
        };
        let keymap = Keymap::with(&cfg.keys).map_err(|e| eyre!("keys: {e}"))?;
        let config_dir = crate::config::default_path()
            .and_then(|p| p.parent().map(std::path::Path::to_path_buf));
        let user_theme = match config_dir {
            Some(dir) if !crate::ui::palette::is_builtin(&cfg.ui.theme) => {
                crate::sources::files::read_theme(&dir, &cfg.ui.theme)
                    .map_err(|e| eyre!("ui.theme: {e}"))?
            }
            _ => None,
        };
        let user_theme = user_theme.as_ref().map(|(p, t)| (p.as_path(), t.as_str()));
        let theme = crate::ui::palette::load(&cfg.ui.theme, user_theme)
            .map_err(|e| eyre!("ui.theme: {e}"))?;
        let theme = crate::ui::palette::fit(
            theme,
            crate::ui::palette::Depth::detect(|k| std::env::var(k).ok()),
        );
        let priorities = PriorityMap {
            severity_label: cfg.alerts.severity_label.clone(),
            levels: cfg.alerts.priorities.clone(),
            service_down: regex::Regex::new(&cfg.alerts.service_down)
                .map_err(|e| eyre!("alerts.service_down: {e}"))?,
            ..PriorityMap::default()
        };
        let alerts = AlertsState::new(
            cfg.alertmanager
                .urls
                .iter()
                .map(|u| crate::text::url::redact(u))
                .collect(),
            priorities,
        );
        let rules = RuleEngine::new(cfg.rules.clone(), cfg.alerts.keep_resolved);
        let mcp = setup::mcp_state(&cfg.mcp.servers, cfg.mcp.settings.log_lines);
        let mut warnings = cfg.warnings.clone();
        let bindings = setup::bindings(&cfg, &keymap, &mut warnings);
        for w in &warnings {
            tracing::warn!("config: {w}");
        }
        let loki = cfg.loki.url.as_ref().map(|url| LokiState {
            tenant: cfg.loki.tenant.clone(),
            ..LokiState::new(
                crate::text::url::redact(url),
                cfg.loki.query_for(&cfg.target_name()),
                cfg.loki.max_lines,
                cfg.loki.max_bytes,
            )
        });
        let mut nav = Nav {
            log_rows: 20,
            screen: if fleet.is_some() {
                crate::action::Screen::Fleet
            } else if no_target {
                crate::action::Screen::Tools
            } else {
                crate::action::Screen::Overview
            },
            ..Nav::default()
        };
        if let Some(first) = warnings.first() {
            let more = match warnings.len() {
                1 => String::new(),
                n => format!(" (+{} more in the log)", n - 1),
            };
            nav.toast = Some(nav::Toast {
                text: format!("config: {first}{more}"),
                error: true,
                until_ms: now_ms() + 3 * nav::TOAST_MS,
            });
        }
        let target_name = match &fleet {
            Some(f) => f.title(),
            None => cfg.target_name(),
        };
        let unverified_tls = cfg.unverified_tls();
        for table in &unverified_tls {
            tracing::warn!(endpoint = %table, "TLS certificate verification is off (insecure_skip_verify)");
        }
        let mut app = App {
            target_name,
            target_url: crate::text::url::redact(&target_url),
            no_target,
            dashboard,
            keymap,
            theme,
            show_help: false,
            quit: false,
            mcp,
            nav,
            bindings,
            links: Vec::new(),
            audit: AuditLog::default_path().map(AuditLog::new),
            user: crate::sources::files::user(None),
            files: None,
            audit_backlog: Backlog::default(),
            alerts,
            rules,
            am: None,
            next_request: 0,
            loki,
            loki_link: None,
            log_summary: LogSummary::default(),
            fleet,
            prom_link: None,
            at_link: None,
            tools_link: None,
            tools_shown: false,
            at_answer: None,
            deploy: None,
            marks: crate::model::marks::MarkLog::default(),
            local_offset: *chrono::Local::now().offset(),
            mouse: cfg.ui.mouse_on(|k| std::env::var(k).ok()),
            unverified_tls,
            raw_editor: None,
            recorder: None,
            replay: None,
            cfg,
        };
        // Scrape mode: the tool rows are not on the first screen.
        app.sync_tool_columns();
        Ok(app)
    }

    /// A read-only view for drawing at `now_ms`.
    pub fn view(&self, now_ms: i64) -> View<'_> {
        let dashboard = self.shown_dashboard();
        let (stats, cursor) = self.cursor_view(now_ms);
        View {
            target_name: &self.target_name,
            target_url: &self.target_url,
            no_target: self.no_target,
            dashboard,
            stats,
            cursor,
            marks: self.marks.marks(),
            thresholds: &self.cfg.thresholds,
            keymap: &self.keymap,
            mode: crate::input::mode::screen_mode(&self.nav, self.fleet.as_ref()),
            now_ms,
            window: self.cfg.window.range,
            history: self.cfg.window.history,
            stale_after: self.cfg.scrape.interval * 2 + self.cfg.scrape.timeout(),
            show_help: self.show_help,
            mcp: &self.mcp,
            nav: &self.nav,
            bindings: &self.bindings,
            read_only: self.cfg.mcp.read_only,
            alerts: &self.alerts,
            silences_read_only: self.cfg.alerts.read_only,
            rules: self.rules.rules().len(),
            loki: self.loki.as_ref(),
            log_source: self.log_source(),
            log_buffer: self.log_buffer(),
            log_summary: &self.log_summary,
            log_fields: &self.cfg.loki.fields,
            fleet: self.fleet.as_ref(),
            unverified_tls: &self.unverified_tls,
            audit_stall: self.audit_stall(now_ms),
            deploy: self
                .deploy
                .as_ref()
                .filter(|d| d.target == self.target_name),
            tape: self.tape(),
        }
    }

    /// The widgets the app keeps between frames, for [`ui::draw_with`].
    pub fn widgets(&self) -> ui::Widgets<'_> {
        ui::Widgets {
            raw_editor: self.raw_editor.as_ref().map(|e| (e.epoch(), e.textarea())),
        }
    }

    /// Applies a source's update; returns whether the screen in view may show what it
    /// changed, so that the frame is redrawn only then. Loki's lines, counts and health
    /// are drawn on the Logs screen only: a tail streaming several frames a second would
    /// otherwise redraw every other screen as often (a full frame each, timeline chart
    /// included) for nothing. Switching to the Logs screen is a key, which redraws.
    pub fn apply_shown(&mut self, update: Update) -> bool {
        let shown =
            !matches!(update, Update::Loki(_)) || self.nav.screen == crate::action::Screen::Logs;
        // A health check that answers as the last one did changes nothing drawn (its
        // ticker is not the scrape's: it cost a frame of its own when the two drifted
        // apart). In a fleet, a target's row is redrawn.
        let health = matches!(update, Update::Health { .. }) && self.fleet.is_none();
        let before = health.then(|| self.health_shown());
        self.apply(update);
        shown && before.is_none_or(|b| b != self.health_shown())
    }

    /// What the screens show of the target's health check.
    fn health_shown(
        &self,
    ) -> (
        u32,
        Option<String>,
        Option<crate::model::status::HealthInfo>,
    ) {
        let s = &self.dashboard.status;
        (
            s.health.consecutive_failures,
            s.health.last_error.as_ref().map(ToString::to_string),
            s.health_info.clone(),
        )
    }

    /// Applies a source's update to the model, at the app's clock ([`App::now`]).
    pub fn apply(&mut self, update: Update) {
        self.apply_at(update, self.now());
    }

    /// Applies a source's update to the model; `now_ms` is the clock of what carries no
    /// time of its own (targets, Alertmanager's writes, files). Recorded first when
    /// recording.
    pub fn apply_at(&mut self, update: Update, now_ms: i64) {
        if self.recorder.is_some() {
            self.record_update(&update, now_ms);
        }
        match update {
            Update::Scrape {
                target,
                t_ms,
                result,
            } => self.apply_target(target, t_ms, |d| d.apply_scrape(t_ms, result)),
            Update::Health {
                target,
                t_ms,
                result,
            } => self.apply_target(target, t_ms, |d| d.apply_health(t_ms, result)),
            Update::Targets(set) => self.apply_targets(set, now_ms),
            Update::Mcp(u) => self.apply_mcp(u),
            Update::Alertmanager(u) => self.apply_alertmanager(u, now_ms),
            Update::Loki(u) => self.apply_loki(u),
            Update::Prometheus(u) => self.apply_prometheus(u),
            Update::File(done) => self.apply_file(done, now_ms),
        }
    }

    /// What time-dependent text shows: the age of the last good scrape in whole seconds.
    /// A tick redraws only when this changes.
    fn clock(&self, now_ms: i64) -> Clock {
        // The header's age (query mode: of the newest sample; else of the last good
        // scrape or answer) counts each second once the numbers are late: older than two
        // refresh intervals. Before that a refresh redraws it anyway, so the second that
        // passes between two refreshes costs no frame of its own (it did: two frames a
        // second in query mode, where the newest sample is 0-2 s old).
        let fresh_ms = 2 * i64::try_from(self.cfg.scrape.interval.as_millis()).unwrap_or(i64::MAX);
        let query = self
            .fleet
            .as_ref()
            .and_then(|f| f.query().map(|q| (q, f.drilled.as_deref())));
        let age_ms = query
            .and_then(|(q, drilled)| q.sampled_ms(drilled))
            .or(self.dashboard.status.scrape.last_ok_ms)
            .map(|t| now_ms.saturating_sub(t).max(0));
        let age = age_ms.map(|a| if a < fresh_ms { -1 } else { a / 1000 });
        // Running calls show their elapsed seconds, the logs screen the age of Loki's
        // last good answer and counts over moving windows.
        let running = if self.mcp.running() > 0 || self.nav.screen == crate::action::Screen::Logs {
            now_ms / 1000
        } else {
            0
        };
        let toast = self.nav.toast.as_ref().is_some_and(|t| t.until_ms > now_ms);
        (age, running, toast, self.audit_stall(now_ms))
    }
}

#[cfg(test)]
#[path = "clock_tests.rs"]
mod clock_tests;
