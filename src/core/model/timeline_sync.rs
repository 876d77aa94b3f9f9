//! Which timeline points query mode asks for, and which it calls gaps.
//!
//! An engine may answer its newest points late or provisionally: VictoriaMetrics leaves
//! out, or repeats the previous value for, everything newer than `-search.latencyOffset`
//! (30 s by default), and a `query_range` whose whole range lies there answers
//! `"result":[]`. So a point is not final when first answered:
//!
//! - each new step asks the range from the oldest point not yet final to now (aligned to
//!   the step), once: a refresh within a step whose point was answered asks nothing (at
//!   a 1-hour history, one `query_range` every 10 s, not every refresh); a point stays
//!   open, asked again at each step and replaced by the newest answer, until it is older
//!   than [`Rules::open_ms`] (2 minutes by default);
//! - a point the engine still has not answered when it leaves that window becomes part
//!   of a [`Gap`] (drawn with its reason), unless it is older than the first point the
//!   engine ever answered and than the start of asking (a fleet younger than the history
//!   has no points there, and that is not a gap);
//! - gaps are asked again every [`Rules::gap_retry_ms`] (30 s), and a point the engine
//!   answers then leaves its gap.
//!
//! A time counts as answered when any series of the answer has a point there: an
//! instance that was down has no point while the others do, and that is an outage drawn
//! as a break in its own line, not a gap of the API.

use std::collections::BTreeSet;

use super::timeline::Gap;

/// How long points stay open and how often gaps are asked again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// A point newer than this (ms before now) is asked again at every refresh; one older
    /// and still unanswered is a gap. Default 120,000 (four times VictoriaMetrics' 30 s
    /// `-search.latencyOffset`, and at least 3 steps, see [`Sync::new`]).
    pub open_ms: i64,
    /// Gaps are asked again at most this often, ms. Default 30,000.
    pub gap_retry_ms: i64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            open_ms: 120_000,
            gap_retry_ms: 30_000,
        }
    }
}

/// One range to ask with `query_range`: aligned `[start_ms, end_ms]` every step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ask {
    pub start_ms: i64,
    pub end_ms: i64,
    /// The first ask: its points replace whatever the timeline held.
    pub replace: bool,
}

/// The state of one environment's timeline asks.
#[derive(Debug, Clone)]
pub struct Sync {
    step_ms: i64,
    history_ms: i64,
    rules: Rules,
    /// The aligned time asking started: points from here on must exist.
    started_ms: i64,
    /// The oldest point the engine ever answered.
    first_answered: Option<i64>,
    /// The newest point that is final (answered and out of the open window, or a gap).
    final_to: Option<i64>,
    /// Final points never answered: the gaps, point by point.
    missing: BTreeSet<i64>,
    /// When the gaps were last asked again.
    gaps_asked_ms: Option<i64>,
    answered_once: bool,
    /// The newest aligned point an answer reached: a refresh in the same step asks
    /// nothing more.
    answered_to: Option<i64>,
}

impl Sync {
    /// A timeline of points every `step_ms` over `history_ms`, asked from `now_ms` on. The
    /// open window is at least 3 steps.
    pub fn new(step_ms: i64, history_ms: i64, rules: Rules, now_ms: i64) -> Sync {
        let step_ms = step_ms.max(1);
        Sync {
            step_ms,
            history_ms,
            rules: Rules {
                open_ms: rules.open_ms.max(3 * step_ms),
                ..rules
            },
            started_ms: now_ms.div_euclid(step_ms) * step_ms,
            first_answered: None,
            final_to: None,
            missing: BTreeSet::new(),
            gaps_asked_ms: None,
            answered_once: false,
            answered_to: None,
        }
    }

    fn align(&self, t_ms: i64) -> i64 {
        t_ms.div_euclid(self.step_ms) * self.step_ms
    }

    /// The oldest point the history holds at `now_ms`.
    fn oldest(&self, now_ms: i64) -> i64 {
        self.align(now_ms - self.history_ms) + self.step_ms
    }

    /// The range to ask at `now_ms`: from the oldest point not yet final (or the oldest
    /// gap, when they are due to be asked again) to now; `None` when no point is due: the
    /// newest aligned point was answered already and no gap is due.
    pub fn ask(&mut self, now_ms: i64) -> Option<Ask> {
        let oldest = self.oldest(now_ms);
        let end = self.align(now_ms);
        let mut start = self.final_to.map_or(oldest, |f| f + self.step_ms);
        let gap_due = match self.missing.iter().find(|t| **t >= oldest) {
            Some(&gap)
                if self
                    .gaps_asked_ms
                    .is_none_or(|t| now_ms - t >= self.rules.gap_retry_ms) =>
            {
                start = start.min(gap);
                true
            }
            _ => false,
        };
        if !gap_due && self.answered_to.is_some_and(|a| a >= end) {
            return None;
        }
        if gap_due {
            self.gaps_asked_ms = Some(now_ms);
        }
        let start = start.max(oldest);
        (start <= end).then_some(Ask {
            start_ms: start,
            end_ms: end,
            replace: !self.answered_once,
        })
    }

    /// Takes the answer to `ask` at `now_ms`: `answered` holds the times at which any series
    /// had a point. Returns the gaps as they stand, oldest first.
    pub fn answered(&mut self, ask: &Ask, answered: &BTreeSet<i64>, now_ms: i64) -> Vec<Gap> {
        self.answered_once = true;
        self.answered_to = Some(self.answered_to.map_or(ask.end_ms, |a| a.max(ask.end_ms)));
        if let Some(&first) = answered.iter().next() {
            self.first_answered = Some(self.first_answered.map_or(first, |f| f.min(first)));
        }
        let expected_from = self
            .first_answered
            .map_or(self.started_ms, |f| f.min(self.started_ms));
        let closed = self.align(now_ms - self.rules.open_ms);
        let mut t = ask.start_ms;
        while t <= ask.end_ms {
            if answered.contains(&t) {
                self.missing.remove(&t);
            } else if t <= closed && t >= expected_from {
                self.missing.insert(t);
            }
            t += self.step_ms;
        }
        // Every point of the range up to `closed` is decided now: answered, or a gap.
        let done = closed.min(ask.end_ms);
        self.final_to = Some(self.final_to.map_or(done, |f| f.max(done)));
        let oldest = self.oldest(now_ms);
        self.missing.retain(|t| *t >= oldest);
        self.gaps()
    }

    /// The missing points as stretches of consecutive steps, oldest first.
    pub fn gaps(&self) -> Vec<Gap> {
        let mut out: Vec<Gap> = Vec::new();
        for &t in &self.missing {
            match out.last_mut() {
                Some(g) if g.to_ms + self.step_ms == t => g.to_ms = t,
                _ => out.push(Gap {
                    from_ms: t,
                    to_ms: t,
                    reason: NO_DATA.to_string(),
                }),
            }
        }
        out
    }
}

/// The reason of a gap: the engine answered, with nothing for those points.
pub const NO_DATA: &str = "no data from the API";

#[cfg(test)]
#[path = "timeline_sync_tests.rs"]
mod tests;
