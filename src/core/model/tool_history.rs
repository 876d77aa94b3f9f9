//! Each tool's call rate over the history, for the sparkline of its row and its own
//! timeline: points on the same aligned multiples of the step as the request
//! [`Timeline`], with the same `$__rate_interval` range, added as they fall due at each
//! scrape, so a past point never changes and a scrape costs one grouped sum per new point.
//! Query mode merges the points of its `query_range` by tool instead ([`ToolHistory::extend`]).

use std::collections::{BTreeMap, VecDeque};

use super::counted::sum_counted_rate_by;
use super::profile::Profile;
use super::series::{SeriesKey, SeriesStore};
use super::timeline::Timeline;

/// Per-tool rates at aligned points over the history.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolHistory {
    /// Distance between points, ms (the timeline's).
    pub step_ms: i64,
    /// Range of each point's rate, ms (the timeline's).
    pub range_ms: i64,
    /// Points kept, ms.
    pub history_ms: i64,
    /// `(Unix ms, calls per second)` of each tool, oldest first. A tool with no counted
    /// series at a point has no point there.
    points: BTreeMap<String, VecDeque<(i64, f64)>>,
    /// Next aligned point not yet evaluated.
    next_ms: Option<i64>,
}

impl ToolHistory {
    /// A history spaced and ranged as `timeline`.
    pub fn like(timeline: &Timeline) -> ToolHistory {
        ToolHistory {
            step_ms: timeline.step_ms,
            range_ms: timeline.range_ms,
            history_ms: timeline.history_ms,
            points: BTreeMap::new(),
            next_ms: None,
        }
    }

    /// Adds the aligned points due up to `eval_ms` (`sum by (tool_label)
    /// (counted(REQ{tool call}[range])) / range` at each) and drops those older than the
    /// history; nothing when the profile names no tool label.
    pub fn update(&mut self, profile: &Profile, counters: &SeriesStore, eval_ms: i64) {
        let Some(label) = profile.tool_label.as_deref() else {
            return;
        };
        let first_due = eval_ms - self.history_ms;
        let aligned_first = first_due.div_euclid(self.step_ms) * self.step_ms + self.step_ms;
        let mut next = self.next_ms.unwrap_or(aligned_first).max(aligned_first);
        while next <= eval_ms {
            let rates = sum_counted_rate_by(
                counters,
                &profile.requests,
                |k: &SeriesKey| profile.counts(k),
                |k: &SeriesKey| profile.counts(k) && profile.is_tool_call(k),
                label,
                next,
                self.range_ms,
            );
            for (tool, rate) in rates {
                if !tool.is_empty() && rate.is_finite() {
                    self.points.entry(tool).or_default().push_back((next, rate));
                }
            }
            next += self.step_ms;
        }
        self.next_ms = Some(next);
        for points in self.points.values_mut() {
            while points.front().is_some_and(|(t, _)| *t <= first_due) {
                points.pop_front();
            }
        }
        self.points.retain(|_, p| !p.is_empty());
    }

    /// Merges points computed elsewhere (query mode's `query_range` by tool), each tool's
    /// oldest first: a point at a time already held replaces it (the engine settled it),
    /// others are inserted in time order; `replace` drops every point first. Points older
    /// than the history before the newest are dropped.
    pub fn extend(&mut self, tools: &BTreeMap<String, Vec<(i64, f64)>>, replace: bool) {
        if replace {
            self.clear();
        }
        for (tool, points) in tools {
            let held = self.points.entry(tool.clone()).or_default();
            for &(t, v) in points.iter().filter(|p| p.1.is_finite()) {
                match held.binary_search_by_key(&t, |p| p.0) {
                    Ok(i) => held[i] = (t, v),
                    Err(i) => held.insert(i, (t, v)),
                }
            }
        }
        let newest = self
            .points
            .values()
            .filter_map(|p| p.back())
            .map(|p| p.0)
            .max();
        if let Some(newest) = newest {
            for points in self.points.values_mut() {
                while points
                    .front()
                    .is_some_and(|(t, _)| *t <= newest - self.history_ms)
                {
                    points.pop_front();
                }
            }
        }
        self.points.retain(|_, p| !p.is_empty());
    }

    /// The points of `tool`, oldest first: `(Unix ms, calls per second)`.
    pub fn of(&self, tool: &str) -> impl Iterator<Item = (i64, f64)> + '_ {
        self.points.get(tool).into_iter().flatten().copied()
    }

    /// The rate of `tool` over the whole history in `n` cells, oldest first, each the
    /// mean of the points in its stretch (`history / n` ending at the newest point held of
    /// any tool), 0 where it had none: what a sparkline of `n` cells draws. Empty before
    /// the first point.
    pub fn sparkline(&self, tool: &str, n: usize) -> Vec<f64> {
        let newest = self
            .points
            .values()
            .filter_map(|p| p.back())
            .map(|p| p.0)
            .max();
        let (Some(end), true) = (newest, n > 0 && self.history_ms > 0) else {
            return Vec::new();
        };
        let start = end - self.history_ms;
        let mut sums = vec![(0.0, 0u32); n];
        for (t, v) in self.of(tool).filter(|(t, _)| *t > start) {
            let i = ((t - start - 1) as i128 * n as i128 / self.history_ms as i128) as usize;
            if let Some(cell) = sums.get_mut(i.min(n - 1)) {
                cell.0 += v;
                cell.1 += 1;
            }
        }
        sums.into_iter()
            .map(|(sum, k)| if k == 0 { 0.0 } else { sum / f64::from(k) })
            .collect()
    }

    /// Forgets every point (the profile changed).
    pub fn clear(&mut self) {
        self.points.clear();
        self.next_ms = None;
    }
}
