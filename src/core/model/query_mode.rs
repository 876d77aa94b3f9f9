//! Query mode's numbers: the answers of a Prometheus-compatible API to the tiles' PromQL
//! ([`super::promql_text::Promql`]) turned into the same [`Stats`] scrape mode computes,
//! for the whole selector and for each instance, plus the fleet's rows.

use std::collections::{BTreeMap, HashMap};

use regex::Regex;

use super::fleet::InstanceRow;
use super::profile::ModuleRule;
use super::source_error::SourceError;
use super::stats::{ModuleShare, Stats, module_of};
use super::timeline::Point;
use super::tool_answers::{self, ToolAnswers};
use super::up_state::{TargetSeen, UpSample, reconcile};

/// Labels of one series.
pub type Labels = BTreeMap<String, String>;

/// An instant vector: each series' labels and value.
pub type Vector = Vec<(Labels, f64)>;

/// A range vector: each series' labels and `(Unix ms, value)` points.
pub type Matrix = Vec<(Labels, Vec<(i64, f64)>)>;

/// The answers to one set of tile queries (see [`super::promql_text::Promql`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TileAnswers {
    /// Requests per second.
    pub requests: Vector,
    /// Errors per second; empty while no error series exists.
    pub errors: Vector,
    /// Latency quantiles, seconds; empty without a latency histogram.
    pub p50: Vector,
    pub p95: Vector,
    pub p99: Vector,
    /// Tool calls per second by the profile's tool label.
    pub by_tool: Vector,
    /// Resident memory, bytes.
    pub memory: Vector,
}

impl TileAnswers {
    /// The whole selector's requests, errors, calls by tool and memory from the answers
    /// `by (instance)`, so they need no queries of their own: the sums over the instances
    /// (`sum without (instance)`: what `sum(...)` answers, bar the order of the additions)
    /// and the largest memory (`max`, exactly). The quantiles are left as they are: a
    /// quantile of the whole is not one of its instances' quantiles.
    pub fn fill_total_from(&mut self, by_instance: &TileAnswers) {
        self.requests = sum_without_instance(&by_instance.requests);
        self.errors = sum_without_instance(&by_instance.errors);
        self.by_tool = sum_without_instance(&by_instance.by_tool);
        self.memory = by_instance
            .memory
            .iter()
            .map(|(_, v)| *v)
            .reduce(|a, b| if b > a || a.is_nan() { b } else { a })
            .map(|v| vec![(Labels::new(), v)])
            .unwrap_or_default();
    }
}

/// `sum without (instance) (v)`: the values summed by their labels but `instance`, in the
/// order of those labels.
pub fn sum_without_instance(v: &Vector) -> Vector {
    let mut sums: BTreeMap<Labels, f64> = BTreeMap::new();
    for (labels, value) in v {
        let mut key = labels.clone();
        key.remove("instance");
        *sums.entry(key).or_insert(0.0) += value;
    }
    sums.into_iter().collect()
}

/// The quantiles of the tiles, P50, P95 and P99.
pub const TILE_QUANTILES: [f64; 3] = [0.5, 0.95, 0.99];

/// `histogram_quantile(q, buckets)` for each `q` of `qs`, as Prometheus evaluates it over
/// an instant vector of buckets per second (promql/functions.go `funcHistogramQuantile`):
/// the series are grouped by their labels but `le` (and `__name__`), each group's
/// `(le, value)` pairs go to [`super::promql::histogram_quantile`], and a series whose
/// `le` is missing or not a number is left out. One vector per `q`, each with one series
/// per group (NaN where Prometheus answers NaN: no `+Inf` bucket, no observations), in
/// the order of the groups' labels. Input: [`super::promql_text::Promql::buckets`]'s answer.
#[must_use]
pub fn quantiles<const N: usize>(buckets: &Vector, qs: [f64; N]) -> [Vector; N] {
    // The series with a good `le`, sorted by their other labels: each group is a run,
    // found without copying a label set (one copy per group, for the answer).
    fn grouped(l: &Labels) -> impl Iterator<Item = (&String, &String)> {
        l.iter().filter(|(k, _)| *k != "le" && *k != "__name__")
    }
    let mut good: Vec<(&Labels, f64, f64)> = buckets
        .iter()
        .filter_map(|(l, v)| Some((l, super::query::parse_le(l.get("le")?)?, *v)))
        .collect();
    good.sort_by(|a, b| grouped(a.0).cmp(grouped(b.0)));
    let mut out: [Vector; N] = std::array::from_fn(|_| Vector::new());
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut i = 0;
    while i < good.len() {
        let first = good[i].0;
        run.clear();
        while i < good.len() && grouped(good[i].0).eq(grouped(first)) {
            run.push((good[i].1, good[i].2));
            i += 1;
        }
        let labels: Labels = grouped(first)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (slot, q) in out.iter_mut().zip(qs) {
            let value = super::promql::histogram_quantile(q, &mut run.clone());
            slot.push((labels.clone(), value));
        }
    }
    out
}

impl TileAnswers {
    /// P50, P95 and P99 from the buckets per second ([`quantiles`]).
    pub fn set_quantiles(&mut self, buckets: &Vector) {
        let [p50, p95, p99] = quantiles(buckets, TILE_QUANTILES);
        (self.p50, self.p95, self.p99) = (p50, p95, p99);
    }
}

/// A target as `/api/v1/targets` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetState {
    pub labels: Labels,
    /// The last scrape's error; empty when it succeeded.
    pub last_error: String,
    /// When the last scrape ran (`lastScrape`), Unix ms, when known.
    pub last_scrape_ms: Option<i64>,
}

/// Everything one refresh asked, at `t_ms`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    pub t_ms: i64,
    /// The tiles over the whole selector (`sum(...)`).
    pub total: TileAnswers,
    /// The same with `by (instance)`.
    pub by_instance: TileAnswers,
    /// The per-tool columns over the whole selector (not asked by instance).
    pub tools: ToolAnswers,
    /// `up{selector}`.
    pub up: Vector,
    /// `timestamp(up{selector})`: each `up` sample's own time, Unix seconds.
    pub up_at: Vector,
    /// `/api/v1/targets`, where the API has it (Thanos and Mimir do not).
    pub targets: Option<Vec<TargetState>>,
    /// The API's warnings, deduplicated.
    pub warnings: Vec<String>,
}

/// One refresh, ready to show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refresh {
    /// When it was asked, Unix ms.
    pub t_ms: i64,
    /// The newest `up` sample the answer holds (its own timestamp), Unix ms: how fresh the
    /// numbers are, which can be well before `t_ms` (an engine answering "now" as of
    /// 30 s ago). `None` when the answer holds no sample time.
    pub newest_sample_ms: Option<i64>,
    /// Each instance's own `up` sample time, Unix ms: a drilled-down instance's age.
    pub sample_ms: BTreeMap<String, i64>,
    /// The tiles over the whole selector.
    pub total: Stats,
    /// The fleet, sorted by instance.
    pub rows: Vec<InstanceRow>,
    /// The tiles of each instance, for the drill-down.
    pub per_instance: BTreeMap<String, Stats>,
    pub warnings: Vec<String>,
}

/// What the query-mode source sends to the app. `run` numbers the source's runs: each
/// environment switch starts a new one, and updates of an earlier run are dropped.
#[derive(Debug, Clone)]
pub enum PromUpdate {
    /// The profile in use (detected from the series the selector finds), or why none is.
    Profile {
        run: u64,
        result: Result<Box<super::profile::Profile>, SourceError>,
    },
    /// Timeline points from `query_range`, oldest first: for the total and per instance.
    /// A point at a time already held replaces it (the engine settled it); `replace`
    /// starts the timelines afresh (the first backfill).
    Timeline {
        run: u64,
        /// The range of each point's `rate()`, ms.
        range_ms: i64,
        total: Vec<Point>,
        instances: BTreeMap<String, Vec<Point>>,
        /// Each tool's calls per second at the same points, `(Unix ms, per second)`
        /// ([`by_label`]): its sparkline ([`super::tool_history::ToolHistory::extend`]).
        tools: BTreeMap<String, Vec<(i64, f64)>>,
        replace: bool,
    },
    /// The timeline's `query_range` failed (asked again at the next refresh).
    TimelineFailed { run: u64, error: SourceError },
    /// The stretches the API has left unanswered past the open window (see
    /// [`super::timeline_sync`]), oldest first: the whole list, for the total and every
    /// instance.
    TimelineGaps {
        run: u64,
        gaps: Vec<super::timeline::Gap>,
    },
    /// A refresh at `t_ms`, or why it failed (the API's own words and the query).
    Refresh {
        run: u64,
        t_ms: i64,
        result: Result<Box<Refresh>, SourceError>,
    },
    /// The same queries asked at the time cursor's instant `t_ms` (a past instant, as
    /// far back as the engine's retention), or why that failed.
    At {
        run: u64,
        t_ms: i64,
        result: Result<Box<Refresh>, SourceError>,
    },
}

/// How answers become numbers.
#[derive(Debug, Clone)]
pub struct Shape<'a> {
    /// Label naming a tool, e.g. `gen_ai_tool_name`.
    pub tool_label: Option<&'a str>,
    /// Module of a tool, see [`module_of`].
    pub module_re: &'a Regex,
    /// Whether `module_re` applies or the tool label's whole value is the module.
    pub modules: ModuleRule,
    /// The rate window, ms.
    pub range_ms: i64,
    /// The latency histogram's highest finite bound (seconds), when detection saw it: a
    /// quantile the API answers with exactly this value fell in `+Inf` (promql/quantile.go
    /// returns that bound there), so it is marked a lower bound. (One exactly interpolated
    /// to the top bound is marked too: that rank is the top bucket's last observation.)
    pub top_bucket_s: Option<f64>,
}

/// Builds the refresh: tiles for the total and for each instance, and the fleet rows (every
/// instance that has an `up` or a request rate). Each answer is indexed by instance once,
/// so the cost grows with the number of series, not with instances × series.
pub fn assemble(answers: &Answers, shape: &Shape<'_>) -> Refresh {
    let mut total = stats(answers.t_ms, &Lookup::total(&answers.total), shape);
    total.tools = tool_answers::rows(&answers.total.by_tool, &answers.tools, shape);
    let by = Lookup::by_instance(&answers.by_instance);
    let up: HashMap<&str, (&Labels, f64)> = answers
        .up
        .iter()
        .filter_map(|(l, v)| Some((l.get("instance")?.as_str(), (l, *v))))
        .collect();
    let up_at: HashMap<&str, i64> = answers
        .up_at
        .iter()
        .filter(|(_, s)| s.is_finite())
        .filter_map(|(l, s)| Some((l.get("instance")?.as_str(), (s * 1000.0).round() as i64)))
        .collect();
    let targets: HashMap<&str, TargetSeen<'_>> = answers
        .targets
        .iter()
        .flatten()
        .filter_map(|t| {
            let seen = TargetSeen {
                last_error: t.last_error.as_str(),
                last_scrape_ms: t.last_scrape_ms,
            };
            Some((t.labels.get("instance")?.as_str(), seen))
        })
        .collect();
    let mut names: Vec<&str> = up.keys().copied().chain(by.instances()).collect();
    names.sort_unstable();
    names.dedup();
    let mut rows = Vec::with_capacity(names.len());
    let mut per_instance = BTreeMap::new();
    for name in names {
        let s = stats(answers.t_ms, &by.of(name), shape);
        let state = reconcile(
            up.get(name).map(|(_, v)| UpSample {
                up: *v >= 1.0,
                at_ms: up_at.get(name).copied(),
            }),
            targets.get(name).copied(),
        );
        rows.push(InstanceRow {
            instance: name.to_string(),
            job: up
                .get(name)
                .and_then(|(l, _)| l.get("job").cloned())
                .unwrap_or_default(),
            up: state.up,
            req_per_sec: s.req_per_sec,
            error_ratio: s.error_ratio,
            p95: s.p95,
            p99: s.p99,
            p95_lower_bound: s.p95_lower_bound,
            p99_lower_bound: s.p99_lower_bound,
            last_error: state.last_error,
        });
        per_instance.insert(name.to_string(), s);
    }
    Refresh {
        t_ms: answers.t_ms,
        newest_sample_ms: up_at.values().copied().max(),
        sample_ms: up_at
            .iter()
            .map(|(name, t)| ((*name).to_string(), *t))
            .collect(),
        total,
        rows,
        per_instance,
        warnings: answers.warnings.clone(),
    }
}

/// The values of one instance's tiles (or of the total), looked up by instance.
struct Values<'a> {
    requests: Option<f64>,
    errors: Option<f64>,
    p50: Option<f64>,
    p95: Option<f64>,
    p99: Option<f64>,
    memory: Option<f64>,
    /// `(labels, per second)` of the tool-call series.
    by_tool: Vec<&'a (Labels, f64)>,
}

/// [`TileAnswers`] indexed by the `instance` label.
struct Lookup<'a> {
    scalars: [HashMap<&'a str, f64>; 6],
    by_tool: HashMap<&'a str, Vec<&'a (Labels, f64)>>,
}

impl<'a> Lookup<'a> {
    fn by_instance(a: &'a TileAnswers) -> Lookup<'a> {
        let index = |v: &'a Vector| -> HashMap<&'a str, f64> {
            v.iter()
                .filter_map(|(l, x)| Some((l.get("instance")?.as_str(), *x)))
                .collect()
        };
        let mut by_tool: HashMap<&str, Vec<&(Labels, f64)>> = HashMap::new();
        for s in &a.by_tool {
            if let Some(i) = s.0.get("instance") {
                by_tool.entry(i.as_str()).or_default().push(s);
            }
        }
        Lookup {
            scalars: [
                index(&a.requests),
                index(&a.errors),
                index(&a.p50),
                index(&a.p95),
                index(&a.p99),
                index(&a.memory),
            ],
            by_tool,
        }
    }

    /// The single-series answers of the total (their labels are empty).
    fn total(a: &'a TileAnswers) -> Values<'a> {
        let first = |v: &Vector| v.first().map(|(_, x)| *x);
        Values {
            requests: first(&a.requests),
            errors: first(&a.errors),
            p50: first(&a.p50),
            p95: first(&a.p95),
            p99: first(&a.p99),
            memory: first(&a.memory),
            by_tool: a.by_tool.iter().collect(),
        }
    }

    fn instances(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.scalars[0].keys().copied()
    }

    fn of(&self, instance: &str) -> Values<'a> {
        let get = |i: usize| self.scalars[i].get(instance).copied();
        Values {
            requests: get(0),
            errors: get(1),
            p50: get(2),
            p95: get(3),
            p99: get(4),
            memory: get(5),
            by_tool: self.by_tool.get(instance).cloned().unwrap_or_default(),
        }
    }
}

/// The tiles of one instance, or of the total, as [`super::stats::compute`] fills them.
fn stats(t_ms: i64, v: &Values<'_>, shape: &Shape<'_>) -> Stats {
    let (req, err) = (v.requests, v.errors);
    let error_ratio = match (req, err) {
        (Some(r), Some(e)) if r > 0.0 => Some(e / r),
        (Some(r), None) if r > 0.0 => Some(0.0),
        _ => None,
    };
    let quantile = |x: Option<f64>| x.filter(|x| !x.is_nan());
    let at_top = |x: Option<f64>| x.is_some() && x == shape.top_bucket_s;
    Stats {
        eval_ms: t_ms,
        req_per_sec: req,
        err_per_sec: err.or(req.map(|_| 0.0)),
        error_ratio,
        p50: quantile(v.p50),
        p95: quantile(v.p95),
        p99: quantile(v.p99),
        p95_lower_bound: at_top(v.p95),
        p99_lower_bound: at_top(v.p99),
        top_bucket_s: shape.top_bucket_s,
        // The API answers quantiles, not buckets.
        latency_buckets: Vec::new(),
        modules: modules(&v.by_tool, shape),
        // Per-tool rows are asked for the total only ([`Answers::tools`]).
        tools: Vec::new(),
        resident_memory_bytes: v.memory,
        range_ms: shape.range_ms,
    }
}

fn modules(by_tool: &[&(Labels, f64)], shape: &Shape<'_>) -> Vec<ModuleShare> {
    let Some(label) = shape.tool_label else {
        return Vec::new();
    };
    let mut by_module: BTreeMap<String, f64> = BTreeMap::new();
    for (labels, rate) in by_tool.iter().copied() {
        let Some(tool) = labels.get(label).filter(|t| !t.is_empty()) else {
            continue;
        };
        if rate.is_nan() {
            continue;
        }
        let module = match shape.modules {
            ModuleRule::Pattern => module_of(tool, shape.module_re),
            ModuleRule::WholeValue => tool.as_str(),
        };
        *by_module.entry(module.to_string()).or_default() += rate;
    }
    let total: f64 = by_module.values().sum();
    let mut out: Vec<ModuleShare> = by_module
        .into_iter()
        .map(|(module, per_sec)| ModuleShare {
            module,
            per_sec,
            share: if total > 0.0 { per_sec / total } else { 0.0 },
        })
        .collect();
    out.sort_by(|a, b| {
        b.per_sec
            .total_cmp(&a.per_sec)
            .then_with(|| a.module.cmp(&b.module))
    });
    out
}

/// Timeline points from `query_range` answers of requests and errors per second: the
/// total when `instance` is `None`, else that instance's series. Points without a request
/// value are left out; a missing error value is 0.
pub fn points(requests: &Matrix, errors: &Matrix, instance: Option<&str>) -> Vec<Point> {
    let pick = |m: &Matrix| -> Vec<(i64, f64)> {
        m.iter()
            .find(|(l, _)| {
                instance.is_none_or(|i| l.get("instance").map(String::as_str) == Some(i))
            })
            .map(|(_, p)| p.clone())
            .unwrap_or_default()
    };
    let errs: BTreeMap<i64, f64> = pick(errors).into_iter().collect();
    pick(requests)
        .into_iter()
        .map(|(t_ms, r)| Point {
            t_ms,
            req_per_sec: r,
            err_per_sec: errs.get(&t_ms).copied().unwrap_or(0.0),
        })
        .collect()
}

/// The points of each series of `m` by the value of `label` (series without it, or with
/// it empty, left out).
pub fn by_label(m: &Matrix, label: &str) -> BTreeMap<String, Vec<(i64, f64)>> {
    m.iter()
        .filter_map(|(l, p)| Some((l.get(label).filter(|v| !v.is_empty())?.clone(), p.clone())))
        .collect()
}

/// The instances named in a matrix.
pub fn instances(m: &Matrix) -> Vec<String> {
    let mut out: Vec<String> = m
        .iter()
        .filter_map(|(l, _)| l.get("instance").cloned())
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
#[path = "query_mode_tests.rs"]
mod tests;
