//! The parts of one query-mode refresh, asked together as one combined query
//! ([`super::combined`]), and the [`Answers`] made of their series. The PromQL of each part
//! is written by the source (`sources::prometheus::refresh::Queries::parts`) at the index
//! [`Part`] gives it.

use super::query_mode::{
    Answers, TILE_QUANTILES, TileAnswers, Vector, quantiles, sum_without_instance,
};
use super::tool_answers::ToolAnswers;

/// Each part's index in the combined query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Requests per second `by (instance)`.
    Requests,
    /// Errors per second `by (instance)`.
    Errors,
    /// Tool calls per second `by (instance, tool)`.
    ByTool,
    /// Resident memory `by (instance)`, bytes.
    Memory,
    /// `up`.
    Up,
    /// `timestamp(up)`, Unix seconds.
    UpAt,
    /// Latency buckets per second `by (instance, le)`, when the quantiles are taken locally.
    Buckets,
    /// Errors per second by tool and error type (with the tool columns).
    ToolErrors,
    /// Latency buckets per second by tool and `le` (with the tool columns, locally).
    ToolBuckets,
    /// The engine's own quantiles, when asked (VictoriaMetrics): by instance, of the whole
    /// selector, by tool; P50, P95, P99 each.
    InstanceP50,
    InstanceP95,
    InstanceP99,
    TotalP50,
    TotalP95,
    TotalP99,
    ToolP50,
    ToolP95,
    ToolP99,
}

/// The number of parts.
pub const PARTS: usize = 18;

/// The answers of one refresh at `t_ms` from the series of each part (`parts[Part as
/// usize]`, as [`super::combined::split`] gives them; a part not asked is empty). The
/// whole selector's requests, errors, calls by tool and memory are summed from the
/// instances' ([`TileAnswers::fill_total_from`]). With `engine_quantiles` the quantiles
/// are the engine's own parts; otherwise they are taken from the buckets as
/// `histogram_quantile` would ([`quantiles`]): each instance's from its buckets, the whole
/// selector's from the buckets summed by `le`, each tool's from its buckets. `targets` and
/// `warnings` are left empty for the caller.
#[must_use]
pub fn answers(t_ms: i64, parts: Vec<Vector>, engine_quantiles: bool) -> Answers {
    let mut parts = parts;
    parts.resize_with(PARTS, Vector::new);
    let mut take = |p: Part| std::mem::take(&mut parts[p as usize]);
    let mut by_instance = TileAnswers {
        requests: take(Part::Requests),
        errors: take(Part::Errors),
        by_tool: take(Part::ByTool),
        memory: take(Part::Memory),
        ..TileAnswers::default()
    };
    let mut total = TileAnswers::default();
    total.fill_total_from(&by_instance);
    let mut tools = ToolAnswers {
        errors: take(Part::ToolErrors),
        ..ToolAnswers::default()
    };
    let (up, up_at) = (take(Part::Up), take(Part::UpAt));
    if engine_quantiles {
        (by_instance.p50, by_instance.p95, by_instance.p99) = (
            take(Part::InstanceP50),
            take(Part::InstanceP95),
            take(Part::InstanceP99),
        );
        (total.p50, total.p95, total.p99) = (
            take(Part::TotalP50),
            take(Part::TotalP95),
            take(Part::TotalP99),
        );
        (tools.p50, tools.p95, tools.p99) = (
            take(Part::ToolP50),
            take(Part::ToolP95),
            take(Part::ToolP99),
        );
    } else {
        let buckets = take(Part::Buckets);
        by_instance.set_quantiles(&buckets);
        total.set_quantiles(&sum_without_instance(&buckets));
        [tools.p50, tools.p95, tools.p99] = quantiles(&take(Part::ToolBuckets), TILE_QUANTILES);
    }
    Answers {
        t_ms,
        total,
        by_instance,
        tools,
        up,
        up_at,
        targets: None,
        warnings: Vec::new(),
    }
}
