//! The incident snapshot from what the app holds: the tiles and their thresholds, the
//! alerts (Alertmanager's and the local rules'), the most frequent log errors, and the exact
//! queries behind the numbers; written as Markdown and JSON side by side.

use std::path::{Path, PathBuf};

use super::App;
use crate::config::Thresholds;
use crate::model::alerts::AlertOrigin;
use crate::model::promql_text::Promql;
use crate::model::snapshot::{Incident, ReportAlert, Symptom};
use crate::model::stats::Stats;

/// `(level word, threshold text)` of `v` against `warn`/`crit`.
fn level(
    v: Option<f64>,
    warn: f64,
    crit: f64,
    show: impl Fn(f64) -> String,
) -> (&'static str, String) {
    let limit = format!("warn ≥ {}, crit ≥ {}", show(warn), show(crit));
    match v {
        Some(x) if x >= crit => ("CRIT", limit),
        Some(x) if x >= warn => ("warn", limit),
        Some(_) => ("ok", limit),
        None => ("no data", limit),
    }
}

/// The tiles as report lines.
pub fn symptoms(stats: &Stats, th: &Thresholds, up: Option<bool>) -> Vec<Symptom> {
    let pct = |x: f64| crate::ui::format::percent(x);
    let lat = |x: f64| crate::ui::format::latency(x);
    let or = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("–".to_string(), f);
    let mut out = Vec::new();
    if let Some(up) = up {
        out.push(Symptom {
            what: "Target".into(),
            value: if up { "UP" } else { "DOWN" }.into(),
            level: if up { "ok" } else { "CRIT" },
            limit: "scrape and /health answer".into(),
        });
    }
    out.push(Symptom {
        what: "Requests/min".into(),
        value: or(stats.req_per_min(), &|x| format!("{x:.0}")),
        level: if stats.req_per_sec.is_some() {
            "ok"
        } else {
            "no data"
        },
        limit: "–".into(),
    });
    let (l, limit) = level(
        stats.error_ratio,
        th.error_rate_warn,
        th.error_rate_crit,
        pct,
    );
    out.push(Symptom {
        what: "Error rate".into(),
        value: or(stats.error_ratio, &pct),
        level: l,
        limit,
    });
    for (what, v, warn, crit) in [
        ("P95 latency", stats.p95, th.p95_warn, th.p95_crit),
        ("P99 latency", stats.p99, th.p99_warn, th.p99_crit),
    ] {
        let (l, limit) = level(v, warn.as_secs_f64(), crit.as_secs_f64(), lat);
        out.push(Symptom {
            what: what.into(),
            value: or(v, &lat),
            level: l,
            limit,
        });
    }
    out
}

impl App {
    /// The incident report of what is on screen at `now_ms`.
    pub fn incident(&self, now_ms: i64) -> Incident {
        let d = self.shown_dashboard();
        let status = &d.status;
        let drilled = self.fleet.as_ref().is_some_and(|f| f.drilled.is_some());
        let up = (self.fleet.is_none() || drilled).then(|| status.scrape.is_ok());
        let alerts = self
            .alerts
            .rows()
            .iter()
            .map(|r| ReportAlert {
                name: r.alert.name().to_string(),
                priority: r.priority,
                state: r.alert.state,
                starts_at_ms: r.alert.starts_at_ms,
                ends_at_ms: r.alert.ends_at_ms,
                summary: r
                    .alert
                    .annotation("summary")
                    .map(str::to_string)
                    .unwrap_or_else(|| {
                        r.alert
                            .labels
                            .iter()
                            .filter(|(k, _)| k.as_str() != "alertname")
                            .map(|(k, v)| format!("{k}={v}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }),
                origin: match r.alert.origin {
                    AlertOrigin::Alertmanager { .. } => "alertmanager",
                    AlertOrigin::Local => "mcptop rule",
                },
            })
            .collect();
        let top_errors = self
            .log_summary
            .top
            .iter()
            .map(|t| (t.message.clone(), t.count))
            .collect();
        Incident::new(
            now_ms,
            self.target_name.clone(),
            self.target_url.clone(),
            self.user.clone(),
            d.stats.clone(),
            status.scrape.last_error.clone(),
            symptoms(&d.stats, &self.cfg.thresholds, up),
            alerts,
            top_errors,
            self.queries(),
        )
    }

    /// The PromQL behind the tiles (for the environment's selector in query mode, for the
    /// target's `instance` in scrape mode) and the LogQL of the logs.
    fn queries(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let d = self.shown_dashboard();
        if let Some(profile) = d.profile() {
            let query = self.fleet.as_ref().and_then(|f| f.query());
            let mut selector = match query {
                Some(q) => self
                    .cfg
                    .prometheus
                    .environments
                    .get(q.env)
                    .map(|e| e.selector.clone())
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            let instance = match &self.fleet {
                Some(f) => f.drilled.clone(),
                None => reqwest::Url::parse(&self.target_url)
                    .ok()
                    .map(|u| crate::config::target::host_port(&u)),
            };
            if let Some(i) = instance
                && let Ok(m) = crate::model::alerts::Matcher::equal("instance", &i)
            {
                selector.push(m);
            }
            let range_ms = i64::try_from(self.cfg.window.range.as_millis()).unwrap_or(i64::MAX);
            let q = Promql::new(profile, &selector, range_ms);
            out.push(("Request rate (per second)".into(), q.requests()));
            out.push(("Errors (per second)".into(), q.errors()));
            for (what, quantile) in [("P95", 0.95), ("P99", 0.99)] {
                if let Some(e) = q.quantile(quantile) {
                    out.push((format!("{what} latency (seconds)"), e));
                }
            }
            if let Some(e) = q.by_tool() {
                out.push(("Tool calls by tool".into(), e));
            }
        }
        if let Some(loki) = &self.loki {
            out.push(("Logs (LogQL)".into(), loki.query.clone()));
        }
        out
    }

    /// Writes the report as `<dir>/<id>-<time>.md` and `.json`; returns the Markdown's path.
    ///
    /// Errors: the directory cannot be made or a file cannot be written (the path and the
    /// reason).
    pub fn write_incident(&self, dir: &Path, now_ms: i64) -> Result<PathBuf, String> {
        write_report(&self.incident(now_ms), dir)
    }
}

/// Writes `incident` into `dir` as Markdown and JSON; returns the Markdown's path.
///
/// Errors: as [`App::write_incident`].
pub fn write_report(incident: &Incident, dir: &Path) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let stamp = chrono::DateTime::from_timestamp_millis(incident.taken_ms)
        .map(|t| t.format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_default();
    let md = dir.join(format!("incident-{stamp}.md"));
    let js = dir.join(format!("incident-{stamp}.json"));
    std::fs::write(&md, incident.to_markdown()).map_err(|e| format!("{}: {e}", md.display()))?;
    let json = serde_json::to_string_pretty(&incident.to_json()).unwrap_or_default();
    std::fs::write(&js, json).map_err(|e| format!("{}: {e}", js.display()))?;
    Ok(md)
}

/// Where reports go by default: `$XDG_STATE_HOME/mcptop/incidents`.
pub fn default_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "mcptop")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join("incidents"))
}
