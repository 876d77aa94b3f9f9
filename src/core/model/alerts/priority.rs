//! Severity label -> priority (P0-P3), as the operations manual ranks incidents.

use std::collections::BTreeMap;

use regex::Regex;

use super::types::{Labels, Priority};

/// How an alert's labels map to a priority.
///
/// In order: a `priority` label holding `P0`..`P3` is taken as it is; then the severity
/// label's value (`severity` by default), when it is itself `P0`..`P3`; then `levels`
/// (lowercase severity -> priority). An alert mapped to P1 whose `alertname` matches
/// `service_down` (e.g. `McpServerDown`, `TargetDown`, `ServiceUnavailable`) says the
/// whole service is down and becomes P0. Anything else is `unknown`.
#[derive(Debug, Clone)]
pub struct PriorityMap {
    pub severity_label: String,
    pub levels: BTreeMap<String, Priority>,
    pub service_down: Regex,
    /// For a missing or unknown severity.
    pub unknown: Priority,
}

/// Default of `alerts.service_down`: alert names that say the service is down.
pub const SERVICE_DOWN: &str = r"(?i)(down|outage|unavailable|unreachable)";

/// Default of `alerts.priorities`: critical -> P1 (P0 when the service is down), the
/// warning family -> P2, info -> P3.
pub fn default_levels() -> BTreeMap<String, Priority> {
    [
        ("critical", Priority::P1),
        ("page", Priority::P1),
        ("high", Priority::P1),
        ("error", Priority::P2),
        ("warning", Priority::P2),
        ("medium", Priority::P2),
        ("info", Priority::P3),
        ("low", Priority::P3),
        ("none", Priority::P3),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

impl Default for PriorityMap {
    fn default() -> Self {
        PriorityMap {
            severity_label: "severity".into(),
            levels: default_levels(),
            service_down: Regex::new(SERVICE_DOWN).expect("constant regex"),
            unknown: Priority::P3,
        }
    }
}

impl PriorityMap {
    /// The priority of a label set.
    pub fn priority(&self, labels: &Labels) -> Priority {
        if let Some(p) = labels.get("priority").and_then(|v| Priority::parse(v)) {
            return p;
        }
        let severity = labels
            .get(&self.severity_label)
            .map(|s| s.trim().to_lowercase())
            .unwrap_or_default();
        if let Some(p) = Priority::parse(&severity) {
            return p;
        }
        let p = self.levels.get(&severity).copied().unwrap_or(self.unknown);
        let name = labels.get("alertname").map_or("", String::as_str);
        if p == Priority::P1 && self.service_down.is_match(name) {
            Priority::P0
        } else {
            p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_follow_the_manual() {
        let m = PriorityMap::default();
        let p = |pairs: &[(&str, &str)]| m.priority(&l(pairs));
        assert_eq!(
            p(&[("alertname", "HighErrorRate"), ("severity", "critical")]),
            Priority::P1
        );
        assert_eq!(
            p(&[("alertname", "McpServerDown"), ("severity", "critical")]),
            Priority::P0
        );
        assert_eq!(
            p(&[("alertname", "McpServerDown"), ("severity", "warning")]),
            Priority::P2
        );
        assert_eq!(
            p(&[("alertname", "X"), ("severity", "Warning")]),
            Priority::P2
        );
        assert_eq!(p(&[("alertname", "X"), ("severity", "info")]), Priority::P3);
        assert_eq!(p(&[("alertname", "X")]), Priority::P3);
        assert_eq!(p(&[("alertname", "X"), ("severity", "p0")]), Priority::P0);
        assert_eq!(
            p(&[("alertname", "X"), ("severity", "info"), ("priority", "P1")]),
            Priority::P1
        );
    }

    #[test]
    fn mapping_is_configurable() {
        let mut m = PriorityMap {
            severity_label: "level".into(),
            ..PriorityMap::default()
        };
        m.levels.insert("critical".into(), Priority::P0);
        assert_eq!(m.priority(&l(&[("level", "critical")])), Priority::P0);
        assert_eq!(m.priority(&l(&[("severity", "critical")])), Priority::P3);
    }
}
