//! One refresh of query mode, asked in one request ([`crate::model::combined`]): the
//! tiles' queries `by (instance)` (the whole selector's requests, errors, calls by tool and
//! memory are summed from them), the latency buckets `by (instance, le)` (every quantile of
//! every instance and of the whole selector is taken from them, as `histogram_quantile`
//! would; VictoriaMetrics is asked for its own quantiles instead), the per-tool columns for the whole selector while the By-tool table or a tool's
//! view is shown (errors by tool and type, buckets by tool), `up` and `timestamp(up)`.
//! The targets list is asked only when an instance is down. One request a refresh,
//! whatever the panels shown, the number of instances or of tools.

use super::api::Data;
use super::client::{PromClient, abbreviated};
use crate::model::alerts::matcher::Matcher;
use crate::model::combined;
use crate::model::partial::TARGETS_WARNING;
use crate::model::promql_text::Promql;
use crate::model::query_mode::{Answers, Matrix, TargetState, Vector};
use crate::model::refresh_parts::{self, PARTS, Part};
use crate::model::source_error::SourceError;

/// The PromQL of one environment and profile.
#[derive(Debug, Clone)]
pub struct Queries {
    /// Aggregated over the whole selector.
    pub total: Promql,
    /// The same, `by (instance)`.
    pub by_instance: Promql,
    /// The selector, to pick this fleet's targets out of `/api/v1/targets`.
    pub selector: Vec<Matcher>,
}

impl Queries {
    pub fn new(total: Promql, selector: Vec<Matcher>) -> Queries {
        Queries {
            by_instance: total.clone().by(&["instance"]),
            total,
            selector,
        }
    }

    /// The parts of one refresh, at the indices [`refresh`] takes them apart by:
    /// requests, errors, calls by tool and memory `by (instance)`, `up`, `timestamp(up)`;
    /// the latency buckets `by (instance, le)`; with `with_tools` the errors by tool and
    /// type and the buckets by tool. With `engine_quantiles` (VictoriaMetrics, whose
    /// `histogram_quantile` is MetricsQL's own) the engine's quantiles take the buckets'
    /// places: P50, P95 and P99 by instance, of the whole selector and, with `with_tools`,
    /// by tool. A part not asked is `None`.
    pub fn parts(&self, with_tools: bool, engine_quantiles: bool) -> [Option<String>; PARTS] {
        let (b, t) = (&self.by_instance, &self.total);
        let local = !engine_quantiles;
        let engine = |p: &Promql, q: f64| p.quantile(q).filter(|_| engine_quantiles);
        let tool = |q: f64| {
            t.tool_quantile(q)
                .filter(|_| engine_quantiles && with_tools)
        };
        let mut parts: [Option<String>; PARTS] = Default::default();
        for (part, expr) in [
            (Part::Requests, Some(b.requests())),
            (Part::Errors, Some(b.errors())),
            (Part::ByTool, b.by_tool()),
            (Part::Memory, Some(b.memory())),
            (Part::Up, Some(t.up())),
            (Part::UpAt, Some(format!("timestamp({})", t.up()))),
            (Part::Buckets, b.buckets().filter(|_| local)),
            (Part::ToolErrors, t.tool_errors().filter(|_| with_tools)),
            (
                Part::ToolBuckets,
                t.tool_buckets().filter(|_| local && with_tools),
            ),
            (Part::InstanceP50, engine(b, 0.5)),
            (Part::InstanceP95, engine(b, 0.95)),
            (Part::InstanceP99, engine(b, 0.99)),
            (Part::TotalP50, engine(t, 0.5)),
            (Part::TotalP95, engine(t, 0.95)),
            (Part::TotalP99, engine(t, 0.99)),
            (Part::ToolP50, tool(0.5)),
            (Part::ToolP95, tool(0.95)),
            (Part::ToolP99, tool(0.99)),
        ] {
            parts[part as usize] = expr;
        }
        parts
    }
}

/// Asks every part of [`Queries::parts`] at `t_ms` in one request, then, when an instance
/// is down, the targets list for its last scrape error (a list that can be long on a
/// shared Prometheus, so not every time). `timestamp(up)`'s sample times say how fresh the
/// answer is. Without `with_tools` the answers' tool columns are empty (the tools' calls
/// per second are still there). The quantiles are taken from the buckets as Prometheus'
/// `histogram_quantile` would ([`crate::model::query_mode::quantiles`]), except on VictoriaMetrics
/// ([`PromClient::victoria_metrics`]), which is asked for its own.
///
/// Errors: the request failed (with its expression, abbreviated), or its answer was not
/// an instant vector of tagged series. A targets list the API does not have (Mimir,
/// Cortex: 404) is not an error; another failure of it is a warning (Thanos Querier has
/// one, merged from its StoreAPIs' targets).
pub async fn refresh(
    client: &PromClient,
    q: &Queries,
    t_ms: i64,
    with_tools: bool,
) -> Result<Answers, SourceError> {
    let parts = q.parts(with_tools, client.victoria_metrics);
    let expr = combined::combine(&parts).unwrap_or_default();
    let answer = client
        .query(&expr, t_ms)
        .await
        .map_err(|why| why.of_query(abbreviated(&expr)))?;
    let mut warnings: Vec<String> = Vec::new();
    for w in answer.warnings {
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
    let split = combined::split(vector(answer.data)?, PARTS)?;
    let mut answers = refresh_parts::answers(t_ms, split, client.victoria_metrics);
    let targets = if answers.up.iter().any(|(_, v)| *v < 1.0) {
        match client.targets().await {
            Ok(t) => Some(fleet_targets(t.data, &q.selector)),
            // The API has no targets list: its answer is not JSON (`404 page not found`).
            Err(SourceError::NotJson { http: 404, .. }) => None,
            Err(e) => {
                warnings.push(format!("{TARGETS_WARNING}{e}"));
                None
            }
        }
    } else {
        None
    };
    answers.targets = targets;
    answers.warnings = warnings;
    Ok(answers)
}

/// The targets `selector` picks out of the targets list.
fn fleet_targets(all: Vec<super::api::Target>, selector: &[Matcher]) -> Vec<TargetState> {
    all.into_iter()
        .filter(|t| selector.iter().all(|m| m.matches(&t.labels)))
        .map(|t| TargetState {
            labels: t.labels,
            last_error: t.last_error,
            last_scrape_ms: t.last_scrape_ms,
        })
        .collect()
}

/// While no profile is known: `up{selector}` and its sample times alone (and the targets
/// list when an instance is down), so the fleet still shows which instances are up.
///
/// Errors: the query failed.
pub async fn up_only(
    client: &PromClient,
    selector: &[Matcher],
    t_ms: i64,
) -> Result<Answers, SourceError> {
    let sel: Vec<String> = selector.iter().map(ToString::to_string).collect();
    let expr = if sel.is_empty() {
        "up".to_string()
    } else {
        format!("up{{{}}}", sel.join(","))
    };
    let parts = [Some(expr.clone()), Some(format!("timestamp({expr})"))];
    let combined = combined::combine(&parts).unwrap_or_default();
    let answer = client
        .query(&combined, t_ms)
        .await
        .map_err(|why| why.of_query(abbreviated(&combined)))?;
    let mut it = combined::split(vector(answer.data)?, parts.len())?.into_iter();
    let up = it.next().unwrap_or_default();
    let up_at = it.next().unwrap_or_default();
    let targets = match up.iter().any(|(_, v)| *v < 1.0) {
        true => client
            .targets()
            .await
            .ok()
            .map(|t| fleet_targets(t.data, selector)),
        false => None,
    };
    Ok(Answers {
        t_ms,
        up,
        up_at,
        targets,
        warnings: answer.warnings,
        ..Answers::default()
    })
}

/// An instant query's result as a vector (a scalar is one series without labels).
fn vector(data: Data) -> Result<Vector, SourceError> {
    match data {
        Data::Vector(v) => Ok(v),
        Data::Scalar(_, v) => Ok(vec![(Default::default(), v)]),
        Data::Matrix(_) => Err(SourceError::BadAnswer(
            "an instant query answered a range vector".into(),
        )),
    }
}

/// Requests and errors per second over `[start_ms, end_ms]` every `step_ms`, total and by
/// instance, for the timeline, and tool calls per second by tool for each tool's sparkline:
/// `(total requests, total errors, by instance requests, by instance errors, by tool)`
/// (the last empty, and not asked, without a tool label), asked in one `query_range`
/// ([`crate::model::combined`]).
///
/// Errors: the range query failed, or its answer was not a matrix of tagged series.
pub async fn backfill(
    client: &PromClient,
    total: &Promql,
    by_instance: &Promql,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
) -> Result<[Matrix; 5], SourceError> {
    let parts = [
        Some(total.requests()),
        Some(total.errors()),
        Some(by_instance.requests()),
        Some(by_instance.errors()),
        total.by_tool(),
    ];
    let expr = combined::combine(&parts).unwrap_or_default();
    let answer = client
        .query_range(&expr, start_ms, end_ms, step_ms)
        .await
        .map_err(|why| why.of_query(abbreviated(&expr)))?;
    let Data::Matrix(m) = answer.data else {
        return Err(
            SourceError::BadAnswer("a range query did not answer a matrix".into())
                .of_query(abbreviated(&expr)),
        );
    };
    let mut out: [Matrix; 5] = Default::default();
    for (slot, part) in out.iter_mut().zip(combined::split(m, parts.len())?) {
        *slot = part;
    }
    Ok(out)
}
