//! What the alerts screens show: the alerts of every configured Alertmanager merged into
//! one list (deduplicated by fingerprint), their silences, and the alerts of mcptop's own
//! rules beside them.

use std::collections::HashMap;

use super::matcher::Matcher;
use super::priority::PriorityMap;
use super::types::{
    Alert, AlertGroup, AlertOrigin, AlertState, AmSnapshot, Priority, Silence, SilenceState,
};
use crate::model::status::SourceStatus;

/// One configured Alertmanager URL.
#[derive(Debug, Clone, Default)]
pub struct InstanceState {
    /// The URL as it may be shown (credentials and query values removed).
    pub url: String,
    pub status: SourceStatus,
    /// The last good poll, kept while later polls fail.
    pub last: Option<AmSnapshot>,
}

/// A row of the alerts list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertRow<'a> {
    pub priority: Priority,
    pub alert: &'a Alert,
}

/// Alerts, silences and where they came from.
#[derive(Debug, Clone, Default)]
pub struct AlertsState {
    pub instances: Vec<InstanceState>,
    pub priorities: PriorityMap,
    /// Alertmanager's alerts, one per fingerprint.
    alerts: Vec<Alert>,
    /// Silences, one per ID.
    silences: Vec<Silence>,
    groups: Vec<AlertGroup>,
    /// Alerts of mcptop's rules, their state adjusted for active silences.
    local: Vec<Alert>,
}

impl AlertsState {
    /// `urls` are shown as given: pass them redacted.
    pub fn new(urls: Vec<String>, priorities: PriorityMap) -> AlertsState {
        AlertsState {
            instances: urls
                .into_iter()
                .map(|url| InstanceState {
                    url,
                    ..InstanceState::default()
                })
                .collect(),
            priorities,
            ..AlertsState::default()
        }
    }

    /// Whether any Alertmanager is configured.
    pub fn has_alertmanager(&self) -> bool {
        !self.instances.is_empty()
    }

    /// Records a poll of `instance`. A failed poll keeps that instance's last good data.
    pub fn apply(&mut self, instance: usize, t_ms: i64, result: Result<AmSnapshot, String>) {
        let Some(inst) = self.instances.get_mut(instance) else {
            return;
        };
        match result {
            Ok(snapshot) => {
                inst.status.record_ok(t_ms);
                inst.last = Some(snapshot);
            }
            Err(e) => inst.status.record_err(t_ms, e),
        }
        self.merge();
        self.mark_local();
    }

    /// Replaces the alerts of mcptop's rules.
    pub fn set_local(&mut self, alerts: Vec<Alert>) {
        self.local = alerts;
        self.mark_local();
    }

    /// Alertmanager's alerts, deduplicated.
    pub fn alertmanager_alerts(&self) -> &[Alert] {
        &self.alerts
    }

    /// Alerts of mcptop's rules.
    pub fn local_alerts(&self) -> &[Alert] {
        &self.local
    }

    /// Aggregation groups of every instance, deduplicated.
    pub fn groups(&self) -> &[AlertGroup] {
        &self.groups
    }

    /// Every alert, grouped by priority (P0 first), then alertname, then state
    /// (firing, pending, silenced, inhibited, resolved), then oldest first.
    pub fn rows(&self) -> Vec<AlertRow<'_>> {
        let mut rows: Vec<AlertRow> = self
            .alerts
            .iter()
            .chain(&self.local)
            .map(|alert| AlertRow {
                priority: self.priorities.priority(&alert.labels),
                alert,
            })
            .collect();
        rows.sort_by(|a, b| {
            (
                a.priority,
                a.alert.name(),
                a.alert.state,
                a.alert.starts_at_ms,
                &a.alert.fingerprint,
            )
                .cmp(&(
                    b.priority,
                    b.alert.name(),
                    b.alert.state,
                    b.alert.starts_at_ms,
                    &b.alert.fingerprint,
                ))
        });
        rows
    }

    /// Firing alerts (not silenced, inhibited, pending or resolved) per priority, P0 first.
    pub fn counts(&self) -> [usize; 4] {
        let mut counts = [0; 4];
        for row in self.rows() {
            if row.alert.state == AlertState::Firing {
                counts[row.priority.index()] += 1;
            }
        }
        counts
    }

    /// Silences, active first, then pending, then expired; soonest to end first (expired:
    /// most recently ended first).
    pub fn silences(&self) -> Vec<&Silence> {
        let mut list: Vec<&Silence> = self.silences.iter().collect();
        list.sort_by(|a, b| {
            a.state.cmp(&b.state).then_with(|| match a.state {
                SilenceState::Expired => b.ends_at_ms.cmp(&a.ends_at_ms),
                _ => a.ends_at_ms.cmp(&b.ends_at_ms),
            })
        });
        list
    }

    /// The alerts (Alertmanager's and local) that every matcher matches, in row order.
    pub fn matching(&self, matchers: &[Matcher]) -> Vec<AlertRow<'_>> {
        self.rows()
            .into_iter()
            .filter(|r| matchers.iter().all(|m| m.matches(&r.alert.labels)))
            .collect()
    }

    /// Merges the instances' last snapshots. Instances whose last poll failed are left out
    /// while another one is current, so an HA peer that is down does not keep resolved
    /// alerts on screen; when all fail, the newest data of any is shown.
    fn merge(&mut self) {
        let current: Vec<(usize, &AmSnapshot)> = self
            .instances
            .iter()
            .enumerate()
            .filter(|(_, i)| i.status.is_ok())
            .filter_map(|(n, i)| i.last.as_ref().map(|s| (n, s)))
            .collect();
        let sources = if current.is_empty() {
            self.instances
                .iter()
                .enumerate()
                .filter_map(|(n, i)| i.last.as_ref().map(|s| (n, s, i.status.last_ok_ms)))
                .max_by_key(|(_, _, t)| *t)
                .map(|(n, s, _)| vec![(n, s)])
                .unwrap_or_default()
        } else {
            current
        };
        let mut alerts: Vec<Alert> = Vec::new();
        let mut silences: Vec<Silence> = Vec::new();
        let mut groups: Vec<AlertGroup> = Vec::new();
        // Positions by fingerprint and by ID: merging stays linear in the alerts listed.
        let mut alert_at: HashMap<&str, usize> = HashMap::new();
        let mut silence_at: HashMap<&str, usize> = HashMap::new();
        for (n, snap) in sources {
            for a in &snap.alerts {
                match alert_at
                    .get(a.fingerprint.as_str())
                    .and_then(|i| alerts.get_mut(*i))
                {
                    Some(x) => {
                        let mut instances = instances_of(x);
                        instances.push(n);
                        if a.updated_at_ms > x.updated_at_ms {
                            *x = a.clone();
                        }
                        x.origin = AlertOrigin::Alertmanager { instances };
                    }
                    None => {
                        let mut copy = a.clone();
                        copy.origin = AlertOrigin::Alertmanager { instances: vec![n] };
                        alert_at.insert(&a.fingerprint, alerts.len());
                        alerts.push(copy);
                    }
                }
            }
            for s in &snap.silences {
                match silence_at
                    .get(s.id.as_str())
                    .and_then(|i| silences.get_mut(*i))
                {
                    Some(x) if s.updated_at_ms > x.updated_at_ms => *x = s.clone(),
                    Some(_) => {}
                    None => {
                        silence_at.insert(&s.id, silences.len());
                        silences.push(s.clone());
                    }
                }
            }
            for g in &snap.groups {
                if !groups
                    .iter()
                    .any(|x| x.labels == g.labels && x.receiver == g.receiver)
                {
                    groups.push(g.clone());
                }
            }
        }
        self.alerts = alerts;
        self.silences = silences;
        self.groups = groups;
    }

    /// A local alert is silenced while an active silence matches its labels.
    fn mark_local(&mut self) {
        for a in &mut self.local {
            let by: Vec<String> = self
                .silences
                .iter()
                .filter(|s| s.state == SilenceState::Active)
                .filter(|s| s.matchers.iter().all(|m| m.matches(&a.labels)))
                .map(|s| s.id.clone())
                .collect();
            if a.state == AlertState::Firing && !by.is_empty() {
                a.state = AlertState::Silenced;
            } else if a.state == AlertState::Silenced && by.is_empty() {
                a.state = AlertState::Firing;
            }
            a.silenced_by = by;
        }
    }
}

fn instances_of(a: &Alert) -> Vec<usize> {
    match &a.origin {
        AlertOrigin::Alertmanager { instances } => instances.clone(),
        AlertOrigin::Local => Vec::new(),
    }
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
