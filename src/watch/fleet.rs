//! The deploy watch's targets: each watched on its own by the ID its updates carry, as the
//! dashboard's fleet; or, in query mode, the one fleet behind the API.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use super::target::Watched;
use super::{Exit, Failure, Output, TargetsChange, emit};
use crate::model::criteria::{Evaluator, WarmUp};
use crate::model::dashboard::{Dashboard, ModelConfig};
use crate::model::query_mode::PromUpdate;
use crate::model::status::TargetId;
use crate::sources::Update;
use crate::sources::targets::TargetSet;

/// The watched targets, each by the ID its updates carry (query mode: one, the fleet).
pub(super) struct Fleet {
    /// Each target by the ID its updates carry (query mode: 0).
    pub watched: BTreeMap<TargetId, Watched>,
    /// Every target's model settings (each with its own profile).
    model: ModelConfig,
    /// Every target's criteria, with no timer running.
    pub template: Evaluator,
    warm_up: Option<WarmUp>,
    /// Text lines name their target (several targets, or a `targets_file`).
    pub named: bool,
    /// Whether any target was judged at any interval.
    pub any_judged: bool,
    /// The last `targets_file` error reported.
    file_error: Option<String>,
}

impl Fleet {
    pub fn new(
        model: ModelConfig,
        template: Evaluator,
        warm_up: Option<WarmUp>,
        named: bool,
    ) -> Fleet {
        Fleet {
            watched: BTreeMap::new(),
            model,
            template,
            warm_up,
            named,
            any_judged: false,
            file_error: None,
        }
    }

    /// Query mode: the fleet behind the API, judged at once.
    pub fn query_mode(&mut self) {
        let d = unshown(self.model.clone());
        let w = Watched::new(None, d, self.template.clone(), None, Duration::ZERO);
        self.watched.insert(0, w);
    }

    /// Text's width of the targets' names, when lines name them.
    pub fn name_width(&self) -> Option<usize> {
        self.named.then(|| {
            self.watched
                .values()
                .filter_map(|w| w.name.as_deref())
                .map(crate::text::fit::width)
                .max()
                .unwrap_or(0)
        })
    }

    /// The targets, at start (`elapsed` zero) and when `targets_file` changes them: one that
    /// stays keeps its numbers and timers; a new one starts its own, with its own warm-up.
    /// Returns the change to report, if any (none at start).
    pub fn set_targets(
        &mut self,
        set: TargetSet,
        elapsed: Duration,
        t_ms: i64,
    ) -> Option<TargetsChange> {
        let at_start = elapsed.is_zero() && self.watched.is_empty();
        let mut removed = Vec::new();
        self.watched.retain(|id, w| {
            let keep = set.targets.iter().any(|(i, _)| i == id);
            if !keep {
                removed.extend(w.name.clone());
            }
            keep
        });
        let mut added = Vec::new();
        for (id, t) in &set.targets {
            if self.watched.contains_key(id) {
                continue;
            }
            let model = self.model.for_target(t.profile.clone(), t.polling_paths());
            let w = Watched::new(
                Some(t.name.clone()),
                unshown(model),
                self.template.clone(),
                self.warm_up,
                elapsed,
            );
            self.watched.insert(*id, w);
            added.push(t.name.clone());
        }
        if self.watched.len() > 1 {
            self.named = true;
        }
        let error_changed = set.file_error != self.file_error;
        self.file_error = set.file_error;
        let changed = !added.is_empty() || !removed.is_empty() || error_changed;
        (changed && !at_start).then(|| TargetsChange {
            t_ms,
            elapsed,
            targets: self
                .watched
                .values()
                .filter_map(|w| w.name.clone())
                .collect(),
            added,
            removed,
            file_error: self.file_error.clone(),
        })
    }

    /// Applies a source's update to its target; a change of the targets is returned to be
    /// reported.
    pub fn apply(&mut self, u: Update, elapsed: Duration, now_ms: i64) -> Option<TargetsChange> {
        match u {
            Update::Targets(set) => return self.set_targets(set, elapsed, now_ms),
            Update::Scrape {
                target,
                t_ms,
                result,
            } => {
                if let Some(w) = self.watched.get_mut(&target) {
                    w.dashboard.apply_scrape(t_ms, result);
                }
            }
            Update::Health {
                target,
                t_ms,
                result,
            } => {
                if let Some(w) = self.watched.get_mut(&target) {
                    w.dashboard.apply_health(t_ms, result);
                }
            }
            Update::Prometheus(p) => {
                if let Some(w) = self.watched.get_mut(&0) {
                    apply_query(w, p, now_ms);
                }
            }
            _ => {}
        }
        None
    }

    /// How the watch ends at its deadline: healthy when every target watched from the
    /// start was judged at some interval; else unreachable, naming the first that was not.
    pub fn at_end(&self, out: &mut impl Write, output: Output) -> (Exit, Option<Failure>) {
        let never = self
            .watched
            .values()
            .filter(|w| w.from_start && !w.judged)
            .find_map(|w| w.last.clone().map(|r| (r, w.not_judged())));
        if let Some((reading, why)) = never {
            return (Exit::Unreachable, Some(Failure { reading, why }));
        }
        if !self.any_judged {
            emit(
                out,
                &output.unreachable("no target was judged in the whole duration"),
            );
            return (Exit::Unreachable, None);
        }
        (Exit::Healthy, None)
    }
}

/// Applies a query API's update to the fleet it reads.
fn apply_query(w: &mut Watched, u: PromUpdate, now_ms: i64) {
    let d = &mut w.dashboard;
    match u {
        // A query API that cannot even say which metrics it has counts as a failed interval.
        PromUpdate::Profile { result: Err(e), .. } => {
            d.status.scrape.record_err(now_ms, e.clone());
            d.set_profile(Err(e));
        }
        PromUpdate::Profile { result, .. } => d.set_profile(result.map(|p| *p)),
        PromUpdate::Refresh { t_ms, result, .. } => match result {
            Ok(r) => {
                w.partial = crate::model::partial::first_partial(&r.warnings).map(str::to_string);
                let n = r.rows.iter().filter(|row| row.up == Some(true)).count();
                w.up = Some((n as f64, r.rows.len()));
                d.apply_stats(t_ms, Ok(r.total));
            }
            Err(e) => d.apply_stats(t_ms, Err(e)),
        },
        _ => {}
    }
}

/// A dashboard for a watch: no screen shows its tool rows, so it computes them only for
/// its kept past ([`Dashboard::want_tools`]).
fn unshown(model: ModelConfig) -> Dashboard {
    let mut d = Dashboard::new(model);
    d.want_tools(false);
    d
}
