//! Query mode in the app: the fleet's rows and each instance's tiles from the Prometheus
//! source, and environment switching.

use super::App;
use super::fleet::FleetState;
use crate::model::dashboard::Dashboard;
use crate::model::query_mode::{PromUpdate, Refresh};

/// Switches the source to another environment; `Err` says why it could not.
pub type PromLink = Box<dyn Fn(usize, u64) -> Result<(), String> + Send>;

/// What `:env` says outside query mode.
pub(super) const NEEDS_QUERY_MODE: &str =
    "environments need query mode: set [prometheus] or --prometheus URL";

impl FleetState {
    /// The dashboard of instance `name`, given the source's profile when it is new.
    fn instance(&mut self, name: &str) -> &mut Dashboard {
        let profile = self.query().and_then(|q| q.profile.clone());
        let fresh = !self.instances.contains_key(name);
        let d = self.member(name);
        if fresh && let Some(p) = profile {
            d.set_profile(p);
        }
        d
    }

    fn apply_refresh(&mut self, t_ms: i64, r: Refresh) {
        // Instances no longer reported are forgotten (pods come and go); the one drilled
        // into stays, saying so.
        let drilled = self.drilled.clone();
        self.instances.retain(|name, _| {
            r.rows.iter().any(|row| &row.instance == name) || drilled.as_ref() == Some(name)
        });
        if let Some(name) = &drilled
            && !r.rows.iter().any(|row| &row.instance == name)
            && let Some(d) = self.instances.get_mut(name)
        {
            d.apply_stats(
                t_ms,
                Err("no longer reported: the selector finds no series of it".into()),
            );
        }
        for row in &r.rows {
            let stats = r
                .per_instance
                .get(&row.instance)
                .cloned()
                .unwrap_or_default();
            let result = match row.up {
                Some(false) => Err(match row.last_error.is_empty() {
                    true => "down: up == 0 (its last scrape failed)".to_string(),
                    false => format!("down: {}", row.last_error),
                }),
                _ => Ok(stats),
            };
            self.instance(&row.instance).apply_stats(t_ms, result);
        }
        self.rows = r.rows;
        self.warnings = r.warnings;
        self.reselect();
    }
}

impl App {
    /// Applies an update of the query-mode source; updates of another environment than
    /// the one in view are dropped.
    pub(super) fn apply_prometheus(&mut self, u: PromUpdate) {
        let Some(f) = self.fleet.as_mut() else {
            return;
        };
        let Some(run) = f.query().map(|q| q.run) else {
            return;
        };
        match u {
            PromUpdate::Profile { run: r, result } if r == run => {
                let result = result.map(|p| *p);
                for d in f.instances.values_mut() {
                    d.set_profile(result.clone());
                }
                if let Some(q) = f.query_mut() {
                    q.profile = Some(result.clone());
                }
                self.dashboard.set_profile(result);
            }
            PromUpdate::Timeline {
                run: r,
                range_ms,
                total,
                instances,
                replace,
            } if r == run => {
                f.timeline_error = None;
                self.dashboard.timeline.range_ms = range_ms;
                self.dashboard.timeline.extend(&total, replace);
                let gaps = self.dashboard.timeline.gaps().to_vec();
                for (name, points) in instances {
                    let d = f.instance(&name);
                    d.timeline.range_ms = range_ms;
                    d.timeline.extend(&points, replace);
                    if d.timeline.gaps() != gaps.as_slice() {
                        d.timeline.set_gaps(gaps.clone());
                    }
                }
            }
            PromUpdate::Refresh {
                run: r,
                t_ms,
                result,
            } if r == run => match result {
                Ok(r) => {
                    if let Some(q) = f.query_mut() {
                        q.newest_sample_ms = r.newest_sample_ms;
                        q.sample_ms = r.sample_ms.clone();
                    }
                    self.dashboard.apply_stats(t_ms, Ok(r.total.clone()));
                    f.apply_refresh(t_ms, *r);
                    self.eval_rules(t_ms);
                }
                Err(e) => {
                    for d in f.instances.values_mut() {
                        d.apply_stats(t_ms, Err(e.clone()));
                    }
                    self.dashboard.apply_stats(t_ms, Err(e));
                    self.eval_rules(t_ms);
                }
            },
            PromUpdate::TimelineFailed { run: r, error } if r == run => {
                f.timeline_error = Some(error);
            }
            PromUpdate::TimelineGaps { run: r, gaps } if r == run => {
                for d in f.instances.values_mut() {
                    d.timeline.set_gaps(gaps.clone());
                }
                self.dashboard.timeline.set_gaps(gaps);
            }
            _ => {}
        }
        self.sync_title();
    }

    /// Switches to environment `name`: the fleet, tiles and timeline start afresh.
    /// Errors: no such environment, or the source has stopped.
    pub fn switch_env(&mut self, name: &str, now_ms: i64) -> Result<(), String> {
        let Some(f) = self.fleet.as_mut() else {
            return Err(NEEDS_QUERY_MODE.into());
        };
        let Some(q) = f.query_mut() else {
            return Err(NEEDS_QUERY_MODE.into());
        };
        let Some(index) = q.envs.iter().position(|(n, _, _)| n == name) else {
            let known: Vec<&str> = q.envs.iter().map(|(n, _, _)| n.as_str()).collect();
            return Err(format!(
                "no environment `{name}` (known: {})",
                known.join(", ")
            ));
        };
        if let Some(link) = &self.prom_link {
            link(index, q.run + 1)?;
        }
        q.run += 1;
        q.env = index;
        q.profile = None;
        q.newest_sample_ms = None;
        q.sample_ms.clear();
        f.clear();
        self.dashboard = Dashboard::new(f.model.clone());
        // Alerts of the old environment's numbers do not carry over.
        self.rules = crate::model::rules::RuleEngine::new(
            self.cfg.rules.clone(),
            self.cfg.alerts.keep_resolved,
        );
        self.eval_rules(now_ms);
        self.sync_title();
        self.toast(&format!("environment {name}"), false, now_ms);
        Ok(())
    }
}
