//! mcptop's own alerting rules, evaluated on the numbers the model already has, so an
//! engineer gets alerts with no Alertmanager. Pending -> firing -> resolved follow the
//! `for` semantics of Prometheus alerting rules (rules/alerting.go).

use std::time::Duration;

/// What a rule looks at: one of the model's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleExpr {
    /// Consecutive failures of the scrape or the health check, whichever is larger.
    TargetDown,
    /// Errors / requests over the rate window (0..1).
    ErrorRatio,
    /// P95 latency over the rate window, seconds.
    P95Seconds,
    /// P99 latency over the rate window, seconds.
    P99Seconds,
    /// `process_resident_memory_bytes`, bytes.
    ResidentMemoryBytes,
    /// Requests per second over the rate window.
    RequestRate,
}

impl RuleExpr {
    /// Every expression with its config name.
    pub const ALL: [(RuleExpr, &'static str); 6] = [
        (RuleExpr::TargetDown, "target_down"),
        (RuleExpr::ErrorRatio, "error_ratio"),
        (RuleExpr::P95Seconds, "p95_seconds"),
        (RuleExpr::P99Seconds, "p99_seconds"),
        (RuleExpr::ResidentMemoryBytes, "resident_memory_bytes"),
        (RuleExpr::RequestRate, "request_rate"),
    ];

    /// The config name, e.g. `error_ratio`.
    pub fn name(self) -> &'static str {
        RuleExpr::ALL
            .iter()
            .find(|(e, _)| *e == self)
            .map_or("", |(_, n)| n)
    }

    /// From the config name.
    pub fn parse(text: &str) -> Option<RuleExpr> {
        RuleExpr::ALL
            .iter()
            .find(|(_, n)| *n == text)
            .map(|(e, _)| *e)
    }
}

/// Comparison of the value with the threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Cmp {
    /// `>`, `>=`, `<`, `<=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
        }
    }

    pub fn parse(text: &str) -> Option<Cmp> {
        [Cmp::Gt, Cmp::Ge, Cmp::Lt, Cmp::Le]
            .into_iter()
            .find(|c| c.symbol() == text.trim())
    }

    /// Whether `value op threshold` holds for a value that may be only a lower bound (a
    /// quantile in `+Inf`, the true value above it): `>`/`>=` hold at `value >= threshold`,
    /// `<`/`<=` cannot be told and do not hold.
    pub fn holds_bounded(self, value: f64, lower_bound: bool, threshold: f64) -> bool {
        match (lower_bound, self) {
            (false, _) => self.holds(value, threshold),
            (true, Cmp::Gt | Cmp::Ge) => value >= threshold,
            (true, Cmp::Lt | Cmp::Le) => false,
        }
    }

    /// Whether `value op threshold` holds (false for NaN, as in PromQL).
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Cmp::Gt => value > threshold,
            Cmp::Ge => value >= threshold,
            Cmp::Lt => value < threshold,
            Cmp::Le => value <= threshold,
        }
    }
}

/// One alerting rule (`[[rules]]` in the config; the built-in ones by default).
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The `alertname` label of its alert.
    pub alert: String,
    pub expr: RuleExpr,
    pub op: Cmp,
    /// In the expression's unit (ratio, seconds, bytes, failures, per-second).
    pub threshold: f64,
    /// How long the condition must hold before the alert fires (Prometheus `for`).
    pub for_: Duration,
    /// The `severity` label: `P0`..`P3` or a severity word mapped by `alerts.priorities`.
    pub severity: String,
    /// The `summary` annotation.
    pub summary: String,
    /// The `runbook_url` annotation.
    pub runbook_url: Option<String>,
}

/// The defaults, from the operations manual and runbooks: target down (health or scrape
/// failing 3 times in a row) P0; error rate > 5% for 5m P1; > 1% for 5m P2; P95 > 3 s for
/// 5m P2; P99 > 5 s for 5m P2; resident memory > 1e9 bytes for 1m P1.
pub fn builtin() -> Vec<Rule> {
    let rule = |alert: &str, expr, op, threshold, for_secs, severity: &str, summary: &str| Rule {
        alert: alert.into(),
        expr,
        op,
        threshold,
        for_: Duration::from_secs(for_secs),
        severity: severity.into(),
        summary: summary.into(),
        runbook_url: None,
    };
    vec![
        rule(
            "McpTargetDown",
            RuleExpr::TargetDown,
            Cmp::Ge,
            3.0,
            0,
            "P0",
            "health check or scrape failed 3 times in a row",
        ),
        rule(
            "McpErrorRateCritical",
            RuleExpr::ErrorRatio,
            Cmp::Gt,
            0.05,
            300,
            "P1",
            "error rate above 5% for 5 minutes",
        ),
        rule(
            "McpErrorRateHigh",
            RuleExpr::ErrorRatio,
            Cmp::Gt,
            0.01,
            300,
            "P2",
            "error rate above 1% for 5 minutes",
        ),
        rule(
            "McpLatencyP95High",
            RuleExpr::P95Seconds,
            Cmp::Gt,
            3.0,
            300,
            "P2",
            "P95 latency above 3 s for 5 minutes",
        ),
        rule(
            "McpLatencyP99High",
            RuleExpr::P99Seconds,
            Cmp::Gt,
            5.0,
            300,
            "P2",
            "P99 latency above 5 s for 5 minutes",
        ),
        rule(
            "McpMemoryHigh",
            RuleExpr::ResidentMemoryBytes,
            Cmp::Gt,
            1e9,
            60,
            "P1",
            "resident memory above 1 GB for 1 minute",
        ),
    ]
}

pub mod engine;
pub use engine::{RuleEngine, RuleInput};
