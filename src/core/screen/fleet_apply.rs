//! How the fleet's state follows its source: query mode's refreshes into each instance's
//! dashboard and the rows, and a scraped fleet's rows from its targets' dashboards.

use super::fleet::FleetState;
use crate::config::Target;
use crate::model::dashboard::Dashboard;
use crate::model::fleet::InstanceRow;
use crate::model::query_mode::Refresh;
use crate::model::source_error::SourceError;
use crate::model::status::Up;

impl FleetState {
    /// The dashboard of instance `name`, given the source's profile when it is new.
    pub fn instance(&mut self, name: &str) -> &mut Dashboard {
        let profile = self.query().and_then(|q| q.profile.clone());
        let fresh = !self.instances.contains_key(name);
        let d = self.member(name);
        if fresh && let Some(p) = profile {
            d.set_profile(p);
        }
        d
    }

    pub fn apply_refresh(&mut self, t_ms: i64, r: Refresh) {
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
                Err(SourceError::Other(
                    "no longer reported: the selector finds no series of it".into(),
                )),
            );
        }
        for row in &r.rows {
            let stats = r
                .per_instance
                .get(&row.instance)
                .cloned()
                .unwrap_or_default();
            let result = match row.up {
                Some(false) => Err(SourceError::Other(match row.last_error.is_empty() {
                    true => "down: up == 0 (its last scrape failed)".to_string(),
                    false => format!("down: {}", row.last_error),
                })),
                _ => Ok(stats),
            };
            self.instance(&row.instance).apply_stats(t_ms, result);
        }
        self.rows = r.rows;
        self.warnings = r.warnings;
        self.reselect();
    }
}

/// A target's row: up from its scrape and health check, numbers while its scrape works.
fn row(t: &Target, d: &Dashboard) -> InstanceRow {
    let live = d.status.scrape.is_ok();
    let s = &d.stats;
    InstanceRow {
        instance: t.name.clone(),
        job: t.labels.get("job").cloned().unwrap_or_default(),
        up: match d.status.up() {
            Up::Unknown => None,
            Up::Up => Some(true),
            Up::Down => Some(false),
        },
        req_per_sec: s.req_per_sec.filter(|_| live),
        error_ratio: s.error_ratio.filter(|_| live),
        p95: s.p95.filter(|_| live),
        p99: s.p99.filter(|_| live),
        p95_lower_bound: s.p95_lower_bound,
        p99_lower_bound: s.p99_lower_bound,
        last_error: d
            .status
            .error()
            .map(|e| without_origin(e, &t.metrics_url))
            .unwrap_or_default(),
    }
}

/// An error as the fleet row shows it: the row already names the target, so the URL the
/// error starts with keeps its path only (`/metrics: cannot connect: ...`), leaving the
/// column's width for the cause.
fn without_origin(error: &SourceError, url: &url::Url) -> String {
    let origin = url.origin().ascii_serialization();
    match error {
        SourceError::At { context, error } => match context.strip_prefix(&origin) {
            Some(path) if path.starts_with('/') => format!("{path}: {error}"),
            _ => format!("{context}: {error}"),
        },
        other => other.to_string(),
    }
}

impl FleetState {
    /// The rows again, from the targets' dashboards.
    pub fn rebuild_rows(&mut self) {
        let Some(s) = self.scrape() else {
            return;
        };
        self.rows = s
            .targets
            .values()
            .filter_map(|t| self.instances.get(&t.name).map(|d| row(t, d)))
            .collect();
        self.reselect();
    }
}
