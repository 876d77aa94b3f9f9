//! Alert transitions for the timeline: when each alert started and stopped firing, kept
//! as marks the timeline draws and the time cursor snaps to.
//!
//! Alertmanager lists the alerts that are active now (API v2 `GET /alerts`); a resolved
//! alert simply leaves the list. Local rules list a resolved alert for a while with its
//! `ends_at_ms`. So a transition is found by comparing each list with the one before: an
//! alert seen firing for the first time fired at its `startsAt` (Alertmanager's, when it
//! is not after the observation) or at the observation (a local rule's `starts_at_ms` is
//! when it became pending, not when it fired); one no longer firing resolved at its
//! `ends_at_ms` when it says so and that is not after the observation, else at the
//! observation.

use std::collections::BTreeMap;

use super::alerts::{Alert, AlertOrigin, AlertState};

/// Marks kept at most; the oldest go first.
pub const MAX_MARKS: usize = 1000;

/// Which way an alert went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Firing,
    Resolved,
}

/// One transition of one alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Unix ms.
    pub t_ms: i64,
    pub transition: Transition,
    /// The `alertname` label.
    pub alert: String,
    /// The `severity` label ("" when none).
    pub severity: String,
    /// Raised by one of mcptop's rules (else by Alertmanager).
    pub local: bool,
}

/// The transitions seen, oldest first, and the alerts firing at the last observation.
#[derive(Debug, Clone, Default)]
pub struct MarkLog {
    marks: Vec<Mark>,
    /// Firing alerts by fingerprint: their name, severity and origin.
    firing: BTreeMap<String, (String, String, bool)>,
}

/// Whether an alert counts as firing: firing, or firing but silenced or inhibited (it
/// still fires; it is only not notified).
fn fires(a: &Alert) -> bool {
    matches!(
        a.state,
        AlertState::Firing | AlertState::Silenced | AlertState::Inhibited
    )
}

impl MarkLog {
    /// Records the transitions between the last observation and `alerts`, the whole list
    /// of one kind of source at `t_ms` (Unix ms). `local` says which: a local rule's list
    /// and Alertmanager's are observed apart, so that neither one's alerts are taken as
    /// resolved when the other's list arrives.
    pub fn observe(&mut self, t_ms: i64, local: bool, alerts: &[Alert]) {
        let now_firing: BTreeMap<&str, &Alert> = alerts
            .iter()
            .filter(|a| fires(a))
            .map(|a| (a.fingerprint.as_str(), a))
            .collect();
        for (fp, a) in &now_firing {
            if self.firing.contains_key(*fp) {
                continue;
            }
            let at = match a.origin {
                AlertOrigin::Alertmanager { .. } if a.starts_at_ms > 0 => a.starts_at_ms.min(t_ms),
                _ => t_ms,
            };
            let severity = a.labels.get("severity").cloned().unwrap_or_default();
            self.firing.insert(
                fp.to_string(),
                (a.name().to_string(), severity.clone(), local),
            );
            self.insert(Mark {
                t_ms: at,
                transition: Transition::Firing,
                alert: a.name().to_string(),
                severity,
                local,
            });
        }
        let gone: Vec<String> = self
            .firing
            .iter()
            .filter(|(fp, (_, _, l))| *l == local && !now_firing.contains_key(fp.as_str()))
            .map(|(fp, _)| fp.clone())
            .collect();
        for fp in gone {
            let Some((alert, severity, local)) = self.firing.remove(&fp) else {
                continue;
            };
            let ended = alerts
                .iter()
                .find(|a| a.fingerprint == fp)
                .and_then(|a| a.ends_at_ms)
                .filter(|e| *e <= t_ms);
            self.insert(Mark {
                t_ms: ended.unwrap_or(t_ms),
                transition: Transition::Resolved,
                alert,
                severity,
                local,
            });
        }
    }

    fn insert(&mut self, m: Mark) {
        let at = self.marks.partition_point(|x| x.t_ms <= m.t_ms);
        self.marks.insert(at, m);
        if self.marks.len() > MAX_MARKS {
            let extra = self.marks.len() - MAX_MARKS;
            self.marks.drain(..extra);
        }
    }

    /// Drops the marks older than `before_ms` (past the timeline's history).
    pub fn trim(&mut self, before_ms: i64) {
        let n = self.marks.partition_point(|m| m.t_ms < before_ms);
        self.marks.drain(..n);
    }

    /// Every mark kept, oldest first.
    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// The marks in `from_ms..=to_ms`, oldest first.
    pub fn between(&self, from_ms: i64, to_ms: i64) -> &[Mark] {
        let a = self.marks.partition_point(|m| m.t_ms < from_ms);
        let b = self.marks.partition_point(|m| m.t_ms <= to_ms).max(a);
        &self.marks[a..b]
    }

    /// The marks' times, for the cursor to snap to.
    pub fn times(&self) -> Vec<i64> {
        self.marks.iter().map(|m| m.t_ms).collect()
    }
}

#[cfg(test)]
#[path = "marks_tests.rs"]
mod tests;
