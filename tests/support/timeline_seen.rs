//! Query mode's timeline as the app keeps it, fed by the source's updates
//! (`PromUpdate::Timeline` merged into a [`Timeline`], `TimelineGaps` kept as sent), for the
//! timeline tests against the loopback stand-in ([`super::lagging_api`]) and against the
//! real engines.

use mcptop::model::profile::Profile;
use mcptop::model::query_mode::PromUpdate;
use mcptop::model::timeline::{Gap, Timeline};
use mcptop::sources::{Update, now_ms};
use tokio::sync::mpsc;

/// What the source has sent so far.
pub struct Seen {
    pub timeline: Timeline,
    pub gaps: Vec<Gap>,
    /// The newest point of the last `Timeline` update (the end of the last ask the engine
    /// answered up to).
    pub last_end: Option<i64>,
    /// The rate range of the points (ms), from the last `Timeline` update.
    pub range_ms: Option<i64>,
    /// The profile detected, from the last successful `Profile` update.
    pub profile: Option<Profile>,
    /// The errors of failed timeline asks (the source asks again at the next refresh).
    pub failures: Vec<String>,
}

impl Seen {
    /// A timeline over `history_ms` refreshed every `interval_ms`, as the app makes it.
    pub fn new(history_ms: i64, interval_ms: i64) -> Seen {
        Seen {
            timeline: Timeline::new(history_ms, interval_ms),
            gaps: Vec::new(),
            last_end: None,
            range_ms: None,
            profile: None,
            failures: Vec::new(),
        }
    }

    /// How far the newest point stands behind `now` (ms); `None` without points.
    pub fn lag_ms(&self, now: i64) -> Option<i64> {
        self.timeline.points().last().map(|p| now - p.t_ms)
    }

    /// Takes the next update (before `deadline`); whether it was a `Timeline` one.
    ///
    /// Panics: no update before `deadline` (naming `waiting_for`, the newest point's age
    /// and the gaps), or the source stopped.
    pub async fn next(
        &mut self,
        rx: &mut mpsc::Receiver<Update>,
        deadline: tokio::time::Instant,
        waiting_for: &str,
    ) -> bool {
        let u = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "timed out waiting for {waiting_for}; newest point {:?} ms old, gaps {:?}, \
                     failed asks {:?}",
                    self.lag_ms(now_ms()),
                    self.gaps,
                    self.failures
                )
            })
            .expect("the source runs");
        match u {
            Update::Prometheus(PromUpdate::Timeline {
                total,
                replace,
                range_ms,
                ..
            }) => {
                self.last_end = total.last().map(|p| p.t_ms);
                self.range_ms = Some(range_ms);
                self.timeline.extend(&total, replace);
                true
            }
            Update::Prometheus(PromUpdate::TimelineGaps { gaps, .. }) => {
                self.gaps = gaps;
                false
            }
            Update::Prometheus(PromUpdate::TimelineFailed { error, .. }) => {
                self.failures.push(error.to_string());
                false
            }
            Update::Prometheus(PromUpdate::Profile { result: Ok(p), .. }) => {
                self.profile = Some(*p);
                false
            }
            _ => false,
        }
    }
}
