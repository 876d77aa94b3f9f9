use super::*;
use crate::model::stats::ModuleShare;

/// 2026-11-22T00:00:00Z.
const T0: i64 = 1_795_305_600_000;

fn incident() -> Incident {
    let stats = Stats {
        eval_ms: T0 + 600_000,
        req_per_sec: Some(12.5),
        err_per_sec: Some(0.9),
        error_ratio: Some(0.072),
        p50: Some(0.2),
        p95: Some(3.4),
        p99: Some(7.9),
        modules: vec![
            ModuleShare {
                module: "notion".into(),
                per_sec: 7.5,
                share: 0.6,
            },
            ModuleShare {
                module: "github".into(),
                per_sec: 5.0,
                share: 0.4,
            },
        ],
        resident_memory_bytes: Some(5e7),
        range_ms: 300_000,
        ..Stats::default()
    };
    let alerts = vec![
        ReportAlert {
            name: "McpLatencyP95High".into(),
            priority: Priority::P2,
            state: AlertState::Pending,
            starts_at_ms: T0 + 540_000,
            ends_at_ms: None,
            summary: "P95 above 3 s".into(),
            origin: "mcptop rule",
            instance: None,
            for_ms: Some(300_000),
        },
        ReportAlert {
            name: "HighErrorRate".into(),
            priority: Priority::P1,
            state: AlertState::Firing,
            starts_at_ms: T0 + 300_000,
            ends_at_ms: None,
            summary: "5xx above 5% for 5 minutes | notion".into(),
            origin: "alertmanager",
            instance: None,
            for_ms: None,
        },
        ReportAlert {
            name: "TokenRefreshFailed".into(),
            priority: Priority::P3,
            state: AlertState::Resolved,
            starts_at_ms: T0 + 60_000,
            ends_at_ms: Some(T0 + 120_000),
            summary: "OAuth refresh failed once".into(),
            origin: "mcptop rule",
            instance: None,
            for_ms: Some(0),
        },
    ];
    let symptoms = vec![
        Symptom {
            what: "Target".into(),
            value: "UP".into(),
            over: "last scrape".into(),
            level: "ok",
            limit: "scrape and /health answer".into(),
        },
        Symptom {
            what: "Error rate".into(),
            value: "7.20%".into(),
            over: "last 5m".into(),
            level: "CRIT",
            limit: "warn ≥ 1.00%, crit ≥ 5.00%".into(),
        },
    ];
    Incident::new(
        T0 + 600_000,
        "demo".into(),
        "http://127.0.0.1:7777".into(),
        "oncall".into(),
        stats,
        None,
        symptoms,
        alerts,
        vec![("upstream timeout after <n>ms".into(), 41)],
        vec![(
            "Request rate (per second)".into(),
            "sum(rate(mcp_server_operation_duration_seconds_count{instance=\"127.0.0.1:7777\"}[300s]))"
                .into(),
        )],
    )
}

#[test]
fn priority_and_discovery_come_from_the_worst_firing_alert() {
    let i = incident();
    assert_eq!(i.priority, Some(Priority::P1));
    assert_eq!(i.discovered_ms, T0 + 300_000);
    assert_eq!(i.id, "INC-20261122-0005");
    assert!(
        i.title().starts_with("HighErrorRate on demo"),
        "{}",
        i.title()
    );
}

#[test]
fn the_report_follows_the_template() {
    insta::assert_snapshot!(incident().to_markdown());
}

#[test]
fn the_json_holds_the_same_data() {
    let json = serde_json::to_string_pretty(&incident().to_json()).expect("json");
    insta::assert_snapshot!(json);
}

#[test]
fn the_markdown_renders_tables() {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let md = incident().to_markdown();
    let tables = Parser::new_ext(&md, Options::ENABLE_TABLES)
        .filter(|e| matches!(e, Event::Start(Tag::Table(_))))
        .count();
    assert_eq!(tables, 3, "basic information, symptoms, timeline:\n{md}");
    // A `|` inside a summary does not split its cell.
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.contains("HighErrorRate (P1) firing"))
        .collect();
    assert_eq!(rows.len(), 1, "{md}");
    assert!(
        rows[0].contains("5% for 5 minutes \\| notion"),
        "{}",
        rows[0]
    );
}

#[test]
fn nothing_firing_says_so_and_leaves_the_priority_to_set() {
    let mut i = incident();
    i.alerts.retain(|a| a.state != AlertState::Firing);
    let i = Incident::new(
        i.taken_ms,
        i.target,
        i.url,
        i.reporter,
        i.stats,
        Some("cannot connect: Connection refused".into()),
        i.symptoms,
        i.alerts,
        vec![],
        vec![],
    );
    assert_eq!(i.priority, None);
    let md = i.to_markdown();
    assert!(md.contains("P? (no alert firing: set it)"), "{md}");
    assert!(
        md.contains("not current: the source failed with: cannot connect"),
        "{md}"
    );
}

#[test]
fn outside_text_cannot_break_out_of_its_place() {
    let mut i = incident();
    i.alerts[0].summary = "line one\n# Injected heading\n| a | b |".into();
    i.alerts[0].name = "Evil\\|Name".into();
    i.queries.push((
        "Logs (LogQL)".into(),
        "{app=\"x\"} |= \"```\"\n|= \"y\"".into(),
    ));
    let i = Incident::new(
        i.taken_ms,
        i.target,
        i.url,
        i.reporter,
        i.stats,
        None,
        i.symptoms,
        i.alerts,
        i.top_errors,
        i.queries,
    );
    let md = i.to_markdown();
    assert!(!md.lines().any(|l| l.starts_with("# Injected")), "{md}");
    assert!(!md.lines().any(|l| l.starts_with("| a | b |")), "{md}");
    // Still exactly the three tables, and the query inside a longer fence.
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let tables = Parser::new_ext(&md, Options::ENABLE_TABLES)
        .filter(|e| matches!(e, Event::Start(Tag::Table(_))))
        .count();
    assert_eq!(tables, 3, "{md}");
    assert!(
        md.contains("  ````\n  {app=\"x\"} |= \"```\"\n  |= \"y\"\n  ````\n"),
        "{md}"
    );
}

/// The fixture with tiles over `range_ms` of a `window_ms` window, collected for
/// `collected_ms`.
fn warming_up(range_ms: i64, window_ms: i64, collected_ms: Option<i64>) -> Incident {
    let mut i = incident();
    i.stats.range_ms = range_ms;
    i.window_ms = window_ms;
    i.collected_ms = collected_ms;
    i
}

#[test]
fn ranges_are_written_to_the_second() {
    for (ms, text) in [
        (0, "0s"),
        (500, "500ms"),
        (30_000, "30s"),
        (31_437, "31s"),
        (299_600, "5m"),
        (298_000, "4m58s"),
        (300_000, "5m"),
        (3_600_000, "1h"),
        (5_400_000, "1h30m"),
        (3_605_000, "1h5s"),
    ] {
        assert_eq!(span(ms), text, "{ms} ms");
    }
}

#[test]
fn numbers_over_less_than_the_window_say_so_and_why() {
    let md = warming_up(31_000, 300_000, Some(30_000)).to_markdown();
    assert!(
        md.contains(
            "The numbers below are over the last 31s, less than the 5m rate window: mcptop \
             collected for 30s (`mcptop snapshot --collect` sets how long)."
        ),
        "{md}"
    );
    assert!(
        md.contains("- 7.2% of 750 requests/min failed over the last 31s (rate[31s])"),
        "{md}"
    );
    let from_dashboard = warming_up(31_000, 300_000, None).to_markdown();
    assert!(
        from_dashboard.contains("mcptop had not held a whole window of data yet."),
        "{from_dashboard}"
    );
    let full = warming_up(300_000, 300_000, Some(300_000)).to_markdown();
    assert!(
        full.contains("The numbers below are over the last 5m (the rate window)."),
        "{full}"
    );
    let mut query = warming_up(300_000, 300_000, Some(5_000));
    query.mode = "query";
    assert!(
        query
            .to_markdown()
            .contains("over the last 5m (the rate window), as the query API computed them."),
        "{}",
        query.to_markdown()
    );
}

#[test]
fn the_symptoms_table_says_what_each_value_is_over() {
    let md = incident().to_markdown();
    assert!(
        md.contains("| Signal | Value | Over | Level | Threshold |"),
        "{md}"
    );
    assert!(
        md.contains("| Error rate | 7.20% | last 5m | CRIT | warn ≥ 1.00%, crit ≥ 5.00% |"),
        "{md}"
    );
    assert!(
        md.contains("| Target | UP | last scrape | ok | scrape and /health answer |"),
        "{md}"
    );
}

#[test]
fn a_pending_local_alert_says_when_it_would_fire() {
    let md = incident().to_markdown();
    assert!(
        md.contains(
            "- **McpLatencyP95High** (P2, mcptop rule) pending since 2026-11-22 00:09:00 UTC, \
             fires at 2026-11-22 00:14:00 UTC if it still holds: P95 above 3 s"
        ),
        "{md}"
    );
}

#[test]
fn the_json_tells_the_range_from_the_window() {
    let v = warming_up(31_000, 300_000, Some(30_000)).to_json();
    assert_eq!(v["tiles"]["window_s"], 31.0);
    assert_eq!(v["tiles"]["rate_window_s"], 300.0);
    assert_eq!(v["tiles"]["evaluated"], "2026-11-22 00:10:00 UTC");
    assert_eq!(v["collected_s"], 30.0);
    assert_eq!(v["mode"], "scrape");
    assert_eq!(v["symptoms"][1]["over"], "last 5m");
    assert_eq!(v["targets"], serde_json::json!([]));
    let v = warming_up(31_000, 300_000, None).to_json();
    assert!(v["collected_s"].is_null(), "{v}");
}

/// The fixture as a whole fleet's report: one healthy target, one down whose name and
/// error come from outside.
fn fleet() -> Incident {
    use crate::model::fleet::InstanceRow;
    let mut i = incident();
    i.fleet = Some(ReportFleet {
        member: "target",
        members: vec![
            ReportTarget {
                row: InstanceRow {
                    instance: "gw-1".into(),
                    job: "mcp".into(),
                    up: Some(true),
                    req_per_sec: Some(12.5),
                    error_ratio: Some(0.072),
                    p95: Some(3.4),
                    p99: Some(7.9),
                    last_error: String::new(),
                    ..InstanceRow::default()
                },
                range_ms: Some(300_000),
                shown: [
                    "12.5".into(),
                    "7.20%".into(),
                    "3.40s".into(),
                    "7.90s".into(),
                ],
            },
            ReportTarget {
                row: InstanceRow {
                    instance: "gw|2\n# Injected".into(),
                    job: "mcp".into(),
                    up: Some(false),
                    last_error: "connect: refused | retry\n| a | b |".into(),
                    ..InstanceRow::default()
                },
                range_ms: None,
                shown: ["–".into(), "–".into(), "–".into(), "–".into()],
            },
        ],
    });
    i
}

#[test]
fn a_fleet_lists_every_target_with_its_range() {
    let md = fleet().to_markdown();
    assert!(
        md.contains(
            "### Targets (2)\n\n| Target | Up | Req/s | Error % | P95 | P99 | Over | Last error |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| gw-1 | UP | 12.5 | 7.20% | 3.40s | 7.90s | last 5m | – |"),
        "{md}"
    );
    // Outside text stays in its cell.
    assert!(!md.lines().any(|l| l.starts_with("# Injected")), "{md}");
    assert!(!md.lines().any(|l| l.starts_with("| a | b |")), "{md}");
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let tables = Parser::new_ext(&md, Options::ENABLE_TABLES)
        .filter(|e| matches!(e, Event::Start(Tag::Table(_))))
        .count();
    assert_eq!(
        tables, 4,
        "basic information, symptoms, targets, timeline:\n{md}"
    );
    let v = fleet().to_json();
    assert_eq!(v["targets"][0]["name"], "gw-1");
    assert_eq!(v["targets"][0]["range_s"], 300.0);
    assert_eq!(v["targets"][0]["p95_s"], 3.4);
    assert_eq!(v["targets"][1]["up"], false);
    assert!(v["targets"][1]["req_per_sec"].is_null(), "{v}");
    assert_eq!(
        v["targets"][1]["last_error"],
        "connect: refused | retry\n| a | b |"
    );
}

#[test]
fn query_mode_lists_instances() {
    let mut i = fleet();
    if let Some(f) = i.fleet.as_mut() {
        f.member = "instance";
    }
    let md = i.to_markdown();
    assert!(
        md.contains("### Instances (2)\n\n| Instance | Up |"),
        "{md}"
    );
}

#[test]
fn an_alert_on_one_target_says_which() {
    let mut i = incident();
    let at = i
        .alerts
        .iter()
        .position(|a| a.name == "HighErrorRate")
        .expect("fixture");
    i.alerts[at].instance = Some("gw-1".into());
    let md = i.to_markdown();
    assert!(
        md.contains("- **HighErrorRate** on gw-1 (P1, alertmanager) firing since"),
        "{md}"
    );
    assert!(
        i.title().starts_with("HighErrorRate on gw-1:"),
        "{}",
        i.title()
    );
    assert_eq!(i.to_json()["alerts"][at]["instance"], "gw-1");
}
