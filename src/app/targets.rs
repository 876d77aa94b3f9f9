//! Scrape mode in the app: each target's scrapes and health checks go to its own dashboard
//! and its own local rules (alerts labelled `instance`); with several targets they make the
//! fleet's rows, and the whole fleet's tiles and timeline are added up from them
//! ([`crate::model::fleet_total`]).

use super::App;
use crate::model::dashboard::{Dashboard, ModelConfig};
use crate::model::rules::{RuleEngine, RuleInput};
use crate::model::source_error::SourceError;
use crate::model::status::TargetId;
use crate::sources::targets::TargetSet;

impl App {
    /// The targets, at start and whenever `targets_file` changes them. A single target
    /// (no fleet) only learns its URL; a fleet forgets the targets that left (the one
    /// drilled into stays, saying so) and makes a dashboard and rules for each new one.
    pub(super) fn apply_targets(&mut self, set: TargetSet, now_ms: i64) {
        let keep = self.cfg.alerts.keep_resolved;
        let rules = self.cfg.rules.clone();
        let Some(f) = self.fleet.as_mut() else {
            if let Some((_, t)) = set.targets.first() {
                self.target_url = t.shown_url();
            }
            return;
        };
        let base = f.model.clone();
        let drilled = f.drilled.clone();
        let Some(s) = f.scrape_mut() else {
            return;
        };
        s.targets = set.targets.iter().cloned().collect();
        let names: Vec<String> = s.targets.values().map(|t| t.name.clone()).collect();
        s.rules.retain(|n, _| names.contains(n));
        for t in s.targets.values() {
            s.rules
                .entry(t.name.clone())
                .or_insert_with(|| RuleEngine::new(rules.clone(), keep).for_instance(&t.name));
        }
        let models: Vec<(String, ModelConfig)> = s
            .targets
            .values()
            .map(|t| {
                let model = base.for_target(t.profile.clone(), t.polling_paths());
                (t.name.clone(), model)
            })
            .collect();
        f.instances
            .retain(|n, _| names.contains(n) || drilled.as_ref() == Some(n));
        if let Some(n) = &drilled
            && !names.contains(n)
            && let Some(d) = f.instances.get_mut(n)
        {
            d.status.scrape.record_err(
                now_ms,
                SourceError::Other("no longer a target: removed from targets_file".into()),
            );
        }
        for (name, model) in models {
            f.instances
                .entry(name)
                .or_insert_with(|| Dashboard::new(model));
        }
        f.warnings = set.file_error.into_iter().collect();
        f.rebuild_rows();
        self.sync_tool_columns();
        self.update_fleet_total(now_ms);
        self.eval_rules(now_ms);
    }

    /// A scrape or health check of target `id`: into its dashboard (the one dashboard of a
    /// single target), then the fleet's rows, total and the target's rules.
    pub(super) fn apply_target(
        &mut self,
        id: TargetId,
        t_ms: i64,
        apply: impl FnOnce(&mut Dashboard),
    ) {
        let Some(f) = self.fleet.as_mut() else {
            apply(&mut self.dashboard);
            self.eval_rules(t_ms);
            return;
        };
        let Some(name) = f.target_name(id) else {
            return;
        };
        let Some(d) = f.instances.get_mut(&name) else {
            return;
        };
        apply(d);
        let input = RuleInput::from_dashboard(d);
        if let Some(engine) = f.scrape_mut().and_then(|s| s.rules.get_mut(&name)) {
            engine.eval(t_ms, &input);
        }
        f.rebuild_rows();
        self.update_fleet_total(t_ms);
        self.eval_rules(t_ms);
    }

    /// The whole fleet's tiles and timeline from its targets'.
    fn update_fleet_total(&mut self, t_ms: i64) {
        let Some(f) = &self.fleet else {
            return;
        };
        if f.scrape().is_none() {
            return;
        }
        let members = || f.instances.values();
        match crate::model::fleet_total::total(members()) {
            Some(stats) => self.dashboard.apply_stats(t_ms, Ok(stats)),
            None if f.instances.is_empty() => {}
            None => {
                let down = f.rows.iter().filter(|r| r.up == Some(false)).count();
                let why = if down == f.rows.len() && down > 0 {
                    format!("every target is down ({down})")
                } else {
                    "no target has a request rate yet".to_string()
                };
                if down > 0 {
                    self.dashboard
                        .apply_stats(t_ms, Err(SourceError::Other(why)));
                }
            }
        }
        let points = crate::model::fleet_total::timeline(members());
        self.dashboard.timeline.extend(&points, true);
        // The fleet's profile is its targets' when they all have the same one.
        let mut kinds = members().filter_map(Dashboard::profile);
        if let Some(first) = kinds.next()
            && kinds.all(|p| p.kind == first.kind)
            && self.dashboard.profile().map(|p| p.kind) != Some(first.kind)
        {
            self.dashboard.set_profile(Ok(first.clone()));
        }
    }

    /// The local alerts of every target of a scraped fleet.
    pub(super) fn fleet_local_alerts(&self, t_ms: i64) -> Option<Vec<crate::model::alerts::Alert>> {
        let s = self.fleet.as_ref()?.scrape()?;
        Some(s.rules.values().flat_map(|r| r.alerts(t_ms)).collect())
    }
}
