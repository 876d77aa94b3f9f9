//! Evaluation of [`Rule`]s over time (stub: filled in by the rules work).

use std::time::Duration;

use super::Rule;
use crate::model::alerts::Alert;
use crate::model::dashboard::Dashboard;

/// The numbers the rules look at, at one evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleInput {
    /// Consecutive failures of the scrape or the health check, whichever is larger.
    pub failures: u32,
    /// Errors / requests (0..1).
    pub error_ratio: Option<f64>,
    /// Seconds.
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    /// Bytes.
    pub resident_memory_bytes: Option<f64>,
    /// Per second.
    pub req_per_sec: Option<f64>,
}

impl RuleInput {
    /// The dashboard's current numbers.
    pub fn from_dashboard(_d: &Dashboard) -> RuleInput {
        RuleInput::default()
    }
}

/// The rules and where each one is (inactive, pending, firing, resolved).
#[derive(Debug, Clone)]
pub struct RuleEngine {
    rules: Vec<Rule>,
    _keep_resolved: Duration,
}

impl RuleEngine {
    pub fn new(rules: Vec<Rule>, keep_resolved: Duration) -> RuleEngine {
        RuleEngine {
            rules,
            _keep_resolved: keep_resolved,
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Evaluates every rule at `t_ms`.
    pub fn eval(&mut self, _t_ms: i64, _input: &RuleInput) {}

    /// Pending and firing alerts, and resolved ones for `keep_resolved` after `t_ms`.
    pub fn alerts(&self, _t_ms: i64) -> Vec<Alert> {
        Vec::new()
    }
}
