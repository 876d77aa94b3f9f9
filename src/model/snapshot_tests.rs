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
        },
        ReportAlert {
            name: "HighErrorRate".into(),
            priority: Priority::P1,
            state: AlertState::Firing,
            starts_at_ms: T0 + 300_000,
            ends_at_ms: None,
            summary: "5xx above 5% for 5 minutes | notion".into(),
            origin: "alertmanager",
        },
        ReportAlert {
            name: "TokenRefreshFailed".into(),
            priority: Priority::P3,
            state: AlertState::Resolved,
            starts_at_ms: T0 + 60_000,
            ends_at_ms: Some(T0 + 120_000),
            summary: "OAuth refresh failed once".into(),
            origin: "mcptop rule",
        },
    ];
    let symptoms = vec![
        Symptom {
            what: "Target".into(),
            value: "UP".into(),
            level: "ok",
            limit: "scrape and /health answer".into(),
        },
        Symptom {
            what: "Error rate".into(),
            value: "7.20%".into(),
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
