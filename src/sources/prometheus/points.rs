//! The timeline's side of a refresh: asks `query_range` for every point not yet final
//! ([`crate::model::timeline_sync`]) and turns the answer into timeline updates and gaps.

use std::collections::{BTreeMap, BTreeSet};

use super::client::PromClient;
use super::refresh;
use crate::model::promql_text::Promql;
use crate::model::query_mode::{self, Matrix, PromUpdate};
use crate::model::timeline::Gap;
use crate::model::timeline_sync::{Rules, Sync};

/// One environment's timeline asks.
#[derive(Debug)]
pub struct Points {
    total: Promql,
    by_instance: Promql,
    /// The range of each point's `rate()`, ms.
    range_ms: i64,
    step_ms: i64,
    sync: Sync,
    /// The gaps last sent.
    gaps: Vec<Gap>,
}

impl Points {
    /// The asks of `total` (and the same `by (instance)`) with rate range `range_ms`,
    /// every `step_ms` over `history_ms`, starting at `now_ms`.
    pub fn new(
        total: Promql,
        range_ms: i64,
        step_ms: i64,
        history_ms: i64,
        rules: Rules,
        now_ms: i64,
    ) -> Points {
        Points {
            by_instance: total.clone().by(&["instance"]),
            total,
            range_ms,
            step_ms,
            sync: Sync::new(step_ms, history_ms, rules, now_ms),
            gaps: Vec::new(),
        }
    }

    /// Asks what is due at `t_ms`; the updates for the app (none when nothing is due). A
    /// failed ask is [`PromUpdate::TimelineFailed`] and is asked again next time.
    pub async fn refresh(&mut self, client: &PromClient, run: u64, t_ms: i64) -> Vec<PromUpdate> {
        let Some(ask) = self.sync.ask(t_ms) else {
            return Vec::new();
        };
        let asked = refresh::backfill(
            client,
            &self.total,
            &self.by_instance,
            ask.start_ms,
            ask.end_ms,
            self.step_ms,
        )
        .await;
        let [req, err, req_by, err_by, by_tool] = match asked {
            Ok(m) => m,
            Err(error) => {
                tracing::warn!(error = %error, "query mode: timeline points failed");
                return vec![PromUpdate::TimelineFailed { run, error }];
            }
        };
        let answered = answered_times([&req, &err, &req_by, &err_by]);
        let newest = answered.last().copied();
        if newest.is_none_or(|n| n < ask.end_ms) {
            tracing::debug!(
                start_ms = ask.start_ms,
                end_ms = ask.end_ms,
                newest_ms = ?newest,
                "query mode: the API has not answered the newest timeline points yet"
            );
        }
        let gaps = self.sync.answered(&ask, &answered, t_ms);
        let instances: BTreeMap<String, _> = query_mode::instances(&req_by)
            .into_iter()
            .map(|i| {
                let p = query_mode::points(&req_by, &err_by, Some(&i));
                (i, p)
            })
            .collect();
        let tools = match self.total.tool_label() {
            Some(label) => query_mode::by_label(&by_tool, label),
            None => BTreeMap::new(),
        };
        let mut out = vec![PromUpdate::Timeline {
            run,
            range_ms: self.range_ms,
            total: query_mode::points(&req, &err, None),
            instances,
            tools,
            replace: ask.replace,
        }];
        if gaps != self.gaps || ask.replace {
            if gaps.len() > self.gaps.len() {
                let g = gaps.last().map(|g| (g.from_ms, g.to_ms));
                tracing::warn!(gap = ?g, "query mode: the API has no timeline points there");
            }
            self.gaps = gaps.clone();
            out.push(PromUpdate::TimelineGaps { run, gaps });
        }
        out
    }
}

/// The times at which any series of the answers has a point.
fn answered_times(answers: [&Matrix; 4]) -> BTreeSet<i64> {
    answers
        .into_iter()
        .flatten()
        .flat_map(|(_, points)| points.iter().map(|(t, _)| *t))
        .collect()
}
