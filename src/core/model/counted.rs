//! Request counters *counted from zero*: a counter series born inside the window counts its
//! whole value, not the extrapolated difference of its own samples.
//!
//! Why: `rate()` misses a new series' first increments. A series that appears inside the
//! window (an MCP server creates `{gen_ai_tool_name="x", error_type="y"}` when that pair
//! first happens) holds its whole count in its first sample, which `rate()` uses only as
//! the base: Prometheus drops a series with one sample altogether and extrapolates the rest
//! (measured -58 % to -66 % on a sparse error ratio); VictoriaMetrics' `rate()` divides by
//! the series' own age instead of the window (-66 % to +33 %). Near the 1 % and 5 %
//! thresholds the tile's colour then depends on the engine. Counted from zero, both
//! engines and scrape mode agree with the raw counters (`tests/e2e/query_error_ratio.rs`).
//!
//! The rule, per series `s` at `t` over the window `(t - r, t]`:
//! - `s` is **born** when it has no sample in the lookback before the window
//!   (`(t - r - 5m, t - r]`, PromQL `s offset r` finds nothing), its target does (some
//!   counted series of the same family has a sample there: the target was scraped and
//!   simply had not created `s` yet), and `s` is in the target's latest scrape (PromQL `s`
//!   at `t`: within the lookback, and not marked stale by a newer scrape without it);
//! - a born series adds its newest value (its count since zero);
//! - every other series adds `increase(s[r])` (Prometheus' extrapolated increase; nothing
//!   with fewer than two samples).
//!
//! Requests per second are the sum divided by `r` in seconds, which for series not born
//! is exactly `sum(rate(...))` (Prometheus defines `increase` as `rate * range`). A target
//! whose scrapes began inside the window (a new engine, a new target, mcptop just started)
//! has no born series: without a sample before the window nothing says the counter was
//! zero then. The PromQL twin is [`super::promql_text::Promql::requests`]:
//!
//! ```text
//! sum((increase(X[r]) unless B) or B) / r_seconds
//! B = ((X unless X offset r) and on (job, instance) REQ{target selector} offset r)
//! ```
//!
//! Staleness: Prometheus marks a series stale when a scrape of its target lacks it (a
//! restarted server that has not created it again yet); here a series whose newest sample
//! is older than its target's newest is taken as stale the same way. A failed scrape marks
//! every series stale in Prometheus, which this does not see: after one, the series of the
//! last good scrape still count as present.

use std::collections::BTreeMap;

use super::promql::increase;
use super::query::KahanSum;
use super::series::{Sample, Series, SeriesKey, SeriesStore};

/// Prometheus' default `--query.lookback-delta`, ms: an instant selector (`X`,
/// `X offset r`) finds a series' newest sample no older than this.
pub const LOOKBACK_MS: i64 = 300_000;

/// Per-second counted increase, `sum(counted(name{pred}[range])) / range_s` (see the
/// module docs): `None` when no series adds anything.
///
/// `target` selects the target's counted series of the same family (the matchers of
/// `REQ{target selector}` in the PromQL); `pred` the series summed (`target` plus e.g. an
/// error matcher). Window `(eval_ms - range_ms, eval_ms]`, ms; result per second.
#[must_use]
pub fn sum_counted_rate(
    store: &SeriesStore,
    name: &str,
    target: impl Fn(&SeriesKey) -> bool,
    pred: impl Fn(&SeriesKey) -> bool,
    eval_ms: i64,
    range_ms: i64,
) -> Option<f64> {
    let seen = Target::of(store, name, &target, eval_ms, range_ms);
    let mut sum: Option<KahanSum> = None;
    for (_, series) in store.select(name).filter(|(key, _)| pred(key)) {
        if let Some(x) = counted_increase(series, eval_ms, range_ms, seen) {
            sum.get_or_insert_with(KahanSum::default).add(x);
        }
    }
    sum.map(|s| s.value() / seconds(range_ms))
}

/// [`sum_counted_rate`] grouped by label `by`: `(value, per second)` sorted by rate
/// (largest first, NaN last) then value; series without the label go under "".
#[must_use]
pub fn sum_counted_rate_by(
    store: &SeriesStore,
    name: &str,
    target: impl Fn(&SeriesKey) -> bool,
    pred: impl Fn(&SeriesKey) -> bool,
    by: &str,
    eval_ms: i64,
    range_ms: i64,
) -> Vec<(String, f64)> {
    let seen = Target::of(store, name, &target, eval_ms, range_ms);
    let mut groups: BTreeMap<&str, KahanSum> = BTreeMap::new();
    for (key, series) in store.select(name).filter(|(key, _)| pred(key)) {
        if let Some(x) = counted_increase(series, eval_ms, range_ms, seen) {
            groups
                .entry(key.label(by).unwrap_or(""))
                .or_default()
                .add(x);
        }
    }
    let range_s = seconds(range_ms);
    let mut out: Vec<(String, f64)> = groups
        .into_iter()
        .map(|(value, sum)| (value.to_owned(), sum.value() / range_s))
        .collect();
    out.sort_by(|a, b| {
        a.1.is_nan()
            .cmp(&b.1.is_nan())
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| a.0.cmp(&b.0))
    });
    out
}

/// What the target's series say at one evaluation: whether it was scraped before the
/// window, and when it was last scraped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    /// Some counted series has a sample in `(start - LOOKBACK_MS, start]`.
    pub seen_before: bool,
    /// The newest sample of any counted series at or before the evaluation, Unix ms: the
    /// target's latest scrape.
    pub latest_ms: Option<i64>,
}

impl Target {
    /// The target of the series of `name` that `target` selects, at `eval_ms` over
    /// `range_ms`.
    pub fn of(
        store: &SeriesStore,
        name: &str,
        target: &impl Fn(&SeriesKey) -> bool,
        eval_ms: i64,
        range_ms: i64,
    ) -> Target {
        let start = eval_ms - range_ms;
        let mut out = Target {
            seen_before: false,
            latest_ms: None,
        };
        for (_, s) in store.select(name).filter(|(key, _)| target(key)) {
            out.seen_before |= sampled_in(s, start - LOOKBACK_MS, start);
            if let Some(t) = s.last_in(eval_ms - LOOKBACK_MS, eval_ms).map(|x| x.t_ms) {
                out.latest_ms = Some(out.latest_ms.map_or(t, |l| l.max(t)));
            }
        }
        out
    }
}

/// One series' share: its newest value when born inside the window (see the module docs),
/// else `increase(series[range])`.
#[must_use]
pub fn counted_increase(
    series: &Series,
    eval_ms: i64,
    range_ms: i64,
    target: Target,
) -> Option<f64> {
    let start = eval_ms - range_ms;
    if target.seen_before && !sampled_in(series, start - LOOKBACK_MS, start) {
        let newest = series
            .last_in(start, eval_ms)
            .filter(|s: &Sample| s.t_ms > eval_ms - LOOKBACK_MS)
            .filter(|s| Some(s.t_ms) == target.latest_ms);
        if let Some(s) = newest {
            return Some(s.v);
        }
    }
    increase(series, eval_ms, range_ms)
}

/// Whether `series` has a sample with `from_excl < t <= to_incl`.
fn sampled_in(series: &Series, from_excl: i64, to_incl: i64) -> bool {
    series.range(from_excl, to_incl).next().is_some()
}

fn seconds(range_ms: i64) -> f64 {
    range_ms as f64 / 1000.0
}

#[cfg(test)]
#[path = "counted_tests.rs"]
mod tests;
