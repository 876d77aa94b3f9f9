//! Time-bounded, in-memory sample storage.
//!
//! Shape: metric name -> (series key -> samples ordered by strictly
//! increasing timestamp). Timestamps are Unix epoch **milliseconds** (`i64`),
//! values are `f64` as in the Prometheus data model.
//!
//! Retention is applied by [`SeriesStore::trim`] only; [`SeriesStore::push`]
//! never drops data on its own.
//!
//! Memory: a store told its scrape interval ([`SeriesStore::with_interval`])
//! allocates each new series' buffer for the whole retention window at once
//! (16 bytes per sample), so the footprint is set when the series first appears
//! and does not creep up while the window fills, nor fragment the heap with
//! the freed buffers of repeated growth.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

/// One observation: timestamp in Unix epoch milliseconds and its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Unix epoch milliseconds.
    pub t_ms: i64,
    /// Sample value (unit is whatever the metric measures).
    pub v: f64,
}

/// Identity of a series: metric name plus label pairs.
///
/// `labels` is sorted by label name and holds each name at most once (the
/// last value given wins). Labels with an empty value are dropped, because in
/// Prometheus an empty label value is the same as the label being absent.
/// The metric name is kept apart and is not repeated as a `__name__` label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SeriesKey {
    /// Metric name, e.g. `mcp_requests_total`.
    pub name: String,
    /// `(label name, label value)` pairs sorted by label name.
    pub labels: Vec<(String, String)>,
}

impl SeriesKey {
    /// Builds a key, sorting labels by name, keeping the last value of a
    /// repeated name and dropping empty values.
    #[must_use]
    pub fn new(
        name: &str,
        labels: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> Self {
        let mut pairs: Vec<(String, String)> = labels
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        // Stable sort keeps input order among equal names, so the last one
        // given ends up last in its run; dedup keeps the first of a run, so
        // reverse first to keep the last given value.
        pairs.reverse();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|next, kept| next.0 == kept.0);
        pairs.retain(|(_, v)| !v.is_empty());
        Self {
            name: name.to_owned(),
            labels: pairs,
        }
    }

    /// Value of label `name`, if present (binary search, labels are sorted).
    #[must_use]
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .binary_search_by(|(k, _)| k.as_str().cmp(name))
            .ok()
            .and_then(|i| self.labels.get(i))
            .map(|(_, v)| v.as_str())
    }
}

/// Samples of one series, timestamps strictly increasing.
#[derive(Debug, Clone, Default)]
pub struct Series {
    samples: VecDeque<Sample>,
}

impl Series {
    /// An empty series with room for `samples` samples before it reallocates.
    #[must_use]
    pub fn with_capacity(samples: usize) -> Self {
        Self {
            samples: VecDeque::with_capacity(samples),
        }
    }

    /// Samples the buffer holds before it reallocates.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.samples.capacity()
    }

    /// All samples, oldest first, as the two halves of the ring buffer
    /// (read the first slice, then the second).
    #[must_use]
    pub fn samples(&self) -> (&[Sample], &[Sample]) {
        self.samples.as_slices()
    }

    /// Number of stored samples.
    #[must_use]
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// True when no sample is stored.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// Newest sample.
    #[must_use]
    pub fn last(&self) -> Option<Sample> {
        self.samples.back().copied()
    }

    /// Samples with `start_excl_ms < t_ms <= end_incl_ms`, oldest first: the
    /// left-open window PromQL range selectors use (Prometheus >= 3.0).
    ///
    /// A borrowed view found by binary search: O(log n), no allocation.
    pub fn range(
        &self,
        start_excl_ms: i64,
        end_incl_ms: i64,
    ) -> impl DoubleEndedIterator<Item = Sample> + ExactSizeIterator + Clone + '_ {
        let lo = self.samples.partition_point(|s| s.t_ms <= start_excl_ms);
        let hi = self
            .samples
            .partition_point(|s| s.t_ms <= end_incl_ms)
            .max(lo);
        self.samples.range(lo..hi).copied()
    }

    /// Appends if `s` is newer than the last sample; false (and nothing
    /// stored) otherwise, as Prometheus rejects out-of-order samples.
    pub fn push(&mut self, s: Sample) -> bool {
        if self.last().is_some_and(|last| s.t_ms <= last.t_ms) {
            return false;
        }
        // Grow by a quarter rather than doubling: a series settles at the window's sample
        // count (312 at 1 s for 5 m), which doubling would hold in a buffer of 512 for
        // good. Still geometric, so pushes stay amortised O(1).
        let len = self.samples.len();
        if len == self.samples.capacity() {
            self.samples.reserve_exact((len / 4).max(8));
        }
        self.samples.push_back(s);
        true
    }

    /// Drops samples with `t_ms < cutoff_ms`; returns how many were dropped.
    fn trim_before(&mut self, cutoff_ms: i64) -> usize {
        let n = self.samples.partition_point(|s| s.t_ms < cutoff_ms);
        self.samples.drain(..n);
        n
    }
}

/// The most samples [`SeriesStore::with_interval`] allocates a new series for
/// up front: 4096 samples, 64 KiB.
pub const MAX_SERIES_CAPACITY: usize = 4096;

/// All series, indexed by metric name so [`SeriesStore::select`] only visits
/// the series of one metric.
///
/// Within one name, series live in a `BTreeMap` ordered by [`SeriesKey`], so
/// iteration (and hence floating-point summation order in queries) is
/// deterministic from frame to frame.
#[derive(Debug, Clone)]
pub struct SeriesStore {
    retention_ms: i64,
    /// Samples a new series' buffer is allocated for (0: grow as pushed).
    series_capacity: usize,
    by_name: HashMap<String, BTreeMap<SeriesKey, Series>>,
    samples: usize,
}

impl SeriesStore {
    /// Empty store keeping `retention` of history (saturates at `i64::MAX` ms).
    #[must_use]
    pub fn new(retention: Duration) -> Self {
        Self {
            retention_ms: i64::try_from(retention.as_millis()).unwrap_or(i64::MAX),
            series_capacity: 0,
            by_name: HashMap::new(),
            samples: 0,
        }
    }

    /// Empty store keeping `retention` of history for series sampled every
    /// `interval` (one scrape each): every new series is allocated room for the
    /// samples the window holds, `retention / interval` plus the sample at the
    /// cutoff, one more and 1/32 for scrapes that come a little early. The
    /// room is capped at [`MAX_SERIES_CAPACITY`] samples (64 KiB), so a long
    /// window at a short interval grows as pushed past that.
    #[must_use]
    pub fn with_interval(retention: Duration, interval: Duration) -> Self {
        let mut store = Self::new(retention);
        let window = retention.as_millis() / interval.as_millis().max(1);
        let window = usize::try_from(window).unwrap_or(usize::MAX);
        store.series_capacity = window
            .saturating_add(window / 32)
            .saturating_add(2)
            .min(MAX_SERIES_CAPACITY);
        store
    }

    /// Appends; a sample with t_ms <= the series' last t_ms is ignored
    /// (returns false) as Prometheus rejects out-of-order samples.
    ///
    /// The key is cloned only when the series is new.
    pub fn push(&mut self, key: &SeriesKey, s: Sample) -> bool {
        let added = if let Some(series) = self
            .by_name
            .get_mut(key.name.as_str())
            .and_then(|m| m.get_mut(key))
        {
            series.push(s)
        } else {
            let mut series = Series::with_capacity(self.series_capacity);
            series.push(s);
            self.by_name
                .entry(key.name.clone())
                .or_default()
                .insert(key.clone(), series);
            true
        };
        if added {
            self.samples += 1;
        }
        added
    }

    /// Drops samples older than now_ms - retention and series left empty.
    ///
    /// A sample at exactly `now_ms - retention` is kept.
    pub fn trim(&mut self, now_ms: i64) {
        let cutoff = now_ms.saturating_sub(self.retention_ms);
        let mut dropped = 0;
        self.by_name.retain(|_, series_map| {
            series_map.retain(|_, series| {
                dropped += series.trim_before(cutoff);
                !series.is_empty()
            });
            !series_map.is_empty()
        });
        self.samples -= dropped;
    }

    /// Forgets every series.
    pub fn clear(&mut self) {
        self.by_name.clear();
        self.samples = 0;
    }

    /// All series of metric `name`, ordered by key; empty when unknown.
    pub fn select<'a>(
        &'a self,
        name: &'a str,
    ) -> impl Iterator<Item = (&'a SeriesKey, &'a Series)> + 'a {
        self.by_name.get(name).into_iter().flat_map(|m| m.iter())
    }

    /// The series stored under `key`, if any.
    #[must_use]
    pub fn get(&self, key: &SeriesKey) -> Option<&Series> {
        self.by_name.get(key.name.as_str())?.get(key)
    }

    /// Number of series currently held.
    #[must_use]
    pub fn series_count(&self) -> usize {
        self.by_name.values().map(BTreeMap::len).sum()
    }

    /// Number of samples currently held, over all series (O(1)).
    #[must_use]
    pub fn sample_count(&self) -> usize {
        self.samples
    }
}

#[cfg(test)]
#[path = "series_tests.rs"]
mod tests;
