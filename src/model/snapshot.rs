//! The incident snapshot: a draft incident report in Markdown, following the report template
//! of the incident procedure (basic information, summary, symptoms, impact, timeline, root
//! cause, actions, lessons), with the same data as JSON. Built from what the dashboard holds
//! at one instant; the parts only people know are left as prompts.

use serde_json::{Value, json};

use super::alerts::{AlertState, Priority};
use super::stats::Stats;

/// An alert as the report lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportAlert {
    pub name: String,
    pub priority: Priority,
    pub state: AlertState,
    /// When it started (firing, or pending for a local rule), Unix ms.
    pub starts_at_ms: i64,
    /// When it resolved, Unix ms.
    pub ends_at_ms: Option<i64>,
    /// Its `summary` annotation, or its labels when it has none.
    pub summary: String,
    /// `alertmanager` or `mcptop rule`.
    pub origin: &'static str,
}

/// A tile with its thresholds: `(name, value as shown, level word)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Symptom {
    pub what: String,
    pub value: String,
    /// `ok`, `warn` or `CRIT`.
    pub level: &'static str,
    /// The threshold it crossed, e.g. `≥ 5%`.
    pub limit: String,
}

/// Everything the report is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// `INC-YYYYMMDD-HHMM`.
    pub id: String,
    /// When the snapshot was taken, Unix ms.
    pub taken_ms: i64,
    /// The target or environment watched, and its URL (redacted).
    pub target: String,
    pub url: String,
    pub reporter: String,
    /// The worst firing alert's priority; `None` when nothing fires.
    pub priority: Option<Priority>,
    /// The earliest start of a firing alert, else the snapshot time, Unix ms.
    pub discovered_ms: i64,
    pub stats: Stats,
    /// Whether the numbers are current; the source's error when not.
    pub source_error: Option<String>,
    pub symptoms: Vec<Symptom>,
    pub alerts: Vec<ReportAlert>,
    /// The most frequent error messages of the log source: `(message, count)`.
    pub top_errors: Vec<(String, u64)>,
    /// `(what, query)`: the PromQL of the tiles and the LogQL of the logs.
    pub queries: Vec<(String, String)>,
}

/// Formats a Unix ms instant as `2026-11-30 09:41:02 UTC`.
pub fn utc(t_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(t_ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| t_ms.to_string())
}

impl Incident {
    /// Fills in the derived parts: the ID, the priority and the discovery time from the
    /// firing alerts. `alerts` may be in any order.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        taken_ms: i64,
        target: String,
        url: String,
        reporter: String,
        stats: Stats,
        source_error: Option<String>,
        symptoms: Vec<Symptom>,
        mut alerts: Vec<ReportAlert>,
        top_errors: Vec<(String, u64)>,
        queries: Vec<(String, String)>,
    ) -> Incident {
        alerts.sort_by(|a, b| {
            a.priority
                .cmp(&b.priority)
                .then(a.starts_at_ms.cmp(&b.starts_at_ms))
                .then_with(|| a.name.cmp(&b.name))
        });
        let firing = || alerts.iter().filter(|a| a.state == AlertState::Firing);
        let priority = firing().map(|a| a.priority).min();
        let discovered_ms = firing().map(|a| a.starts_at_ms).min().unwrap_or(taken_ms);
        let id = chrono::DateTime::from_timestamp_millis(discovered_ms)
            .map(|t| t.format("INC-%Y%m%d-%H%M").to_string())
            .unwrap_or_else(|| "INC-draft".into());
        Incident {
            id,
            taken_ms,
            target,
            url,
            reporter,
            priority,
            discovered_ms,
            stats,
            source_error,
            symptoms,
            alerts,
            top_errors,
            queries,
        }
    }

    /// A title from the worst alert, else from the worst tile.
    pub fn title(&self) -> String {
        let firing = self.alerts.iter().find(|a| a.state == AlertState::Firing);
        match firing {
            Some(a) => format!("{} on {}: {}", a.name, self.target, a.summary),
            None => match self.symptoms.iter().find(|s| s.level != "ok") {
                Some(s) => format!("{} {} on {}", s.what, s.value, self.target),
                None => format!("{}: no alert firing, tiles within thresholds", self.target),
            },
        }
    }

    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let p = self
            .priority
            .map_or("P? (no alert firing: set it)".to_string(), |p| {
                p.label().to_string()
            });
        md.push_str(&format!(
            "# Incident report (draft): {}\n\n",
            inline(&self.title())
        ));
        md.push_str("## Basic information\n\n| | |\n|---|---|\n");
        for (k, v) in [
            ("Incident ID", self.id.clone()),
            ("Priority", p),
            ("Discovered", utc(self.discovered_ms)),
            ("Snapshot taken", utc(self.taken_ms)),
            ("Resolved", "(open)".to_string()),
            ("Target", format!("{} ({})", self.target, self.url)),
            ("Reporter", self.reporter.clone()),
        ] {
            md.push_str(&format!("| **{k}** | {} |\n", cell(&v)));
        }
        md.push_str("\n## Summary\n\n");
        md.push_str(&format!("{}.\n", inline(&self.title())));
        if let Some(e) = &self.source_error {
            md.push_str(&format!(
                "\nThe numbers below are not current: the source failed with: {}.\n",
                inline(e)
            ));
        }
        md.push_str("\n## Symptoms\n\n| Signal | Value | Level | Threshold |\n|---|---|---|---|\n");
        for s in &self.symptoms {
            md.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                cell(&s.what),
                cell(&s.value),
                s.level,
                cell(&s.limit)
            ));
        }
        let firing: Vec<&ReportAlert> = self
            .alerts
            .iter()
            .filter(|a| a.state == AlertState::Firing)
            .collect();
        if !firing.is_empty() {
            md.push('\n');
            for a in &firing {
                md.push_str(&format!(
                    "- **{}** ({}, {}) firing since {}: {}\n",
                    inline(&a.name),
                    a.priority.label(),
                    a.origin,
                    utc(a.starts_at_ms),
                    inline(&a.summary)
                ));
            }
        }
        if !self.top_errors.is_empty() {
            md.push_str("\nMost frequent errors in the logs:\n\n");
            for (msg, n) in &self.top_errors {
                md.push_str(&format!("- {n}× {}\n", inline(msg)));
            }
        }
        md.push_str("\n## Impact\n\n");
        md.push_str(&self.impact());
        md.push_str("- Users affected: (fill in)\n- SLA breached: (fill in)\n");
        md.push_str("\n## Timeline\n\n| Time (UTC) | Event | Source |\n|---|---|---|\n");
        for (t, event, source) in self.timeline() {
            md.push_str(&format!("| {} | {} | {} |\n", utc(t), cell(&event), source));
        }
        md.push_str("\n## Queries used\n\n");
        for (what, q) in &self.queries {
            md.push_str(&format!("- {}:\n{}", inline(what), fenced(q, "  ")));
        }
        md.push_str(
            "\n## Root cause\n\n### Direct cause\n(fill in)\n\n### Contributing causes\n(fill in)\n\
             \n## Actions\n\n### Immediate\n- [ ] (action) - (assignee) - (due)\n\n### Prevention\n\
             - [ ] (action) - (assignee) - (due)\n\n## Lessons\n\n### What went well\n- \n\n\
             ### What could be improved\n- \n",
        );
        md
    }

    /// What the numbers say of the impact, one Markdown bullet per line.
    fn impact(&self) -> String {
        let s = &self.stats;
        let mut out = String::new();
        if let (Some(r), Some(e)) = (s.req_per_sec, s.error_ratio) {
            out.push_str(&format!(
                "- {:.1}% of {:.0} requests/min failed over the last {}\n",
                e * 100.0,
                r * 60.0,
                window(s.range_ms)
            ));
        }
        if !s.modules.is_empty() {
            let list: Vec<String> = s
                .modules
                .iter()
                .take(5)
                .map(|m| format!("{} {:.0}%", m.module, m.share * 100.0))
                .collect();
            out.push_str(&format!("- Tool calls by module: {}\n", list.join(", ")));
        }
        out
    }

    /// Alert transitions, oldest first: `(Unix ms, event, source)`.
    pub fn timeline(&self) -> Vec<(i64, String, &'static str)> {
        let mut rows = Vec::new();
        for a in &self.alerts {
            let start = match a.state {
                AlertState::Pending => "pending",
                _ => "firing",
            };
            rows.push((
                a.starts_at_ms,
                format!("{} ({}) {start}: {}", a.name, a.priority.label(), a.summary),
                a.origin,
            ));
            if let Some(end) = a.ends_at_ms.filter(|_| a.state == AlertState::Resolved) {
                rows.push((end, format!("{} resolved", a.name), a.origin));
            }
        }
        rows.push((self.taken_ms, "snapshot taken".to_string(), "mcptop"));
        rows.sort_by_key(|r| r.0);
        rows
    }

    /// The same data as JSON.
    pub fn to_json(&self) -> Value {
        let s = &self.stats;
        json!({
            "id": self.id,
            "title": self.title(),
            "priority": self.priority.map(|p| p.label()),
            "discovered": utc(self.discovered_ms),
            "taken": utc(self.taken_ms),
            "target": self.target,
            "url": self.url,
            "reporter": self.reporter,
            "source_error": self.source_error,
            "tiles": {
                "req_per_sec": s.req_per_sec,
                "error_ratio": s.error_ratio,
                "p95_s": s.p95,
                "p99_s": s.p99,
                "window_s": s.range_ms as f64 / 1000.0,
                "modules": s.modules.iter().map(|m| json!({"module": m.module, "per_sec": m.per_sec, "share": m.share})).collect::<Vec<_>>(),
            },
            "symptoms": self.symptoms.iter().map(|x| json!({"what": x.what, "value": x.value, "level": x.level, "threshold": x.limit})).collect::<Vec<_>>(),
            "alerts": self.alerts.iter().map(|a| json!({
                "name": a.name, "priority": a.priority.label(), "state": a.state.label(),
                "starts_at": utc(a.starts_at_ms), "ends_at": a.ends_at_ms.map(utc),
                "summary": a.summary, "origin": a.origin,
            })).collect::<Vec<_>>(),
            "timeline": self.timeline().iter().map(|(t, e, s)| json!({"t": utc(*t), "event": e, "source": s})).collect::<Vec<_>>(),
            "top_errors": self.top_errors.iter().map(|(m, n)| json!({"message": m, "count": n})).collect::<Vec<_>>(),
            "queries": self.queries.iter().map(|(w, q)| json!({"what": w, "query": q})).collect::<Vec<_>>(),
        })
    }
}

/// A table cell: no `|`, backslash or line break breaks the table.
fn cell(s: &str) -> String {
    one_line(s).replace('\\', "\\\\").replace('|', "\\|")
}

/// Text from outside (alert names, summaries, log messages) in a heading, paragraph or
/// bullet: one line, Markdown's own characters escaped, so it cannot start a heading, a
/// table, a link or HTML.
fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '`' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

/// A fenced code block for `text`, its fence longer than any run of backticks inside, every
/// line indented by `indent`.
fn fenced(text: &str, indent: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    let mut out = format!("{indent}{fence}\n");
    for line in text.lines() {
        out.push_str(&format!("{indent}{line}\n"));
    }
    out.push_str(&format!("{indent}{fence}\n"));
    out
}

fn window(ms: i64) -> String {
    let s = ms / 1000;
    if s % 60 == 0 && s >= 60 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
