//! The event loop: the one owner of state. Sources send owned updates over a bounded
//! channel; keys map to actions; a frame is drawn only when something visible changed.

mod alerts;
mod authorize;
mod calls;
pub mod catalog;
pub mod elicit;
mod files;
pub mod fleet;
pub mod follow;
mod keys;
mod log_level;
pub mod logs;
pub mod query;
pub mod setup;
pub mod snapshot;
mod spawn;
pub mod targets;

use std::time::Duration;

use color_eyre::eyre::{Result, eyre};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

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
pub use files::AUDIT_EXIT_WAIT;
pub use logs::LokiLink;
pub use query::PromLink;

/// What time-dependent text shows ([`App::clock`]).
type Clock = (Option<i64>, i64, bool, Option<crate::audit::Stall>);

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
    /// A deploy marked with `D`: when, and the tiles just before.
    pub deploy: Option<DeployMark>,
    /// Whether mouse events are taken (`ui.mouse`, else on unless over SSH).
    pub mouse: bool,
    /// Endpoints that skip TLS verification, warned about in the header.
    pub unverified_tls: Vec<String>,
    /// The text editor of the form in view while it is in raw JSON mode (see
    /// [`crate::input::form::form_key`]).
    pub raw_editor: Option<crate::input::raw_editor::RawEditor>,
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
        Ok(App {
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
            deploy: None,
            mouse: cfg.ui.mouse_on(|k| std::env::var(k).ok()),
            unverified_tls,
            raw_editor: None,
            cfg,
        })
    }

    /// A read-only view for drawing at `now_ms`.
    pub fn view(&self, now_ms: i64) -> View<'_> {
        View {
            target_name: &self.target_name,
            target_url: &self.target_url,
            no_target: self.no_target,
            dashboard: self.shown_dashboard(),
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
        self.apply(update);
        shown
    }

    /// Applies a source's update to the model.
    pub fn apply(&mut self, update: Update) {
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
            Update::Targets(set) => self.apply_targets(set, now_ms()),
            Update::Mcp(u) => self.apply_mcp(u),
            Update::Alertmanager(u) => self.apply_alertmanager(u, now_ms()),
            Update::Loki(u) => self.apply_loki(u),
            Update::Prometheus(u) => self.apply_prometheus(u),
            Update::File(done) => self.apply_file(done, now_ms()),
        }
    }

    /// What time-dependent text shows: the age of the last good scrape in whole seconds.
    /// A tick redraws only when this changes.
    fn clock(&self, now_ms: i64) -> Clock {
        let age = self
            .dashboard
            .status
            .scrape
            .age_secs(now_ms)
            .map(|s| s.floor() as i64);
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

/// `mcptop snapshot`: runs the sources (no TUI, no MCP clients) for `collect`, applying
/// every update as the dashboard does ([`App::apply`]: the tiles, the fleet's rows and the
/// local rules at each scrape), so that the numbers cover `collect` of data, the rules had
/// that long to fire, and Alertmanager and Loki have answered; returns the app as it
/// stands. `progress` hears how far it is about once a second, and once at the end.
///
/// Errors: as [`App::new`] and [`spawn::spawn_sources`]; no target (a snapshot is of metrics); a
/// `collect` too long for the clock.
pub async fn gather(
    cfg: Config,
    collect: Duration,
    mut progress: impl FnMut(snapshot::Collecting),
) -> Result<App> {
    let mut app = App::new(cfg)?;
    if app.no_target {
        return Err(eyre!(
            "no target: pass --target URL (scrape mode) or --prometheus URL (query mode), or \
             set target.url or [prometheus] in the config"
        ));
    }
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = spawn::spawn_sources(&mut app, &tx)?;
    drop(tx);
    let start = Instant::now();
    let deadline = start.checked_add(collect).ok_or_else(|| {
        eyre!(
            "--collect {} is too long",
            humantime::format_duration(collect)
        )
    })?;
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let report = |done: bool| snapshot::Collecting {
        elapsed: start.elapsed().min(collect),
        total: collect,
        done,
    };
    loop {
        tokio::select! {
            Some(u) = rx.recv() => app.apply(u),
            _ = ticker.tick() => progress(report(false)),
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    tasks.abort_all();
    progress(report(true));
    app.refresh_logs(now_ms());
    Ok(app)
}

/// Starts the sources, takes the terminal and runs until the operator quits or a
/// SIGTERM/SIGHUP/SIGINT/SIGQUIT arrives (returned, for the exit status). The terminal is
/// restored on every exit path; a watchdog restores it and exits if the loop is too busy to
/// answer a signal ([`crate::tui::Watchdog`]).
///
/// Errors: a [`crate::exit::Usage`] error for what the user can fix before the dashboard is
/// up (no target, a bad pattern, URL or TLS file, no terminal); else a failure while
/// running.
pub async fn run(cfg: Config) -> Result<Option<crate::tui::Caught>> {
    let mut app = App::new(cfg).map_err(crate::exit::usage)?;
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = spawn::spawn_sources(&mut app, &tx).map_err(crate::exit::usage)?;
    app.files = Some(
        sources::files::spawn(tx.clone()).map_err(|e| eyre!("cannot start the files task: {e}"))?,
    );
    let mut mcp_tasks = tokio::task::JoinSet::new();
    for (i, server) in app.cfg.mcp.servers.iter().enumerate() {
        let handle = sources::mcp::spawn(
            i,
            server.clone(),
            app.cfg.mcp.settings.clone(),
            tx.clone(),
            &mut mcp_tasks,
        );
        app.links.push(Box::new(move |cmd| handle.send(cmd)));
    }
    drop(tx);
    // Before the terminal is taken: a signal from here on restores it within the grace.
    #[cfg(unix)]
    let watchdog = crate::tui::Watchdog::start()?;
    let mut terminal = crate::tui::init(app.mouse)?;
    let result = event_loop(&mut app, &mut terminal, &mut rx, &mut tasks, &mut mcp_tasks).await;
    crate::tui::restore();
    #[cfg(unix)]
    watchdog.restored();
    app.audit_abandoned(now_ms());
    tasks.abort_all();
    // Dropping the links ends the MCP sources, which close their sessions and stop their
    // stdio servers; they get a moment for it before they are aborted (shorter after a
    // signal, which should end the program within a second).
    app.links.clear();
    let close = match result {
        Ok(Some(_)) => Duration::from_millis(500),
        _ => Duration::from_secs(1),
    };
    // Audit lines still waiting (the abandoned calls' among them) get up to AUDIT_EXIT_WAIT
    // (after a signal the same short close), both waits at once; then they are given up.
    let audit_wait = match result {
        Ok(Some(_)) => close,
        _ => AUDIT_EXIT_WAIT,
    };
    let mcp_closed = tokio::time::timeout(close, async {
        while mcp_tasks.join_next().await.is_some() {}
    });
    let _ = tokio::join!(mcp_closed, app.drain_audit(&mut rx, audit_wait));
    mcp_tasks.abort_all();
    result
}

async fn event_loop(
    app: &mut App,
    terminal: &mut DefaultTerminal,
    rx: &mut mpsc::Receiver<Update>,
    tasks: &mut tokio::task::JoinSet<()>,
    mcp_tasks: &mut tokio::task::JoinSet<()>,
) -> Result<Option<crate::tui::Caught>> {
    use crate::tui::{Signal, Suspend};
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut signals = crate::tui::Signals::with_job_control()?;
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut drawn_clock: Clock = (None, 0, false, None);
    // Stopped by Ctrl-Z or SIGTSTP and continued, but the SIGCONT not handled yet: the
    // terminal is the shell's, nothing is drawn.
    let mut suspended = false;
    loop {
        if dirty && !suspended && last_draw.elapsed() >= FRAME {
            let now = now_ms();
            app.refresh_logs(now);
            if let Ok(size) = terminal.size() {
                app.nav.log_rows = ui::logs::rows(size.into());
            }
            terminal.draw(|f| ui::draw_with(f, &app.view(now), &app.theme, app.widgets()))?;
            debug_faults_once_drawn();
            drawn_clock = app.clock(now);
            last_draw = Instant::now();
            dirty = false;
        }
        let frame_due = last_draw + FRAME;
        tokio::select! {
            ev = events.next() => match ev {
                // Raw mode turns Ctrl-Z into a key; the SIGCONT of `fg` takes the terminal
                // again below.
                Some(Ok(Event::Key(k))) if crate::tui::is_suspend_key(&k) => {
                    suspended = crate::tui::suspend(terminal, app.mouse, Suspend::Key)?;
                }
                Some(Ok(Event::Key(k))) => dirty |= app.on_key(&k),
                Some(Ok(Event::Resize(_, _))) => dirty = true,
                Some(Ok(Event::Mouse(m))) => {
                    let width = terminal.size().map_or(80, |s| s.width);
                    dirty |= app.on_mouse(&m, width, now_ms());
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(eyre!("terminal input failed: {e}")),
                None => app.quit = true,
            },
            Some(u) = rx.recv() => {
                dirty |= app.apply_shown(u);
                while let Ok(more) = rx.try_recv() {
                    dirty |= app.apply_shown(more);
                }
            }
            _ = ticker.tick() => dirty |= app.clock(now_ms()) != drawn_clock,
            _ = tokio::time::sleep_until(frame_due), if dirty && !suspended => {}
            Some(ended) = tasks.join_next() => return Err(source_ended(ended)),
            Some(ended) = mcp_tasks.join_next() => return Err(source_ended(ended)),
            signal = signals.recv() => match signal {
                Signal::End(caught) => {
                    tracing::info!(signal = caught.name(), "quitting on signal");
                    return Ok(Some(caught));
                }
                Signal::Stop => {
                    suspended = crate::tui::suspend(terminal, app.mouse, Suspend::Signal)?;
                }
                Signal::Continue => {
                    tracing::info!("continued: taking the terminal again");
                    crate::tui::resume(terminal, app.mouse)?;
                    suspended = false;
                    dirty = true;
                }
            },
        }
        if app.quit {
            return Ok(None);
        }
    }
}

/// Debug builds only, for the end-to-end tests, once the first frame is drawn:
/// `MCPTOP_DEBUG_PANIC=1` panics (a panic restores the terminal), and `MCPTOP_DEBUG_STALL=1`
/// blocks the event loop for 10 s, as a huge update would (a signal still ends the program).
fn debug_faults_once_drawn() {
    if !cfg!(debug_assertions) {
        return;
    }
    if std::env::var_os("MCPTOP_DEBUG_PANIC").is_some() {
        panic!("MCPTOP_DEBUG_PANIC is set: panicking after the first frame");
    }
    static STALLED: std::sync::Once = std::sync::Once::new();
    if std::env::var_os("MCPTOP_DEBUG_STALL").is_some() {
        STALLED.call_once(|| std::thread::sleep(Duration::from_secs(10)));
    }
}

/// Sources loop until the app drops its side: one ending while the app runs is a bug.
fn source_ended(ended: Result<(), tokio::task::JoinError>) -> color_eyre::Report {
    let why = match ended {
        Err(e) if e.is_panic() => "panicked".to_string(),
        Err(e) => e.to_string(),
        Ok(()) => "stopped".to_string(),
    };
    eyre!("a source task {why}; see the log")
}
