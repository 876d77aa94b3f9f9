//! One refresh of query mode: the tiles' queries `by (instance)` (the whole selector's
//! requests, errors, calls by tool and memory are summed from them; only its quantiles are
//! asked of their own), the per-tool columns for the whole selector while the By-tool
//! table or a tool's view is shown (errors by tool and type, P50/P95/P99 by tool: four
//! queries, whatever the number of tools), `up`, and the targets list, sent together. The
//! number of requests depends on the panels shown, never on the number of instances or
//! tools: 12 a refresh, 16 with the tool columns.

use futures::future::join_all;

use super::api::Data;
use super::client::{PromClient, abbreviated};
use crate::model::alerts::matcher::Matcher;
use crate::model::partial::TARGETS_WARNING;
use crate::model::promql_text::Promql;
use crate::model::query_mode::{Answers, Matrix, TargetState, TileAnswers, Vector};
use crate::model::source_error::SourceError;
use crate::model::tool_answers::ToolAnswers;

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
}

/// The whole selector's quantiles, in [`TileAnswers`] order: its other tiles are summed
/// from the answers `by (instance)` ([`TileAnswers::fill_total_from`]).
fn total_quantiles(q: &Promql) -> [Option<String>; 7] {
    [
        None,
        None,
        q.quantile(0.5),
        q.quantile(0.95),
        q.quantile(0.99),
        None,
        None,
    ]
}

/// The expressions of one set of tiles, in [`TileAnswers`] order; `None` where the profile
/// has no such panel.
fn tiles(q: &Promql) -> [Option<String>; 7] {
    [
        Some(q.requests()),
        Some(q.errors()),
        q.quantile(0.5),
        q.quantile(0.95),
        q.quantile(0.99),
        q.by_tool(),
        Some(q.memory()),
    ]
}

/// The per-tool columns in [`ToolAnswers`] order (calls per second by tool are the tiles'
/// `by_tool`); `None` where the profile has no tool label or histogram.
fn tool_columns(q: &Promql) -> [Option<String>; 4] {
    [
        q.tool_errors(),
        q.tool_quantile(0.5),
        q.tool_quantile(0.95),
        q.tool_quantile(0.99),
    ]
}

/// Asks every query at `t_ms` (the tiles, the tool columns when `with_tools`, `up` and
/// `timestamp(up)`, whose sample times say how fresh the answer is), then, when an
/// instance is down, the targets list for its last scrape error (a list that can be long
/// on a shared Prometheus, so not every time). Without `with_tools` the answers' tool
/// columns are empty (the tools' calls per second are still there).
///
/// Errors: the first query that failed, with the expression it was. A targets list the
/// API does not have (Mimir, Cortex: 404) is not an error; another failure of it is a
/// warning (Thanos Querier has one, merged from its StoreAPIs' targets).
pub async fn refresh(
    client: &PromClient,
    q: &Queries,
    t_ms: i64,
    with_tools: bool,
) -> Result<Answers, SourceError> {
    let mut exprs: Vec<Option<String>> = total_quantiles(&q.total).into();
    if with_tools {
        exprs.extend(tool_columns(&q.total));
    } else {
        exprs.extend([None, None, None, None]);
    }
    exprs.extend(tiles(&q.by_instance));
    exprs.push(Some(q.total.up()));
    exprs.push(Some(format!("timestamp({})", q.total.up())));
    let asked = join_all(exprs.iter().map(|e| async move {
        match e {
            Some(e) => client
                .query(e, t_ms)
                .await
                .map(Some)
                .map_err(|why| why.of_query(abbreviated(e))),
            None => Ok(None),
        }
    }));
    let answers = asked.await;
    let mut vectors = Vec::with_capacity(answers.len());
    let mut warnings: Vec<String> = Vec::new();
    for a in answers {
        match a? {
            Some(answer) => {
                for w in answer.warnings {
                    if !warnings.contains(&w) {
                        warnings.push(w);
                    }
                }
                vectors.push(vector(answer.data)?);
            }
            None => vectors.push(Vector::new()),
        }
    }
    let mut it = vectors.into_iter();
    let mut total = TileAnswers::take(&mut it);
    let tools = ToolAnswers::take(&mut it);
    let by_instance = TileAnswers::take(&mut it);
    total.fill_total_from(&by_instance);
    let up = it.next().unwrap_or_default();
    let up_at = it.next().unwrap_or_default();
    let targets = if up.iter().any(|(_, v)| *v < 1.0) {
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
    Ok(Answers {
        t_ms,
        total,
        by_instance,
        tools,
        up,
        up_at,
        targets,
        warnings,
    })
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
    let at_expr = format!("timestamp({expr})");
    let (answer, at) = futures::join!(client.query(&expr, t_ms), client.query(&at_expr, t_ms));
    let answer = answer.map_err(|why| why.of_query(abbreviated(&expr)))?;
    let up = vector(answer.data)?;
    // Sample times only date the answer: without them the row still shows.
    let up_at = at
        .ok()
        .and_then(|a| vector(a.data).ok())
        .unwrap_or_default();
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
/// (the last empty, and not asked, without a tool label).
///
/// Errors: the first range query that failed.
pub async fn backfill(
    client: &PromClient,
    total: &Promql,
    by_instance: &Promql,
    start_ms: i64,
    end_ms: i64,
    step_ms: i64,
) -> Result<[Matrix; 5], SourceError> {
    let mut exprs = vec![
        total.requests(),
        total.errors(),
        by_instance.requests(),
        by_instance.errors(),
    ];
    exprs.extend(total.by_tool());
    let answers = join_all(
        exprs
            .iter()
            .map(|e| client.query_range(e, start_ms, end_ms, step_ms)),
    )
    .await;
    let mut out: [Matrix; 5] = Default::default();
    for (slot, (a, e)) in out.iter_mut().zip(answers.into_iter().zip(&exprs)) {
        match a.map_err(|why| why.of_query(abbreviated(e)))?.data {
            Data::Matrix(m) => *slot = m,
            _ => {
                return Err(
                    SourceError::BadAnswer("a range query did not answer a matrix".into())
                        .of_query(abbreviated(e)),
                );
            }
        }
    }
    Ok(out)
}
