//! Query mode's tool rows: the answers of a Prometheus-compatible API to the per-tool
//! PromQL ([`super::promql_text::Promql::by_tool`], [`super::promql_text::Promql::tool_errors`],
//! and the quantiles of [`super::promql_text::Promql::tool_buckets`], or on
//! VictoriaMetrics [`super::promql_text::Promql::tool_quantile`]) turned into the
//! [`ToolRow`]s scrape mode computes ([`super::tool_stats::compute`]). One part of the
//! refresh's query per column for every tool: their number does not grow with the tools.

use std::collections::BTreeMap;

use super::profile::ModuleRule;
use super::query_mode::{Labels, Shape, Vector};
use super::stats::{Latency, module_of};
use super::tool_stats::{Partial, ToolRow, finish};

/// The answers of the per-tool queries over the whole selector (calls per second come
/// with the tiles' `by_tool`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ToolAnswers {
    /// Errors per second `by (tool_label, error_type_label)`; empty while no error series
    /// exists.
    pub errors: Vector,
    /// Quantiles `by (tool_label)`, seconds; empty without a latency histogram.
    pub p50: Vector,
    pub p95: Vector,
    pub p99: Vector,
}

/// The rows of every tool in `by_tool` (calls per second by the tool label), busiest
/// first. An error series' type is its one label other than the tool label (and
/// `instance`). A quantile answered with exactly the histogram's top finite bound is a
/// lower bound, as for the tiles ([`Shape::top_bucket_s`]). Without a tool label in
/// `shape`, none.
pub fn rows(by_tool: &[(Labels, f64)], answers: &ToolAnswers, shape: &Shape<'_>) -> Vec<ToolRow> {
    let Some(label) = shape.tool_label else {
        return Vec::new();
    };
    let index = |v: &Vector| -> BTreeMap<String, f64> {
        v.iter()
            .map(|(l, x)| (tool_of(l, label).to_string(), *x))
            .collect()
    };
    let (p50, p95, p99) = (
        index(&answers.p50),
        index(&answers.p95),
        index(&answers.p99),
    );
    let mut errors: BTreeMap<&str, Vec<(String, f64)>> = BTreeMap::new();
    for (l, x) in &answers.errors {
        if x.is_nan() {
            continue;
        }
        let kind = l
            .iter()
            .find(|(k, _)| k.as_str() != label && k.as_str() != "instance")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        errors
            .entry(tool_of(l, label))
            .or_default()
            .push((kind, *x));
    }
    let quantile =
        |m: &BTreeMap<String, f64>, tool: &str| m.get(tool).copied().filter(|x| !x.is_nan());
    let at_top = |x: Option<f64>| x.is_some() && x == shape.top_bucket_s;
    let partial = by_tool
        .iter()
        .filter(|(_, rate)| !rate.is_nan())
        .filter_map(|(l, rate)| {
            let tool = l.get(label).filter(|t| !t.is_empty())?;
            let (q50, q95, q99) = (
                quantile(&p50, tool),
                quantile(&p95, tool),
                quantile(&p99, tool),
            );
            Some(Partial {
                tool: tool.as_str(),
                module: match shape.modules {
                    ModuleRule::Pattern => module_of(tool, shape.module_re),
                    ModuleRule::WholeValue => tool.as_str(),
                },
                per_sec: *rate,
                error_types: errors.remove(tool.as_str()).unwrap_or_default(),
                latency: Latency {
                    p50: q50,
                    p95: q95,
                    p99: q99,
                    p95_lower_bound: at_top(q95),
                    p99_lower_bound: at_top(q99),
                    top_bucket_s: shape.top_bucket_s,
                },
                latency_buckets: Vec::new(),
            })
        })
        .collect();
    finish(partial, shape.range_ms as f64 / 1000.0)
}

/// The value of the tool label in `l` ("" without it).
fn tool_of<'a>(l: &'a Labels, label: &str) -> &'a str {
    l.get(label).map_or("", String::as_str)
}
