//! `mcptop replay FILE`: the dashboard fed from a recording instead of the sources. The
//! recorded updates go through the same [`App::apply_at`] as live ones (the same
//! `Dashboard::apply_scrape`, rules and alerts), each at its recorded time, and the frame's
//! clock is the replay's: ages, staleness and the tiles are as they were at that instant.
//! The whole recording stays in [`Replay`], so a cursor can go back by replaying into a
//! fresh model up to its instant ([`App::replay_until`]).

use std::path::Path;
use std::time::{Duration, Instant};

use color_eyre::eyre::{Result, eyre};

use super::App;
use crate::config::Config;
use crate::model::alerts::{Alert, AlertOrigin, AlertState, AmSnapshot, AmUpdate};
use crate::model::recording::{Event, Header, RecAlert, RecTarget};
use crate::model::source_error::SourceError;
use crate::screen::Tape;
use crate::screen::tape::SPEEDS;
use crate::sources::Update;
use crate::sources::files::recording::Recording;
use crate::sources::targets::TargetSet;

#[path = "replay_seek.rs"]
mod seek;

/// A replay key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayKey {
    Pause,
    Faster,
    Slower,
}

/// A recording being played back: every record, the next one due, and the replay's clock.
#[derive(Debug)]
pub struct Replay {
    events: Vec<Event>,
    next: usize,
    start_ms: i64,
    end_ms: i64,
    /// The replay's instant, Unix ms (fractions kept so that 1x advances smoothly).
    at_ms: f64,
    /// Index into [`SPEEDS`].
    speed: usize,
    paused: bool,
    dropped_bytes: u64,
    /// When the clock last moved, wall clock.
    moved: Instant,
    /// The model before any record, for a seek back ([`seek::Blank`]).
    blank: Option<Box<seek::Blank>>,
}

impl Replay {
    /// Playing `rec` from its start at 1x.
    pub fn new(rec: Recording) -> Replay {
        let (start_ms, end_ms) = rec.span_ms();
        Replay {
            events: rec.events,
            next: 0,
            start_ms,
            end_ms,
            at_ms: start_ms as f64,
            speed: 0,
            paused: false,
            dropped_bytes: rec.dropped_bytes,
            moved: Instant::now(),
            blank: None,
        }
    }

    /// Every record of the recording, in time order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The recording's first and last instants, Unix ms.
    pub fn span_ms(&self) -> (i64, i64) {
        (self.start_ms, self.end_ms)
    }

    /// The replay's instant, Unix ms.
    pub fn at_ms(&self) -> i64 {
        self.at_ms as i64
    }

    /// The current speed (1, 10 or 60: recorded ms per wall-clock ms).
    pub fn speed(&self) -> u32 {
        SPEEDS[self.speed]
    }

    /// Moves the clock by the wall time since it last moved, times the speed (not while
    /// paused; never past the end); returns the records now due, in order.
    fn advance(&mut self, now: Instant) -> Vec<Event> {
        let wall = now.saturating_duration_since(self.moved);
        self.moved = now;
        if !self.paused {
            let step = wall.as_secs_f64() * 1000.0 * f64::from(self.speed());
            self.at_ms = (self.at_ms + step).min(self.end_ms as f64);
        }
        let at = self.at_ms();
        let mut due = Vec::new();
        while let Some(e) = self.events.get(self.next).filter(|e| e.t_ms() <= at) {
            due.push(e.clone());
            self.next += 1;
        }
        due
    }

    fn tape(&self) -> Tape {
        Tape::Replay {
            speed: self.speed(),
            paused: self.paused,
            at_ms: self.at_ms(),
            ended: self.at_ms() >= self.end_ms,
            dropped_bytes: self.dropped_bytes,
        }
    }
}

/// The config a recording is replayed with: the viewer's own (`viewer`: theme, keys,
/// mouse) with every setting that shapes the numbers taken from the recording's header
/// (interval, timeout, window, history, profile, and its config's thresholds, modules,
/// custom profile, alerts and rules), its targets, and no source at all: no MCP server,
/// Loki, query API or Alertmanager is contacted (Alertmanager's instances are kept by name
/// only, for the recorded alerts).
///
/// Errors: the recorded config does not parse (a recording by a newer mcptop).
pub fn replay_config(viewer: Config, rec: &Recording) -> Result<Config> {
    let h: &Header = &rec.header;
    let recorded = Config::from_toml(&h.config, Path::new("<recording's config>"))
        .map_err(|e| eyre!("the recording's config: {e}"))?;
    let mut cfg = viewer;
    cfg.scrape = recorded.scrape;
    cfg.window = recorded.window;
    cfg.thresholds = recorded.thresholds;
    cfg.modules = recorded.modules;
    cfg.custom_profile = recorded.custom_profile;
    cfg.alerts = recorded.alerts;
    cfg.alerts.read_only = true;
    cfg.rules = recorded.rules;
    cfg.scrape.interval = Duration::from_millis(h.interval_ms.max(1));
    cfg.scrape.timeout = Some(Duration::from_millis(h.timeout_ms));
    cfg.window.range = Duration::from_millis(h.range_ms.max(1));
    cfg.window.history = Duration::from_millis(h.history_ms.max(1));
    cfg.target = crate::config::TargetConfig {
        name: Some(h.name.clone()),
        profile: h.profile.parse().unwrap_or_default(),
        ..crate::config::TargetConfig::default()
    };
    let first = rec.events.iter().find_map(|e| match e {
        Event::Targets { targets, .. } => Some(targets.as_slice()),
        _ => None,
    });
    cfg.targets = first
        .unwrap_or_default()
        .iter()
        .map(|t| crate::config::TargetEntry {
            url: t.url.clone(),
            name: Some(t.name.clone()),
            profile: t.profile.parse().ok(),
            ..crate::config::TargetEntry::default()
        })
        .collect();
    if !h.fleet {
        cfg.target.url = cfg.targets.first().map(|t| t.url.clone());
        cfg.targets.clear();
    } else if cfg.targets.len() < 2 {
        // A fleet from a targets_file: never read in a replay, it keeps the fleet screen.
        cfg.target.targets_file = Some("<recording>".into());
    }
    if cfg.target.url.is_none() && cfg.targets.is_empty() && cfg.target.targets_file.is_none() {
        return Err(eyre!("the recording holds no target"));
    }
    cfg.mcp.servers.clear();
    cfg.mcp.import.clear();
    cfg.bindings.clear();
    cfg.loki.url = None;
    cfg.prometheus = crate::config::PrometheusConfig::default();
    cfg.alertmanager.urls = h.alertmanagers.clone();
    cfg.record = crate::config::RecordConfig::default();
    Ok(cfg)
}

impl App {
    /// The clock of the frame and of keys: the replay's instant in a replay, else the wall
    /// clock (Unix ms).
    pub fn now(&self) -> i64 {
        match &self.replay {
            Some(r) => r.at_ms(),
            None => crate::model::clock::now_ms(),
        }
    }

    /// What the footer says of a replay or a recording.
    pub(super) fn tape(&self) -> Option<Tape> {
        match &self.replay {
            Some(r) => Some(r.tape()),
            None => self.record_tape(),
        }
    }

    /// A replay: moves its clock to `now` (wall clock) and applies the records now due.
    /// Returns whether anything visible changed (a record, or the footer's second).
    pub fn advance_replay(&mut self, now: Instant) -> bool {
        let Some(r) = self.replay.as_mut() else {
            return false;
        };
        let second = r.at_ms() / 1000;
        let due = r.advance(now);
        let moved = r.at_ms() / 1000 != second;
        let changed = !due.is_empty();
        for e in due {
            self.apply_recorded(e);
        }
        changed || moved
    }

    /// Applies every record of `events` up to `until_ms` (Unix ms) at its recorded time:
    /// the model then stands as it stood at that instant.
    pub fn replay_until(&mut self, events: &[Event], until_ms: i64) {
        for e in events.iter().take_while(|e| e.t_ms() <= until_ms) {
            self.apply_recorded(e.clone());
        }
    }

    /// Applies one record as the live update it was.
    pub(super) fn apply_recorded(&mut self, event: Event) {
        let t = event.t_ms();
        match event {
            Event::Targets { targets, .. } => {
                self.apply_at(Update::Targets(target_set(&targets)), t);
            }
            Event::Scrape {
                target,
                t_ms,
                result,
            } => self.apply_at(
                Update::Scrape {
                    target,
                    t_ms,
                    result: result.map_err(SourceError::Other),
                },
                t,
            ),
            Event::Health {
                target,
                t_ms,
                result,
            } => self.apply_at(
                Update::Health {
                    target,
                    t_ms,
                    result: result.map_err(SourceError::Other),
                },
                t,
            ),
            Event::Alerts {
                t_ms,
                instance,
                alerts,
            } => {
                let alerts = alerts.iter().map(|a| alert(a, instance)).collect();
                let snapshot = AmSnapshot {
                    alerts,
                    ..AmSnapshot::default()
                };
                self.apply_at(
                    Update::Alertmanager(AmUpdate::Polled {
                        instance,
                        t_ms,
                        result: Ok(snapshot),
                    }),
                    t,
                );
            }
            Event::Deploy { t_ms, target, set } => {
                self.deploy = set.then(|| super::DeployMark {
                    t_ms,
                    target,
                    before: self.shown_dashboard().stats.clone(),
                });
            }
            Event::Logs {
                t_ms,
                source,
                entries,
            } => self.apply_recorded_logs(t_ms, source, entries),
            Event::Loki { t_ms, change } => self.apply_recorded_loki(t_ms, change),
            Event::End { reason, .. } => {
                self.toast(&format!("the recording ends here: {reason}"), true, t);
            }
        }
    }

    /// A replay key: pause or resume, or the next or previous speed.
    pub(super) fn replay_key(&mut self, key: ReplayKey, now_ms: i64) {
        let Some(r) = self.replay.as_mut() else {
            self.toast(
                "not a replay: `mcptop replay FILE` plays a recording (--record FILE)",
                true,
                now_ms,
            );
            return;
        };
        match key {
            ReplayKey::Pause => r.paused = !r.paused,
            ReplayKey::Faster => r.speed = (r.speed + 1).min(SPEEDS.len() - 1),
            ReplayKey::Slower => r.speed = r.speed.saturating_sub(1),
        }
    }
}

/// The recorded targets as the targets task would have sent them.
fn target_set(targets: &[RecTarget]) -> TargetSet {
    let targets = targets
        .iter()
        .filter_map(|t| {
            let mut target = crate::config::Target::at(&t.url).ok()?;
            target.name = t.name.clone();
            target.health_url = t.health_url.as_deref().and_then(|u| u.parse().ok());
            target.profile = t.profile.parse().unwrap_or_default();
            Some((t.id, target))
        })
        .collect();
    TargetSet {
        targets,
        file_error: None,
    }
}

/// A recorded Alertmanager alert as the source would have sent it.
fn alert(a: &RecAlert, instance: usize) -> Alert {
    let state = match a.state.as_str() {
        "silenced" => AlertState::Silenced,
        "inhibited" => AlertState::Inhibited,
        "resolved" => AlertState::Resolved,
        "pending" => AlertState::Pending,
        _ => AlertState::Firing,
    };
    Alert {
        fingerprint: a.fingerprint.clone(),
        labels: a.labels.clone(),
        annotations: a.annotations.clone(),
        state,
        starts_at_ms: a.starts,
        updated_at_ms: None,
        ends_at_ms: a.ends,
        generator_url: None,
        silenced_by: Vec::new(),
        inhibited_by: Vec::new(),
        receivers: Vec::new(),
        origin: AlertOrigin::Alertmanager {
            instances: vec![instance],
        },
    }
}

/// `mcptop replay FILE`: reads the recording (before the terminal is taken) and runs the
/// dashboard on it; no source starts.
///
/// Errors: the file cannot be read or is not a recording, its config does not parse, or
/// the dashboard cannot start (as [`super::run`]).
pub async fn replay(viewer: Config, path: &Path) -> Result<Option<crate::tui::Caught>> {
    let rec = crate::sources::files::recording::read(path)
        .map_err(|e| crate::exit::usage(eyre!("{e}")))?;
    if rec.dropped_bytes > 0 {
        tracing::warn!(
            bytes = rec.dropped_bytes,
            why = rec.dropped_why.as_deref().unwrap_or(""),
            "recording cut off: replaying up to its last whole record"
        );
    }
    let cfg = replay_config(viewer, &rec).map_err(crate::exit::usage)?;
    let mut app = App::new(cfg).map_err(crate::exit::usage)?;
    app.audit = None;
    app.replay_log_sources(&rec.header, &rec.events);
    if rec.dropped_bytes > 0 {
        let text = format!(
            "the file was cut off: {} bytes at its end dropped ({})",
            rec.dropped_bytes,
            rec.dropped_why.as_deref().unwrap_or("a partial record")
        );
        app.toast(&text, true, rec.header.t);
        if let Some(t) = app.nav.toast.as_mut() {
            t.until_ms = rec.header.t + 3 * super::nav::TOAST_MS;
        }
    }
    app.start_replay(rec);
    super::event_loop::run_app(app, false).await
}

/// `mcptop snapshot --from FILE --at TIME`: the incident report of the instant `at_ms` of
/// `rec`, made by replaying the recording into a fresh model up to it (as the dashboard
/// would have shown it then, the recorded log lines up to then included: the report's most
/// frequent errors are those of the first log source); its timeline adds the recording's
/// deploy marks up to then.
///
/// Errors: as [`replay_config`] and [`App::new`].
pub fn incident_at(
    viewer: Config,
    rec: &Recording,
    at_ms: i64,
) -> Result<crate::model::snapshot::Incident> {
    let cfg = replay_config(viewer, rec)?;
    let mut app = App::new(cfg)?;
    app.audit = None;
    app.replay_log_sources(&rec.header, &rec.events);
    app.replay_until(&rec.events, at_ms);
    app.refresh_logs(at_ms);
    let mut incident = app.incident(at_ms);
    incident.marks = rec
        .events
        .iter()
        .take_while(|e| e.t_ms() <= at_ms)
        .filter_map(|e| match e {
            Event::Deploy { t_ms, target, set } => Some((
                *t_ms,
                if *set {
                    format!("deploy marked ({target})")
                } else {
                    format!("deploy mark cleared ({target})")
                },
            )),
            _ => None,
        })
        .collect();
    Ok(incident)
}
