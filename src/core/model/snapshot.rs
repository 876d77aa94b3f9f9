//! The incident snapshot: a draft incident report in Markdown, following the report template
//! of the incident procedure (basic information, summary, symptoms, impact, timeline, root
//! cause, actions, lessons), with the same data as JSON. Built from what the dashboard holds
//! at one instant; the parts only people know are left as prompts.
//!
//! Every number states the range it was computed over: the tiles' range
//! ([`Stats::range_ms`], shorter than the rate window while mcptop holds less data) is
//! written beside them, in the impact line and in the PromQL of "Queries used"; each fleet
//! member's row carries its own.

use serde_json::{Value, json};

use super::alerts::{AlertState, Priority};
use super::fleet::InstanceRow;
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
    /// Its `instance` label (a scraped fleet's local alerts carry their target's name).
    pub instance: Option<String>,
    /// The local rule's `for`, ms: a pending alert fires once it has held that long.
    /// `None` for Alertmanager's alerts.
    pub for_ms: Option<i64>,
}

/// A tile with its thresholds: `(name, value as shown, range, level word)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Symptom {
    pub what: String,
    pub value: String,
    /// What the value was computed over, as written in the report: `last 30s` (a rate's
    /// range, see [`span`]), `last scrape`, or `–` without data.
    pub over: String,
    /// `ok`, `warn`, `CRIT` or `no data`.
    pub level: &'static str,
    /// The thresholds, e.g. `warn ≥ 1.00%, crit ≥ 5.00%`.
    pub limit: String,
}

/// One member of a fleet as the report lists it: a scrape target of a scraped fleet, or an
/// instance in query mode.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportTarget {
    /// Its fleet row: name (`instance`), job, up, requests per second, error ratio (0..1),
    /// P95 and P99 (seconds), last scrape error; numbers are `None` while it has none.
    pub row: InstanceRow,
    /// The range its numbers were computed over, ms (each target's own: one that joined
    /// later holds less data); `None` without numbers.
    pub range_ms: Option<i64>,
    /// Requests per second, error rate, P95 and P99 as the fleet screen shows them (`–`
    /// without a value).
    pub shown: [String; 4],
}

/// The members of a fleet, when the report covers a whole fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportFleet {
    /// What a member is: `target` (scrape mode) or `instance` (query mode).
    pub member: &'static str,
    /// Every member, in the fleet's order (not the screen's filter).
    pub members: Vec<ReportTarget>,
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
    /// `(what, query)`: the PromQL of the tiles (over `stats.range_ms`) and the LogQL of
    /// the logs.
    pub queries: Vec<(String, String)>,
    /// `scrape` (mcptop computed the numbers from its own scrapes) or `query` (a
    /// Prometheus-compatible API did). Default `scrape`.
    pub mode: &'static str,
    /// The configured rate window (`window.range`), ms: the range the numbers are over once
    /// mcptop holds that much data. Default: `stats.range_ms`.
    pub window_ms: i64,
    /// How long `mcptop snapshot` collected before the report, ms; `None` from the
    /// dashboard (`I`).
    pub collected_ms: Option<i64>,
    /// The fleet's members, when the report covers a whole fleet (not one drilled target).
    pub fleet: Option<ReportFleet>,
    /// Other events of the timeline, `(Unix ms, event)`: the deploy marks of a recording
    /// (`mcptop snapshot --from`). Empty by default.
    pub marks: Vec<(i64, String)>,
}

/// Formats a Unix ms instant as `2026-11-30 09:41:02 UTC`.
pub fn utc(t_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(t_ms)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| t_ms.to_string())
}

impl Incident {
    /// Fills in the derived parts: the ID, the priority and the discovery time from the
    /// firing alerts. `alerts` may be in any order. `mode`, `window_ms`, `collected_ms`
    /// and `fleet` start as a single scraped target whose window is its range; set them
    /// after.
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
        let window_ms = stats.range_ms;
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
            mode: "scrape",
            window_ms,
            collected_ms: None,
            fleet: None,
            marks: Vec::new(),
        }
    }

    /// A title from the worst alert, else from the worst tile.
    pub fn title(&self) -> String {
        let firing = self.alerts.iter().find(|a| a.state == AlertState::Firing);
        match firing {
            Some(a) => format!("{} on {}: {}", a.name, a.place(&self.target), a.summary),
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
            // A whole scraped fleet has no one URL: its targets are listed below.
            (
                "Target",
                match self.url.as_str() {
                    "" => self.target.clone(),
                    url => format!("{} ({url})", self.target),
                },
            ),
            ("Reporter", self.reporter.clone()),
        ] {
            md.push_str(&format!("| **{k}** | {} |\n", cell(&v)));
        }
        md.push_str("\n## Summary\n\n");
        md.push_str(&format!("{}.\n", inline(&self.title())));
        if let Some(line) = self.range_note() {
            md.push_str(&format!("\n{line}\n"));
        }
        if let Some(e) = &self.source_error {
            md.push_str(&format!(
                "\nThe numbers below are not current: the source failed with: {}.\n",
                inline(e)
            ));
        }
        md.push_str(
            "\n## Symptoms\n\n| Signal | Value | Over | Level | Threshold |\n|---|---|---|---|---|\n",
        );
        for s in &self.symptoms {
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&s.what),
                cell(&s.value),
                cell(&s.over),
                s.level,
                cell(&s.limit)
            ));
        }
        if let Some(fleet) = &self.fleet {
            md.push_str(&fleet.to_markdown());
        }
        md.push_str(&self.active_alerts());
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
        // A last guard: outside text was cleaned where it entered (`crate::inbound`).
        match crate::inbound::terminal_safe(&md) {
            std::borrow::Cow::Borrowed(_) => md,
            std::borrow::Cow::Owned(safe) => safe,
        }
    }

    /// The Summary's sentence on the range of the numbers: over the whole rate window, or
    /// less, and why. `None` without numbers.
    fn range_note(&self) -> Option<String> {
        let range = self.stats.range_ms;
        if range <= 0 {
            return None;
        }
        let mut line = format!("The numbers below are over the last {}", span(range));
        if range < self.window_ms {
            line.push_str(&format!(
                ", less than the {} rate window: mcptop ",
                span(self.window_ms)
            ));
            match self.collected_ms {
                Some(c) => line.push_str(&format!(
                    "collected for {} (`mcptop snapshot --collect` sets how long)",
                    span(c)
                )),
                None => line.push_str("had not held a whole window of data yet"),
            }
        } else {
            line.push_str(" (the rate window)");
        }
        if self.mode == "query" {
            line.push_str(", as the query API computed them");
        }
        line.push('.');
        Some(line)
    }

    /// The firing alerts, then the pending ones with when they would fire, as bullets
    /// after a blank line; empty when there are none.
    fn active_alerts(&self) -> String {
        let mut out = String::new();
        for state in [AlertState::Firing, AlertState::Pending] {
            for a in self.alerts.iter().filter(|a| a.state == state) {
                let (word, fires) = match (state, a.for_ms) {
                    (AlertState::Pending, Some(f)) => (
                        "pending",
                        format!(
                            ", fires at {} if it still holds",
                            utc(a.starts_at_ms.saturating_add(f))
                        ),
                    ),
                    (AlertState::Pending, None) => ("pending", String::new()),
                    _ => ("firing", String::new()),
                };
                out.push_str(&format!(
                    "- **{}**{} ({}, {}) {word} since {}{fires}: {}\n",
                    inline(&a.name),
                    a.on(),
                    a.priority.label(),
                    a.origin,
                    utc(a.starts_at_ms),
                    inline(&a.summary)
                ));
            }
        }
        if out.is_empty() {
            out
        } else {
            format!("\n{out}")
        }
    }

    /// What the numbers say of the impact, one Markdown bullet per line.
    fn impact(&self) -> String {
        let s = &self.stats;
        let mut out = String::new();
        if let (Some(r), Some(e)) = (s.req_per_sec, s.error_ratio) {
            out.push_str(&format!(
                "- {:.1}% of {:.0} requests/min failed over the last {} (rate[{}])\n",
                e * 100.0,
                r * 60.0,
                span(s.range_ms),
                span(s.range_ms)
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
                format!(
                    "{}{} ({}) {start}: {}",
                    a.name,
                    a.on(),
                    a.priority.label(),
                    a.summary
                ),
                a.origin,
            ));
            if let Some(end) = a.ends_at_ms.filter(|_| a.state == AlertState::Resolved) {
                rows.push((end, format!("{}{} resolved", a.name, a.on()), a.origin));
            }
        }
        for (t, event) in &self.marks {
            rows.push((*t, event.clone(), "mcptop"));
        }
        rows.push((self.taken_ms, "snapshot taken".to_string(), "mcptop"));
        rows.sort_by_key(|r| r.0);
        rows
    }

    /// The same data as JSON. Units: rates per second, ratios 0..1, latencies and ranges
    /// in seconds, times as UTC text. `tiles.window_s` is the range the tiles were
    /// computed over (the rate window, or less while mcptop held less data; compare
    /// `tiles.rate_window_s`), `tiles.evaluated` their instant; `collected_s` how long
    /// `mcptop snapshot` collected (`null` from the dashboard); `targets` the fleet's
    /// members (empty for one target), each with its own `range_s`.
    pub fn to_json(&self) -> Value {
        let s = &self.stats;
        let secs = |ms: i64| ms as f64 / 1000.0;
        let targets: Vec<Value> = self
            .fleet
            .iter()
            .flat_map(|f| &f.members)
            .map(|t| {
                let r = &t.row;
                json!({
                    "name": r.instance, "job": r.job, "up": r.up,
                    "req_per_sec": r.req_per_sec, "error_ratio": r.error_ratio,
                    "p95_s": r.p95, "p99_s": r.p99, "range_s": t.range_ms.map(secs),
                    "last_error": (!r.last_error.is_empty()).then_some(&r.last_error),
                })
            })
            .collect();
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
            "mode": self.mode,
            "collected_s": self.collected_ms.map(secs),
            "tiles": {
                "req_per_sec": s.req_per_sec,
                "error_ratio": s.error_ratio,
                "p95_s": s.p95,
                "p99_s": s.p99,
                "window_s": secs(s.range_ms),
                "rate_window_s": secs(self.window_ms),
                "evaluated": (s.eval_ms > 0).then(|| utc(s.eval_ms)),
                "modules": s.modules.iter().map(|m| json!({"module": m.module, "per_sec": m.per_sec, "share": m.share})).collect::<Vec<_>>(),
            },
            "symptoms": self.symptoms.iter().map(|x| json!({"what": x.what, "value": x.value, "over": x.over, "level": x.level, "threshold": x.limit})).collect::<Vec<_>>(),
            "targets": targets,
            "alerts": self.alerts.iter().map(|a| json!({
                "name": a.name, "priority": a.priority.label(), "state": a.state.label(),
                "starts_at": utc(a.starts_at_ms), "ends_at": a.ends_at_ms.map(utc),
                "summary": a.summary, "origin": a.origin, "instance": a.instance,
                "for_s": a.for_ms.map(secs),
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

impl ReportAlert {
    /// ` on <instance>` when it has one, else nothing.
    fn on(&self) -> String {
        self.instance
            .as_ref()
            .map_or_else(String::new, |i| format!(" on {}", inline(i)))
    }

    /// Where it happens, for the title: its instance, else the report's target.
    fn place<'a>(&'a self, target: &'a str) -> &'a str {
        self.instance.as_deref().unwrap_or(target)
    }
}

impl ReportFleet {
    /// `### Targets (n)` (or `Instances`) and their table, after a blank line.
    fn to_markdown(&self) -> String {
        let title = match self.member {
            "instance" => "Instance",
            _ => "Target",
        };
        let mut md = format!(
            "\n### {title}s ({})\n\n| {title} | Up | Req/s | Error % | P95 | P99 | Over | Last error |\n\
             |---|---|---|---|---|---|---|---|\n",
            self.members.len()
        );
        for t in &self.members {
            let r = &t.row;
            let up = match r.up {
                Some(true) => "UP",
                Some(false) => "DOWN",
                None => "–",
            };
            let [rps, err, p95, p99] = &t.shown;
            md.push_str(&format!(
                "| {} | {up} | {} | {} | {} | {} | {} | {} |\n",
                cell(&r.instance),
                cell(rps),
                cell(err),
                cell(p95),
                cell(p99),
                t.range_ms
                    .map_or_else(|| "–".to_string(), |ms| format!("last {}", span(ms))),
                if r.last_error.is_empty() {
                    "–".to_string()
                } else {
                    cell(&r.last_error)
                },
            ));
        }
        md
    }
}

/// A range in milliseconds as the report writes it, to the nearest second: `5m`, `30s`,
/// `4m58s`, `1h`, `1h30m`; `0s`; below a second `500ms`.
pub fn span(ms: i64) -> String {
    if ms <= 0 {
        return "0s".to_string();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let total = (ms.saturating_add(500)) / 1000;
    let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
