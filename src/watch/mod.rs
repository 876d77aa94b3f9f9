//! `mcptop watch`: the deploy watch. The same sources and model as the dashboard, no TUI:
//! one line per interval (text or JSON) and an exit code a pipeline can act on.
//!
//! In scrape mode every target is watched on its own, as the dashboard's fleet does: its own
//! series and numbers ([`Dashboard`]), its own `/health`, its own criteria timers; each
//! interval gives one line per target, and the watch fails when any target does, naming it.
//! A target added by `targets_file` mid-watch is watched from then on (with its own
//! warm-up); one removed is no longer judged. Query mode reads the fleet through the API, as
//! one line per interval.
//!
//! A scraped target is judged only once its rate window holds `max(4 intervals, 30 s)` of
//! data, at most `window.range` ([`WarmUp`]); until then its intervals say `warming up` and
//! no criterion is evaluated. A query API holds the history, so query mode judges at once.
//!
//! Exit codes:
//! - 0: healthy: every target judged, and no criterion breached for the whole duration;
//! - 1: a criterion breached at a target (the watch ends at the first breached interval);
//! - 2: a target (or the query API) failing for three intervals in a row: its scrape
//!   failed, or its `/health` check did (an error, a non-2xx answer other than 404, 405,
//!   401 and 403, or a `status` that is not ok); or a target watched from the start was
//!   never judged in the whole duration (no request metric, or still warming up);
//! - 3: bad arguments (also a `--duration` that ends before judging can begin).

mod fleet;
mod output;
mod target;

use std::io::Write;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use crate::config::Config;
use crate::model::clock::now_ms;
use crate::model::criteria::{Criterion, Evaluator, Metric, Threshold, Verdict, WarmUp};
use crate::model::dashboard::ModelConfig;
use crate::sources::{self, Update};
use fleet::Fleet;
pub use output::Output;
pub use target::{Reading, WarmingUp};

/// Failed attempts in a row (of a target's scrape or health check, or of the query API)
/// after which it counts as unreachable.
const UNREACHABLE_AFTER: u32 = 3;

/// How a watch ended; its value is the process exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Healthy = 0,
    Breached = 1,
    Unreachable = 2,
    BadArguments = 3,
}

/// What to watch for, from the command line.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// How long to watch.
    pub duration: Duration,
    /// `--fail-if`; the rollback criteria of the operations manual when empty.
    pub criteria: Vec<Criterion>,
    /// `--baseline 5m`: relative criteria compare with the window before the watch.
    pub baseline: Option<Duration>,
    pub output: Output,
}

/// Why a watch failed: the interval that decided it and what was wrong then.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The first failing interval: the breached one, the first of the failing run, or the
    /// last interval of a target never judged. Its `target` names the target.
    pub reading: Reading,
    /// `error_rate > 10%`, `source failing: ...` or `never judged: ...`.
    pub why: String,
}

/// A change of the scrape targets (`targets_file`) mid-watch.
#[derive(Debug, Clone)]
pub struct TargetsChange {
    /// Unix ms.
    pub t_ms: i64,
    /// Since the watch started.
    pub elapsed: Duration,
    /// Every target now watched, by name.
    pub targets: Vec<String>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// Why `targets_file` could not be read (its earlier targets are kept).
    pub file_error: Option<String>,
}

/// What the start line says besides the criteria.
#[derive(Debug, Clone)]
pub struct Start {
    /// Scrape mode: the targets, by name; `None` in query mode.
    pub targets: Option<Vec<String>>,
    /// Text names the targets (several, or a `targets_file`).
    pub named: bool,
    /// Scrape mode: the range of data a target's rate window must hold before it is
    /// judged, about the time since start when judging begins; `None` (query mode): at once.
    pub judging_from: Option<Duration>,
    /// Why `targets_file` could not be read in part.
    pub file_error: Option<String>,
}

/// Runs the watch, writing lines to `out`; returns how it ended. A reader that stops
/// reading (`| head -1`) does not change the outcome: lines it would not read are dropped
/// and the watch runs to its real end.
pub async fn run(cfg: Config, opts: WatchOptions, out: &mut impl Write) -> Exit {
    match watch(cfg, opts, out).await {
        Ok(exit) => exit,
        Err(Stop::Bad(why)) => {
            let _ = writeln!(std::io::stderr(), "mcptop watch: {why}");
            Exit::BadArguments
        }
    }
}

enum Stop {
    Bad(String),
}

/// Writes one line; a closed reader is not the target's fault, so errors are dropped. The
/// line is made one line without control sequences ([`crate::inbound::one_line`]) as a last
/// guard: outside text in it was already cleaned where it entered.
fn emit(out: &mut impl Write, line: &str) {
    let _ = writeln!(out, "{}", crate::inbound::one_line(line));
    let _ = out.flush();
}

async fn watch(cfg: Config, opts: WatchOptions, out: &mut impl Write) -> Result<Exit, Stop> {
    let query_mode = cfg.prometheus.enabled();
    if !query_mode && !cfg.has_targets() {
        return Err(Stop::Bad(
            "nothing to watch: pass --target URL, or --prometheus URL (query mode), or set \
             target.url / [prometheus] in the config"
                .into(),
        ));
    }
    let module_pattern = regex::Regex::new(&cfg.modules.pattern)
        .map_err(|e| Stop::Bad(format!("modules.pattern: {e}")))?;
    let model = ModelConfig {
        profile: cfg.target.profile.clone(),
        custom_profile: cfg.custom_profile.clone(),
        range: cfg.window.range,
        history: cfg.window.history,
        interval: cfg.scrape.interval,
        module_pattern: module_pattern.clone(),
        module_label: cfg.modules.label.clone(),
        polling_paths: cfg.polling_paths(),
    };
    let settings = sources::prometheus::Settings {
        profile: cfg.target.profile.clone(),
        custom_profile: cfg.custom_profile.clone(),
        interval: cfg.scrape.interval,
        range: cfg.window.range,
        history: cfg.window.history,
        module_pattern,
        module_label: cfg.modules.label.clone(),
        polling_paths: cfg.polling_paths(),
    };
    if opts.baseline.is_none()
        && let Some(c) = opts
            .criteria
            .iter()
            .find(|c| matches!(c.threshold, Threshold::Baseline(_)))
    {
        return Err(Stop::Bad(format!(
            "--fail-if '{c}' compares with a baseline: add --baseline DURATION (query mode)"
        )));
    }
    let criteria = if opts.criteria.is_empty() {
        crate::model::criteria::defaults()
    } else {
        opts.criteria.clone()
    };
    let warm_up = (!query_mode).then(|| WarmUp::new(cfg.scrape.interval, cfg.window.range));
    if let Some(w) = warm_up
        && opts.duration < w.need()
    {
        return Err(Stop::Bad(format!(
            "--duration {} ends before any target can be judged: judging begins once a \
             target's rate window holds {} of data (the larger of 4 intervals and 30s, at \
             most --window); watch for {} or more",
            humantime::format_duration(opts.duration),
            humantime::format_duration(w.need()),
            humantime::format_duration(w.need()),
        )));
    }
    let start_ms = now_ms();
    let base = match opts.baseline {
        None => None,
        Some(_) if !query_mode => {
            return Err(Stop::Bad(
                "--baseline needs query mode (--prometheus URL): only a Prometheus holds the \
                 window before the watch started"
                    .into(),
            ));
        }
        Some(window) => {
            let envs = &cfg.prometheus.environments;
            let env = envs
                .get(cfg.prometheus.start_index())
                .or(envs.first())
                .ok_or_else(|| Stop::Bad("no environment".into()))?;
            let why = match sources::prometheus::baseline(env, &settings, window, start_ms).await {
                Ok(s) if s.req_per_sec.is_some() => Ok(s),
                Ok(_) => Err("baseline: no requests in the window before the watch".to_string()),
                Err(e) => Err(format!("baseline: {e}")),
            };
            match why {
                Ok(s) => Some(s),
                Err(why) => {
                    emit(out, &opts.output.unreachable(&why));
                    let end =
                        opts.output
                            .summary(Exit::Unreachable, None, Duration::ZERO, start_ms);
                    emit(out, &end);
                    return Ok(Exit::Unreachable);
                }
            }
        }
    };
    let eval = Evaluator::new(criteria, |m| base.as_ref().and_then(|b| m.value(b, None)))
        .map_err(Stop::Bad)?;
    let started = Instant::now();
    let Some(deadline) = started.checked_add(opts.duration) else {
        return Err(Stop::Bad(format!(
            "--duration {} is too long",
            humantime::format_duration(opts.duration)
        )));
    };

    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let mut fleet = Fleet::new(model, eval, warm_up, cfg.scrape_fleet());
    let mut early = Vec::new();
    let (_handle, first) = if query_mode {
        let handle = sources::prometheus::spawn(&cfg.prometheus, settings, tx, &mut tasks);
        fleet.query_mode();
        (Some(handle), None)
    } else {
        tasks = sources::spawn(&cfg, tx).map_err(|e| Stop::Bad(e.to_string()))?;
        // The targets come first; a result that overtook them is applied after.
        let first = loop {
            match rx.recv().await {
                Some(Update::Targets(set)) => break set,
                Some(u) => early.push(u),
                None => return Err(Stop::Bad("the scrape targets did not start".into())),
            }
        };
        (None, Some(first))
    };
    let start = Start {
        targets: first
            .as_ref()
            .map(|s| s.targets.iter().map(|(_, t)| t.name.clone()).collect()),
        named: fleet.named,
        judging_from: warm_up.map(WarmUp::need),
        file_error: first.as_ref().and_then(|s| s.file_error.clone()),
    };
    if let Some(set) = first {
        fleet.set_targets(set, Duration::ZERO, start_ms);
    }
    for u in early {
        fleet.apply(u, Duration::ZERO, start_ms);
    }
    emit(
        out,
        &opts
            .output
            .header(&fleet.template, base.as_ref(), &opts, &start),
    );

    let mut ticker = tokio::time::interval_at(started + cfg.scrape.interval, cfg.scrape.interval);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let exit = loop {
        tokio::select! {
            Some(u) = rx.recv() => {
                if let Some(change) = fleet.apply(u, started.elapsed(), now_ms()) {
                    emit(out, &opts.output.targets(&change));
                }
            }
            _ = ticker.tick() => {
                let (t_ms, elapsed) = (now_ms(), started.elapsed());
                let width = fleet.name_width();
                let mut breached = None;
                let mut unreachable = None;
                for w in fleet.watched.values_mut() {
                    for unseen in w.unseen().into_iter().chain(w.partial_change()) {
                        emit(out, &opts.output.warning(t_ms, elapsed, w.name.as_deref(), &unseen));
                    }
                    let r = w.read(t_ms, elapsed);
                    emit(out, &opts.output.line(&r, width));
                    if breached.is_none() && r.breached() {
                        let why = r
                            .verdicts
                            .iter()
                            .filter(|(_, v)| matches!(v, Verdict::Breached { .. }))
                            .map(|(what, _)| what.as_str())
                            .collect::<Vec<_>>()
                            .join(", ");
                        breached = Some(Failure { reading: r, why });
                    } else if unreachable.is_none() && w.failures() >= UNREACHABLE_AFTER {
                        let first = w.failing_since.clone().unwrap_or(r);
                        let why = format!(
                            "source failing: {}",
                            first.error.as_deref().unwrap_or("no answer")
                        );
                        unreachable = Some(Failure { reading: first, why });
                    }
                }
                fleet.any_judged |= fleet.watched.values().any(|w| w.judged);
                if let Some(f) = breached {
                    break (Exit::Breached, Some(f));
                }
                if let Some(f) = unreachable {
                    break (Exit::Unreachable, Some(f));
                }
                if Instant::now() >= deadline {
                    break fleet.at_end(out, opts.output);
                }
            }
        }
    };
    tasks.abort_all();
    emit(
        out,
        &opts
            .output
            .summary(exit.0, exit.1.as_ref(), started.elapsed(), start_ms),
    );
    Ok(exit.0)
}

/// The metric of a criterion, for output.
pub fn metric_value(m: Metric, r: &Reading) -> Option<f64> {
    m.value(&r.stats, r.up.map(|(n, _)| n))
}
