//! Tools by their numbers: for each value of the profile's tool label, its calls per
//! second, share, errors and their types, and latency quantiles, with the same PromQL
//! semantics as the tiles ([`super::stats`]) grouped `by (tool_label)`.
//!
//! | field | PromQL twin ([`super::promql_text::Promql`]) |
//! |---|---|
//! | `per_sec` | `sum by (tool) (counted(REQ{sel, tool call}[r])) / r` ([`super::counted`]) |
//! | `err_per_sec`, `error_types` | `sum by (tool, error_type) (counted(REQ{sel, tool call, error}[r])) / r` |
//! | `latency` | `histogram_quantile(q, sum by (tool, le) (rate(BUCKET{sel, tool call}[r])))` |
//!
//! `calls` is the counted increase in the window (`per_sec * r`): a tool with fewer than
//! [`RARE_CALLS`] shows its count beside its quantiles (`P95 2.1s (n=7)`), so that a
//! quantile of a handful of calls is not read as a trend.

use std::collections::BTreeMap;

use regex::Regex;

use super::counted::{Target, counted_increase};
use super::profile::{Profile, ProfileKind};
use super::query::{KahanSum, bucket_rates_by};
use super::series::{SeriesKey, SeriesStore};
use super::stats::Latency;

/// Below this many calls in the rate window a tool's quantiles are shown with their
/// count (`(n=7)`): with 20 calls, P95 is decided by the single slowest one.
pub const RARE_CALLS: f64 = 20.0;

/// One tool's numbers at one evaluation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolRow {
    /// The tool label's value, e.g. `notion.search`.
    pub tool: String,
    /// Its module ([`Profile::module_of`]), e.g. `notion`.
    pub module: String,
    /// Calls per second, counted from zero ([`super::counted`]).
    pub per_sec: f64,
    /// Fraction (0..1) of all tool calls.
    pub share: f64,
    /// Erroring calls per second, counted the same way.
    pub err_per_sec: f64,
    /// `err_per_sec / per_sec` (0..1); `None` without calls (PromQL would give NaN).
    pub error_ratio: Option<f64>,
    /// Errors per second by error type ([`error_type_label`]), largest first (then by
    /// name).
    pub error_types: Vec<(String, f64)>,
    /// P50/P95/P99 of the tool's own buckets (seconds) and whether P95/P99 are lower
    /// bounds; empty where the profile's buckets do not carry the tool label.
    pub latency: Latency,
    /// Calls in the rate window (`per_sec * range`); fractional, as `increase()` is.
    pub calls: f64,
    /// The tool's `sum by (le) (rate(bucket[range]))` as `(le, per second)` pairs, sorted
    /// by `le`: its latency distribution. Empty in query mode (the API answers quantiles).
    pub latency_buckets: Vec<(f64, f64)>,
}

impl ToolRow {
    /// The most frequent error type in the window, if any error.
    pub fn top_error(&self) -> Option<&str> {
        self.error_types
            .iter()
            .find(|(t, r)| !t.is_empty() && *r > 0.0)
            .map(|(t, _)| t.as_str())
    }

    /// Fewer than [`RARE_CALLS`] calls in the window: its quantiles say little.
    pub fn rare(&self) -> bool {
        self.calls < RARE_CALLS
    }

    /// The calls in the window, rounded, for `(n=7)`.
    pub fn calls_n(&self) -> u64 {
        if self.calls.is_finite() && self.calls > 0.0 {
            self.calls.round() as u64
        } else {
            0
        }
    }
}

/// The label whose value names a tool error's type: `error_type` where the profile's
/// erroring series carry it (OpenTelemetry's `error_type`: `tool_error`, a JSON-RPC code,
/// `timeout`; MCP Any's middleware sets it beside `status`), else the profile's error
/// label itself (ToolHive's and hand-written counters' `status`: `error`, `failure`).
pub fn error_type_label(profile: &Profile) -> &str {
    match profile.kind {
        ProfileKind::OtelMcp | ProfileKind::OtelMcpClient | ProfileKind::Mcpany => "error_type",
        _ => profile.error_label.as_str(),
    }
}

/// Every tool's row at `eval_ms` over `(eval_ms - range_ms, eval_ms]`, busiest first (then
/// by name); empty when the profile names no tool label. Only tool-call series the profile
/// counts are read ([`Profile::counts`], [`Profile::is_tool_call`]); series without the
/// tool label (or with it empty) are left out, as from the modules.
pub fn compute(
    profile: &Profile,
    counters: &SeriesStore,
    buckets: &SeriesStore,
    module_re: &Regex,
    eval_ms: i64,
    range_ms: i64,
) -> Vec<ToolRow> {
    let Some(tool_label) = profile.tool_label.as_deref() else {
        return Vec::new();
    };
    let is_tool_call = |k: &SeriesKey| profile.counts(k) && profile.is_tool_call(k);
    let target = |k: &SeriesKey| profile.counts(k);
    let seen = Target::of(counters, &profile.requests, &target, eval_ms, range_ms);
    let type_label = error_type_label(profile);
    let mut calls: BTreeMap<&str, KahanSum> = BTreeMap::new();
    let mut errors: BTreeMap<(&str, &str), KahanSum> = BTreeMap::new();
    for (key, series) in counters
        .select(&profile.requests)
        .filter(|(k, _)| is_tool_call(k))
    {
        let Some(x) = counted_increase(series, eval_ms, range_ms, seen) else {
            continue;
        };
        let tool = key.label(tool_label).unwrap_or("");
        calls.entry(tool).or_default().add(x);
        if profile.is_error(key.label(&profile.error_label)) {
            errors
                .entry((tool, key.label(type_label).unwrap_or("")))
                .or_default()
                .add(x);
        }
    }
    let mut latency = profile
        .latency_bucket()
        .map(|name| bucket_rates_by(buckets, name, is_tool_call, tool_label, eval_ms, range_ms))
        .unwrap_or_default();
    let range_s = range_ms as f64 / 1000.0;
    let per_sec: Vec<(&str, f64)> = calls
        .into_iter()
        .filter(|(tool, _)| !tool.is_empty())
        .map(|(tool, sum)| (tool, sum.value() / range_s))
        .collect();
    let mut by_tool_errors: BTreeMap<&str, Vec<(String, f64)>> = BTreeMap::new();
    for ((tool, kind), sum) in errors {
        by_tool_errors
            .entry(tool)
            .or_default()
            .push((kind.to_string(), sum.value() / range_s));
    }
    let rows = per_sec
        .into_iter()
        .map(|(tool, rate)| {
            let mut buckets = latency.remove(tool).unwrap_or_default();
            buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
            Partial {
                tool,
                module: profile.module_of(tool, module_re),
                per_sec: rate,
                error_types: by_tool_errors.remove(tool).unwrap_or_default(),
                latency: Latency::of(&buckets),
                latency_buckets: buckets,
            }
        })
        .collect();
    finish(rows, range_s)
}

/// A row before its share, ratio and order are known.
pub(crate) struct Partial<'a> {
    pub tool: &'a str,
    pub module: &'a str,
    pub per_sec: f64,
    /// Errors per second by type, in any order.
    pub error_types: Vec<(String, f64)>,
    pub latency: Latency,
    pub latency_buckets: Vec<(f64, f64)>,
}

/// The rows with their shares, error ratios and window counts, busiest first.
pub(crate) fn finish(rows: Vec<Partial<'_>>, range_s: f64) -> Vec<ToolRow> {
    let total: f64 = rows
        .iter()
        .map(|r| r.per_sec)
        .filter(|r| r.is_finite())
        .sum();
    let mut out: Vec<ToolRow> = rows
        .into_iter()
        .map(|r| {
            let mut error_types = r.error_types;
            error_types.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            // A fold from +0.0: an empty `sum()` of f64 is -0.0, shown `-0.00%`.
            let err_per_sec = error_types.iter().fold(0.0, |sum, (_, e)| sum + e);
            ToolRow {
                tool: r.tool.to_string(),
                module: r.module.to_string(),
                per_sec: r.per_sec,
                share: if total > 0.0 { r.per_sec / total } else { 0.0 },
                err_per_sec,
                error_ratio: (r.per_sec > 0.0).then_some(err_per_sec / r.per_sec),
                error_types,
                latency: r.latency,
                calls: r.per_sec * range_s,
                latency_buckets: r.latency_buckets,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.per_sec
            .is_nan()
            .cmp(&b.per_sec.is_nan())
            .then_with(|| b.per_sec.total_cmp(&a.per_sec))
            .then_with(|| a.tool.cmp(&b.tool))
    });
    out
}

#[cfg(test)]
#[path = "tool_stats_tests.rs"]
mod tests;
