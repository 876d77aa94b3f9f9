//! The tiles as they were: one [`Stats`] kept per timeline step over the history, so the
//! time cursor shows the numbers of a past instant without keeping a window of samples
//! for every instant of the history.
//!
//! Each kept `Stats` is the one the model computed live, at a scrape time, over the rate
//! window before it: the number Prometheus' instant query at that time answers for the
//! same PromQL (see [`super::promql_text`]). Keeping samples for the whole history
//! instead would multiply the samples held, and the reading cost of every window (a
//! series is decoded from its oldest sample), by history / range (12 for an hour over
//! 5 minutes). Memory here is bounded by the timeline's point count (360) whatever the
//! scrape interval.

use std::collections::VecDeque;

use super::cursor::Reach;
use super::stats::Stats;

/// The kept numbers, oldest first: at most one per step of the timeline.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PastStats {
    /// Spacing of the kept instants, ms (the timeline's step).
    step_ms: i64,
    /// How far back they are kept, ms (the history).
    history_ms: i64,
    /// The full rate window, ms: an entry over less (the first minutes) is not reachable.
    range_ms: i64,
    kept: VecDeque<Stats>,
}

impl PastStats {
    /// Keeps one `Stats` per `step_ms` (at least 1 ms) for `history_ms`; entries whose
    /// `range_ms` is below `range_ms` are kept for the timeline but not reachable.
    pub fn new(step_ms: i64, history_ms: i64, range_ms: i64) -> PastStats {
        PastStats {
            step_ms: step_ms.max(1),
            history_ms,
            range_ms,
            kept: VecDeque::new(),
        }
    }

    /// Keeps `stats` when it is the first of its step (`eval_ms / step_ms` later than the
    /// newest kept one's), and drops entries older than the history before it. An
    /// evaluation not later than the newest kept is ignored.
    pub fn record(&mut self, stats: &Stats) {
        let slot = |t: i64| t.div_euclid(self.step_ms);
        if self
            .kept
            .back()
            .is_some_and(|newest| slot(stats.eval_ms) <= slot(newest.eval_ms))
        {
            return;
        }
        self.kept.push_back(stats.clone());
        let cutoff = stats.eval_ms.saturating_sub(self.history_ms);
        while self.kept.front().is_some_and(|s| s.eval_ms < cutoff) {
            self.kept.pop_front();
        }
    }

    /// Forgets everything (a new profile, a new environment).
    pub fn clear(&mut self) {
        self.kept.clear();
    }

    /// The instants the cursor may take: from the oldest kept over a whole window to the
    /// newest kept. `None` when none is over a whole window yet.
    pub fn reach(&self) -> Option<Reach> {
        let earliest = self.kept.iter().find(|s| s.range_ms >= self.range_ms)?;
        let latest = self.kept.back()?;
        Some(Reach {
            earliest_ms: earliest.eval_ms,
            latest_ms: latest.eval_ms,
        })
    }

    /// The kept instant nearest to `t_ms` on the side `dir` points to: at or before it
    /// (`dir` <= 0), at or after it (`dir` > 0). `None` when there is none that side.
    pub fn settle(&self, t_ms: i64, dir: i8) -> Option<i64> {
        let i = self.kept.partition_point(|s| s.eval_ms <= t_ms);
        if dir > 0 {
            if i > 0 && self.kept.get(i - 1).is_some_and(|s| s.eval_ms == t_ms) {
                return Some(t_ms);
            }
            self.kept.get(i).map(|s| s.eval_ms)
        } else {
            i.checked_sub(1)
                .and_then(|j| self.kept.get(j))
                .map(|s| s.eval_ms)
        }
    }

    /// The numbers kept at or before `t_ms` (the newest such); `None` before the first.
    pub fn at(&self, t_ms: i64) -> Option<&Stats> {
        let i = self.kept.partition_point(|s| s.eval_ms <= t_ms);
        i.checked_sub(1).and_then(|j| self.kept.get(j))
    }

    /// Number of entries kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }
}

#[cfg(test)]
#[path = "past_tests.rs"]
mod tests;
