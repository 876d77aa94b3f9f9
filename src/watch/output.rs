//! The deploy watch's lines: text for a terminal beside `kubectl rollout status`, or one
//! JSON object per line for a pipeline.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Exit, Failure, Reading, Start, TargetsChange, WatchOptions};
use crate::model::criteria::{Evaluator, Verdict};
use crate::model::stats::Stats;
use crate::text::format;

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Output {
    /// One line per interval for people.
    #[default]
    Text,
    /// One JSON object per line (`"kind"`: `start`, `interval`, `targets`, `error`, `end`).
    Json,
}

fn rfc3339(t_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(t_ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    format!("+{}m{:02}s", s / 60, s % 60)
}

/// A duration in whole seconds as people write it: `30s`, `1m40s`, `5m`.
pub fn secs(d: Duration) -> String {
    humantime::format_duration(Duration::from_secs(d.as_secs()))
        .to_string()
        .replace(' ', "")
}

fn opt(v: Option<f64>) -> Value {
    v.filter(|x| x.is_finite()).map_or(Value::Null, Value::from)
}

impl Output {
    /// The first line: what is watched (scrape mode: the targets), for how long, the
    /// criteria, and when judging begins.
    pub fn header(
        self,
        eval: &Evaluator,
        baseline: Option<&Stats>,
        opts: &WatchOptions,
        start: &Start,
    ) -> String {
        let criteria: Vec<String> = (0..eval.criteria.len()).map(|i| eval.describe(i)).collect();
        let holds: Vec<String> = eval
            .criteria
            .iter()
            .map(|c| humantime::format_duration(c.hold).to_string())
            .collect();
        match self {
            Output::Text => {
                let list: Vec<String> = criteria
                    .iter()
                    .zip(&eval.criteria)
                    .map(|(d, c)| match c.hold.is_zero() {
                        true => d.clone(),
                        false => format!("{d} for {}", humantime::format_duration(c.hold)),
                    })
                    .collect();
                let what = match (&start.targets, start.named) {
                    (Some(names), true) if names.is_empty() => " no target yet".to_string(),
                    (Some(names), true) => format!(" {}", names.join(", ")),
                    _ => String::new(),
                };
                let mut line = format!(
                    "watching{what} for {}: fail if {}",
                    humantime::format_duration(opts.duration),
                    list.join(" or ")
                );
                if let (Some(b), Some(w)) = (baseline, opts.baseline) {
                    line.push_str(&format!(
                        " (baseline {}: {})",
                        humantime::format_duration(w),
                        numbers(b)
                    ));
                }
                match start.judging_from {
                    Some(j) => line.push_str(&format!(
                        "; judging from +{} (once a target's rate window holds {} of data)",
                        secs(j),
                        secs(j)
                    )),
                    None => line.push_str("; judging at once (the query API holds the history)"),
                }
                if let Some(e) = &start.file_error {
                    line.push_str(&format!("; {e}"));
                }
                line
            }
            Output::Json => {
                let mut v = json!({
                    "kind": "start",
                    "duration_s": opts.duration.as_secs_f64(),
                    "judging_from_s": start.judging_from.map_or(0.0, |j| j.as_secs_f64()),
                    "criteria": criteria.iter().zip(&holds).zip(&eval.criteria).map(|((d, h), c)| json!({
                        "criterion": c.text,
                        "threshold": d,
                        "for": h,
                    })).collect::<Vec<_>>(),
                    "baseline": baseline.map(|b| json!({
                        "window_s": opts.baseline.map(|w| w.as_secs_f64()),
                        "rps": opt(b.req_per_sec),
                        "error_ratio": opt(b.error_ratio),
                        "p95_s": opt(b.p95),
                        "p99_s": opt(b.p99),
                    })),
                });
                if let Some(names) = &start.targets {
                    v["targets"] = json!(names);
                }
                if let Some(e) = &start.file_error {
                    v["targets_file_error"] = json!(e);
                }
                v.to_string()
            }
        }
    }

    /// One interval of one target; text starts with the target's name, padded to
    /// `name_width`, when given.
    pub fn line(self, r: &Reading, name_width: Option<usize>) -> String {
        match self {
            Output::Text => {
                let mut line = String::new();
                if let (Some(width), Some(name)) = (name_width, &r.target) {
                    line.push_str(&crate::text::fit::pad(name, width));
                    line.push_str("  ");
                }
                line.push_str(&format!(
                    "{}  {}  {}",
                    rfc3339(r.t_ms),
                    elapsed(r.elapsed),
                    numbers(&r.stats)
                ));
                if let Some((n, of)) = r.up {
                    line.push_str(&format!("  up {n:.0}/{of}"));
                }
                let mut states = Vec::new();
                if let Some(w) = &r.warming_up {
                    let has = match w.range.is_zero() {
                        true => "no data yet".to_string(),
                        false => format!("rate[{}]", secs(w.range)),
                    };
                    states.push(format!(
                        "warming up: {has} (judging from +{})",
                        secs(w.judging_from)
                    ));
                }
                for (what, v) in &r.verdicts {
                    match v {
                        Verdict::Ok => {}
                        Verdict::Pending { since_ms, value } => states.push(format!(
                            "pending {what} ({}, {}s so far)",
                            show(what, *value),
                            (r.t_ms - since_ms) / 1000
                        )),
                        Verdict::Breached { value, .. } => {
                            states.push(format!("BREACH {what} ({})", show(what, *value)))
                        }
                    }
                }
                if let Some(e) = &r.error {
                    states.push(format!("source failing: {e}"));
                }
                line.push_str("  ");
                line.push_str(&if states.is_empty() {
                    "ok".to_string()
                } else {
                    states.join("; ")
                });
                line
            }
            Output::Json => {
                let mut v = json!({
                    "kind": "interval",
                    "t": rfc3339(r.t_ms),
                    "elapsed_s": r.elapsed.as_secs_f64(),
                    "rps": opt(r.stats.req_per_sec),
                    "error_ratio": opt(r.stats.error_ratio),
                    "p95_s": opt(r.stats.p95),
                    "p99_s": opt(r.stats.p99),
                    // A quantile in the +Inf bucket: p95_s is the top bucket's bound and
                    // the true value is above it.
                    "p95_lower_bound": r.stats.p95_lower_bound,
                    "p99_lower_bound": r.stats.p99_lower_bound,
                    "top_bucket_s": opt(r.stats.top_bucket_s),
                    "range_s": (r.stats.range_ms > 0).then(|| r.stats.range_ms as f64 / 1000.0),
                    "up": r.up.map(|(n, _)| n),
                    "targets": r.up.map(|(_, of)| of),
                    "error": r.error,
                    "status": status(r),
                    "criteria": r.verdicts.iter().map(|(what, v)| {
                        let (state, value, since) = match v {
                            Verdict::Ok => ("ok", None, None),
                            Verdict::Pending { since_ms, value } => ("pending", Some(*value), Some(rfc3339(*since_ms))),
                            Verdict::Breached { since_ms, value } => ("breached", Some(*value), Some(rfc3339(*since_ms))),
                        };
                        json!({"criterion": what, "state": state, "value": opt(value), "since": since})
                    }).collect::<Vec<_>>(),
                });
                if let Some(name) = &r.target {
                    v["target"] = json!(name);
                }
                if let Some(w) = &r.warming_up {
                    v["judging_from_s"] = json!(w.judging_from.as_secs_f64());
                }
                v.to_string()
            }
        }
    }

    /// A warning about a target (or the query API's fleet when `target` is `None`): a
    /// criterion its histogram cannot see, or the API's answers turning partial (or
    /// complete again). Text: `T  +0m02s  warning: [target: ]message`;
    /// JSON: `{"kind":"warning","t","elapsed_s","target","message"}`.
    pub fn warning(
        self,
        t_ms: i64,
        elapsed_d: Duration,
        target: Option<&str>,
        message: &str,
    ) -> String {
        match self {
            Output::Text => format!(
                "{}  {}  warning: {}{message}",
                rfc3339(t_ms),
                elapsed(elapsed_d),
                target.map(|t| format!("{t}: ")).unwrap_or_default()
            ),
            Output::Json => json!({
                "kind": "warning",
                "t": rfc3339(t_ms),
                "elapsed_s": elapsed_d.as_secs_f64(),
                "target": target,
                "message": message,
            })
            .to_string(),
        }
    }

    /// The targets changed mid-watch (`targets_file`).
    pub fn targets(self, c: &TargetsChange) -> String {
        match self {
            Output::Text => {
                let mut line = format!(
                    "{}  {}  targets: {}",
                    rfc3339(c.t_ms),
                    elapsed(c.elapsed),
                    if c.targets.is_empty() {
                        "none".to_string()
                    } else {
                        c.targets.join(", ")
                    }
                );
                let mut what = Vec::new();
                if !c.added.is_empty() {
                    what.push(format!("added {}", c.added.join(", ")));
                }
                if !c.removed.is_empty() {
                    what.push(format!("removed {}", c.removed.join(", ")));
                }
                if !what.is_empty() {
                    line.push_str(&format!(" ({})", what.join("; ")));
                }
                if let Some(e) = &c.file_error {
                    line.push_str(&format!("; {e}"));
                }
                line
            }
            Output::Json => json!({
                "kind": "targets",
                "t": rfc3339(c.t_ms),
                "elapsed_s": c.elapsed.as_secs_f64(),
                "targets": c.targets,
                "added": c.added,
                "removed": c.removed,
                "file_error": c.file_error,
            })
            .to_string(),
        }
    }

    /// A line saying the source could not be read at all.
    pub fn unreachable(self, why: &str) -> String {
        match self {
            Output::Text => format!("unreachable: {why}"),
            Output::Json => json!({"kind": "error", "error": why}).to_string(),
        }
    }

    /// The last line: how the watch ended and, when it failed, the target and interval
    /// that decided it.
    pub fn summary(
        self,
        exit: Exit,
        failing: Option<&Failure>,
        took: Duration,
        start_ms: i64,
    ) -> String {
        let result = match exit {
            Exit::Healthy => "healthy",
            Exit::Breached => "breached",
            Exit::Unreachable => "unreachable",
            Exit::BadArguments => "bad arguments",
        };
        match self {
            Output::Text => {
                let mut line = format!(
                    "{result} after {} (exit {})",
                    humantime::format_duration(Duration::from_secs(took.as_secs())),
                    exit as i32
                );
                if let Some(f) = failing {
                    let r = &f.reading;
                    line.push_str(": ");
                    if let Some(name) = &r.target {
                        line.push_str(&format!("target {name}: "));
                    }
                    line.push_str(&format!(
                        "first failing interval {} ({}), {}",
                        rfc3339(r.t_ms),
                        elapsed(r.elapsed),
                        f.why
                    ));
                }
                line
            }
            Output::Json => json!({
                "kind": "end",
                "result": result,
                "exit_code": exit as i32,
                "started": rfc3339(start_ms),
                "elapsed_s": took.as_secs_f64(),
                "first_failing": failing.map(|f| json!({
                    "target": f.reading.target,
                    "t": rfc3339(f.reading.t_ms),
                    "elapsed_s": f.reading.elapsed.as_secs_f64(),
                    "breached": f.reading.verdicts.iter()
                        .filter(|(_, v)| matches!(v, Verdict::Breached { .. }))
                        .map(|(w, _)| w.clone())
                        .collect::<Vec<_>>(),
                    "error": f.reading.error,
                    "reason": f.why,
                })),
            })
            .to_string(),
        }
    }
}

fn status(r: &Reading) -> &'static str {
    if r.verdicts
        .iter()
        .any(|(_, v)| matches!(v, Verdict::Breached { .. }))
    {
        "breached"
    } else if r.error.is_some() {
        "source_failing"
    } else if r.warming_up.is_some() {
        "warming_up"
    } else if r
        .verdicts
        .iter()
        .any(|(_, v)| matches!(v, Verdict::Pending { .. }))
    {
        "pending"
    } else {
        "ok"
    }
}

/// `rps 12.3  err 1.20%  p95 420ms  p99 1.10s`.
fn numbers(s: &Stats) -> String {
    let or = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    // A quantile in the +Inf bucket is only a lower bound: `>1.00s`.
    let latency = |v: Option<f64>, lower: bool| {
        v.map(|x| match lower {
            true => format!(">{}", format::latency(x)),
            false => format::latency(x),
        })
    };
    format!(
        "rps {}  err {}  p95 {}  p99 {}",
        or(s.req_per_sec.map(format::number)),
        or(s.error_ratio.map(format::percent)),
        or(latency(s.p95, s.p95_lower_bound)),
        or(latency(s.p99, s.p99_lower_bound)),
    )
}

/// A value in the unit of the criterion `what` (its first word names the metric).
fn show(what: &str, v: f64) -> String {
    match what.split_whitespace().next() {
        Some("error_rate") => format::percent(v),
        Some("p95" | "p99") => format::latency(v),
        _ => format::number(v),
    }
}

#[cfg(test)]
#[path = "output_tests.rs"]
mod tests;
