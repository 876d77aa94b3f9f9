//! The rule engine on recorded series: a server's `/metrics` every 2 s, through the
//! exposition parser and the dashboard, for the pending -> firing -> resolved timings of the
//! built-in rules.

use std::time::Duration;

use regex::Regex;

use super::tests::{description, find};
use super::*;
use crate::model::alerts::{Alert, AlertState};
use crate::model::dashboard::{ModelConfig, Scrape};
use crate::model::exposition::Format;
use crate::model::profile::{ProfileChoice, ProfileKind};
use crate::model::rules::builtin;
use crate::model::status::HealthInfo;

const SEC: i64 = 1000;
const MIN: i64 = 60 * SEC;

/// The start of the recording, Unix ms.
const T0: i64 = 1_700_000_000_000;

/// A recorded MCP server: request counters growing at the rates in force, a latency
/// histogram (every request 0.3 s) and its resident memory, rendered as the exposition text
/// its `/metrics` would answer.
struct Server {
    kind: ProfileKind,
    ok_per_sec: f64,
    err_per_sec: f64,
    memory_bytes: f64,
    ok: f64,
    err: f64,
    /// `/metrics` requests, which the http profile must not count.
    polls: f64,
}

impl Server {
    fn new(kind: ProfileKind) -> Server {
        Server {
            kind,
            ok_per_sec: 10.0,
            err_per_sec: 0.0,
            memory_bytes: 42e6,
            ok: 12_345.0,
            err: 0.0,
            polls: 100.0,
        }
    }

    fn advance(&mut self, secs: f64) {
        self.ok += self.ok_per_sec * secs;
        self.err += self.err_per_sec * secs;
        self.polls += 1.0;
    }

    /// `/metrics` now. The error series appears with the first error, as client libraries
    /// create a labelled child at its first increment.
    fn exposition(&self) -> String {
        let mut out = String::new();
        let mut series: Vec<(&str, f64)> = vec![("ok", self.ok)];
        if self.err > 0.0 {
            series.push(("err", self.err));
        }
        match self.kind {
            ProfileKind::Http => {
                out.push_str("# TYPE http_requests_total counter\n");
                for (which, n) in &series {
                    let status = if *which == "ok" { "200" } else { "500" };
                    out.push_str(&format!(
                        "http_requests_total{{handler=\"/mcp\",method=\"POST\",status=\"{status}\"}} {n}\n"
                    ));
                }
                out.push_str(&format!(
                    "http_requests_total{{handler=\"/metrics\",method=\"GET\",status=\"200\"}} {}\n",
                    self.polls
                ));
                out.push_str("# TYPE http_request_duration_seconds histogram\n");
                let total = self.ok + self.err;
                for (le, n) in [
                    ("0.1", 0.0),
                    ("0.5", total),
                    ("1.0", total),
                    ("+Inf", total),
                ] {
                    out.push_str(&format!(
                        "http_request_duration_seconds_bucket{{handler=\"/mcp\",le=\"{le}\"}} {n}\n"
                    ));
                }
                out.push_str(&format!(
                    "http_request_duration_seconds_sum{{handler=\"/mcp\"}} {}\n\
                     http_request_duration_seconds_count{{handler=\"/mcp\"}} {total}\n",
                    total * 0.3
                ));
            }
            _ => {
                out.push_str("# TYPE mcp_server_operation_duration_seconds histogram\n");
                for (which, n) in &series {
                    let labels = if *which == "ok" {
                        "mcp_method_name=\"tools/call\",gen_ai_tool_name=\"notion.search\""
                    } else {
                        "mcp_method_name=\"tools/call\",gen_ai_tool_name=\"notion.search\",\
                         error_type=\"tool_error\""
                    };
                    for (le, v) in [("0.1", 0.0), ("0.5", *n), ("1.0", *n), ("+Inf", *n)] {
                        out.push_str(&format!(
                            "mcp_server_operation_duration_seconds_bucket{{{labels},le=\"{le}\"}} {v}\n"
                        ));
                    }
                    out.push_str(&format!(
                        "mcp_server_operation_duration_seconds_sum{{{labels}}} {}\n\
                         mcp_server_operation_duration_seconds_count{{{labels}}} {n}\n",
                        n * 0.3
                    ));
                }
            }
        }
        out.push_str(&format!(
            "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {:e}\n",
            self.memory_bytes
        ));
        out
    }
}

/// A recording played back: a scrape every 2 s into a dashboard, the built-in rules
/// evaluated after each one (as the app does), with the default 5m `keep_resolved`.
struct Run {
    t_ms: i64,
    server: Server,
    dashboard: Dashboard,
    engine: RuleEngine,
}

impl Run {
    fn new(kind: ProfileKind) -> Run {
        let dashboard = Dashboard::new(ModelConfig {
            profile: ProfileChoice::Auto,
            custom_profile: None,
            range: Duration::from_secs(300),
            history: Duration::from_secs(3600),
            interval: Duration::from_secs(2),
            module_pattern: Regex::new("^([^._]+)").expect("literal regex"),
            module_label: None,
            polling_paths: crate::model::profile::default_polling_paths(),
        });
        Run {
            t_ms: T0 - 2 * SEC,
            server: Server::new(kind),
            dashboard,
            engine: RuleEngine::new(builtin(), Duration::from_secs(300)),
        }
    }

    /// 2 s later: a good scrape, then an evaluation. Returns what the rules saw.
    fn scrape(&mut self) -> RuleInput {
        self.t_ms += 2 * SEC;
        self.server.advance(2.0);
        let text = self.server.exposition();
        let samples = crate::model::exposition::intake::parse(&text, Format::Text)
            .expect("recorded exposition parses");
        let scrape = Scrape {
            t_ms: self.t_ms,
            duration: Duration::from_millis(4),
            bytes: text.len(),
            samples,
        };
        self.dashboard.apply_scrape(self.t_ms, Ok(scrape));
        self.eval()
    }

    /// 2 s later: a failed scrape (the server goes on counting), then an evaluation.
    fn fail(&mut self) -> RuleInput {
        self.t_ms += 2 * SEC;
        self.server.advance(2.0);
        self.dashboard
            .apply_scrape(self.t_ms, Err("connection refused".into()));
        self.eval()
    }

    fn eval(&mut self) -> RuleInput {
        let input = RuleInput::from_dashboard(&self.dashboard);
        self.engine.eval(self.t_ms, &input);
        input
    }

    /// Good scrapes for `secs` seconds.
    fn run(&mut self, secs: i64) {
        for _ in 0..secs / 2 {
            self.scrape();
        }
    }

    fn alert(&self, name: &str) -> Option<Alert> {
        find(&self.engine, self.t_ms, name)
    }

    fn state(&self, name: &str) -> Option<AlertState> {
        self.alert(name).map(|a| a.state)
    }
}

const CRIT: &str = "McpErrorRateCritical";

/// The error ratio goes from 0 to 20% at T and back to 0 later; `McpErrorRateCritical`
/// (> 5% for 5m) follows, for a server of each profile.
fn error_ratio_recording(kind: ProfileKind) {
    let mut r = Run::new(kind);
    r.run(600);
    assert_eq!(r.dashboard.profile().map(|p| p.kind), Some(kind));
    let input = RuleInput::from_dashboard(&r.dashboard);
    assert_eq!(input.error_ratio, Some(0.0), "{kind}");
    assert!(
        (input.req_per_sec.unwrap_or(0.0) - 10.0).abs() < 1e-6,
        "{kind}: {input:?}"
    );
    let p95 = input.p95.unwrap_or(0.0);
    assert!((p95 - 0.48).abs() < 1e-6, "{kind}: p95 {p95}");
    assert_eq!(input.resident_memory_bytes, Some(42e6));
    assert!(
        r.engine.alerts(r.t_ms).is_empty(),
        "{kind}: a healthy server alerts"
    );

    // T: one request in five fails. The ratio over the 5m window climbs past 5%.
    let t = r.t_ms;
    r.server.ok_per_sec = 8.0;
    r.server.err_per_sec = 2.0;
    let active_at = loop {
        let input = r.scrape();
        if input.error_ratio.is_some_and(|v| v > 0.05) {
            break r.t_ms;
        }
        assert_eq!(r.state(CRIT), None, "{kind}: {input:?}");
        assert!(
            r.t_ms - t < 3 * MIN,
            "{kind}: the ratio never went above 5%"
        );
    };
    // 2% of errors per second over 300 s passes 5% after about 75 s.
    let after = active_at - t;
    assert!(
        (60 * SEC..=90 * SEC).contains(&after),
        "{kind}: after {after} ms"
    );
    let a = r.alert(CRIT).expect("pending at the first eval that holds");
    assert_eq!(a.state, AlertState::Pending, "{kind}");
    assert_eq!(a.starts_at_ms, active_at);
    assert!(
        description(&a).starts_with("error ratio 5.") && description(&a).ends_with("% > 5.00%"),
        "{kind}: {}",
        description(&a)
    );
    // The 1% rule went pending earlier, with the same 5m to wait.
    let high = r.alert("McpErrorRateHigh").expect("1% rule");
    assert!(high.starts_at_ms < active_at, "{kind}");

    while r.t_ms < active_at + 5 * MIN - 2 * SEC {
        r.scrape();
        assert_eq!(
            r.state(CRIT),
            Some(AlertState::Pending),
            "{kind} at {}",
            r.t_ms - t
        );
    }
    r.scrape();
    assert_eq!(r.t_ms, active_at + 5 * MIN);
    let a = r.alert(CRIT).expect("firing");
    assert_eq!(a.state, AlertState::Firing, "{kind}");
    assert_eq!((a.starts_at_ms, a.ends_at_ms), (active_at, None));
    assert_eq!(a.labels.get("severity").map(String::as_str), Some("P1"));
    r.run(2 * 60);
    assert_eq!(r.state(CRIT), Some(AlertState::Firing), "{kind}");

    // The errors stop: the window empties of them and the ratio falls under 5%.
    let stop = r.t_ms;
    r.server.ok_per_sec = 10.0;
    r.server.err_per_sec = 0.0;
    let resolved_at = loop {
        let input = r.scrape();
        if input.error_ratio.is_some_and(|v| v <= 0.05) {
            break r.t_ms;
        }
        assert_eq!(r.state(CRIT), Some(AlertState::Firing), "{kind}: {input:?}");
        assert!(r.t_ms - stop < 5 * MIN, "{kind}: the ratio never fell");
    };
    let after = resolved_at - stop;
    assert!(
        (210 * SEC..=240 * SEC).contains(&after),
        "{kind}: after {after} ms"
    );
    let a = r.alert(CRIT).expect("resolved alert");
    assert_eq!(a.state, AlertState::Resolved, "{kind}");
    assert_eq!(
        (a.starts_at_ms, a.ends_at_ms),
        (active_at, Some(resolved_at))
    );
    assert!(
        description(&a).ends_with("%, no longer > 5.00%"),
        "{kind}: {}",
        description(&a)
    );

    // Listed for keep_resolved (5m), then gone.
    while r.t_ms < resolved_at + 5 * MIN {
        r.scrape();
        assert_eq!(r.state(CRIT), Some(AlertState::Resolved), "{kind}");
    }
    r.scrape();
    assert_eq!(r.state(CRIT), None, "{kind}");
}

#[test]
fn error_ratio_above_5_percent_goes_pending_fires_after_5m_and_resolves_http() {
    error_ratio_recording(ProfileKind::Http);
}

#[test]
fn error_ratio_above_5_percent_goes_pending_fires_after_5m_and_resolves_otel_mcp() {
    error_ratio_recording(ProfileKind::OtelMcp);
}

#[test]
fn target_down_fires_at_the_third_failed_scrape_and_stale_numbers_raise_nothing() {
    let mut r = Run::new(ProfileKind::Http);
    r.run(300);
    r.server.ok_per_sec = 8.0;
    r.server.err_per_sec = 2.0;
    r.run(8 * 60);
    assert_eq!(r.state(CRIT), Some(AlertState::Firing));

    let first = r.fail();
    assert_eq!(first.failures, 1);
    assert_eq!(first.error_ratio, None);
    assert_eq!(r.state("McpTargetDown"), None);
    // The dashboard still shows the last good (high) ratio; the rule does not use it.
    assert!(r.dashboard.stats.error_ratio.is_some_and(|v| v > 0.05));
    let a = r.alert(CRIT).expect("resolved");
    assert_eq!(a.state, AlertState::Resolved);
    assert_eq!(a.ends_at_ms, Some(r.t_ms));
    assert!(
        description(&a).starts_with("no error ratio at the last evaluation"),
        "{}",
        description(&a)
    );

    assert_eq!(r.fail().failures, 2);
    assert_eq!(r.state("McpTargetDown"), None, "not at the 2nd failure");
    assert_eq!(r.state(CRIT), Some(AlertState::Resolved));

    assert_eq!(r.fail().failures, 3);
    let down = r.alert("McpTargetDown").expect("fires at the 3rd failure");
    assert_eq!(down.state, AlertState::Firing);
    assert_eq!(down.starts_at_ms, r.t_ms);
    assert_eq!(down.labels.get("severity").map(String::as_str), Some("P0"));
    assert_eq!(description(&down), "3 consecutive failures >= 3");
    assert_eq!(r.state(CRIT), Some(AlertState::Resolved));
    let since = down.starts_at_ms;
    r.fail();
    let down = r.alert("McpTargetDown").expect("still down");
    assert_eq!((down.state, down.starts_at_ms), (AlertState::Firing, since));
    assert_eq!(description(&down), "4 consecutive failures >= 3");

    // Back: target down resolves; the error ratio, still high, starts a new 5m wait.
    r.scrape();
    let down = r.alert("McpTargetDown").expect("resolved");
    assert_eq!(down.state, AlertState::Resolved);
    assert_eq!(description(&down), "0 consecutive failures, no longer >= 3");
    let a = r.alert(CRIT).expect("pending again");
    assert_eq!(a.state, AlertState::Pending);
    assert_eq!((a.starts_at_ms, a.ends_at_ms), (r.t_ms, None));
}

#[test]
fn memory_above_1e9_fires_after_1m_and_a_short_spike_is_dropped_without_firing() {
    const MEM: &str = "McpMemoryHigh";
    let mut r = Run::new(ProfileKind::OtelMcp);
    r.run(120);
    // A 30 s spike: pending, then dropped; never firing, never resolved.
    r.server.memory_bytes = 1.5e9;
    let spike = r.t_ms + 2 * SEC;
    for _ in 0..15 {
        r.scrape();
        let a = r.alert(MEM).expect("pending");
        assert_eq!((a.state, a.starts_at_ms), (AlertState::Pending, spike));
    }
    r.server.memory_bytes = 3e8;
    r.scrape();
    assert_eq!(r.state(MEM), None);
    r.run(60);
    assert!(r.engine.alerts(r.t_ms).is_empty());

    // A lasting rise: pending, firing at active_at + 1m, resolved when it falls.
    r.server.memory_bytes = 1.2e9;
    r.scrape();
    let active_at = r.t_ms;
    let a = r.alert(MEM).expect("pending");
    assert_eq!((a.state, a.starts_at_ms), (AlertState::Pending, active_at));
    assert_eq!(description(&a), "resident memory 1.20 GB > 1.00 GB");
    while r.t_ms < active_at + MIN - 2 * SEC {
        r.scrape();
        assert_eq!(r.state(MEM), Some(AlertState::Pending));
    }
    r.scrape();
    let a = r.alert(MEM).expect("firing");
    assert_eq!((a.state, a.starts_at_ms), (AlertState::Firing, active_at));
    r.run(30);
    r.server.memory_bytes = 9e8;
    r.scrape();
    let a = r.alert(MEM).expect("resolved");
    assert_eq!(
        (a.state, a.ends_at_ms),
        (AlertState::Resolved, Some(r.t_ms))
    );
    assert_eq!(
        description(&a),
        "resident memory 900.00 MB, no longer > 1.00 GB"
    );
    assert_eq!(r.engine.last_value(MEM), Some(9e8));
}

#[test]
fn input_from_the_dashboard_drops_stale_numbers_only_for_a_failed_scrape() {
    let mut r = Run::new(ProfileKind::Http);
    assert_eq!(
        RuleInput::from_dashboard(&r.dashboard),
        RuleInput::default(),
        "nothing scraped yet"
    );
    r.run(60);
    let good = RuleInput::from_dashboard(&r.dashboard);
    assert!(good.req_per_sec.is_some() && good.resident_memory_bytes.is_some());
    assert_eq!(good.failures, 0);

    // A failing health check counts, but the metrics are fresh.
    for i in 1..=2 {
        r.dashboard
            .apply_health(r.t_ms, Err("503 Service Unavailable".into()));
        let input = RuleInput::from_dashboard(&r.dashboard);
        assert_eq!(input.failures, i);
        assert_eq!(input.req_per_sec, good.req_per_sec);
    }
    // A failed scrape: the larger run of failures, no metrics.
    r.fail();
    let input = RuleInput::from_dashboard(&r.dashboard);
    assert_eq!(
        input,
        RuleInput {
            failures: 2,
            ..RuleInput::default()
        }
    );
    r.dashboard.apply_health(
        r.t_ms,
        Ok(HealthInfo {
            status: "ok".into(),
            version: None,
        }),
    );
    assert_eq!(RuleInput::from_dashboard(&r.dashboard).failures, 1);
    r.scrape();
    let input = RuleInput::from_dashboard(&r.dashboard);
    assert_eq!(input.failures, 0);
    assert!(input.error_ratio.is_some());
}
