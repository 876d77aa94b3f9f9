//! The report of a live app: a scraped fleet's tiles, rows and alerts, over the range the
//! numbers were computed over; the default collection and the progress line.

use std::path::Path;
use std::time::Duration;

use super::*;
use crate::model::alerts::AlertState;
use crate::model::dashboard::{Scrape, ScrapedSample};
use crate::model::series::SeriesKey;
use crate::sources::Update;
use crate::sources::targets::TargetSet;

/// 2026-11-22T00:00:00Z.
const T0: i64 = 1_795_305_600_000;

const FLEET: &str = r#"
[scrape]
interval = "1s"

[window]
range = "5m"

[[targets]]
url = "http://127.0.0.1:9001"
name = "alpha"

[[targets]]
url = "http://127.0.0.1:9002"
name = "beta"

[[rules]]
alert = "McpErrorRateHigh"
threshold = 0.05
for = "5s"
"#;

/// An app over `toml`'s targets, told of them as the scrape source would.
fn app(toml: &str) -> App {
    let cfg = Config::from_toml(toml, Path::new("test.toml")).expect("config");
    let targets = cfg.scrape_targets().expect("targets");
    let mut app = App::new(cfg).expect("app");
    app.audit = None;
    app.apply(Update::Targets(TargetSet {
        targets: (0u64..).zip(targets).collect(),
        file_error: None,
    }));
    app
}

/// Counters at `t_s` seconds of a target serving `rps` tool calls a second, `err` of them
/// failing, for an hour before 0 (so a rate extrapolates to its window's start, as for a
/// server running before mcptop started).
fn scrape(t_s: i64, rps: f64, err: f64) -> Scrape {
    let t = (t_s + 3600) as f64;
    let samples = [("", rps * (1.0 - err)), ("tool_error", rps * err)]
        .into_iter()
        .map(|(error_type, rate)| ScrapedSample {
            key: SeriesKey::new(
                "mcp_server_operation_duration_seconds_count",
                vec![
                    ("mcp_method_name", "tools/call".to_string()),
                    ("gen_ai_tool_name", "notion.search".to_string()),
                    ("error_type", error_type.to_string()),
                ],
            )
            .into(),
            value: rate * t,
            timestamp_ms: None,
        })
        .collect();
    Scrape {
        t_ms: T0 + t_s * 1000,
        duration: Duration::from_millis(3),
        bytes: 100,
        samples,
    }
}

/// Scrapes both targets every second from 0 to `last_s`: alpha at 30/s with 10 %
/// errors, beta at 10/s without.
fn run(app: &mut App, last_s: i64) {
    for t in 0..=last_s {
        for (id, rps, err) in [(0, 30.0, 0.1), (1, 10.0, 0.0)] {
            app.apply(Update::Scrape {
                target: id,
                t_ms: T0 + t * 1000,
                result: Ok(scrape(t, rps, err)),
            });
        }
    }
}

#[test]
fn a_whole_fleet_lists_its_targets_over_the_range_collected() {
    let mut app = app(FLEET);
    run(&mut app, 30);
    let i = app.incident(T0 + 30_500);
    // 30 s of samples and one interval: 31 s, less than the 5m window.
    assert_eq!(i.stats.range_ms, 31_000);
    assert_eq!(i.window_ms, 300_000);
    let rps = i.stats.req_per_sec.expect("rate");
    assert!((rps - 40.0).abs() < 1.0, "{rps}");
    let fleet = i
        .fleet
        .as_ref()
        .expect("a whole fleet's report lists its targets");
    assert_eq!(fleet.member, "target");
    let names: Vec<&str> = fleet
        .members
        .iter()
        .map(|t| t.row.instance.as_str())
        .collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert!(fleet.members.iter().all(|t| t.range_ms == Some(31_000)));
    assert_eq!(fleet.members[0].shown[1], "10.0%");
    assert_eq!(i.symptoms[0].what, "Targets up");
    assert_eq!(i.symptoms[0].value, "2 of 2");
    let errors = i
        .symptoms
        .iter()
        .find(|s| s.what == "Error rate")
        .expect("row");
    assert_eq!(errors.over, "last 31s");
    // The PromQL is over the same range, for both targets' addresses.
    let (_, requests) = &i.queries[0];
    assert!(requests.contains("[31s]"), "{requests}");
    assert!(
        requests.contains(r#"instance=~"127\\.0\\.0\\.1:9001|127\\.0\\.0\\.1:9002""#),
        "{requests}"
    );
    // alpha's rule fired (10 % > 5 % for 5 s), beta's did not; the report says where.
    let firing: Vec<&ReportAlert> = i
        .alerts
        .iter()
        .filter(|a| a.state == AlertState::Firing)
        .collect();
    assert_eq!(firing.len(), 1, "{:?}", i.alerts);
    assert_eq!(firing[0].name, "McpErrorRateHigh");
    assert_eq!(firing[0].instance.as_deref(), Some("alpha"));
    assert_eq!(firing[0].for_ms, Some(5_000));
    let md = i.to_markdown();
    assert!(md.contains("### Targets (2)"), "{md}");
    assert!(
        md.contains("| **Target** | targets |"),
        "no empty URL: {md}"
    );
    assert!(
        md.contains("- **McpErrorRateHigh** on alpha (P2, mcptop rule) firing since"),
        "{md}"
    );
    assert!(
        md.contains("over the last 31s, less than the 5m rate window"),
        "{md}"
    );
}

#[test]
fn a_drilled_target_is_reported_alone() {
    let mut app = app(FLEET);
    run(&mut app, 12);
    if let Some(f) = app.fleet.as_mut() {
        f.drilled = Some("beta".into());
    }
    let i = app.incident(T0 + 12_500);
    assert!(i.fleet.is_none());
    assert_eq!(i.symptoms[0].what, "Target");
    assert_eq!(i.stats.range_ms, 13_000);
    let (_, requests) = &i.queries[0];
    assert!(
        requests.contains(r#"{instance="127.0.0.1:9002"}[13s]"#),
        "{requests}"
    );
}

#[test]
fn collection_defaults_to_the_window_in_scrape_mode_and_seconds_in_query_mode() {
    let scrape =
        Config::from_toml("[window]\nrange = \"2m\"\n", Path::new("a.toml")).expect("config");
    assert_eq!(default_collect(&scrape), Duration::from_secs(120));
    assert!(collect_note(&scrape).contains("rate window 2m"));
    let query = Config::from_toml(
        "[prometheus]\nurl = \"http://127.0.0.1:9090\"\n",
        Path::new("b.toml"),
    )
    .expect("config");
    assert_eq!(default_collect(&query), QUERY_MODE_COLLECT);
}

fn shown(in_place: bool, steps: &[(u64, bool)]) -> String {
    let mut p = Progress::new("rate window 5m; --collect to change".into(), in_place);
    let mut out = Vec::new();
    for &(s, done) in steps {
        p.show(
            &mut out,
            Collecting {
                elapsed: Duration::from_secs(s),
                total: Duration::from_secs(30),
                done,
            },
        );
    }
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn progress_off_a_terminal_is_a_line_every_ten_seconds() {
    let steps: Vec<(u64, bool)> = (0..30).map(|s| (s, false)).chain([(30, true)]).collect();
    assert_eq!(
        shown(false, &steps),
        "collecting 0s / 30s (rate window 5m; --collect to change)\n\
         collecting 10s / 30s (rate window 5m; --collect to change)\n\
         collecting 20s / 30s (rate window 5m; --collect to change)\n\
         collected 30s\n"
    );
}

#[test]
fn progress_on_a_terminal_rewrites_one_line() {
    let out = shown(true, &[(0, false), (1, false), (30, true)]);
    assert_eq!(
        out,
        "\rcollecting 0s / 30s (rate window 5m; --collect to change)\x1b[K\
         \rcollecting 1s / 30s (rate window 5m; --collect to change)\x1b[K\
         \rcollected 30s\x1b[K\n"
    );
}

#[test]
fn a_quantile_above_the_top_bucket_is_reported_as_a_lower_bound() {
    let stats = crate::model::stats::Stats {
        req_per_sec: Some(4.0),
        p95: Some(1.0),
        p95_lower_bound: true,
        p99: Some(1.0),
        p99_lower_bound: true,
        top_bucket_s: Some(1.0),
        range_ms: 300_000,
        ..Default::default()
    };
    let rows = super::symptoms(&stats, &crate::config::Thresholds::default(), None);
    let p95 = rows
        .iter()
        .find(|s| s.what == "P95 latency")
        .expect("P95 row");
    assert_eq!(p95.value, "> 1.00s");
    assert_eq!(p95.level, "unknown", "never ok: {p95:?}");
    assert!(
        p95.limit
            .contains("top bucket 1.00s: above it cannot be seen"),
        "{p95:?}"
    );
}

#[test]
fn a_number_that_is_not_a_number_is_reported_as_no_data_as_the_tiles_show_it() {
    let stats = crate::model::stats::Stats {
        req_per_sec: Some(4.0),
        error_ratio: Some(f64::NAN),
        p95: Some(f64::NAN),
        p99: Some(f64::INFINITY),
        range_ms: 300_000,
        ..Default::default()
    };
    let rows = super::symptoms(&stats, &crate::config::Thresholds::default(), None);
    for what in ["Error rate", "P95 latency", "P99 latency"] {
        let row = rows.iter().find(|s| s.what == what).expect("row");
        assert_eq!(row.level, "no data", "not ok: {row:?}");
    }
}

#[test]
fn a_fleet_of_two_profiles_says_mixed_and_notes_the_blind_one() {
    let mut same = app(FLEET);
    run(&mut same, 10);
    // beta turns out to be an HTTP gateway: its profile cannot see tool errors.
    let http = |t_s: i64| Scrape {
        t_ms: T0 + t_s * 1000,
        duration: Duration::from_millis(3),
        bytes: 100,
        samples: vec![ScrapedSample {
            key: SeriesKey::new(
                "http_requests_total",
                vec![
                    ("handler", "/mcp".to_string()),
                    ("status", "200".to_string()),
                ],
            )
            .into(),
            value: 5.0 * (t_s + 3600) as f64,
            timestamp_ms: None,
        }],
    };
    let mut fresh = app(FLEET);
    for t in 0..=10 {
        fresh.apply(Update::Scrape {
            target: 0,
            t_ms: T0 + t * 1000,
            result: Ok(scrape(t, 30.0, 0.1)),
        });
        fresh.apply(Update::Scrape {
            target: 1,
            t_ms: T0 + t * 1000,
            result: Ok(http(t)),
        });
    }
    let now = T0 + 10_500;
    let backend = ratatui::backend::TestBackend::new(200, 30);
    let mut terminal = ratatui::Terminal::new(backend).expect("terminal");
    fresh.nav.screen = crate::action::Screen::Overview;
    terminal
        .draw(|f| crate::ui::draw(f, &fresh.view(now), &fresh.theme))
        .expect("draw");
    let screen = terminal.backend().to_string();
    assert!(
        screen.contains("profile mixed (http, otel-mcp)"),
        "{screen}"
    );
    assert!(
        screen.contains("tool errors (isError) not counted"),
        "{screen}"
    );
    // One profile for the whole fleet: no such note.
    same.nav.screen = crate::action::Screen::Overview;
    terminal
        .draw(|f| crate::ui::draw(f, &same.view(now), &same.theme))
        .expect("draw");
    let screen = terminal.backend().to_string();
    assert!(screen.contains("profile otel-mcp"), "{screen}");
    assert!(!screen.contains("not counted"), "{screen}");
}
