//! Deploy-watch criteria: `error_rate > 5%`, `p95 > 2s for 1m`, `p95 > 1.5x baseline`,
//! `rps < 1`, `up < 1`, parsed from `--fail-if` and evaluated once per interval with
//! Prometheus `for` semantics (the condition must hold at every evaluation for that long).
//! A scraped target is judged only once its rate window holds enough data ([`WarmUp`]).

use std::fmt;
use std::time::Duration;

use super::stats::Stats;

/// What a criterion measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Errors / requests, 0..1.
    ErrorRate,
    /// Latency quantiles, seconds.
    P95,
    P99,
    /// Requests per second.
    Rps,
    /// Targets up: 1 or 0 in scrape mode, the number of instances up in query mode.
    Up,
}

impl Metric {
    fn parse(word: &str) -> Result<Metric, String> {
        Ok(match word {
            "error_rate" | "errors" | "error_ratio" => Metric::ErrorRate,
            "p95" => Metric::P95,
            "p99" => Metric::P99,
            "rps" | "req_per_sec" => Metric::Rps,
            "up" => Metric::Up,
            other => {
                return Err(format!(
                    "`{other}` is not a metric: use error_rate, p95, p99, rps or up"
                ));
            }
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Metric::ErrorRate => "error_rate",
            Metric::P95 => "p95",
            Metric::P99 => "p99",
            Metric::Rps => "rps",
            Metric::Up => "up",
        }
    }

    /// Whether this metric's value in `stats` is only a lower bound (P95/P99 in `+Inf`).
    pub fn lower_bound(self, stats: &Stats) -> bool {
        match self {
            Metric::P95 => stats.p95_lower_bound,
            Metric::P99 => stats.p99_lower_bound,
            _ => false,
        }
    }

    /// This metric's value in `stats` (`up`: targets up).
    pub fn value(self, stats: &Stats, up: Option<f64>) -> Option<f64> {
        match self {
            Metric::ErrorRate => stats.error_ratio,
            Metric::P95 => stats.p95,
            Metric::P99 => stats.p99,
            Metric::Rps => stats.req_per_sec,
            Metric::Up => up,
        }
    }

    /// A value as a criterion is written, to four decimals at most: `7.2%`, `1.25s`, `12`.
    pub fn show(self, v: f64) -> String {
        let short = |x: f64| (x * 1e4).round() / 1e4;
        match self {
            Metric::ErrorRate => format!("{}%", short(v * 100.0)),
            Metric::P95 | Metric::P99 => format!("{}s", short(v)),
            Metric::Rps | Metric::Up => format!("{}", short(v)),
        }
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    /// Whether `v op threshold` holds for a value that may be only a lower bound (a
    /// quantile in the `+Inf` bucket: the true value is above `v`). Then `>` and `>=` hold
    /// when `v >= threshold` (the true value is past it), `<` and `<=` never can be told.
    pub fn holds_bounded(self, v: f64, lower_bound: bool, threshold: f64) -> bool {
        match (lower_bound, self) {
            (false, _) => self.holds(v, threshold),
            (true, Op::Gt | Op::Ge) => v >= threshold,
            (true, Op::Lt | Op::Le) => false,
        }
    }

    fn holds(self, v: f64, threshold: f64) -> bool {
        match self {
            Op::Gt => v > threshold,
            Op::Ge => v >= threshold,
            Op::Lt => v < threshold,
            Op::Le => v <= threshold,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
        }
    }
}

/// The threshold: a fixed value, or a factor of the baseline's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Threshold {
    /// In the metric's unit: a ratio for error_rate, seconds for p95/p99.
    Value(f64),
    /// `1.5x baseline`.
    Baseline(f64),
}

/// One `--fail-if`.
#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub metric: Metric,
    pub op: Op,
    pub threshold: Threshold,
    /// How long the condition must hold before it counts as breached; zero: at once.
    pub hold: Duration,
    /// As written, for messages.
    pub text: String,
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Criterion {
    /// Parses `METRIC OP VALUE [x baseline] [for DURATION]`: `error_rate > 5%` (or `0.05`),
    /// `p95 > 2s` (or `2000ms`, or `2`), `p95 > 1.5x baseline`, `rps < 1`, `up < 1`,
    /// each with an optional `for 1m`.
    ///
    /// Errors: an unknown metric or operator, a value that is not a number, a percentage
    /// on another metric than error_rate, a bad duration, or words left over.
    pub fn parse(text: &str) -> Result<Criterion, String> {
        let spaced = text
            .replace(">=", " >= ")
            .replace("<=", " <= ")
            .replace('>', " > ")
            .replace('<', " < ")
            .replace("> =", ">=")
            .replace("< =", "<=");
        let words: Vec<&str> = spaced.split_whitespace().collect();
        let bad = |why: String| format!("--fail-if '{text}': {why}");
        let [metric, op, value, rest @ ..] = words.as_slice() else {
            return Err(bad(
                "expected METRIC OP VALUE [for DURATION], e.g. 'error_rate > 5%' or \
                 'p95 > 2s for 1m'"
                    .into(),
            ));
        };
        let metric = Metric::parse(metric).map_err(bad)?;
        let op = match *op {
            ">" => Op::Gt,
            ">=" => Op::Ge,
            "<" => Op::Lt,
            "<=" => Op::Le,
            other => return Err(bad(format!("`{other}` is not >, >=, < or <="))),
        };
        let (threshold, rest) = match rest {
            ["baseline", tail @ ..] => {
                let factor = value.strip_suffix(['x', 'X']).ok_or_else(|| {
                    bad("a relative threshold is written like 1.5x baseline".into())
                })?;
                let f: f64 = factor
                    .parse()
                    .ok()
                    .filter(|f: &f64| f.is_finite() && *f > 0.0)
                    .ok_or_else(|| bad(format!("`{value}` is not a factor like 1.5x")))?;
                (Threshold::Baseline(f), tail)
            }
            _ => (
                Threshold::Value(parse_value(metric, value).map_err(bad)?),
                rest,
            ),
        };
        let hold = match rest {
            [] => Duration::ZERO,
            ["for", d] => humantime::parse_duration(d)
                .map_err(|e| bad(format!("`{d}` is not a duration like 1m: {e}")))?,
            other => return Err(bad(format!("unexpected `{}`", other.join(" ")))),
        };
        Ok(Criterion {
            metric,
            op,
            threshold,
            hold,
            text: text.trim().to_string(),
        })
    }

    /// The absolute threshold, given the baseline's value of this metric.
    pub fn threshold(&self, baseline: Option<f64>) -> Option<f64> {
        match self.threshold {
            Threshold::Value(v) => Some(v),
            Threshold::Baseline(f) => baseline.map(|b| b * f),
        }
    }

    /// `error_rate > 5%` as the comparison with its threshold: `> 5.00%`.
    pub fn describe(&self, baseline: Option<f64>) -> String {
        match self.threshold(baseline) {
            Some(t) => format!(
                "{} {} {}",
                self.metric.name(),
                self.op.symbol(),
                self.metric.show(t)
            ),
            None => self.text.clone(),
        }
    }
}

/// A value in the metric's unit: `5%` or `0.05` for error_rate, `2s`/`500ms`/`2` for
/// latencies, a plain number otherwise.
fn parse_value(metric: Metric, text: &str) -> Result<f64, String> {
    let number = |s: &str| -> Result<f64, String> {
        s.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("`{text}` is not a number"))
    };
    match metric {
        Metric::ErrorRate => match text.strip_suffix('%') {
            Some(p) => Ok(number(p)? / 100.0),
            None => {
                let ratio = number(text)?;
                if ratio > 1.0 {
                    return Err(format!(
                        "`{text}` is a ratio above 1 (100%): did you mean {text}%?"
                    ));
                }
                Ok(ratio)
            }
        },
        Metric::P95 | Metric::P99 => {
            if text.ends_with('%') {
                return Err("a latency is a duration like 2s or 500ms".into());
            }
            match number(text) {
                Ok(secs) => Ok(secs),
                Err(_) => humantime::parse_duration(text)
                    .map(|d| d.as_secs_f64())
                    .map_err(|_| format!("`{text}` is not a duration like 2s or 500ms")),
            }
        }
        Metric::Rps | Metric::Up => {
            if text.ends_with('%') {
                return Err(format!("{} is a number, not a percentage", metric.name()));
            }
            number(text)
        }
    }
}

/// The rollback criteria of the operations manual (error rate > 10 %, response time > 5 s),
/// used when no `--fail-if` is given.
pub fn defaults() -> Vec<Criterion> {
    ["error_rate > 10%", "p95 > 5s"]
        .iter()
        .filter_map(|t| Criterion::parse(t).ok())
        .collect()
}

/// Where one criterion stands at an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Not holding (or no value to judge).
    Ok,
    /// Holding, for less than its `for`: since when (Unix ms).
    Pending { since_ms: i64, value: f64 },
    /// Holding for its whole `for`: breached.
    Breached { since_ms: i64, value: f64 },
}

/// Warm-up of a scraped target: its numbers are judged only once the range they are
/// evaluated over ([`Stats::range_ms`], shorter than the window while mcptop has held data
/// for less) covers `max(4 intervals, 30 s)`, at most the whole window. Over one second of
/// data one unlucky second decides a ratio: a demo at 3.6 % errors read above 10 % at
/// +2 s. A query API holds the history already, so query mode has no warm-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WarmUp {
    /// The data the numbers must hold, ms.
    need_ms: i64,
    /// The scrape interval, ms: the range in use is the data's age plus one interval.
    interval_ms: i64,
    /// The rate window, ms: the range in use never exceeds it.
    window_ms: i64,
}

impl WarmUp {
    /// The least data judged, whatever the interval.
    pub const MIN: Duration = Duration::from_secs(30);
    /// The least data judged, in scrape intervals.
    pub const INTERVALS: u32 = 4;

    /// The warm-up of a target scraped every `interval` with a rate window of `window`:
    /// `min(max(4 × interval, 30 s), window)`.
    pub fn new(interval: Duration, window: Duration) -> WarmUp {
        let need = interval
            .saturating_mul(Self::INTERVALS)
            .max(Self::MIN)
            .min(window);
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        WarmUp {
            need_ms: ms(need),
            interval_ms: ms(interval),
            window_ms: ms(window),
        }
    }

    /// The range the numbers must cover before they are judged.
    pub fn need(self) -> Duration {
        Duration::from_millis(u64::try_from(self.need_ms).unwrap_or(0))
    }

    /// Whether numbers evaluated over `range_ms` (ms) may be judged: while warming up the
    /// range in use is the data's age plus one interval
    /// ([`crate::model::stats::effective_range_ms`]), so the data holds [`WarmUp::need`]
    /// once the range is that plus one interval (or the whole window, the most it can be).
    pub fn done(self, range_ms: i64) -> bool {
        range_ms
            >= self
                .need_ms
                .saturating_add(self.interval_ms)
                .min(self.window_ms)
    }
}

/// The criteria's `for` timers.
#[derive(Debug, Clone)]
pub struct Evaluator {
    pub criteria: Vec<Criterion>,
    /// The baseline's value of each criterion's metric.
    baseline: Vec<Option<f64>>,
    since: Vec<Option<i64>>,
}

impl Evaluator {
    /// `baseline` gives the value of a metric in the window before the watch.
    ///
    /// Errors: a relative criterion whose metric the baseline has no value for.
    pub fn new(
        criteria: Vec<Criterion>,
        baseline: impl Fn(Metric) -> Option<f64>,
    ) -> Result<Evaluator, String> {
        let mut values = Vec::with_capacity(criteria.len());
        for c in &criteria {
            let v = baseline(c.metric);
            if matches!(c.threshold, Threshold::Baseline(_)) && v.is_none() {
                return Err(format!(
                    "--fail-if '{c}': the baseline window has no {} to compare with",
                    c.metric.name()
                ));
            }
            values.push(v);
        }
        let n = criteria.len();
        Ok(Evaluator {
            criteria,
            baseline: values,
            since: vec![None; n],
        })
    }

    /// The threshold text of criterion `i`, e.g. `p95 > 1.200s`.
    pub fn describe(&self, i: usize) -> String {
        self.criteria[i].describe(self.baseline[i])
    }

    /// Evaluates every criterion at `t_ms` on `stats` (and `up`, targets up), unless
    /// `warm_up` says `stats` cover too short a range: then `None`, no criterion is
    /// evaluated, and every `for` timer starts again once judging does.
    pub fn judge(
        &mut self,
        t_ms: i64,
        stats: &Stats,
        up: Option<f64>,
        warm_up: Option<WarmUp>,
    ) -> Option<Vec<Verdict>> {
        if warm_up.is_some_and(|w| !w.done(stats.range_ms)) {
            self.since.fill(None);
            return None;
        }
        Some(self.eval(t_ms, stats, up))
    }

    /// Evaluates every criterion at `t_ms` on `stats` (and `up`).
    pub fn eval(&mut self, t_ms: i64, stats: &Stats, up: Option<f64>) -> Vec<Verdict> {
        let mut out = Vec::with_capacity(self.criteria.len());
        for (i, c) in self.criteria.iter().enumerate() {
            let value = c.metric.value(stats, up);
            let holds = match (value, c.threshold(self.baseline[i])) {
                (Some(v), Some(t)) => c.op.holds_bounded(v, c.metric.lower_bound(stats), t),
                _ => false,
            };
            if !holds {
                self.since[i] = None;
                out.push(Verdict::Ok);
                continue;
            }
            let since = *self.since[i].get_or_insert(t_ms);
            let value = value.unwrap_or(f64::NAN);
            let held = u128::try_from(t_ms - since).unwrap_or(0);
            out.push(if held >= c.hold.as_millis() {
                Verdict::Breached {
                    since_ms: since,
                    value,
                }
            } else {
                Verdict::Pending {
                    since_ms: since,
                    value,
                }
            });
        }
        out
    }
}

#[cfg(test)]
#[path = "criteria_tests.rs"]
mod tests;
