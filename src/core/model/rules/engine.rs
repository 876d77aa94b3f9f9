//! Evaluation of [`Rule`]s over time, with the `for` semantics of Prometheus alerting rules
//! (`rules/alerting.go`, `AlertingRule.Eval`): a condition that starts to hold makes the alert
//! pending; it fires once it has held for the rule's `for`; it resolves at the first
//! evaluation where it no longer holds (a pending alert is simply dropped). No value (no
//! sample, NaN) means the condition does not hold, as an empty PromQL result.

use std::time::Duration;

use super::{Rule, RuleExpr};
use crate::model::alerts::{Alert, AlertOrigin, AlertState, Labels};
use crate::model::dashboard::Dashboard;

/// The numbers the rules look at, at one evaluation. `None` is "no sample": a rule on it
/// does not hold, whatever its comparison.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleInput {
    /// Consecutive failures of the scrape or the health check, whichever is larger.
    pub failures: u32,
    /// Errors / requests (0..1).
    pub error_ratio: Option<f64>,
    /// P95 latency, seconds.
    pub p95: Option<f64>,
    /// P99 latency, seconds.
    pub p99: Option<f64>,
    /// P95 (P99) fell in the `+Inf` bucket: its value is only a lower bound.
    pub p95_lower_bound: bool,
    pub p99_lower_bound: bool,
    /// `process_resident_memory_bytes`, bytes.
    pub resident_memory_bytes: Option<f64>,
    /// Requests per second.
    pub req_per_sec: Option<f64>,
}

impl RuleInput {
    /// The dashboard's current numbers: `failures` from [`TargetStatus::consecutive_failures`]
    /// (scrape or health check), the others from [`Dashboard::stats`].
    ///
    /// When the last scrape failed (or none was made yet) every metric is `None`: the
    /// dashboard still shows the last good numbers, but stale data must neither keep nor
    /// raise an alert (as in Prometheus, where a failed scrape marks the target's series
    /// stale and an instant query then finds no sample).
    ///
    /// [`TargetStatus::consecutive_failures`]: crate::model::status::TargetStatus::consecutive_failures
    pub fn from_dashboard(d: &Dashboard) -> RuleInput {
        let failures = d.status.consecutive_failures();
        if !d.status.scrape.is_ok() {
            return RuleInput {
                failures,
                ..RuleInput::default()
            };
        }
        let s = &d.stats;
        RuleInput {
            failures,
            error_ratio: s.error_ratio,
            p95: s.p95,
            p99: s.p99,
            p95_lower_bound: s.p95_lower_bound,
            p99_lower_bound: s.p99_lower_bound,
            resident_memory_bytes: s.resident_memory_bytes,
            req_per_sec: s.req_per_sec,
        }
    }

    /// Whether the value `expr` looks at is only a lower bound (a quantile in `+Inf`).
    pub fn lower_bound(&self, expr: RuleExpr) -> bool {
        match expr {
            RuleExpr::P95Seconds => self.p95_lower_bound,
            RuleExpr::P99Seconds => self.p99_lower_bound,
            _ => false,
        }
    }

    /// The value `expr` looks at, in its unit (see [`RuleExpr`]); `None` without a sample.
    /// NaN is returned as given (the engine treats it as no sample).
    pub fn value(&self, expr: RuleExpr) -> Option<f64> {
        match expr {
            RuleExpr::TargetDown => Some(f64::from(self.failures)),
            RuleExpr::ErrorRatio => self.error_ratio,
            RuleExpr::P95Seconds => self.p95,
            RuleExpr::P99Seconds => self.p99,
            RuleExpr::ResidentMemoryBytes => self.resident_memory_bytes,
            RuleExpr::RequestRate => self.req_per_sec,
        }
    }
}

/// Where one rule's alert is. Prometheus keeps a resolved alert as inactive with a
/// `ResolvedAt`; here it is its own phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Phase {
    /// No alert.
    #[default]
    Inactive,
    Pending,
    Firing,
    /// Was firing; stopped at `at_ms` (Unix ms).
    Resolved {
        at_ms: i64,
    },
}

/// One rule's evaluation state.
#[derive(Debug, Clone, Default)]
struct RuleState {
    phase: Phase,
    /// When the condition started to hold (Prometheus `ActiveAt`), Unix ms.
    active_at_ms: i64,
    /// Last value seen (never NaN), kept through evaluations without one.
    value: Option<f64>,
    /// Whether the last evaluation had a value.
    had_value: bool,
    /// Time of the last evaluation, Unix ms.
    last_eval_ms: Option<i64>,
}

/// The rules and where each one is (inactive, pending, firing, resolved).
///
/// Memory is bounded: one state per rule, whatever the number of evaluations.
#[derive(Debug, Clone)]
pub struct RuleEngine {
    rules: Vec<Rule>,
    states: Vec<RuleState>,
    keep_resolved: Duration,
    /// Labels every alert of this engine carries (a fleet's target: `instance`).
    labels: Labels,
}

/// Milliseconds of `d`, saturating.
fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl RuleEngine {
    /// An engine over `rules` (all inactive). A resolved alert stays listed by
    /// [`RuleEngine::alerts`] for `keep_resolved` after it resolved.
    pub fn new(rules: Vec<Rule>, keep_resolved: Duration) -> RuleEngine {
        let states = vec![RuleState::default(); rules.len()];
        RuleEngine {
            rules,
            states,
            keep_resolved,
            labels: Labels::new(),
        }
    }

    /// The same engine for one target of a fleet: its alerts carry `instance="<name>"`
    /// (as a Prometheus rule's alerts carry the series' labels), and their fingerprints
    /// differ from another target's.
    #[must_use]
    pub fn for_instance(mut self, name: &str) -> RuleEngine {
        self.labels.insert("instance".into(), name.into());
        self
    }

    /// The rules, in config order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Evaluates every rule at `t_ms` (Unix ms) on `input`, as Prometheus'
    /// `AlertingRule.Eval` does at each evaluation:
    ///
    /// - the condition holds: an inactive (or resolved) rule becomes pending with
    ///   `active_at = t_ms`; a pending one fires once `t_ms - active_at >= for` (at once
    ///   when `for` is 0);
    /// - it does not hold, or there is no value (`None`, NaN): a pending alert is dropped; a
    ///   firing one resolves at `t_ms`; a resolved one is dropped once `t_ms` is more than
    ///   `keep_resolved` after it resolved.
    pub fn eval(&mut self, t_ms: i64, input: &RuleInput) {
        let keep_ms = ms(self.keep_resolved);
        for (rule, st) in self.rules.iter().zip(&mut self.states) {
            let value = input.value(rule.expr).filter(|v| !v.is_nan());
            if value.is_some() {
                st.value = value;
            }
            st.had_value = value.is_some();
            st.last_eval_ms = Some(t_ms);
            let lower_bound = input.lower_bound(rule.expr);
            let holds =
                value.is_some_and(|v| rule.op.holds_bounded(v, lower_bound, rule.threshold));
            st.phase = match (st.phase, holds) {
                (Phase::Pending | Phase::Firing, true) => st.phase,
                (Phase::Inactive | Phase::Resolved { .. }, true) => {
                    st.active_at_ms = t_ms;
                    Phase::Pending
                }
                (Phase::Pending, false) => Phase::Inactive,
                (Phase::Firing, false) => Phase::Resolved { at_ms: t_ms },
                (Phase::Resolved { at_ms }, false) if t_ms.saturating_sub(at_ms) > keep_ms => {
                    Phase::Inactive
                }
                (phase, false) => phase,
            };
            if st.phase == Phase::Pending && t_ms.saturating_sub(st.active_at_ms) >= ms(rule.for_) {
                st.phase = Phase::Firing;
            }
        }
    }

    /// Last value seen by the rule named `alert` (NaN and missing values do not replace it),
    /// in its expression's unit; `None` when it never had one or no rule has that name.
    pub fn last_value(&self, alert: &str) -> Option<f64> {
        self.rules
            .iter()
            .position(|r| r.alert == alert)
            .and_then(|i| self.states.get(i))
            .and_then(|st| st.value)
    }

    /// One alert per rule that is pending, firing, or resolved no more than `keep_resolved`
    /// before `t_ms` (Unix ms), in rule order.
    ///
    /// Each has fingerprint `local:<alert>`; labels `alertname`, `severity` (the rule's) and
    /// `source="mcptop"`; annotations `summary`, `description` (the value and condition in
    /// words with units, e.g. "error ratio 6.20% > 5.00%") and `runbook_url` when set;
    /// `starts_at_ms` = when the condition started to hold, `ends_at_ms` = when it resolved,
    /// `updated_at_ms` = the last evaluation; origin [`AlertOrigin::Local`].
    pub fn alerts(&self, t_ms: i64) -> Vec<Alert> {
        let keep_ms = ms(self.keep_resolved);
        self.rules
            .iter()
            .zip(&self.states)
            .filter_map(|(rule, st)| {
                let (state, ends_at_ms) = match st.phase {
                    Phase::Inactive => return None,
                    Phase::Pending => (AlertState::Pending, None),
                    Phase::Firing => (AlertState::Firing, None),
                    Phase::Resolved { at_ms } => {
                        if t_ms.saturating_sub(at_ms) > keep_ms {
                            return None;
                        }
                        (AlertState::Resolved, Some(at_ms))
                    }
                };
                Some(alert(rule, st, state, ends_at_ms, &self.labels))
            })
            .collect()
    }
}

fn alert(
    rule: &Rule,
    st: &RuleState,
    state: AlertState,
    ends_at_ms: Option<i64>,
    extra: &Labels,
) -> Alert {
    let pairs = |p: &[(&str, String)]| -> Labels {
        p.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    };
    let mut labels = extra.clone();
    labels.extend(pairs(&[
        ("alertname", rule.alert.clone()),
        ("severity", rule.severity.clone()),
        ("source", "mcptop".into()),
    ]));
    let summary = if rule.summary.trim().is_empty() {
        let for_ = if rule.for_.is_zero() {
            String::new()
        } else {
            format!(" for {}", humantime::format_duration(rule.for_))
        };
        format!("{} {}{for_}", noun(rule.expr), condition(rule))
    } else {
        rule.summary.clone()
    };
    let mut annotations = pairs(&[
        ("summary", summary),
        ("description", description(rule, st, state)),
    ]);
    if let Some(url) = rule.runbook_url.as_ref().filter(|u| !u.trim().is_empty()) {
        annotations.insert("runbook_url".into(), url.clone());
    }
    Alert {
        fingerprint: match extra.get("instance") {
            Some(i) => format!("local:{}:{i}", rule.alert),
            None => format!("local:{}", rule.alert),
        },
        labels,
        annotations,
        state,
        starts_at_ms: st.active_at_ms,
        updated_at_ms: st.last_eval_ms,
        ends_at_ms,
        generator_url: None,
        silenced_by: Vec::new(),
        inhibited_by: Vec::new(),
        receivers: Vec::new(),
        origin: AlertOrigin::Local,
    }
}

/// What the expression measures, in words.
fn noun(expr: RuleExpr) -> &'static str {
    match expr {
        RuleExpr::TargetDown => "consecutive failures",
        RuleExpr::ErrorRatio => "error ratio",
        RuleExpr::P95Seconds => "P95",
        RuleExpr::P99Seconds => "P99",
        RuleExpr::ResidentMemoryBytes => "resident memory",
        RuleExpr::RequestRate => "request rate",
    }
}

/// `v` in the unit of `expr`: `6.20%`, `3.40 s`, `450 ms`, `1.20 GB`, `12.00 req/s`, `3`.
fn amount(expr: RuleExpr, v: f64) -> String {
    match expr {
        RuleExpr::TargetDown => {
            if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        }
        RuleExpr::ErrorRatio => format!("{:.2}%", v * 100.0),
        RuleExpr::P95Seconds | RuleExpr::P99Seconds => {
            if v == 0.0 || v.abs() >= 1.0 {
                format!("{v:.2} s")
            } else {
                format!("{:.0} ms", v * 1000.0)
            }
        }
        RuleExpr::ResidentMemoryBytes => {
            let (scale, unit) = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
                .into_iter()
                .find(|(s, _)| v.abs() >= *s)
                .unwrap_or((1.0, "B"));
            if unit == "B" {
                format!("{v:.0} B")
            } else {
                format!("{:.2} {unit}", v / scale)
            }
        }
        RuleExpr::RequestRate => format!("{v:.2} req/s"),
    }
}

/// `> 5.00%`.
fn condition(rule: &Rule) -> String {
    format!("{} {}", rule.op.symbol(), amount(rule.expr, rule.threshold))
}

/// The value and condition in words. Pending and firing: the value that holds ("error ratio
/// 6.20% > 5.00%"). Resolved: the value that no longer holds, or that there was no value at
/// the last evaluation, with the last one seen.
fn description(rule: &Rule, st: &RuleState, state: AlertState) -> String {
    let Some(v) = st.value else {
        return format!("no {} yet; condition {}", noun(rule.expr), condition(rule));
    };
    let measured = match rule.expr {
        RuleExpr::TargetDown => format!("{} consecutive failures", amount(rule.expr, v)),
        expr => format!("{} {}", noun(expr), amount(expr, v)),
    };
    match state {
        AlertState::Resolved if st.had_value => {
            format!("{measured}, no longer {}", condition(rule))
        }
        AlertState::Resolved => format!(
            "no {} at the last evaluation (failed scrape, or no data); last seen {}, \
             condition {}",
            noun(rule.expr),
            amount(rule.expr, v),
            condition(rule)
        ),
        _ => format!("{measured} {}", condition(rule)),
    }
}

#[cfg(test)]
#[path = "engine_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "engine_replay_tests.rs"]
mod replay_tests;
