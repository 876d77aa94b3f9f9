//! One watched target of the deploy watch: its own dashboard (series, status, numbers), its
//! own criteria timers and warm-up, and its readings. In query mode the one "target" is
//! the fleet behind the query API.

use std::time::Duration;

use crate::model::criteria::{Evaluator, Metric, Op, Verdict, WarmUp};
use crate::model::dashboard::Dashboard;
use crate::model::stats::Stats;
use crate::model::status::Up;

/// One interval's reading of one target (or, in query mode, of the fleet).
#[derive(Debug, Clone)]
pub struct Reading {
    /// The target's name (scrape mode); `None` in query mode, where the API reads the fleet.
    pub target: Option<String>,
    /// Unix ms.
    pub t_ms: i64,
    /// Since the watch started.
    pub elapsed: Duration,
    /// The target's numbers at its last good scrape (or query), over `stats.range_ms`.
    pub stats: Stats,
    /// Targets up, and of how many: scrape mode 1 or 0 of 1 (down when its last scrape or
    /// its last health check failed); query mode the instances up. `None` before any answer.
    pub up: Option<(f64, usize)>,
    /// The source's error when its last attempt failed (the scrape's, else the health
    /// check's), or why no numbers can be computed (no request metric).
    pub error: Option<String>,
    /// Scrape mode, until the rate window holds enough data ([`WarmUp`]): what it holds and
    /// when judging begins. No criterion is evaluated meanwhile.
    pub warming_up: Option<WarmingUp>,
    /// `(criterion as evaluated, verdict)` for each criterion; empty while warming up.
    pub verdicts: Vec<(String, Verdict)>,
}

/// Where a target's warm-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmingUp {
    /// The range the numbers cover now (`rate[12s]`); zero before any numbers.
    pub range: Duration,
    /// Since the watch started, about when judging begins: when the target joined plus
    /// the range needed.
    pub judging_from: Duration,
}

impl Reading {
    /// Whether a criterion breached at this interval.
    pub fn breached(&self) -> bool {
        self.verdicts
            .iter()
            .any(|(_, v)| matches!(v, Verdict::Breached { .. }))
    }
}

/// A watched target and what the watch knows of it.
#[derive(Debug)]
pub struct Watched {
    /// Its name; `None` in query mode.
    pub name: Option<String>,
    pub dashboard: Dashboard,
    eval: Evaluator,
    /// Scrape mode's warm-up; `None` in query mode.
    warm_up: Option<WarmUp>,
    /// Since the watch started, when the target joined it.
    joined: Duration,
    /// In the watch from its start (not added later by `targets_file`).
    pub from_start: bool,
    /// Query mode: instances up, and of how many, at the last refresh.
    pub up: Option<(f64, usize)>,
    /// Whether an interval judged it: past its warm-up, its source answering, with a
    /// request rate.
    pub judged: bool,
    /// The first interval of its current run of failing ones (source failing).
    pub failing_since: Option<Reading>,
    /// Its last interval.
    pub last: Option<Reading>,
    /// Whether the criteria its histogram cannot see were said ([`Watched::unseen`]).
    warned_unseen: bool,
    /// Query mode: the warning that made the last answer partial (a Thanos store did not
    /// answer, see [`crate::model::partial`]); `None` when it was complete.
    pub partial: Option<String>,
    /// Whether the last change of [`Watched::partial`] said it is partial.
    said_partial: bool,
}

impl Watched {
    pub fn new(
        name: Option<String>,
        dashboard: Dashboard,
        eval: Evaluator,
        warm_up: Option<WarmUp>,
        joined: Duration,
    ) -> Watched {
        Watched {
            name,
            dashboard,
            eval,
            warm_up,
            joined,
            from_start: joined.is_zero(),
            up: None,
            judged: false,
            failing_since: None,
            last: None,
            warned_unseen: false,
            partial: None,
            said_partial: false,
        }
    }

    /// Query mode: what to say when the API's answers turned partial, or complete again;
    /// once per change, `None` otherwise. A partial answer's numbers lack the data of the
    /// stores that did not answer, so they may read low.
    pub fn partial_change(&mut self) -> Option<String> {
        if self.partial.is_some() == self.said_partial {
            return None;
        }
        self.said_partial = self.partial.is_some();
        Some(match &self.partial {
            Some(w) => format!("the API's answer is partial, its numbers may be low: {w}"),
            None => "the API's answer is complete again".to_string(),
        })
    }

    /// Once the target's latency histogram is known: each criterion on p95 or p99 whose
    /// threshold is above the histogram's highest finite bucket, which histogram_quantile
    /// never answers above, so the criterion can never breach (`p95 > 5s: cannot be
    /// seen, top bucket 1s`). Said once; empty before the histogram is known and after.
    pub fn unseen(&mut self) -> Vec<String> {
        let Some(top) = self.dashboard.stats.top_bucket_s else {
            return Vec::new();
        };
        if std::mem::replace(&mut self.warned_unseen, true) {
            return Vec::new();
        }
        self.eval
            .criteria
            .iter()
            .filter(|c| {
                matches!(c.metric, Metric::P95 | Metric::P99)
                    && matches!(c.op, Op::Gt | Op::Ge)
                    && c.threshold(None).is_some_and(|t| t > top)
            })
            .map(|c| {
                format!(
                    "{} cannot be seen: top bucket {} (histogram_quantile never answers above it)",
                    c.text,
                    crate::text::format::latency(top)
                )
            })
            .collect()
    }

    /// The interval at `t_ms`, `elapsed` into the watch: the numbers, up, the error, and
    /// the criteria judged once the warm-up is over.
    pub fn read(&mut self, t_ms: i64, elapsed: Duration) -> Reading {
        let d = &self.dashboard;
        let up = match self.name {
            None => self.up,
            Some(_) => match d.status.up() {
                Up::Unknown => None,
                Up::Up => Some((1.0, 1)),
                Up::Down => Some((0.0, 1)),
            },
        };
        let error = d
            .status
            .error()
            .map(str::to_string)
            .or_else(|| d.profile_problem.clone());
        let judged = self
            .eval
            .judge(t_ms, &d.stats, up.map(|(n, _)| n), self.warm_up);
        let warming_up = match (&judged, self.warm_up) {
            (None, Some(w)) => Some(WarmingUp {
                range: Duration::from_millis(u64::try_from(d.stats.range_ms).unwrap_or(0)),
                judging_from: self.joined.saturating_add(w.need()),
            }),
            _ => None,
        };
        if judged.is_some() && error.is_none() && d.stats.req_per_sec.is_some() {
            self.judged = true;
        }
        let reading = Reading {
            target: self.name.clone(),
            t_ms,
            elapsed,
            stats: d.stats.clone(),
            up,
            error,
            warming_up,
            verdicts: judged
                .unwrap_or_default()
                .into_iter()
                .enumerate()
                .map(|(i, v)| (self.eval.describe(i), v))
                .collect(),
        };
        if d.status.consecutive_failures() == 0 {
            self.failing_since = None;
        } else if self.failing_since.is_none() {
            self.failing_since = Some(reading.clone());
        }
        self.last = Some(reading.clone());
        reading
    }

    /// Failed attempts in a row of its scrape or health check (query mode: of the API).
    pub fn failures(&self) -> u32 {
        self.dashboard.status.consecutive_failures()
    }

    /// Why it was never judged, for the end line.
    pub fn not_judged(&self) -> String {
        let last = self.last.as_ref();
        if let Some(e) = last.and_then(|r| r.error.as_deref()) {
            return format!("never judged: source failing: {e}");
        }
        match last.and_then(|r| r.warming_up) {
            Some(w) => format!(
                "never judged: still warming up at the end, rate[{}] of the {} needed",
                super::output::secs(w.range),
                super::output::secs(self.warm_up.map_or(Duration::ZERO, WarmUp::need))
            ),
            None => "never judged: no request rate measured".to_string(),
        }
    }
}
