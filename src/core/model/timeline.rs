//! The request timeline: request and error rates at evenly spaced, aligned points.
//!
//! Points sit on multiples of `step` (Unix time), so a past point never changes and each
//! scrape adds at most the points that became due. The range of each point's `rate()` follows Grafana's `$__rate_interval`:
//! `max(step + scrape interval, 4 * scrape interval)`.

use std::collections::VecDeque;

use super::profile::Profile;
use super::series::SeriesStore;
use super::stats::request_rates;

/// One point of the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Unix ms.
    pub t_ms: i64,
    /// Requests per second.
    pub req_per_sec: f64,
    /// Errors per second.
    pub err_per_sec: f64,
}

/// A stretch of aligned points the query API was asked for and never answered (query
/// mode, see [`super::timeline_sync`]): drawn as a break in the line with `reason`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// First and last missing point, Unix ms (equal for a single point).
    pub from_ms: i64,
    pub to_ms: i64,
    /// Why, in words: `no data from the API for 10:01:00–10:03:00`.
    pub reason: String,
}

/// Timeline over the history window.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    /// Distance between points, ms.
    pub step_ms: i64,
    /// Range of each point's rate, ms.
    pub range_ms: i64,
    /// Points kept, ms.
    pub history_ms: i64,
    points: VecDeque<Point>,
    /// Next aligned point not yet evaluated.
    next_ms: Option<i64>,
    /// Stretches the API left unanswered, oldest first (query mode only).
    gaps: Vec<Gap>,
}

/// Points a timeline aims for over its history.
const POINTS: i64 = 360;

impl Timeline {
    /// A timeline of `history_ms` for a source scraped every `interval_ms`.
    pub fn new(history_ms: i64, interval_ms: i64) -> Timeline {
        let step_ms = (history_ms / POINTS).max(interval_ms).max(1);
        Timeline {
            step_ms,
            range_ms: (step_ms + interval_ms).max(4 * interval_ms),
            history_ms,
            points: VecDeque::new(),
            next_ms: None,
            gaps: Vec::new(),
        }
    }

    /// Adds the aligned points due up to `eval_ms`. (The value between two steps is the
    /// tiles'; a live point here cost every scrape a second pass over the request
    /// counters, and moved the chart every frame.)
    pub fn update(&mut self, profile: &Profile, counters: &SeriesStore, eval_ms: i64) {
        let first_due = eval_ms - self.history_ms;
        let aligned_first = first_due.div_euclid(self.step_ms) * self.step_ms + self.step_ms;
        let mut next = self.next_ms.unwrap_or(aligned_first).max(aligned_first);
        while next <= eval_ms {
            if let Some(p) = self.point(profile, counters, next) {
                self.points.push_back(p);
            }
            next += self.step_ms;
        }
        self.next_ms = Some(next);
        while self.points.front().is_some_and(|p| p.t_ms <= first_due) {
            self.points.pop_front();
        }
    }

    fn point(&self, profile: &Profile, counters: &SeriesStore, t_ms: i64) -> Option<Point> {
        let (req, err) = request_rates(profile, counters, t_ms, self.range_ms);
        req.map(|r| Point {
            t_ms,
            req_per_sec: r,
            err_per_sec: err.unwrap_or(0.0),
        })
    }

    /// Merges points computed elsewhere (query mode's `query_range`, the scraped fleet's
    /// sum), oldest first: a point at a time already held replaces it (the engine settled
    /// it since), others are inserted in time order. `replace` drops the old points first.
    /// Points older than the history before the newest are dropped.
    pub fn extend(&mut self, points: &[Point], replace: bool) {
        if replace {
            self.clear();
        }
        for p in points {
            match self.points.back() {
                Some(last) if last.t_ms < p.t_ms => self.points.push_back(*p),
                None => self.points.push_back(*p),
                Some(_) => match self.points.binary_search_by_key(&p.t_ms, |q| q.t_ms) {
                    Ok(i) => self.points[i] = *p,
                    Err(i) => self.points.insert(i, *p),
                },
            }
        }
        if let Some(newest) = self.points.back().map(|p| p.t_ms) {
            while self
                .points
                .front()
                .is_some_and(|p| p.t_ms <= newest - self.history_ms)
            {
                self.points.pop_front();
            }
        }
    }

    /// Replaces the gaps (query mode sends the whole list each time).
    pub fn set_gaps(&mut self, gaps: Vec<Gap>) {
        self.gaps = gaps;
    }

    /// The stretches the API left unanswered, oldest first.
    pub fn gaps(&self) -> &[Gap] {
        &self.gaps
    }

    /// Every point, oldest first: on multiples of the step, so another timeline's can be
    /// added to them point by point.
    pub fn points(&self) -> impl Iterator<Item = Point> + '_ {
        self.points.iter().copied()
    }

    /// Forgets every point (e.g. when the profile changes).
    pub fn clear(&mut self) {
        self.points.clear();
        self.next_ms = None;
        self.gaps.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::{Point, Timeline};

    fn p(t_ms: i64, r: f64) -> Point {
        Point {
            t_ms,
            req_per_sec: r,
            err_per_sec: 0.0,
        }
    }

    #[test]
    fn later_answers_replace_points_and_fill_holes() {
        let mut t = Timeline::new(60_000, 1_000);
        t.extend(&[p(1_000, 1.0), p(2_000, 1.0), p(4_000, 1.0)], true);
        t.extend(&[p(2_000, 2.0), p(3_000, 3.0), p(5_000, 5.0)], false);
        let got: Vec<(i64, f64)> = t.points().map(|p| (p.t_ms, p.req_per_sec)).collect();
        assert_eq!(
            got,
            [
                (1_000, 1.0),
                (2_000, 2.0),
                (3_000, 3.0),
                (4_000, 1.0),
                (5_000, 5.0)
            ]
        );
    }
}
