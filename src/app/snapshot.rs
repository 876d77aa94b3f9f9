//! The incident snapshot from what the app holds: the tiles and their thresholds, the
//! fleet's members, the alerts (Alertmanager's and the local rules'), the most frequent log
//! errors, and the exact queries behind the numbers, over the range the numbers were
//! computed over; written as Markdown and JSON side by side. Also how long `mcptop
//! snapshot` collects by default, and its progress line.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use super::App;
use super::fleet::FleetState;
use crate::config::{Config, Thresholds};
use crate::model::alerts::{AlertOrigin, MatchOp, Matcher};
use crate::model::level::Level;
use crate::model::promql_text::Promql;
use crate::model::snapshot::{Incident, ReportAlert, ReportFleet, ReportTarget, Symptom, span};
use crate::model::stats::Stats;
use crate::text::format;

/// `mcptop snapshot --collect` in query mode when not given: the API already holds the
/// history, so a few seconds for its first answers (and Alertmanager's and Loki's) do.
pub const QUERY_MODE_COLLECT: Duration = Duration::from_secs(5);

/// How long `mcptop snapshot` collects when `--collect` is not given: in scrape mode the
/// rate window (`window.range`), so that the numbers cover the range a dashboard that has
/// run that long shows and rules with a shorter `for` can fire; in query mode
/// [`QUERY_MODE_COLLECT`].
pub fn default_collect(cfg: &Config) -> Duration {
    if cfg.prometheus.enabled() {
        QUERY_MODE_COLLECT
    } else {
        cfg.window.range
    }
}

/// The note after the progress line's numbers: what the collection is for.
pub fn collect_note(cfg: &Config) -> String {
    if cfg.prometheus.enabled() {
        "query mode: the API holds the history; --collect to change".to_string()
    } else {
        format!(
            "rate window {}; --collect to change",
            format::span(cfg.window.range)
        )
    }
}

/// How far [`super::gather`] is, reported about once a second and once at the end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Collecting {
    /// Time spent collecting so far (at most `total`).
    pub elapsed: Duration,
    /// How long it collects (`--collect`).
    pub total: Duration,
    /// The last report: collection is over.
    pub done: bool,
}

/// The progress of `mcptop snapshot` on stderr: on a terminal one line rewritten in place
/// (`collecting 12s / 30s (rate window 5m; --collect to change)`); elsewhere (a log, a
/// pipe) a line at the start, one every [`Progress::EVERY`] and one at the end.
pub struct Progress {
    note: String,
    in_place: bool,
    /// The last `elapsed` printed as its own line (not in place).
    printed: Option<Duration>,
}

impl Progress {
    /// Time between two lines when not in place.
    pub const EVERY: Duration = Duration::from_secs(10);

    /// `in_place`: stderr is a terminal.
    pub fn new(note: String, in_place: bool) -> Progress {
        Progress {
            note,
            in_place,
            printed: None,
        }
    }

    /// Writes what `c` calls for to `out`; a failed write is ignored (a closed stderr must
    /// not stop the report).
    pub fn show(&mut self, out: &mut impl Write, c: Collecting) {
        // Elapsed in whole seconds (it counts up); the total as given.
        let elapsed = span(
            i64::try_from(c.elapsed.as_secs())
                .unwrap_or(0)
                .saturating_mul(1000),
        );
        let total = span(ms(c.total));
        let line = if c.done {
            format!("collected {total}")
        } else {
            format!("collecting {elapsed} / {total} ({})", self.note)
        };
        let _ = if self.in_place {
            let end = if c.done { "\n" } else { "" };
            write!(out, "\r{line}\x1b[K{end}")
        } else {
            let due = match self.printed {
                None => true,
                Some(p) => c.done || c.elapsed >= p + Self::EVERY,
            };
            if !due {
                return;
            }
            self.printed = Some(c.elapsed);
            writeln!(out, "{line}")
        };
        let _ = out.flush();
    }
}

/// `(level word, threshold text)` of `v` against `warn`/`crit` ([`Level::of_bound`], as
/// the tiles judge it: `no data` for a value that is not a number).
fn level(
    v: Option<f64>,
    lower_bound: bool,
    warn: f64,
    crit: f64,
    show: impl Fn(f64) -> String,
) -> (&'static str, String) {
    let limit = format!("warn ≥ {}, crit ≥ {}", show(warn), show(crit));
    (Level::of_bound(v, lower_bound, warn, crit).word(), limit)
}

/// Whether the target, or how much of the fleet, is up: the report's first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// One target (alone, or drilled into): whether its scrape works.
    Target(bool),
    /// A whole fleet: members up, and members whose `up` is known.
    Fleet { up: usize, known: usize },
}

/// The tiles as report lines, each over the range its numbers were computed over
/// (`stats.range_ms`); `health` first when given.
pub fn symptoms(stats: &Stats, th: &Thresholds, health: Option<Health>) -> Vec<Symptom> {
    let pct = |x: f64| format::percent(x);
    let lat = |x: f64| format::latency(x);
    let or = |v: Option<f64>, f: &dyn Fn(f64) -> String| v.map_or("–".to_string(), f);
    let over = |v: Option<f64>| match v {
        Some(_) if stats.range_ms > 0 => format!("last {}", span(stats.range_ms)),
        _ => "–".to_string(),
    };
    let mut out = Vec::new();
    match health {
        Some(Health::Target(up)) => out.push(Symptom {
            what: "Target".into(),
            value: if up { "UP" } else { "DOWN" }.into(),
            over: "last scrape".into(),
            level: if up { "ok" } else { "CRIT" },
            limit: "scrape and /health answer".into(),
        }),
        Some(Health::Fleet { up, known }) if known > 0 => out.push(Symptom {
            what: "Targets up".into(),
            value: format!("{up} of {known}"),
            over: "last scrape".into(),
            level: match up {
                0 => "CRIT",
                n if n < known => "warn",
                _ => "ok",
            },
            limit: "every target up".into(),
        }),
        _ => {}
    }
    out.push(Symptom {
        what: "Requests/min".into(),
        value: or(stats.req_per_min(), &|x| format!("{x:.0}")),
        over: over(stats.req_per_sec),
        level: if stats.req_per_sec.is_some() {
            "ok"
        } else {
            "no data"
        },
        limit: "–".into(),
    });
    let (l, limit) = level(
        stats.error_ratio,
        false,
        th.error_rate_warn,
        th.error_rate_crit,
        pct,
    );
    out.push(Symptom {
        what: "Error rate".into(),
        value: or(stats.error_ratio, &pct),
        over: over(stats.error_ratio),
        level: l,
        limit,
    });
    for (what, v, lower_bound, warn, crit) in [
        (
            "P95 latency",
            stats.p95,
            stats.p95_lower_bound,
            th.p95_warn,
            th.p95_crit,
        ),
        (
            "P99 latency",
            stats.p99,
            stats.p99_lower_bound,
            th.p99_warn,
            th.p99_crit,
        ),
    ] {
        let (warn, crit) = (warn.as_secs_f64(), crit.as_secs_f64());
        // A quantile in the +Inf bucket is only a lower bound: `> 1.00s`, and below warn
        // its level is unknown, never ok.
        let (l, mut limit) = level(v, lower_bound, warn, crit, lat);
        let value = match v {
            Some(x) if lower_bound => format!("> {}", lat(x)),
            _ => or(v, &lat),
        };
        if let Some(top) = stats.top_bucket_s.filter(|top| *top < crit) {
            limit.push_str(&format!(
                "; top bucket {}: above it cannot be seen",
                lat(top)
            ));
        }
        out.push(Symptom {
            what: what.into(),
            value,
            over: over(v),
            level: l,
            limit,
        });
    }
    out
}

impl App {
    /// The incident report of what is on screen at `now_ms`: the drilled target's, else
    /// the whole fleet's (its tiles and every member's row), else the one target's.
    pub fn incident(&self, now_ms: i64) -> Incident {
        let d = self.shown_dashboard();
        let status = &d.status;
        let whole_fleet = self.fleet.as_ref().filter(|f| f.drilled.is_none());
        let health = match whole_fleet {
            Some(f) => Some(Health::Fleet {
                up: f.rows.iter().filter(|r| r.up == Some(true)).count(),
                known: f.rows.iter().filter(|r| r.up.is_some()).count(),
            }),
            None => Some(Health::Target(status.scrape.is_ok())),
        };
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
                instance: r.alert.labels.get("instance").cloned(),
                for_ms: match r.alert.origin {
                    AlertOrigin::Local => self
                        .cfg
                        .rules
                        .iter()
                        .find(|rule| rule.alert == r.alert.name())
                        .map(|rule| ms(rule.for_)),
                    AlertOrigin::Alertmanager { .. } => None,
                },
            })
            .collect();
        let top_errors = self
            .log_summary
            .top
            .iter()
            .map(|t| (t.message.clone(), t.count))
            .collect();
        let mut incident = Incident::new(
            now_ms,
            self.target_name.clone(),
            self.target_url.clone(),
            self.user.clone(),
            d.stats.clone(),
            status.scrape.last_error.clone(),
            symptoms(&d.stats, &self.cfg.thresholds, health),
            alerts,
            top_errors,
            self.queries(),
        );
        incident.mode = if self.cfg.prometheus.enabled() {
            "query"
        } else {
            "scrape"
        };
        incident.window_ms = ms(self.cfg.window.range);
        incident.fleet = whole_fleet.map(members);
        incident
    }

    /// The PromQL behind the tiles, over the range they were computed over (the rate
    /// window, or less while mcptop held less data): for the environment's selector in
    /// query mode, for the target's `instance` (its `host:port`, as Prometheus labels a
    /// scrape target) in scrape mode, for every target of a whole scraped fleet; and the
    /// LogQL of the logs.
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
            if let Some(m) = self.instance_matcher() {
                selector.push(m);
            }
            let range_ms = match d.stats.range_ms {
                r if r > 0 => r,
                _ => ms(self.cfg.window.range),
            };
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

    /// The `instance` matcher of what is on screen: the single target's or the drilled
    /// member's `instance`, or `instance=~"a|b"` over a whole scraped fleet's targets;
    /// `None` for query mode's whole environment (its selector says it).
    fn instance_matcher(&self) -> Option<Matcher> {
        let Some(f) = &self.fleet else {
            let url = url::Url::parse(&self.target_url).ok()?;
            return Matcher::equal("instance", &crate::config::target::host_port(&url)).ok();
        };
        let scrape = f.scrape();
        let address = |name: &str| {
            scrape
                .and_then(|s| s.targets.values().find(|t| t.name == name))
                .map_or_else(
                    || name.to_string(),
                    |t| crate::config::target::host_port(&t.metrics_url),
                )
        };
        match (&f.drilled, scrape) {
            (Some(name), _) => Matcher::equal("instance", &address(name)).ok(),
            (None, Some(s)) if !s.targets.is_empty() => {
                let mut all: Vec<String> = s
                    .targets
                    .values()
                    .map(|t| regex::escape(&crate::config::target::host_port(&t.metrics_url)))
                    .collect();
                all.sort();
                all.dedup();
                Matcher::new("instance", MatchOp::Re, &all.join("|")).ok()
            }
            (None, _) => None,
        }
    }
}

/// Milliseconds of `d`, saturating.
fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Every member of a whole fleet with its numbers as the fleet screen shows them and the
/// range they are over.
fn members(f: &FleetState) -> ReportFleet {
    let or = |v: Option<f64>, show: fn(f64) -> String| v.map_or_else(|| "–".to_string(), show);
    ReportFleet {
        member: f.member_word(),
        members: f
            .rows
            .iter()
            .map(|r| {
                let has_numbers = r.req_per_sec.is_some() || r.error_ratio.is_some();
                ReportTarget {
                    range_ms: f
                        .instances
                        .get(&r.instance)
                        .map(|d| d.stats.range_ms)
                        .filter(|&ms| ms > 0 && has_numbers),
                    shown: [
                        or(r.req_per_sec, format::number),
                        or(r.error_ratio, format::percent),
                        or(r.p95, format::latency),
                        or(r.p99, format::latency),
                    ],
                    row: r.clone(),
                }
            })
            .collect(),
    }
}

pub use crate::sources::files::write_report;

/// Where reports go by default: `$XDG_STATE_HOME/mcptop/incidents`.
pub fn default_dir() -> Option<PathBuf> {
    state_subdir("incidents")
}

/// `$XDG_STATE_HOME/mcptop/<name>` (the local data directory where there is no state
/// directory); `None` without a home directory.
pub fn state_subdir(name: &str) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "mcptop")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    Some(dir.join(name))
}

#[cfg(test)]
#[path = "snapshot_tests.rs"]
mod tests;
