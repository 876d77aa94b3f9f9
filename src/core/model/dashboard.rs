//! The model of one target: the series it keeps, its status and the numbers derived from
//! them. Fed with owned scrape and health results; knows nothing of HTTP or terminals.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use regex::Regex;

use super::past::PastStats;
use super::profile::{CustomProfile, PROCESS_METRICS, Profile, ProfileChoice, kinds};
use super::series::{Sample, SeriesKey, SeriesStore};
use super::source_error::SourceError;
use super::stats::{self, Stats};
use super::status::{HealthInfo, TargetStatus};
use super::timeline::Timeline;
use super::tool_history::ToolHistory;

/// An exposition's own timestamp further ahead of the scrape than this is not believed (a
/// timestamp written in µs, a clock years off): the scrape's time is used instead, so that
/// one such sample cannot hold every later sample of its series back as out of order.
const FUTURE_SLACK_MS: i64 = 10 * 60 * 1000;
/// One sample of a scrape, owned.
#[derive(Debug, Clone, PartialEq)]
pub struct ScrapedSample {
    /// Shared with the scrape task's [`super::series::Interner`] and, once stored, the
    /// store: a series seen again costs no allocation.
    pub key: Arc<SeriesKey>,
    pub value: f64,
    /// The exposition's own timestamp (ms), when it gave one; else the scrape time is used
    /// (as Prometheus with `honor_timestamps: true`).
    pub timestamp_ms: Option<i64>,
}

/// A successful scrape.
#[derive(Debug, Clone, PartialEq)]
pub struct Scrape {
    /// When the scrape started, Unix ms: the samples' time.
    pub t_ms: i64,
    /// How long it took.
    pub duration: Duration,
    /// Size of the body, bytes.
    pub bytes: usize,
    pub samples: Vec<ScrapedSample>,
}

/// Settings of the model.
#[derive(Debug, Clone)]
pub struct ModelConfig {
    pub profile: ProfileChoice,
    pub custom_profile: Option<CustomProfile>,
    /// Rate window, like `[5m]`.
    pub range: Duration,
    /// History kept for the timeline.
    pub history: Duration,
    /// Scrape interval.
    pub interval: Duration,
    /// Module pattern, see [`stats::module_of`].
    pub module_pattern: Regex,
    /// Label to read the tool name from instead of the profile's.
    pub module_label: Option<String>,
    /// Paths mcptop itself requests of the target (its metrics and health paths, e.g.
    /// `/metrics/prometheus`): HTTP instrumentation counts them like any request, so the
    /// profile leaves series with a path label holding one out of the numbers. Default
    /// [`super::profile::default_polling_paths`].
    pub polling_paths: Vec<String>,
}

impl ModelConfig {
    /// The model of one target of a fleet: these settings with the target's own profile
    /// choice and the paths of its own scrapes and health checks.
    #[must_use]
    pub fn for_target(&self, profile: ProfileChoice, polling_paths: Vec<String>) -> ModelConfig {
        ModelConfig {
            profile,
            polling_paths,
            ..self.clone()
        }
    }
}

/// Every sample name a [`Dashboard`] may read from a scrape: the request counters and
/// latency `_bucket`s of the known profiles (what detection looks at, and what any of them
/// stores), [`PROCESS_METRICS`], and the custom profile's `requests` and `latency_bucket`.
/// The scrape source drops every other sample as it reads it
/// ([`super::exposition::intake::Intake`]): the model would never store it, and
/// detection, the tiles, the timeline, the rules and the snapshot read only what the model
/// stores.
#[must_use]
pub fn stored_sample_names(custom: Option<&CustomProfile>) -> HashSet<String> {
    let mut names: HashSet<String> = kinds::request_samples()
        .into_iter()
        .map(str::to_string)
        .chain(kinds::bucket_samples())
        .chain(PROCESS_METRICS.iter().map(|n| n.to_string()))
        .collect();
    if let Some(c) = custom {
        names.insert(c.requests.clone());
        names.extend(c.latency_bucket.clone());
    }
    names
}

/// State of one watched target.
#[derive(Debug)]
pub struct Dashboard {
    cfg: ModelConfig,
    profile: Option<Profile>,
    /// Why no profile is active, when none is.
    pub profile_problem: Option<String>,
    /// Request counters and process metrics, kept for the whole history.
    counters: SeriesStore,
    /// Latency buckets, kept for the rate window only.
    buckets: SeriesStore,
    pub status: TargetStatus,
    pub stats: Stats,
    pub timeline: Timeline,
    /// The tiles as they were, one per timeline step, for the time cursor.
    past: PastStats,
    /// Each tool's call rate over the history (scrape mode), for its sparkline.
    pub tool_history: ToolHistory,
    /// Whether [`Stats::tools`] is computed at every scrape ([`Dashboard::want_tools`]).
    tools_wanted: bool,
}

impl Dashboard {
    pub fn new(cfg: ModelConfig) -> Dashboard {
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        let timeline = Timeline::new(ms(cfg.history), ms(cfg.interval));
        // Past timeline points are kept as points, so samples are needed only for the
        // newest rate window of the tiles or of a timeline point.
        let needed = cfg
            .range
            .max(Duration::from_millis(timeline.range_ms.max(0) as u64));
        let counters = SeriesStore::with_interval(
            needed + Duration::from_millis(timeline.step_ms.max(0) as u64) + cfg.interval * 2,
            cfg.interval,
        );
        let buckets = SeriesStore::with_interval(cfg.range + cfg.interval * 2, cfg.interval);
        let past = PastStats::new(timeline.step_ms, timeline.history_ms, ms(cfg.range));
        Dashboard {
            cfg,
            profile: None,
            profile_problem: None,
            counters,
            buckets,
            status: TargetStatus::default(),
            stats: Stats::default(),
            past,
            tool_history: ToolHistory::like(&timeline),
            timeline,
            tools_wanted: true,
        }
    }

    /// Scrape mode: whether the live tool rows ([`Stats::tools`]) are wanted, i.e. shown
    /// (true from [`Dashboard::new`]). While they are not, a scrape computes them only
    /// when the time cursor keeps its instant (the first of each timeline step, see
    /// [`PastStats`]), and the live `stats.tools` may be empty or from an earlier scrape.
    /// Wanting them again computes them at once, at the latest evaluation, as that scrape
    /// would have: the same instant, range and samples.
    ///
    /// Per-tool rows cost a quarter of a scrape's model update (the grouped sums and a
    /// quantile per tool); the tools screen is one of six.
    pub fn want_tools(&mut self, wanted: bool) {
        let was = std::mem::replace(&mut self.tools_wanted, wanted);
        if !wanted || was {
            return;
        }
        let Some(profile) = &self.profile else {
            return;
        };
        if self.counters.series_count() == 0 {
            // Nothing scraped (or query mode, whose rows come with its answers).
            return;
        }
        self.stats.tools = super::tool_stats::compute(
            profile,
            &self.counters,
            &self.buckets,
            &self.cfg.module_pattern,
            self.stats.eval_ms,
            self.stats.range_ms,
        );
    }

    /// The active profile, once resolved.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref()
    }

    /// The settings it was made with (a fresh one with the same: `Dashboard::new(d.model().clone())`).
    pub fn model(&self) -> &ModelConfig {
        &self.cfg
    }

    /// Range of the rate window, ms.
    pub fn range_ms(&self) -> i64 {
        i64::try_from(self.cfg.range.as_millis()).unwrap_or(i64::MAX)
    }

    /// Applies a scrape result at `t_ms` and recomputes the numbers.
    pub fn apply_scrape(&mut self, t_ms: i64, result: Result<Scrape, SourceError>) {
        match result {
            Ok(scrape) => {
                self.status.scrape.record_ok(t_ms);
                self.status.scrape_duration_secs = Some(scrape.duration.as_secs_f64());
                self.status.scrape_bytes = Some(scrape.bytes);
                self.ingest(&scrape);
            }
            Err(e) => self.status.scrape.record_err(t_ms, e),
        }
    }

    /// Applies a health-check result at `t_ms`.
    pub fn apply_health(&mut self, t_ms: i64, result: Result<HealthInfo, SourceError>) {
        match result {
            Ok(info) => {
                self.status.health.record_ok(t_ms);
                self.status.health_info = Some(info);
            }
            Err(e) => self.status.health.record_err(t_ms, e),
        }
    }

    fn ingest(&mut self, scrape: &Scrape) {
        if self.wants_detection(scrape) {
            let keys = scrape.samples.iter().map(|s| &*s.key);
            let found = Profile::detect(
                &self.cfg.profile,
                self.cfg.custom_profile.as_ref(),
                keys,
                &self.cfg.polling_paths,
            );
            match found {
                Ok(Some(p)) => self.adopt(p),
                Ok(None) if self.profile.is_none() => {
                    self.profile_problem = Some(
                        "no known request metric in /metrics (see mcptop --profile list); set a \
                         profile"
                            .into(),
                    );
                }
                Ok(None) => {}
                Err(e) => self.profile_problem = Some(e),
            }
        }
        let Some(profile) = &self.profile else {
            return;
        };
        for s in &scrape.samples {
            let name = &*s.key.name;
            if !profile.wants(name) {
                continue;
            }
            let sample = Sample {
                t_ms: s
                    .timestamp_ms
                    .filter(|t| *t <= scrape.t_ms.saturating_add(FUTURE_SLACK_MS))
                    .unwrap_or(scrape.t_ms),
                v: s.value,
            };
            let store = if profile.keeps_history(name) {
                &mut self.counters
            } else {
                &mut self.buckets
            };
            store.push_shared(&s.key, sample);
        }
        self.counters.trim(scrape.t_ms);
        self.buckets.trim(scrape.t_ms);
        self.recompute(scrape.t_ms);
    }

    /// Whether this scrape's series are looked at for a profile: while there is none; when
    /// the one named in the config had not seen its series and they are here; when an
    /// auto-detected one is outranked by a profile whose counter is here (one placed higher
    /// may appear later, see [`super::profile::kinds`]). The last two look at names only,
    /// so a settled profile costs a scrape one pass over its names.
    fn wants_detection(&self, scrape: &Scrape) -> bool {
        let Some(p) = &self.profile else {
            return true;
        };
        let rank = p.kind.rank();
        let auto = self.cfg.profile == ProfileChoice::Auto;
        if p.matched && (!auto || rank == 0) {
            return false;
        }
        scrape.samples.iter().any(|s| {
            kinds::counter_rank(&s.key.name)
                .is_some_and(|r| (auto && r < rank) || (!p.matched && r == rank))
        })
    }

    /// Takes `p` when there is no profile yet, or when it is better than the current one:
    /// fitted to series where the current one was not, or placed higher in detection's
    /// order (an MCP-level profile over `http`). A change forgets the series held, which
    /// belonged to the old profile.
    fn adopt(&mut self, p: Profile) {
        let better = match &self.profile {
            None => true,
            Some(cur) => (p.matched && !cur.matched) || p.kind.rank() < cur.kind.rank(),
        };
        if !better {
            return;
        }
        if self.profile.is_some() {
            self.counters.clear();
            self.buckets.clear();
            self.timeline.clear();
            self.past.clear();
            self.tool_history.clear();
        }
        self.profile = Some(p.with_module_label(self.cfg.module_label.as_deref()));
        self.profile_problem = None;
    }

    fn recompute(&mut self, eval_ms: i64) {
        let Some(profile) = &self.profile else {
            return;
        };
        let interval_ms = i64::try_from(self.cfg.interval.as_millis()).unwrap_or(i64::MAX);
        let range_ms = stats::effective_range_ms(
            profile,
            &self.counters,
            eval_ms,
            self.range_ms(),
            interval_ms,
        );
        let tools = self.tools_wanted || self.past.keeps(eval_ms);
        self.stats = stats::compute(
            profile,
            &self.counters,
            &self.buckets,
            &self.cfg.module_pattern,
            eval_ms,
            range_ms,
            tools,
        );
        self.timeline.update(profile, &self.counters, eval_ms);
        self.tool_history.update(profile, &self.counters, eval_ms);
        self.past.record(&self.stats);
    }

    /// The tiles of past instants (scrape mode), for the time cursor: [`PastStats`].
    pub fn past(&self) -> &PastStats {
        &self.past
    }

    /// Query mode: the profile the source uses, or why it has none.
    pub fn set_profile(&mut self, result: Result<Profile, SourceError>) {
        match result {
            Ok(p) => {
                self.profile = Some(p);
                self.profile_problem = None;
            }
            Err(e) => self.profile_problem = Some(e.to_string()),
        }
    }

    /// Query mode: the tiles a query API computed at `t_ms`, or why the refresh failed
    /// (the numbers then stay, and age, as in scrape mode). Good ones are kept for the
    /// time cursor as scrape mode's are ([`Dashboard::past`]).
    pub fn apply_stats(&mut self, t_ms: i64, result: Result<Stats, SourceError>) {
        match result {
            Ok(stats) => {
                self.status.scrape.record_ok(t_ms);
                self.past.record(&stats);
                self.stats = stats;
            }
            Err(e) => self.status.scrape.record_err(t_ms, e),
        }
    }

    /// Series held, for the status line and memory accounting.
    pub fn series_count(&self) -> usize {
        self.counters.series_count() + self.buckets.series_count()
    }

    /// Samples held.
    pub fn sample_count(&self) -> usize {
        self.counters.sample_count() + self.buckets.sample_count()
    }
}

#[cfg(test)]
#[path = "dashboard_tests.rs"]
mod tests;
