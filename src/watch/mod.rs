//! `mcptop watch`: the deploy watch. The same sources and model as the dashboard, no TUI:
//! one line per interval (text or JSON) and an exit code a pipeline can act on.
//!
//! Exit codes: 0 healthy for the whole duration; 1 a criterion breached (the watch ends at
//! the first breach); 2 the target (or query API) unreachable for three intervals in a row,
//! or no request rate measured in the whole duration; 3 bad arguments.

mod output;

use std::io::Write;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use crate::config::Config;
use crate::model::criteria::{Criterion, Evaluator, Metric, Verdict};
use crate::model::dashboard::{Dashboard, ModelConfig};
use crate::model::query_mode::PromUpdate;
use crate::model::stats::Stats;
use crate::sources::{self, Update, now_ms};
pub use output::Output;

/// Failed intervals in a row after which the target counts as unreachable.
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

/// One interval's reading.
#[derive(Debug, Clone)]
pub struct Reading {
    /// Unix ms.
    pub t_ms: i64,
    /// Since the watch started.
    pub elapsed: Duration,
    pub stats: Stats,
    /// Targets up (scrape mode: 1 or 0; query mode: instances up), and of how many.
    pub up: Option<(f64, usize)>,
    /// The source's error, when the last attempt failed.
    pub error: Option<String>,
    /// `(criterion as evaluated, verdict)` for each criterion.
    pub verdicts: Vec<(String, Verdict)>,
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

/// Writes one line; a closed reader is not the target's fault, so errors are dropped.
fn emit(out: &mut impl Write, line: &str) {
    let _ = writeln!(out, "{line}");
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
        polling_paths: crate::model::profile::default_polling_paths(),
    };
    let settings = sources::prometheus::Settings {
        profile: cfg.target.profile.clone(),
        custom_profile: cfg.custom_profile.clone(),
        interval: cfg.scrape.interval,
        range: cfg.window.range,
        history: cfg.window.history,
        module_pattern,
        module_label: cfg.modules.label.clone(),
        polling_paths: crate::model::profile::default_polling_paths(),
    };
    if opts.baseline.is_none()
        && let Some(c) = opts
            .criteria
            .iter()
            .find(|c| matches!(c.threshold, crate::model::criteria::Threshold::Baseline(_)))
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
            match sources::prometheus::baseline(env, &settings, window, start_ms).await {
                Ok(s) if s.req_per_sec.is_some() => Some(s),
                Ok(_) => {
                    let why = "baseline: no requests in the window before the watch";
                    emit(out, &opts.output.unreachable(why));
                    emit(
                        out,
                        &opts
                            .output
                            .summary(Exit::Unreachable, None, Duration::ZERO, start_ms),
                    );
                    return Ok(Exit::Unreachable);
                }
                Err(e) => {
                    emit(out, &opts.output.unreachable(&format!("baseline: {e}")));
                    emit(
                        out,
                        &opts
                            .output
                            .summary(Exit::Unreachable, None, Duration::ZERO, start_ms),
                    );
                    return Ok(Exit::Unreachable);
                }
            }
        }
    };
    let mut eval = Evaluator::new(criteria, |m| base.as_ref().and_then(|b| m.value(b, None)))
        .map_err(Stop::Bad)?;
    let started = Instant::now();
    let Some(deadline) = started.checked_add(opts.duration) else {
        return Err(Stop::Bad(format!(
            "--duration {} is too long",
            humantime::format_duration(opts.duration)
        )));
    };
    emit(out, &opts.output.header(&eval, base.as_ref(), &opts));

    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _handle = if query_mode {
        Some(sources::prometheus::spawn(
            &cfg.prometheus,
            settings,
            tx,
            &mut tasks,
        ))
    } else {
        tasks = sources::spawn(&cfg, tx).map_err(|e| Stop::Bad(e.to_string()))?;
        None
    };
    let mut dashboard = Dashboard::new(model);
    let mut up: Option<(f64, usize)> = None;
    // Whether any interval had a request rate: a watch that measured nothing is not healthy.
    let mut measured = false;
    let mut ticker = tokio::time::interval_at(started + cfg.scrape.interval, cfg.scrape.interval);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let exit = loop {
        tokio::select! {
            Some(u) = rx.recv() => apply(&mut dashboard, &mut up, u, query_mode),
            _ = ticker.tick() => {
                let t_ms = now_ms();
                let status = &dashboard.status.scrape;
                let scrape_up = status.last_attempt_ms.map(|_| {
                    (if status.is_ok() { 1.0 } else { 0.0 }, 1)
                });
                let up_now = if query_mode { up } else { scrape_up };
                measured |= dashboard.stats.req_per_sec.is_some();
                // The source answers but the numbers cannot be computed (no request metric).
                let error = status
                    .last_error
                    .clone()
                    .or_else(|| dashboard.profile_problem.clone());
                let verdicts = eval.eval(t_ms, &dashboard.stats, up_now.map(|(n, _)| n));
                let reading = Reading {
                    t_ms,
                    elapsed: started.elapsed(),
                    stats: dashboard.stats.clone(),
                    up: up_now,
                    error,
                    verdicts: verdicts
                        .into_iter()
                        .enumerate()
                        .map(|(i, v)| (eval.describe(i), v))
                        .collect(),
                };
                emit(out, &opts.output.line(&reading));
                if reading.verdicts.iter().any(|(_, v)| matches!(v, Verdict::Breached { .. })) {
                    break (Exit::Breached, Some(reading));
                }
                if status.consecutive_failures >= UNREACHABLE_AFTER {
                    break (Exit::Unreachable, Some(reading));
                }
                if Instant::now() >= deadline {
                    if !measured {
                        // Nothing to judge: say so rather than "healthy".
                        break (Exit::Unreachable, Some(reading));
                    }
                    break (Exit::Healthy, None);
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

/// Applies a source's update to the watch's model.
fn apply(d: &mut Dashboard, up: &mut Option<(f64, usize)>, u: Update, query_mode: bool) {
    match u {
        Update::Scrape { t_ms, result, .. } if !query_mode => d.apply_scrape(t_ms, result),
        Update::Health { t_ms, result, .. } if !query_mode => d.apply_health(t_ms, result),
        // A query API that cannot even say which metrics it has counts as a failed interval.
        Update::Prometheus(PromUpdate::Profile { result: Err(e), .. }) => {
            d.status.scrape.record_err(now_ms(), e.clone());
            d.set_profile(Err(e));
        }
        Update::Prometheus(PromUpdate::Profile { result, .. }) => {
            d.set_profile(result.map(|p| *p));
        }
        Update::Prometheus(PromUpdate::Refresh { t_ms, result, .. }) => match result {
            Ok(r) => {
                let n = r.rows.iter().filter(|row| row.up == Some(true)).count();
                *up = Some((n as f64, r.rows.len()));
                d.apply_stats(t_ms, Ok(r.total));
            }
            Err(e) => d.apply_stats(t_ms, Err(e)),
        },
        _ => {}
    }
}

/// The metric of a criterion, for output.
pub fn metric_value(m: Metric, r: &Reading) -> Option<f64> {
    m.value(&r.stats, r.up.map(|(n, _)| n))
}
