//! The few PromQL aggregations the dashboard needs, evaluated directly over a
//! [`SeriesStore`] at one instant `eval_ms` with a `[range_ms]` window.
//!
//! Each function documents the PromQL expression it computes. `pred` plays
//! the role of the label matchers `{...}`; it sees the whole [`SeriesKey`].
//! Series with fewer than 2 samples in the window contribute nothing, as in
//! Prometheus, where `rate` emits no element for them.
//!
//! Sums use Neumaier-compensated summation, as the Prometheus 3.x `sum`
//! aggregation (`kahanSumInc`, promql/engine.go and promql/functions.go).
//! Series are summed in [`SeriesKey`] order, so results are deterministic but
//! may differ from Prometheus in the last bits where its series order differs.

use std::collections::BTreeMap;

use super::promql::{histogram_quantile, rate};
use super::series::{SeriesKey, SeriesStore};

/// `sum(rate(name{pred}[range]))` — None when no series has 2 samples in range.
///
/// Units: per second. `eval_ms`, `range_ms` in milliseconds; window is
/// `(eval_ms - range_ms, eval_ms]`.
#[must_use]
pub fn sum_rate(
    store: &SeriesStore,
    name: &str,
    pred: impl Fn(&SeriesKey) -> bool,
    eval_ms: i64,
    range_ms: i64,
) -> Option<f64> {
    let mut sum: Option<KahanSum> = None;
    for (_, series) in store.select(name).filter(|(key, _)| pred(key)) {
        if let Some(r) = rate(series, eval_ms, range_ms) {
            sum.get_or_insert_with(KahanSum::default).add(r);
        }
    }
    sum.map(KahanSum::value)
}

/// `histogram_quantile(q, sum by (le) (rate(name_bucket{pred}[range])))` —
/// `bucket_name` is the full _bucket name; `le` parsed as f64 ("+Inf" -> inf);
/// None when no data, Some(NaN) where Prometheus gives NaN.
///
/// Units: the result is in the unit of the `le` bounds (e.g. seconds).
/// Series whose `le` is missing or not a float are skipped, as Prometheus
/// drops them (with a warning annotation). `sum by (le)` groups by the exact
/// `le` string; groups whose strings parse to the same bound ("1" and "1.0")
/// are then merged by [`histogram_quantile`], as in Prometheus.
/// "No data" means no bucket series had 2 samples in the window.
#[must_use]
pub fn quantile_over_rate(
    store: &SeriesStore,
    bucket_name: &str,
    pred: impl Fn(&SeriesKey) -> bool,
    q: f64,
    eval_ms: i64,
    range_ms: i64,
) -> Option<f64> {
    let mut buckets = bucket_rates(store, bucket_name, pred, eval_ms, range_ms);
    if buckets.is_empty() {
        return None;
    }
    Some(histogram_quantile(q, &mut buckets))
}

/// `sum by (le) (rate(name_bucket{pred}[range]))` as `(le, per-second rate)` pairs, one per
/// distinct `le` string, in no particular order: the input of [`histogram_quantile`], kept
/// so that the buckets of several targets can be added before a fleet's quantile is taken
/// (as `histogram_quantile(q, sum by (le) (rate(...)))` over all of them). Empty when no
/// bucket series has 2 samples in the window. Series without a float `le` are skipped.
#[must_use]
pub fn bucket_rates(
    store: &SeriesStore,
    bucket_name: &str,
    pred: impl Fn(&SeriesKey) -> bool,
    eval_ms: i64,
    range_ms: i64,
) -> Vec<(f64, f64)> {
    let mut by_le: BTreeMap<&str, (f64, KahanSum)> = BTreeMap::new();
    for (key, series) in store.select(bucket_name).filter(|(key, _)| pred(key)) {
        let Some(le_str) = key.label("le") else {
            continue;
        };
        let Some(le) = parse_le(le_str) else {
            continue;
        };
        if let Some(r) = rate(series, eval_ms, range_ms) {
            by_le
                .entry(le_str)
                .or_insert_with(|| (le, KahanSum::default()))
                .1
                .add(r);
        }
    }
    by_le
        .into_values()
        .map(|(le, sum)| (le, sum.value()))
        .collect()
}

/// `sum by (by, le) (rate(name_bucket{pred}[range]))`: [`bucket_rates`] for each value of
/// label `by` (series without it go under ""), keyed by that value, in one pass over the
/// series. Values whose bucket series all have fewer than 2 samples in the window are
/// absent.
#[must_use]
pub fn bucket_rates_by(
    store: &SeriesStore,
    bucket_name: &str,
    pred: impl Fn(&SeriesKey) -> bool,
    by: &str,
    eval_ms: i64,
    range_ms: i64,
) -> BTreeMap<String, Vec<(f64, f64)>> {
    let mut groups: BTreeMap<&str, BTreeMap<&str, (f64, KahanSum)>> = BTreeMap::new();
    for (key, series) in store.select(bucket_name).filter(|(key, _)| pred(key)) {
        let Some(le_str) = key.label("le") else {
            continue;
        };
        let Some(le) = parse_le(le_str) else {
            continue;
        };
        if let Some(r) = rate(series, eval_ms, range_ms) {
            groups
                .entry(key.label(by).unwrap_or(""))
                .or_default()
                .entry(le_str)
                .or_insert_with(|| (le, KahanSum::default()))
                .1
                .add(r);
        }
    }
    groups
        .into_iter()
        .map(|(value, by_le)| {
            let rates = by_le
                .into_values()
                .map(|(le, sum)| (le, sum.value()))
                .collect();
            (value.to_owned(), rates)
        })
        .collect()
}

/// Parses an `le` label value like Go `strconv.ParseFloat` does for the
/// forms exporters emit: decimal/exponent notation, "+Inf"/"-Inf"/"Inf"
/// (any case), "NaN". Surrounding whitespace is rejected, as in Go.
pub(crate) fn parse_le(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}

/// Neumaier-compensated running sum, as Prometheus `kahanSumInc`: the
/// compensation is reset when the running sum becomes infinite.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct KahanSum {
    sum: f64,
    c: f64,
}

impl KahanSum {
    pub(crate) fn add(&mut self, inc: f64) {
        let t = self.sum + inc;
        if t.is_infinite() {
            self.c = 0.0;
        } else if self.sum.abs() >= inc.abs() {
            self.c += (self.sum - t) + inc;
        } else {
            self.c += (inc - t) + self.sum;
        }
        self.sum = t;
    }

    pub(crate) fn value(self) -> f64 {
        self.sum + self.c
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
