//! Time-bounded, in-memory sample storage.
//!
//! Shape: metric name -> (series key -> samples ordered by strictly
//! increasing timestamp). Timestamps are Unix epoch **milliseconds** (`i64`),
//! values are `f64` as in the Prometheus data model.
//!
//! Retention is applied by [`SeriesStore::trim`] only; [`SeriesStore::push`]
//! never drops data on its own.
//!
//! Memory: a series packs its samples ([`Series`], `series/packed.rs`): 2 bytes a sample
//! for an unchanged value or a counter growing by steps of up to 63 at a steady interval,
//! instead of 16. A store told its scrape interval
//! ([`SeriesStore::with_interval`]) allocates each new series' buffer for the whole
//! retention window at 2 bytes a sample at once, so a constant series never reallocates
//! and others grow by a quarter at a time.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use foldhash::quality::RandomState;

mod intern;
mod packed;
pub use intern::Interner;
pub use packed::{Iter, Series};

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
///
/// Strings are shared (`Arc<str>`): an [`Interner`] gives every series of a target the
/// same allocation of a label name or value, and a key itself is shared (`Arc<SeriesKey>`)
/// between the scrape task and the store, so a series costs its key once.
///
/// Keys compare by their strings (name, then the labels in order, as the derived order of
/// the fields would), looking at the pointers first: two keys, or two strings, sharing one
/// allocation are equal without reading them. A store's lookup with the scrape's own key
/// (the one it keeps) is then one pointer comparison at the end of the search, and label
/// names and values from one interner compare by pointer until they differ.
#[derive(Debug, Clone)]
pub struct SeriesKey {
    /// Metric name, e.g. `mcp_requests_total`.
    pub name: Arc<str>,
    /// `(label name, label value)` pairs sorted by label name.
    pub labels: Vec<(Arc<str>, Arc<str>)>,
}

/// `a.cmp(b)`, equal at once when they share an allocation.
fn cmp_shared(a: &Arc<str>, b: &Arc<str>) -> std::cmp::Ordering {
    if Arc::ptr_eq(a, b) {
        std::cmp::Ordering::Equal
    } else {
        a.cmp(b)
    }
}

impl Ord for SeriesKey {
    fn cmp(&self, other: &SeriesKey) -> std::cmp::Ordering {
        if std::ptr::eq(self, other) {
            return std::cmp::Ordering::Equal;
        }
        cmp_shared(&self.name, &other.name).then_with(|| {
            for ((ak, av), (bk, bv)) in self.labels.iter().zip(&other.labels) {
                let c = cmp_shared(ak, bk).then_with(|| cmp_shared(av, bv));
                if c.is_ne() {
                    return c;
                }
            }
            self.labels.len().cmp(&other.labels.len())
        })
    }
}

impl PartialOrd for SeriesKey {
    fn partial_cmp(&self, other: &SeriesKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SeriesKey {
    fn eq(&self, other: &SeriesKey) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for SeriesKey {}

/// By the strings, as equality compares them.
impl std::hash::Hash for SeriesKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
        self.labels.hash(state);
    }
}

impl SeriesKey {
    /// Builds a key, sorting labels by name, keeping the last value of a
    /// repeated name and dropping empty values.
    #[must_use]
    pub fn new(
        name: &str,
        labels: impl IntoIterator<Item = (impl Into<String>, impl Into<String>)>,
    ) -> Self {
        let pairs: Vec<(Arc<str>, Arc<str>)> = labels
            .into_iter()
            .map(|(k, v)| (Arc::from(k.into()), Arc::from(v.into())))
            .collect();
        Self::from_pairs(Arc::from(name), pairs)
    }

    /// [`SeriesKey::new`] from shared strings.
    #[must_use]
    pub fn from_pairs(name: Arc<str>, mut pairs: Vec<(Arc<str>, Arc<str>)>) -> Self {
        // Stable sort keeps input order among equal names, so the last one
        // given ends up last in its run; dedup keeps the first of a run, so
        // reverse first to keep the last given value.
        pairs.reverse();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|next, kept| next.0 == kept.0);
        pairs.retain(|(_, v)| !v.is_empty());
        pairs.shrink_to_fit();
        Self {
            name,
            labels: pairs,
        }
    }

    /// Value of label `name`, if present (binary search, labels are sorted).
    #[must_use]
    pub fn label(&self, name: &str) -> Option<&str> {
        self.labels
            .binary_search_by(|(k, _)| (**k).cmp(name))
            .ok()
            .and_then(|i| self.labels.get(i))
            .map(|(_, v)| &**v)
    }
}

/// The most samples [`SeriesStore::with_interval`] allocates a new series for
/// up front: 4096 samples (8 KiB packed at 2 bytes a sample).
pub const MAX_SERIES_CAPACITY: usize = 4096;

/// Bytes reserved up front for each sample of the window: what a constant series takes.
const BYTES_PER_SAMPLE: usize = 2;

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
    /// foldhash, seeded at random (as the scrape's interner, `series/intern.rs`): looked up
    /// for every sample of every scrape; SipHash was 0.7 % of scrape mode's CPU.
    by_name: HashMap<Arc<str>, BTreeMap<Arc<SeriesKey>, Series>, RandomState>,
    samples: usize,
}

impl SeriesStore {
    /// Empty store keeping `retention` of history (saturates at `i64::MAX` ms).
    #[must_use]
    pub fn new(retention: Duration) -> Self {
        Self {
            retention_ms: i64::try_from(retention.as_millis()).unwrap_or(i64::MAX),
            series_capacity: 0,
            by_name: HashMap::default(),
            samples: 0,
        }
    }

    /// Empty store keeping `retention` of history for series sampled every
    /// `interval` (one scrape each): every new series is allocated room for the
    /// samples the window holds (at 2 bytes each, what a constant series packs to), `retention / interval` plus the sample at the
    /// cutoff, one more and 1/32 for scrapes that come a little early. The
    /// room is capped at [`MAX_SERIES_CAPACITY`] samples (8 KiB), so a long
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
        match self.series_mut(key) {
            Some(series) => {
                let added = series.push(s);
                self.count(added)
            }
            None => self.insert(Arc::new(key.clone()), s),
        }
    }

    /// [`SeriesStore::push`] with a shared key: a new series keeps `key` itself (one more
    /// reference), so the scrape task's [`Interner`] and the store hold one key.
    pub fn push_shared(&mut self, key: &Arc<SeriesKey>, s: Sample) -> bool {
        match self.series_mut(key) {
            Some(series) => {
                let added = series.push(s);
                self.count(added)
            }
            None => self.insert(Arc::clone(key), s),
        }
    }

    fn series_mut(&mut self, key: &SeriesKey) -> Option<&mut Series> {
        self.by_name.get_mut(&*key.name)?.get_mut(key)
    }

    fn count(&mut self, added: bool) -> bool {
        if added {
            self.samples += 1;
        }
        added
    }

    fn insert(&mut self, key: Arc<SeriesKey>, s: Sample) -> bool {
        let mut series = Series::with_capacity(self.series_capacity * BYTES_PER_SAMPLE);
        series.push(s);
        self.by_name
            .entry(Arc::clone(&key.name))
            .or_default()
            .insert(key, series);
        self.count(true)
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
        self.by_name
            .get(name)
            .into_iter()
            .flat_map(|m| m.iter().map(|(k, s)| (&**k, s)))
    }

    /// The series stored under `key`, if any.
    #[must_use]
    pub fn get(&self, key: &SeriesKey) -> Option<&Series> {
        self.by_name.get(&*key.name)?.get(key)
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
