//! PromQL range and histogram functions with Prometheus 3.x semantics.
//!
//! * [`extrapolated_rate`], [`rate`], [`increase`]: as Prometheus
//!   `extrapolatedRate` in promql/functions.go (>= 2.51, 3.x).
//! * [`histogram_quantile`]: as Prometheus `BucketQuantile` (classic `le`
//!   buckets) in promql/quantile.go.
//!
//! Times are Unix epoch milliseconds (`i64`); rates are per second.

use std::cmp::Ordering;

use super::series::{Sample, Series};

/// Extrapolated change of a range of samples, as Prometheus
/// `extrapolatedRate` (promql/functions.go, Prometheus >= 2.51 and 3.x).
///
/// * `samples`: the samples with `range_start_ms < t_ms <= range_end_ms`,
///   oldest first, timestamps strictly increasing (caller's duty: samples
///   outside the window are not filtered out here).
/// * `range_start_ms` (exclusive) / `range_end_ms` (inclusive): the selector
///   window, Unix ms; its length is the `[range]` of the PromQL selector.
/// * `is_counter`: add back the value before each drop (counter reset) and
///   never extrapolate below zero. `false` gives PromQL `delta`.
/// * `is_rate`: divide by the window length in seconds (`rate`); otherwise
///   the result is in the metric's own unit (`increase`/`delta`).
///
/// Returns `None` when there are fewer than 2 samples (Prometheus emits no
/// output), or when the samples or window have zero/negative length (which
/// cannot happen with strictly increasing timestamps and a positive range).
///
/// Algorithm (all durations in seconds):
/// 1. `result = last.v - first.v`; for counters, for every drop
///    `cur < prev` add `prev`.
/// 2. `to_start = first.t - start`, `to_end = end - last.t`,
///    `sampled = last.t - first.t`, `avg = sampled / (n - 1)`,
///    `threshold = 1.1 * avg`.
/// 3. If `to_start >= threshold`, `to_start = avg / 2`.
/// 4. Then, for counters with `result > 0` and `first.v >= 0`:
///    `to_zero = sampled * first.v / result`, `to_start = min(to_start, to_zero)`.
/// 5. If `to_end >= threshold`, `to_end = avg / 2`.
/// 6. `factor = (sampled + to_start + to_end) / sampled`, divided by the
///    window length in seconds when `is_rate`; return `result * factor`.
///
/// Version note: Prometheus <= 2.50 (e.g. 2.42) applied the zero clamp of
/// step 4 *before* the threshold test of step 3 and compared the clamped
/// value with the threshold, so a counter whose extrapolated zero point lay
/// inside the threshold extrapolated further back. Example: 10, 20, 30 at
/// 4m30s, 4m45s, 5m; `rate(c[1m])` at 5m7s is 0.57778 in 2.42 but 0.494444
/// here (Prometheus >= 2.51, PR #13725).
#[must_use]
pub fn extrapolated_rate(
    samples: &[Sample],
    range_start_ms: i64,
    range_end_ms: i64,
    is_counter: bool,
    is_rate: bool,
) -> Option<f64> {
    extrapolate(
        samples.iter().copied(),
        range_start_ms,
        range_end_ms,
        is_counter,
        is_rate,
    )
}

/// `rate(series[range])` evaluated at `eval_ms`: per-second average increase
/// of a counter over the left-open window `(eval_ms - range_ms, eval_ms]`.
///
/// Units: `eval_ms`, `range_ms` in milliseconds; result in metric units per
/// second. `None` when fewer than 2 samples fall in the window or
/// `range_ms <= 0`. Source: Prometheus `funcRate`, promql/functions.go.
#[must_use]
pub fn rate(series: &Series, eval_ms: i64, range_ms: i64) -> Option<f64> {
    over_window(series, eval_ms, range_ms, true, true)
}

/// `increase(series[range])` evaluated at `eval_ms`: extrapolated increase of
/// a counter over `(eval_ms - range_ms, eval_ms]`, in metric units.
///
/// Always `rate(..) * range_ms / 1000`. `None` as for [`rate`]. Source:
/// Prometheus `funcIncrease`, promql/functions.go.
#[must_use]
pub fn increase(series: &Series, eval_ms: i64, range_ms: i64) -> Option<f64> {
    over_window(series, eval_ms, range_ms, true, false)
}

/// Selects the left-open window and runs [`extrapolate`] without copying.
fn over_window(
    series: &Series,
    eval_ms: i64,
    range_ms: i64,
    is_counter: bool,
    is_rate: bool,
) -> Option<f64> {
    if range_ms <= 0 {
        return None;
    }
    let start = eval_ms.saturating_sub(range_ms);
    if series.last().is_none_or(|l| l.t_ms <= start) {
        return None;
    }
    // The usual window, ending at or after the newest sample: its ends and the resets
    // kept aside are enough (the same arithmetic in the same order as the walk below).
    if let Some(w) = series.window_ends(start, eval_ms) {
        if w.n < 2 {
            return None;
        }
        let mut result = w.last.v - w.first.v;
        if is_counter {
            for prev in series.resets_between(w.first.t_ms, w.last.t_ms) {
                result += prev;
            }
        }
        return finish(
            result, w.first, w.last, w.n, start, eval_ms, is_counter, is_rate,
        );
    }
    extrapolate(
        series.range(start, eval_ms),
        start,
        eval_ms,
        is_counter,
        is_rate,
    )
}

/// Body of [`extrapolated_rate`] over any re-iterable sample sequence.
///
/// Two passes, so the arithmetic order matches Prometheus exactly:
/// `result = last - first`, then `result += prev` per reset, in order.
fn extrapolate<I>(
    samples: I,
    range_start_ms: i64,
    range_end_ms: i64,
    is_counter: bool,
    is_rate: bool,
) -> Option<f64>
where
    I: Iterator<Item = Sample> + Clone,
{
    let mut it = samples.clone();
    let first = it.next()?;
    let (n, last) = it.fold((1_usize, first), |(n, _), s| (n + 1, s));
    if n < 2 {
        return None;
    }

    let mut result = last.v - first.v;
    if is_counter {
        let mut prev = first.v;
        for s in samples.skip(1) {
            if s.v < prev {
                result += prev;
            }
            prev = s.v;
        }
    }

    finish(
        result,
        first,
        last,
        n,
        range_start_ms,
        range_end_ms,
        is_counter,
        is_rate,
    )
}

/// Steps 2 to 6 of [`extrapolated_rate`]: the change `result` of a window
/// `(range_start_ms, range_end_ms]` whose `n` samples run from `first` to `last`,
/// extrapolated to its edges.
#[allow(clippy::too_many_arguments)]
fn finish(
    result: f64,
    first: Sample,
    last: Sample,
    n: usize,
    range_start_ms: i64,
    range_end_ms: i64,
    is_counter: bool,
    is_rate: bool,
) -> Option<f64> {
    let sampled = ms_to_s(last.t_ms - first.t_ms);
    let range_s = ms_to_s(range_end_ms - range_start_ms);
    if sampled <= 0.0 || (is_rate && range_s <= 0.0) {
        return None;
    }
    let mut to_start = ms_to_s(first.t_ms - range_start_ms);
    let mut to_end = ms_to_s(range_end_ms - last.t_ms);
    let avg = sampled / (n - 1) as f64;
    let threshold = avg * 1.1;

    if to_start >= threshold {
        to_start = avg / 2.0;
    }
    if is_counter && result > 0.0 && first.v >= 0.0 {
        let to_zero = sampled * (first.v / result);
        if to_zero < to_start {
            to_start = to_zero;
        }
    }
    if to_end >= threshold {
        to_end = avg / 2.0;
    }

    let mut factor = (sampled + to_start + to_end) / sampled;
    if is_rate {
        factor /= range_s;
    }
    Some(result * factor)
}

/// Milliseconds to seconds, as Prometheus `float64(ms) / 1000`.
fn ms_to_s(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// Relative tolerance under which adjacent bucket counts are treated as equal
/// (Prometheus `smallDeltaTolerance`, promql/quantile.go).
const SMALL_DELTA_TOLERANCE: f64 = 1e-12;

/// φ-quantile `q` of a classic histogram, exactly as Prometheus
/// `BucketQuantile` (promql/quantile.go, 3.x), i.e. what
/// `histogram_quantile(q, ...)` returns for `le` buckets.
///
/// * `buckets`: `(le upper bound, cumulative count)` pairs in any order;
///   counts are usually per-second rates. The vector is sorted by bound and
///   equal bounds are merged in place (it is left in that state).
/// * Result: a value in the unit of the bounds (e.g. seconds).
///
/// Rules, in order:
/// * `q` NaN -> NaN; `q < 0` -> -Inf; `q > 1` -> +Inf.
/// * Sort by bound; the highest bound must be +Inf, else NaN. (No buckets, or
///   any NaN bound, also gives NaN here; Prometheus does not expect NaN
///   bounds and its result then depends on sort order.)
/// * Merge buckets of equal bound by summing counts.
/// * Make counts monotonic: a count within a relative 1e-12 of the previous
///   kept count, or below it, is set to it (Prometheus
///   `ensureMonotonicAndIgnoreSmallDeltas`).
/// * Fewer than 2 buckets, or total (+Inf) count 0 -> NaN.
/// * `rank = q * total`; `b` = first index among all but the +Inf bucket with
///   `count >= rank` (binary search, as Go `sort.Search`).
/// * `b` is the +Inf bucket -> the second-highest bound.
/// * `b == 0` and its bound `<= 0` -> that bound.
/// * Otherwise interpolate linearly from the previous bound (0 for the first
///   bucket) to bound `b` by `(rank - prev_count) / (count_b - prev_count)`.
///
/// The values a real Prometheus returns for these buckets:
///
/// ```
/// use mcptop_core::model::promql::histogram_quantile;
/// let buckets = vec![(0.1, 8.0), (0.5, 10.0), (1.0, 11.0), (f64::INFINITY, 12.0)];
/// assert_eq!(histogram_quantile(0.95, &mut buckets.clone()), 1.0);
/// assert!((histogram_quantile(0.5, &mut buckets.clone()) - 0.075).abs() < 1e-12);
/// assert!((histogram_quantile(0.7, &mut buckets.clone()) - 0.18).abs() < 1e-12);
/// ```
#[must_use]
pub fn histogram_quantile(q: f64, buckets: &mut Vec<(f64, f64)>) -> f64 {
    histogram_quantile_bounded(q, buckets).value
}

/// A quantile with what the histogram could tell of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantile {
    /// As [`histogram_quantile`] answers (NaN where it does).
    pub value: f64,
    /// The rank fell in the `+Inf` bucket: the true quantile is above `value`, which is
    /// then the highest finite bound (Prometheus answers that bound, with no sign of it).
    pub lower_bound: bool,
    /// The highest finite bucket bound, when there is one: no quantile above it can be
    /// seen, so a threshold above it can never be crossed by the answer.
    pub top_finite: Option<f64>,
}

/// [`histogram_quantile`], also saying whether the answer is only a lower bound (the rank
/// fell in the `+Inf` bucket, promql/quantile.go returns the second-highest bound there)
/// and which is the highest finite bound.
#[must_use]
pub fn histogram_quantile_bounded(q: f64, buckets: &mut Vec<(f64, f64)>) -> Quantile {
    let answer = |value: f64| Quantile {
        value,
        lower_bound: false,
        top_finite: None,
    };
    if q.is_nan() {
        return answer(f64::NAN);
    }
    if q < 0.0 {
        return answer(f64::NEG_INFINITY);
    }
    if q > 1.0 {
        return answer(f64::INFINITY);
    }
    if buckets.iter().any(|(le, _)| le.is_nan()) {
        return answer(f64::NAN);
    }
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    if buckets.last().is_none_or(|&(le, _)| le != f64::INFINITY) {
        return answer(f64::NAN);
    }

    // Merge equal bounds: dedup_by passes (later, kept).
    buckets.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 += next.1;
        }
        same
    });
    ensure_monotonic(buckets);

    let [.., (prev_le, _), (_, total)] = buckets.as_slice() else {
        return answer(f64::NAN); // fewer than 2 buckets
    };
    let (second_highest, total) = (*prev_le, *total);
    let answer = |value: f64, lower_bound: bool| Quantile {
        value,
        lower_bound,
        top_finite: Some(second_highest),
    };
    if total == 0.0 {
        return answer(f64::NAN, false);
    }

    let mut rank = q * total;
    let finite = &buckets[..buckets.len() - 1];
    // Predicate is "not (count >= rank)", NaN-aware, as Go's sort.Search.
    let b = finite.partition_point(|&(_, count)| {
        matches!(count.partial_cmp(&rank), Some(Ordering::Less) | None)
    });
    let Some(&(bucket_end, mut count)) = finite.get(b) else {
        return answer(second_highest, true);
    };
    if b == 0 && bucket_end <= 0.0 {
        return answer(bucket_end, false);
    }
    let mut bucket_start = 0.0;
    if let Some(&(prev_le, prev_count)) = b.checked_sub(1).and_then(|i| finite.get(i)) {
        bucket_start = prev_le;
        count -= prev_count;
        rank -= prev_count;
    }
    answer(
        bucket_start + (bucket_end - bucket_start) * (rank / count),
        false,
    )
}

/// Forces non-decreasing counts and flattens floating-point noise, as
/// Prometheus `ensureMonotonicAndIgnoreSmallDeltas` (promql/quantile.go).
fn ensure_monotonic(buckets: &mut [(f64, f64)]) {
    let Some(&(_, mut prev)) = buckets.first() else {
        return;
    };
    for bucket in buckets.iter_mut().skip(1) {
        let curr = bucket.1;
        if curr == prev {
            continue;
        }
        if almost_equal(prev, curr, SMALL_DELTA_TOLERANCE) || curr < prev {
            bucket.1 = prev;
            continue;
        }
        prev = curr;
    }
}

/// Relative float comparison, as Prometheus `util/almost.Equal`: true when
/// both are NaN, equal, or `|a-b| / (|a|+|b|) < epsilon` (near zero, an
/// absolute test against `epsilon * f64::MIN_POSITIVE`).
fn almost_equal(a: f64, b: f64, epsilon: f64) -> bool {
    if (a.is_nan() && b.is_nan()) || a == b {
        return true;
    }
    let abs_sum = a.abs() + b.abs();
    let diff = (a - b).abs();
    if a == 0.0 || b == 0.0 || abs_sum < f64::MIN_POSITIVE {
        return diff < epsilon * f64::MIN_POSITIVE;
    }
    diff / abs_sum.min(f64::MAX) < epsilon
}

#[cfg(test)]
#[path = "promql_tests.rs"]
mod tests;
