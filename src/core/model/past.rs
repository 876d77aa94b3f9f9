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
//! scrape interval; each instant's tool rows are kept packed ([`super::past_tools`]), about
//! a third of their size as the tools screen holds them.

use std::collections::VecDeque;

use super::cursor::Reach;
use super::past_tools::{PackedTools, Shared};
use super::stats::Stats;

/// One kept instant: its numbers without the tool rows, and the rows packed.
#[derive(Debug, Clone, Default, PartialEq)]
struct Kept {
    stats: Stats,
    tools: PackedTools,
}

/// The most entries [`PastStats::new`] makes room for up front (the timeline's 360 steps
/// and then some); a longer history grows as it fills.
const MAX_ROOM: usize = 1024;

/// The kept numbers, oldest first: at most one per step of the timeline.
#[derive(Debug, Clone, Default)]
pub struct PastStats {
    /// Spacing of the kept instants, ms (the timeline's step).
    step_ms: i64,
    /// How far back they are kept, ms (the history).
    history_ms: i64,
    /// The full rate window, ms: an entry over less (the first minutes) is not reachable.
    range_ms: i64,
    kept: VecDeque<Kept>,
    /// The strings and bucket bounds of the kept tool rows.
    shared: Shared,
}

impl PastStats {
    /// Keeps one `Stats` per `step_ms` (at least 1 ms) for `history_ms`; entries whose
    /// `range_ms` is below `range_ms` are kept for the timeline but not reachable.
    pub fn new(step_ms: i64, history_ms: i64, range_ms: i64) -> PastStats {
        let step_ms = step_ms.max(1);
        // Room for every instant the history holds, made once: growing by doubling would
        // hold the old and the new buffer at once (the peak RSS) and end a third unused.
        let room = usize::try_from(history_ms / step_ms)
            .unwrap_or(0)
            .saturating_add(2)
            .min(MAX_ROOM);
        PastStats {
            step_ms,
            history_ms,
            range_ms,
            kept: VecDeque::with_capacity(room),
            shared: Shared::default(),
        }
    }

    /// Keeps `stats` when it is the first of its step (`eval_ms / step_ms` later than the
    /// newest kept one's), and drops entries older than the history before it. An
    /// evaluation not later than the newest kept is ignored.
    pub fn record(&mut self, stats: &Stats) {
        if !self.keeps(stats.eval_ms) {
            return;
        }
        // Every field but the three vectors is `Copy`: a field added that is not makes
        // this fail to build rather than go unkept.
        let tiles = Stats {
            latency_buckets: stats.latency_buckets.clone(),
            modules: stats.modules.clone(),
            tools: Vec::new(),
            ..*stats
        };
        let tools = PackedTools::pack(&stats.tools, &mut self.shared);
        self.kept.push_back(Kept {
            stats: tiles,
            tools,
        });
        let cutoff = stats.eval_ms.saturating_sub(self.history_ms);
        let before = self.kept.len();
        while self.kept.front().is_some_and(|k| k.stats.eval_ms < cutoff) {
            self.kept.pop_front();
        }
        if self.kept.len() < before {
            self.shared.prune();
        }
    }

    /// Whether [`PastStats::record`] would keep an evaluation at `eval_ms`: the first of
    /// its step.
    pub fn keeps(&self, eval_ms: i64) -> bool {
        // `max(1)`: a `PastStats::default()` has no step.
        let slot = |t: i64| t.div_euclid(self.step_ms.max(1));
        self.kept
            .back()
            .is_none_or(|newest| slot(eval_ms) > slot(newest.stats.eval_ms))
    }

    /// Forgets everything (a new profile, a new environment).
    pub fn clear(&mut self) {
        self.kept.clear();
        self.shared.clear();
    }

    /// The instants the cursor may take: from the oldest kept over a whole window to the
    /// newest kept. `None` when none is over a whole window yet.
    pub fn reach(&self) -> Option<Reach> {
        let earliest = self
            .kept
            .iter()
            .find(|k| k.stats.range_ms >= self.range_ms)?;
        let latest = self.kept.back()?;
        Some(Reach {
            earliest_ms: earliest.stats.eval_ms,
            latest_ms: latest.stats.eval_ms,
        })
    }

    /// The kept instant nearest to `t_ms` on the side `dir` points to: at or before it
    /// (`dir` <= 0), at or after it (`dir` > 0). `None` when there is none that side.
    pub fn settle(&self, t_ms: i64, dir: i8) -> Option<i64> {
        let i = self.kept.partition_point(|k| k.stats.eval_ms <= t_ms);
        if dir > 0 {
            if i > 0
                && self
                    .kept
                    .get(i - 1)
                    .is_some_and(|k| k.stats.eval_ms == t_ms)
            {
                return Some(t_ms);
            }
            self.kept.get(i).map(|k| k.stats.eval_ms)
        } else {
            i.checked_sub(1)
                .and_then(|j| self.kept.get(j))
                .map(|k| k.stats.eval_ms)
        }
    }

    /// The numbers kept at or before `t_ms` (the newest such), equal to the `Stats` that
    /// was recorded, tool rows and all; `None` before the first. Unpacks the tool rows:
    /// a few microseconds for a dozen tools.
    pub fn at(&self, t_ms: i64) -> Option<Stats> {
        let i = self.kept.partition_point(|k| k.stats.eval_ms <= t_ms);
        let k = self.kept.get(i.checked_sub(1)?)?;
        Some(Stats {
            tools: k.tools.unpack(),
            ..k.stats.clone()
        })
    }

    /// Number of entries kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Distinct strings the kept tool rows share.
    #[cfg(test)]
    fn shared_strings(&self) -> usize {
        self.shared.strings()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }
}

#[cfg(test)]
#[path = "past_tests.rs"]
mod tests;
