//! The tiles' numbers: request rate, error ratio, latency quantiles and tool calls by
//! module, evaluated like PromQL over the rate window.

use regex::Regex;

use super::counted::{sum_counted_rate, sum_counted_rate_by};
use super::profile::Profile;
use super::promql::histogram_quantile_bounded;
use super::query::bucket_rates;
use super::series::{SeriesKey, SeriesStore};
use super::tool_stats::{self, ToolRow};

/// Share of tool calls of one module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleShare {
    /// Module name, e.g. "notion" for "notion.search".
    pub module: String,
    /// Tool calls per second, `sum by (module) (rate(...[range]))`.
    pub per_sec: f64,
    /// Fraction (0..1) of all tool calls.
    pub share: f64,
}

/// Numbers at one evaluation time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Evaluation time, Unix ms.
    pub eval_ms: i64,
    /// Requests per second, counted from zero ([`super::counted`]): `sum(rate(requests[range]))`
    /// plus the whole count of series born in the window; `None` until a series adds anything.
    pub req_per_sec: Option<f64>,
    /// Errors per second, counted the same way.
    pub err_per_sec: Option<f64>,
    /// errors / requests (0..1); `None` without requests (PromQL would give NaN).
    pub error_ratio: Option<f64>,
    /// Latency quantiles in seconds, `histogram_quantile(q, sum by (le) (rate(bucket[range])))`;
    /// `None` when there is no data or Prometheus would answer NaN.
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    /// P95 (P99) fell in the `+Inf` bucket: the value is the highest finite bound and the
    /// true quantile is above it (shown as `> 1.00s`, never graded `ok`).
    pub p95_lower_bound: bool,
    pub p99_lower_bound: bool,
    /// The latency histogram's highest finite bucket bound, seconds: no quantile above it
    /// can be seen, so a threshold above it can never be crossed. `None` where unknown
    /// (no histogram, or query mode).
    pub top_bucket_s: Option<f64>,
    /// The latency histogram's `sum by (le) (rate(bucket[range]))` as `(le, per second)`
    /// pairs ([`bucket_rates`]): what a fleet adds up over its targets before it takes its
    /// quantiles, kept so that it is not computed again for that. Empty without a histogram
    /// or two samples.
    pub latency_buckets: Vec<(f64, f64)>,
    /// Tool calls by module, largest first.
    pub modules: Vec<ModuleShare>,
    /// Every tool's own numbers, busiest first ([`super::tool_stats`]); empty when the
    /// profile names no tool label, and for a scraped fleet's total and a query-mode
    /// instance.
    pub tools: Vec<ToolRow>,
    /// `process_resident_memory_bytes`, the latest sample at or before `eval_ms`, bytes.
    pub resident_memory_bytes: Option<f64>,
    /// Range the numbers were evaluated over, ms: the configured window, or less while
    /// mcptop has held data for a shorter time (see [`effective_range_ms`]).
    pub range_ms: i64,
}

impl Stats {
    /// Requests per minute (`req_per_sec * 60`).
    pub fn req_per_min(&self) -> Option<f64> {
        self.req_per_sec.map(|r| r * 60.0)
    }
}

/// Evaluates every tile at `eval_ms` over `(eval_ms - range_ms, eval_ms]`.
///
/// `counters` holds the request counters and process metrics; `buckets` the latency
/// histogram's `_bucket` series; only series the profile counts ([`Profile::counts`]) are
/// summed. `module_re`'s first capture group (or whole match) names the module of a tool
/// (a tool it does not match is its own module), unless the profile takes the tool
/// label's whole value as the module ([`super::profile::ModuleRule`]). The per-tool rows
/// ([`tool_stats::compute`]) are computed only when `tools` is true, else left empty.
pub fn compute(
    profile: &Profile,
    counters: &SeriesStore,
    buckets: &SeriesStore,
    module_re: &Regex,
    eval_ms: i64,
    range_ms: i64,
    tools: bool,
) -> Stats {
    let (req, err) = request_rates(profile, counters, eval_ms, range_ms);
    let error_ratio = match (req, err) {
        (Some(r), Some(e)) if r > 0.0 => Some(e / r),
        (Some(r), None) if r > 0.0 => Some(0.0),
        _ => None,
    };
    let rates = profile
        .latency_bucket()
        .map(|name| bucket_rates(buckets, name, |k| profile.counts(k), eval_ms, range_ms))
        .unwrap_or_default();
    let latency = Latency::of(&rates);
    Stats {
        eval_ms,
        req_per_sec: req,
        err_per_sec: err.or(req.map(|_| 0.0)),
        error_ratio,
        p50: latency.p50,
        p95: latency.p95,
        p99: latency.p99,
        p95_lower_bound: latency.p95_lower_bound,
        p99_lower_bound: latency.p99_lower_bound,
        top_bucket_s: latency.top_bucket_s,
        latency_buckets: rates,
        modules: modules(profile, counters, module_re, eval_ms, range_ms),
        tools: if tools {
            tool_stats::compute(profile, counters, buckets, module_re, eval_ms, range_ms)
        } else {
            Vec::new()
        },
        resident_memory_bytes: counters
            .select("process_resident_memory_bytes")
            .filter_map(|(_, s)| match s.last() {
                Some(l) if l.t_ms <= eval_ms => Some(l),
                _ => s.iter().take_while(|x| x.t_ms <= eval_ms).last(),
            })
            .map(|s| s.v)
            .reduce(f64::max),
        range_ms,
    }
}

/// The latency tiles from `sum by (le) (rate(bucket[range]))` pairs ([`bucket_rates`]):
/// each quantile as Prometheus' `histogram_quantile` answers it (`None` for no buckets or
/// NaN), whether P95 and P99 are only lower bounds (their rank fell in `+Inf`), and the
/// highest finite bound (seconds).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Latency {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub p95_lower_bound: bool,
    pub p99_lower_bound: bool,
    pub top_bucket_s: Option<f64>,
}

impl Latency {
    /// Errors: none; an empty `rates` gives every field empty.
    pub fn of(rates: &[(f64, f64)]) -> Latency {
        if rates.is_empty() {
            return Latency::default();
        }
        let q = |q: f64| histogram_quantile_bounded(q, &mut rates.to_vec());
        let (p50, p95, p99) = (q(0.5), q(0.95), q(0.99));
        let value = |x: &crate::model::promql::Quantile| Some(x.value).filter(|v| !v.is_nan());
        Latency {
            p50: value(&p50),
            p95: value(&p95),
            p99: value(&p99),
            p95_lower_bound: p95.lower_bound,
            p99_lower_bound: p99.lower_bound,
            top_bucket_s: p95.top_finite.filter(|b| b.is_finite()),
        }
    }
}

/// The range to evaluate over at `eval_ms`: `range_ms`, or, while the oldest request sample
/// is younger than that, its age plus one scrape interval.
///
/// `rate(x[5m])` over 10 s of data divides 10 s worth of increase by 300 s (Prometheus'
/// extrapolation stops half an interval before the first sample), which would show a
/// fraction of the true rate for the first five minutes; `rate(x[age])` is the honest
/// number, and the header says which range is in use.
pub fn effective_range_ms(
    profile: &Profile,
    counters: &SeriesStore,
    eval_ms: i64,
    range_ms: i64,
    interval_ms: i64,
) -> i64 {
    let oldest = counters
        .select(&profile.requests)
        .filter_map(|(_, s)| s.first().map(|x| x.t_ms))
        .min();
    match oldest {
        Some(t) => range_ms.min(eval_ms.saturating_sub(t).saturating_add(interval_ms)),
        None => range_ms,
    }
}

/// `(requests, errors)` per second at `eval_ms`: each counted from zero
/// ([`super::counted`]), i.e. `sum(rate(requests))` and `sum(rate(requests{error}))` plus
/// the whole count of series born inside the window.
pub fn request_rates(
    profile: &Profile,
    counters: &SeriesStore,
    eval_ms: i64,
    range_ms: i64,
) -> (Option<f64>, Option<f64>) {
    let is_err =
        |k: &SeriesKey| profile.counts(k) && profile.is_error(k.label(&profile.error_label));
    let target = |k: &SeriesKey| profile.counts(k);
    (
        sum_counted_rate(
            counters,
            &profile.requests,
            target,
            target,
            eval_ms,
            range_ms,
        ),
        sum_counted_rate(
            counters,
            &profile.requests,
            target,
            is_err,
            eval_ms,
            range_ms,
        ),
    )
}

fn modules(
    profile: &Profile,
    counters: &SeriesStore,
    module_re: &Regex,
    eval_ms: i64,
    range_ms: i64,
) -> Vec<ModuleShare> {
    let Some(tool_label) = profile.tool_label.as_deref() else {
        return Vec::new();
    };
    let is_tool_call = |k: &SeriesKey| profile.counts(k) && profile.is_tool_call(k);
    let by_tool = sum_counted_rate_by(
        counters,
        &profile.requests,
        |k: &SeriesKey| profile.counts(k),
        is_tool_call,
        tool_label,
        eval_ms,
        range_ms,
    );
    let mut by_module: Vec<ModuleShare> = Vec::new();
    for (tool, rate) in by_tool {
        if tool.is_empty() {
            continue;
        }
        let module = profile.module_of(&tool, module_re);
        match by_module.iter_mut().find(|m| m.module == module) {
            Some(m) => m.per_sec += rate,
            None => by_module.push(ModuleShare {
                module: module.to_string(),
                per_sec: rate,
                share: 0.0,
            }),
        }
    }
    let total: f64 = by_module.iter().map(|m| m.per_sec).sum();
    for m in &mut by_module {
        m.share = if total > 0.0 { m.per_sec / total } else { 0.0 };
    }
    by_module.sort_by(|a, b| {
        b.per_sec
            .total_cmp(&a.per_sec)
            .then_with(|| a.module.cmp(&b.module))
    });
    by_module
}

/// The module of a tool: `re`'s first capture group, else its whole match, else the name.
pub fn module_of<'a>(tool: &'a str, re: &Regex) -> &'a str {
    match re.captures(tool) {
        Some(c) => c.get(1).or_else(|| c.get(0)).map_or(tool, |m| m.as_str()),
        None => tool,
    }
}

#[cfg(test)]
#[path = "stats_tests.rs"]
mod tests;
