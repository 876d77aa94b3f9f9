//! Query mode's source: reads the fleet from a Prometheus-compatible API (Prometheus,
//! Thanos, Cortex/Mimir, VictoriaMetrics) instead of scraping `/metrics`. It detects the
//! metric profile from the series the selector finds, backfills the timeline with
//! `query_range` (history is there at once), then asks the tiles' PromQL every interval,
//! with the timeline points not yet final ([`points`]).
//! The environment can be switched while it runs.

pub mod api;
pub mod client;
pub mod engine;
pub mod points;
pub mod refresh;

use std::time::Duration;

use regex::Regex;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::Update;
use super::backoff::Backoff;
use crate::config::{PromEnv, PrometheusConfig};
use crate::model::profile::kinds;
use crate::model::profile::{CustomProfile, ModuleRule, Profile, ProfileChoice};
use crate::model::promql_text::Promql;
use crate::model::query_mode::{self, PromUpdate, Shape};
use crate::model::series::SeriesKey;
use crate::model::source_error::SourceError;
use crate::model::timeline::Timeline;
use crate::model::timeline_sync::Rules;
use client::PromClient;
use points::Points;
use refresh::Queries;

/// What the source needs besides the environments.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: ProfileChoice,
    pub custom_profile: Option<CustomProfile>,
    /// Time between two refreshes.
    pub interval: Duration,
    /// The tiles' rate window.
    pub range: Duration,
    /// How far back the timeline reaches.
    pub history: Duration,
    pub module_pattern: Regex,
    pub module_label: Option<String>,
    /// Paths mcptop's scrapes and health checks request (see
    /// [`crate::model::dashboard::ModelConfig::polling_paths`]): Prometheus' own scrapes of
    /// them are left out of the request rate as well.
    pub polling_paths: Vec<String>,
}

/// The scrape interval Grafana assumes for `$__rate_interval` when it knows none: the
/// timeline's rate range is at least four of these, so each point spans several samples.
const ASSUMED_SCRAPE: Duration = Duration::from_secs(15);

/// The app's side of the source. Dropping it stops the source.
#[derive(Debug)]
pub struct PromHandle {
    env: watch::Sender<(usize, u64)>,
    at: watch::Sender<Option<i64>>,
    tools: watch::Sender<bool>,
}

impl PromHandle {
    /// Switches to environment `index` as run `run`: updates carry `run` from now on.
    /// Errors: the source has stopped.
    pub fn switch(&self, index: usize, run: u64) -> Result<(), String> {
        self.env
            .send((index, run))
            .map_err(|_| "the Prometheus source has stopped".to_string())
    }

    /// Asks the tiles' queries at the time cursor's instant `t_ms` (Unix ms) once, as
    /// soon as the source is free: the answer comes as [`PromUpdate::At`]. `None` (the
    /// cursor back to live) asks nothing; a newer instant replaces one not yet asked.
    /// Errors: the source has stopped.
    pub fn ask_at(&self, t_ms: Option<i64>) -> Result<(), String> {
        self.at
            .send(t_ms)
            .map_err(|_| "the Prometheus source has stopped".to_string())
    }

    /// Whether the per-tool columns (errors by tool and type, P50/P95/P99 by tool: four
    /// queries) are asked at each refresh: while the By-tool table or a tool's view is
    /// shown. Off at start; turned on, a refresh is asked at once.
    /// Errors: the source has stopped.
    pub fn show_tools(&self, shown: bool) -> Result<(), String> {
        self.tools
            .send(shown)
            .map_err(|_| "the Prometheus source has stopped".to_string())
    }
}

/// Starts reading the environment `cfg.start_index()` as run 0; the task goes into
/// `tasks`.
pub fn spawn(
    cfg: &PrometheusConfig,
    settings: Settings,
    updates: mpsc::Sender<Update>,
    tasks: &mut JoinSet<()>,
) -> PromHandle {
    spawn_with(cfg, settings, Rules::default(), updates, tasks)
}

/// [`spawn`] with the timeline's own rules for points not yet final (how long they stay
/// open, how often gaps are asked again; tests shorten them).
pub fn spawn_with(
    cfg: &PrometheusConfig,
    settings: Settings,
    rules: Rules,
    updates: mpsc::Sender<Update>,
    tasks: &mut JoinSet<()>,
) -> PromHandle {
    let (tx, rx) = watch::channel((cfg.start_index(), 0));
    let (at_tx, at_rx) = watch::channel(None);
    let (tools_tx, tools_rx) = watch::channel(false);
    tasks.spawn(run(
        cfg.environments.clone(),
        settings,
        rules,
        (rx, at_rx, tools_rx),
        updates,
    ));
    PromHandle {
        env: tx,
        at: at_tx,
        tools: tools_tx,
    }
}

/// What the app asks of the source: the environment and run, the time cursor's instant,
/// whether the tool columns are shown.
type Asks = (
    watch::Receiver<(usize, u64)>,
    watch::Receiver<Option<i64>>,
    watch::Receiver<bool>,
);

async fn run(
    envs: Vec<PromEnv>,
    settings: Settings,
    rules: Rules,
    (mut env, mut at, mut tools): Asks,
    updates: mpsc::Sender<Update>,
) {
    loop {
        let (index, run) = *env.borrow_and_update();
        let Some(current) = envs.get(index) else {
            if env.changed().await.is_err() {
                return;
            }
            continue;
        };
        tokio::select! {
            () = follow(run, current, &settings, rules, (&mut at, &mut tools), &updates) => return,
            changed = env.changed() => if changed.is_err() { return },
        }
    }
}

/// Reads one environment until the app goes away; between refreshes, answers the time
/// cursor's instants (`at`); asks the tool columns while `tools` says they are shown.
async fn follow(
    run: u64,
    env: &PromEnv,
    s: &Settings,
    rules: Rules,
    (at, tools): (
        &mut watch::Receiver<Option<i64>>,
        &mut watch::Receiver<bool>,
    ),
    updates: &mpsc::Sender<Update>,
) {
    let send = |u: PromUpdate| async move { updates.send(Update::Prometheus(u)).await.is_ok() };
    let client = match PromClient::new(env) {
        Ok(c) => engine::fresh(c, env).await,
        Err(e) => {
            let _ = send(PromUpdate::Refresh {
                run,
                t_ms: super::now_ms(),
                result: Err(SourceError::Other(e)),
            })
            .await;
            return std::future::pending().await;
        }
    };
    let mut backoff = Backoff::new();
    // The profile: from the config, or detected from the series the selector finds.
    let profile = loop {
        let result = profile(&client, env, s).await.map(Box::new);
        let ok = result.as_deref().ok().cloned();
        if !send(PromUpdate::Profile { run, result }).await {
            return;
        }
        match ok {
            Some(p) => break p,
            None => {
                // The fleet still shows which instances are up meanwhile.
                let t_ms = super::now_ms();
                let shape = Shape {
                    tool_label: None,
                    module_re: &s.module_pattern,
                    modules: ModuleRule::Pattern,
                    range_ms: millis(s.range),
                    top_bucket_s: None,
                };
                if let Ok(a) = refresh::up_only(&client, &env.selector, t_ms).await {
                    let result = Ok(Box::new(query_mode::assemble(&a, &shape)));
                    if !send(PromUpdate::Refresh { run, t_ms, result }).await {
                        return;
                    }
                }
                tokio::time::sleep(backoff.next_delay().max(s.interval)).await;
            }
        }
    };
    let range_ms = millis(s.range);
    let queries = Queries::new(
        Promql::new(&profile, &env.selector, range_ms),
        env.selector.clone(),
    );
    let timeline = Timeline::new(millis(s.history), millis(s.interval));
    let point_range = (timeline.step_ms + millis(ASSUMED_SCRAPE)).max(4 * millis(ASSUMED_SCRAPE));
    // Each refresh asks every timeline point not yet final; the first ask reaches back
    // over the whole history.
    let mut points = Points::new(
        Promql::new(&profile, &env.selector, point_range),
        point_range,
        timeline.step_ms,
        timeline.history_ms,
        rules,
        super::now_ms(),
    );
    let shape_re = s.module_pattern.clone();
    let tool_label = profile.tool_label.clone();
    let modules = profile.modules;
    let top_bucket_s = profile.latency.as_ref().and_then(|l| l.top_finite);
    let mut ticker = tokio::time::interval(s.interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let shape = Shape {
        tool_label: tool_label.as_deref(),
        module_re: &shape_re,
        modules,
        range_ms,
        top_bucket_s,
    };
    // An instant asked before this environment's profile was known is asked now.
    at.mark_changed();
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            changed = at.changed() => {
                if changed.is_err() {
                    return;
                }
                let Some(t_ms) = *at.borrow_and_update() else { continue };
                let with_tools = *tools.borrow();
                let result = refresh::refresh(&client, &queries, t_ms, with_tools)
                    .await
                    .map(|a| Box::new(query_mode::assemble(&a, &shape)));
                if !send(PromUpdate::At { run, t_ms, result }).await {
                    return;
                }
                continue;
            }
            changed = tools.changed() => {
                if changed.is_err() {
                    return;
                }
                // Shown now: their numbers at once, not at the next tick.
                if !*tools.borrow_and_update() {
                    continue;
                }
            }
        }
        let t_ms = super::now_ms();
        for u in points.refresh(&client, run, t_ms).await {
            if !send(u).await {
                return;
            }
        }
        let with_tools = *tools.borrow();
        let result = refresh::refresh(&client, &queries, t_ms, with_tools)
            .await
            .map(|a| Box::new(query_mode::assemble(&a, &shape)));
        if !send(PromUpdate::Refresh { run, t_ms, result }).await {
            return;
        }
    }
}

/// The tiles over the `window` before `t_ms` (the deploy watch's `--baseline`): the same
/// PromQL with `[window]`, evaluated at `t_ms`, over the whole selector.
///
/// Errors: a bad URL, the profile cannot be found, or a query failed.
pub async fn baseline(
    env: &PromEnv,
    s: &Settings,
    window: Duration,
    t_ms: i64,
) -> Result<crate::model::stats::Stats, SourceError> {
    let client = engine::fresh(PromClient::new(env).map_err(SourceError::Other)?, env).await;
    let profile = profile(&client, env, s).await?;
    let range_ms = millis(window);
    let queries = Queries::new(
        Promql::new(&profile, &env.selector, range_ms),
        env.selector.clone(),
    );
    let answers = refresh::refresh(&client, &queries, t_ms, false).await?;
    let shape = Shape {
        tool_label: profile.tool_label.as_deref(),
        module_re: &s.module_pattern,
        modules: profile.modules,
        range_ms,
        top_bucket_s: profile.latency.as_ref().and_then(|l| l.top_finite),
    };
    Ok(query_mode::assemble(&answers, &shape).total)
}

/// The configured profile, or the one whose request metric the selector finds, fitted to
/// the labels of the series there (as scrape mode fits it to a scrape's); `modules.label`
/// applied.
///
/// Errors: the API failed, or no known request metric exists under the selector (auto);
/// `custom` without its table. A named profile whose detection queries fail is used with
/// its first-choice labels.
async fn profile(client: &PromClient, env: &PromEnv, s: &Settings) -> Result<Profile, SourceError> {
    let detected = |found: Result<_, String>| found.map_err(SourceError::Other);
    let found = if s.profile == ProfileChoice::Custom {
        detected(Profile::detect(
            &s.profile,
            s.custom_profile.as_ref(),
            [],
            &s.polling_paths,
        ))
    } else {
        match detection_keys(client, env).await {
            Ok(keys) => detected(Profile::detect(&s.profile, None, &keys, &s.polling_paths)),
            Err(e) if s.profile == ProfileChoice::Auto => Err(e),
            Err(e) => {
                tracing::warn!(error = %e, "query mode: profile detection failed; first-choice labels");
                detected(Profile::detect(&s.profile, None, [], &s.polling_paths))
            }
        }
    };
    let profile = found?.ok_or_else(|| {
        SourceError::Other(format!(
            "no series of a known request metric match {{{}}} (see mcptop --profile list); \
             check the selector or set a profile",
            env.selector_text()
        ))
    })?;
    Ok(profile.with_module_label(s.module_label.as_deref()))
}

/// The series keys detection reads, from two instant queries over the selector (asked
/// once, at detection, outside the refreshes' fixed set of queries): the label sets of
/// every candidate request counter and latency histogram reduced to the labels profiles
/// read (`group by (__name__, status, ...)`), and the `le` bounds of the histograms
/// (`group by (__name__, le)`).
///
/// Errors: a query failed.
async fn detection_keys(client: &PromClient, env: &PromEnv) -> Result<Vec<SeriesKey>, SourceError> {
    let requests = kinds::request_samples();
    let buckets = kinds::bucket_samples();
    let all: Vec<&str> = requests
        .iter()
        .copied()
        .chain(buckets.iter().map(String::as_str))
        .collect();
    let labels = kinds::label_names().join(", ");
    let exprs = [
        format!(
            "group by (__name__, {labels}) ({})",
            selector(env, &all.join("|"))
        ),
        format!(
            "group by (__name__, le) ({})",
            selector(env, &buckets.join("|"))
        ),
    ];
    let mut keys = Vec::new();
    for expr in exprs {
        let answer = client.query(&expr, super::now_ms()).await?;
        if let api::Data::Vector(v) = answer.data {
            keys.extend(v.into_iter().filter_map(|(mut l, _)| {
                let name = l.remove("__name__")?;
                Some(SeriesKey::new(&name, l))
            }));
        }
    }
    Ok(keys)
}

/// `{selector, __name__=~"names"}`.
fn selector(env: &PromEnv, names: &str) -> String {
    let mut matchers: Vec<String> = env.selector.iter().map(ToString::to_string).collect();
    matchers.push(format!("__name__=~\"{names}\""));
    format!("{{{}}}", matchers.join(","))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}
