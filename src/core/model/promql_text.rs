//! PromQL text built from a metric profile: the expressions whose values the tiles show,
//! written the way a Grafana panel would ask Prometheus for them.
//!
//! Query mode sends these to a Prometheus-compatible API; the agreement tests send them to
//! a real Prometheus and compare the answers with what the model computes from its own
//! scrapes ([`super::stats::compute`]). Each expression here is the PromQL twin of one
//! field of [`super::stats::Stats`]:
//!
//! | field                | expression                                                      |
//! |----------------------|-----------------------------------------------------------------|
//! | `req_per_sec`        | `sum(counted(REQ{sel}[r])) / r` ([`super::counted`])            |
//! | `err_per_sec`        | the same over `REQ{sel, error_label=~"re"}`                     |
//! | `p50`, `p95`, `p99`  | `histogram_quantile(q, sum by (le) (rate(BUCKET{sel}[r])))`    |
//! | `modules`            | `sum by (tool_label) (counted(REQ{sel, tool-call matcher}[r])) / r` |
//! | `tools[].per_sec`    | the same, kept by tool ([`super::tool_stats`])                  |
//! | `tools[].error_types` | `sum by (tool_label, error_type) (counted(REQ{sel, tool call, error}[r])) / r` |
//! | `tools[].latency`    | `histogram_quantile(q, sum by (tool_label, le) (rate(BUCKET{sel, tool call}[r])))` |
//!
//! `counted(X[r])` is `(increase(X[r]) unless B) or B`, where `B` are the series of `X`
//! born inside the window on a target scraped before it: `sum(rate(X[r]))` plus the whole
//! count of new series, which `rate()` misses or, on VictoriaMetrics, overstates.
//! | `resident_memory_bytes` | `max(process_resident_memory_bytes{sel})`                    |
//!
//! `sel` is the user's target selector (e.g. `job="mcp"`) plus the profile's own matchers
//! ([`Profile::select`]): its required labels (`status=~".+"`) and `label!="path"` for each
//! polling path, the series [`Profile::counts`] keeps in scrape mode. With [`Promql::by`] every aggregation keeps those
//! labels too (`sum by (instance) (...)`), so a fleet costs one query per panel, not one
//! per instance.

use std::fmt::Write as _;

use super::alerts::matcher::Matcher;
use super::profile::Profile;

/// Builds the tiles' PromQL for one profile, target selector, range and grouping.
#[derive(Debug, Clone)]
pub struct Promql {
    requests: String,
    bucket: Option<String>,
    /// Matchers shared by every expression, already written: `job="mcp",handler!="/health"`.
    base: String,
    /// The user's selector alone, written: `job="mcp"`.
    user: String,
    error: String,
    tool_label: Option<String>,
    tool_call: Option<String>,
    /// The label naming an error's type ([`super::tool_stats::error_type_label`]).
    error_type: String,
    /// Range as PromQL writes it: `5m` is written `300s`; `1500ms` stays in ms.
    range: String,
    /// The range in seconds, the divisor of a counted increase.
    range_s: f64,
    by: Vec<String>,
}

impl Promql {
    /// `selector` narrows every expression to the watched targets; `range_ms` is the rate
    /// window in milliseconds (PromQL `[range]`).
    pub fn new(profile: &Profile, selector: &[Matcher], range_ms: i64) -> Promql {
        let user: Vec<String> = selector.iter().map(ToString::to_string).collect();
        let mut base = user.clone();
        base.extend(profile.select.iter().map(ToString::to_string));
        let mut error = format!(
            "{}=~\"{}\"",
            profile.error_label,
            escape(profile.error_pattern())
        );
        // A regex that matches "" would count series without the label, which the model
        // does not ([`Profile::is_error`]).
        if profile.error_match.is_match("") {
            error.push_str(&format!(",{}!=\"\"", profile.error_label));
        }
        Promql {
            requests: profile.requests.clone(),
            bucket: profile.latency_bucket().map(str::to_string),
            base: base.join(","),
            user: user.join(","),
            error,
            tool_label: profile.tool_label.clone(),
            tool_call: profile
                .tool_call_matcher
                .as_ref()
                .map(|(label, value)| format!("{label}=\"{}\"", escape(value))),
            error_type: super::tool_stats::error_type_label(profile).to_string(),
            range: duration(range_ms),
            range_s: range_ms as f64 / 1000.0,
            by: Vec::new(),
        }
    }

    /// Keeps `labels` in every aggregation (`sum by (instance) (...)`): one answer per
    /// value instead of one in total.
    #[must_use]
    pub fn by(mut self, labels: &[&str]) -> Promql {
        self.by = labels.iter().map(|l| (*l).to_string()).collect();
        self
    }

    /// The label naming a tool, when the profile has one.
    pub fn tool_label(&self) -> Option<&str> {
        self.tool_label.as_deref()
    }

    /// The range as written in the expressions, e.g. `300s`.
    pub fn range(&self) -> &str {
        &self.range
    }

    /// Requests per second, counted from zero ([`super::counted`]):
    /// `sum((increase(X[r]) unless B) or B) / r_s` with `X = REQ{sel}` and
    /// `B = ((X unless X offset r) and on (job, instance) REQ{sel} offset r)`, the series born
    /// inside the window on a target that was scraped before it, which add their whole
    /// value. For every other series this is `sum(rate(REQ{sel}[r]))`.
    pub fn requests(&self) -> String {
        self.counted(&self.selector(&[]), &[])
    }

    /// Errors per second, counted the same way over `REQ{sel, error_label=~"re"}`.
    /// Prometheus answers no series (not 0) while no error series exists.
    pub fn errors(&self) -> String {
        self.counted(&self.selector(&[&self.error]), &[])
    }

    /// Latency quantile `q` (0..1) in seconds:
    /// `histogram_quantile(q, sum by (le) (rate(BUCKET{sel}[r])))`; `None` when the
    /// profile has no latency histogram.
    pub fn quantile(&self, q: f64) -> Option<String> {
        Some(format!("histogram_quantile({q}, {})", self.buckets()?))
    }

    /// The latency histogram's buckets per second, `sum by (le) (rate(BUCKET{sel}[r]))`
    /// (with [`Promql::by`]'s labels before `le`): what every [`Promql::quantile`] reads,
    /// in one answer, for [`super::query_mode::quantiles`] to take the quantiles of as
    /// `histogram_quantile` would. `None` without a latency histogram.
    pub fn buckets(&self) -> Option<String> {
        let bucket = self.bucket.as_deref()?;
        let sel = self.selector(&[]);
        Some(format!(
            "{}(rate({bucket}{sel}[{}]))",
            self.sum(&["le"]),
            self.range
        ))
    }

    /// Each tool's buckets per second, `sum by (tool_label, le) (rate(BUCKET{sel, tool
    /// call}[r]))`: what every [`Promql::tool_quantile`] reads, in one answer. `None`
    /// without a latency histogram or a tool label.
    pub fn tool_buckets(&self) -> Option<String> {
        let bucket = self.bucket.as_deref()?;
        let label = self.tool_label.as_deref()?;
        let extra: Vec<&str> = self.tool_call.iter().map(String::as_str).collect();
        let sel = self.selector(&extra);
        Some(format!(
            "{}(rate({bucket}{sel}[{}]))",
            self.sum(&[label, "le"]),
            self.range
        ))
    }

    /// Tool calls per second by tool, counted as [`Promql::requests`] and summed
    /// `by (tool_label)` over `REQ{sel, tool call}`; `None` when the profile names no tool
    /// label.
    pub fn by_tool(&self) -> Option<String> {
        let label = self.tool_label.as_deref()?;
        let extra: Vec<&str> = self.tool_call.iter().map(String::as_str).collect();
        Some(self.counted(&self.selector(&extra), &[label]))
    }

    /// Erroring tool calls per second by tool and error type, counted as
    /// [`Promql::errors`] and summed `by (tool_label, error_type)` over
    /// `REQ{sel, tool call, error}`: a tool's errors per second are the sum over its
    /// types, its top error type the largest. `None` without a tool label.
    pub fn tool_errors(&self) -> Option<String> {
        let label = self.tool_label.as_deref()?;
        let mut extra: Vec<&str> = self.tool_call.iter().map(String::as_str).collect();
        extra.push(&self.error);
        let by: Vec<&str> = if self.error_type == label {
            vec![label]
        } else {
            vec![label, self.error_type.as_str()]
        };
        Some(self.counted(&self.selector(&extra), &by))
    }

    /// Latency quantile `q` (0..1) of each tool, seconds:
    /// `histogram_quantile(q, sum by (tool_label, le) (rate(BUCKET{sel, tool call}[r])))`;
    /// `None` without a latency histogram or a tool label.
    pub fn tool_quantile(&self, q: f64) -> Option<String> {
        Some(format!("histogram_quantile({q}, {})", self.tool_buckets()?))
    }

    /// Resident memory in bytes: `max(process_resident_memory_bytes{sel})`.
    pub fn memory(&self) -> String {
        let sel = self.target_selector();
        format!(
            "{}(process_resident_memory_bytes{sel})",
            self.agg("max", &[])
        )
    }

    /// `up{sel}`: 1 for each target whose last scrape succeeded, 0 for one that failed.
    pub fn up(&self) -> String {
        format!("up{}", self.target_selector())
    }

    /// `sum by (.., extra) ((increase(X[r]) unless B) or B) / r_s` over `X = REQ{sel}`
    /// (see [`Promql::requests`]); the target is known by `job` and `instance`. `and` and
    /// `unless` bind alike, left to right, so `B` needs its parentheses.
    fn counted(&self, sel: &str, extra: &[&str]) -> String {
        let (req, r) = (&self.requests, &self.range);
        let x = format!("{req}{sel}");
        let born = format!(
            "(({x} unless {x} offset {r}) and on (job, instance) {req}{} offset {r})",
            self.selector(&[])
        );
        format!(
            "{}((increase({x}[{r}]) unless {born}) or {born}) / {}",
            self.sum(extra),
            self.range_s
        )
    }

    /// `{matchers}` with the base matchers and `extra`; `{}` is written as nothing.
    fn selector(&self, extra: &[&str]) -> String {
        let mut all: Vec<&str> = Vec::new();
        if !self.base.is_empty() {
            all.push(&self.base);
        }
        all.extend_from_slice(extra);
        if all.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", all.join(","))
        }
    }

    /// The user's selector alone (process metrics and `up` have no request labels).
    fn target_selector(&self) -> String {
        if self.user.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", self.user)
        }
    }

    fn sum(&self, extra: &[&str]) -> String {
        self.agg("sum", extra)
    }

    /// `op by (by..., extra...) ` or `op` alone.
    fn agg(&self, op: &str, extra: &[&str]) -> String {
        let labels: Vec<&str> = self
            .by
            .iter()
            .map(String::as_str)
            .chain(extra.iter().copied())
            .collect();
        if labels.is_empty() {
            op.to_string()
        } else {
            format!("{op} by ({}) ", labels.join(", "))
        }
    }
}

/// A PromQL duration: whole seconds as `Ns`, anything else as `Nms`.
pub fn duration(ms: i64) -> String {
    let mut out = String::new();
    if ms % 1000 == 0 {
        let _ = write!(out, "{}s", ms / 1000);
    } else {
        let _ = write!(out, "{ms}ms");
    }
    out
}

/// Escapes a PromQL double-quoted string's content (`\` and `"`; newlines as `\n`).
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
#[path = "promql_text_tests.rs"]
mod tests;
