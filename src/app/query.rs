//! Query mode in the app: the fleet's rows and each instance's tiles from the Prometheus
//! source, and environment switching.

use super::App;
use crate::model::dashboard::Dashboard;
use crate::model::query_mode::PromUpdate;

/// Switches the source to another environment; `Err` says why it could not.
pub type PromLink = Box<dyn Fn(usize, u64) -> Result<(), String> + Send>;

/// Tells the query-mode source whether the per-tool columns are shown, so that it asks
/// them only then; `Err` says why it could not.
pub type ToolsLink = Box<dyn Fn(bool) -> Result<(), String> + Send>;

/// What `:env` says outside query mode.
pub(super) const NEEDS_QUERY_MODE: &str =
    "environments need query mode: set [prometheus] or --prometheus URL";

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
                tools,
                replace,
            } if r == run => {
                f.timeline_error = None;
                self.dashboard.timeline.range_ms = range_ms;
                self.dashboard.timeline.extend(&total, replace);
                self.dashboard.tool_history.range_ms = range_ms;
                self.dashboard.tool_history.extend(&tools, replace);
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
            PromUpdate::At {
                run: r,
                t_ms,
                result,
            } if r == run => {
                self.at_answer = Some(super::cursor::AtAnswer { t_ms, result });
            }
            PromUpdate::TimelineFailed { run: r, error } if r == run => {
                f.timeline_error = Some(error.to_string());
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

    /// Tells the sources when the By-tool table (or a tool's view) comes into view or
    /// leaves it. Query mode: the source asks the four per-tool queries only while shown.
    /// Scrape mode: only the dashboard in view computes its tool rows at each scrape
    /// ([`crate::model::dashboard::Dashboard::want_tools`]), and only while shown.
    pub(super) fn sync_tool_columns(&mut self) {
        let shown = self.nav.screen == crate::action::Screen::ToolStats;
        if !self.query_mode() {
            let drilled = self.fleet.as_ref().and_then(|f| f.drilled.clone());
            self.dashboard.want_tools(shown && drilled.is_none());
            if let Some(f) = self.fleet.as_mut() {
                for (name, d) in &mut f.instances {
                    d.want_tools(shown && drilled.as_ref() == Some(name));
                }
            }
        }
        if shown == self.tools_shown {
            return;
        }
        if let Some(link) = &self.tools_link
            && link(shown).is_ok()
        {
            self.tools_shown = shown;
        }
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
        // The cursor's instant was another environment's.
        self.nav.cursor.go_live();
        self.at_answer = None;
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
