//! Render snapshots of the error summary beside the log pane (TestBackend + insta): what
//! each figure counts when Loki groups by `detected_level` with a parser stage, when no
//! label holds the level (levels from the kept lines, Loki's totals), and when the metric
//! query fails (Loki's error whole, wrapped; the kept lines' real span).

use crate::support;

use mcptop::model::logs::LokiUpdate;
use mcptop::model::logs::summary::LevelCounts;
use mcptop::sources::Update;
use support::logs_fixture::{loki_app, render};

/// Loki's pipeline error as Loki 2.8 / 3.4 word it (FACTS.md), whitespace folded.
const PIPELINE_ERROR: &str = "HTTP 400: pipeline error: 'JSONParserErr' for series: '{__error__=\"JSONParserErr\", app=\"mcpist\"}'. Use a label filter to intentionally skip this error. (e.g | __error__!=\"JSONParserErr\"). To skip all potential errors you can match empty errors.(e.g __error__=\"\") The label filter can also be specified after unwrap. (e.g | unwrap latency | __error__=\"\" )";

/// The summary panel's text (right of the log pane at 160 columns), its lines joined
/// with spaces.
fn panel_text(screen: &str) -> String {
    screen
        .lines()
        .filter_map(|l| l.split_once("││").map(|(_, r)| r))
        .map(|r| r.trim_end_matches(['"', '│']).trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn detected_level_and_a_parser_stage_are_said() {
    let (mut app, now, _) = loki_app();
    app.apply(Update::Loki(LokiUpdate::Counts(Ok(LevelCounts {
        rows: vec![("error".into(), 2.0, 40.0), ("info".into(), 9.0, 300.0)],
        origin: "loki",
        level_by: Some("detected_level".into()),
        unlabelled: (0.0, 3.0),
        parse_errors_dropped: true,
        span_ns: None,
    }))));
    let screen = render(&mut app, now, 160, 30);
    let panel = panel_text(&screen);
    for want in [
        "Errors · LogQL count_over_time",
        "levels by Loki's `detected_level`",
        "without `detected_level`: 5m 0 · 1h 3 lines",
        "lines the parser rejects are not counted",
    ] {
        assert!(
            screen.contains(want) || panel.contains(want),
            "{want} missing:\n{screen}"
        );
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn without_a_level_label_the_levels_come_from_the_kept_lines() {
    let (mut app, now, _) = loki_app();
    app.apply(Update::Loki(LokiUpdate::Counts(Ok(LevelCounts {
        origin: "loki",
        unlabelled: (12.0, 1380.0),
        ..LevelCounts::default()
    }))));
    let screen = render(&mut app, now, 160, 30);
    let panel = panel_text(&screen);
    assert!(screen.contains("Errors · kept lines"), "{screen}");
    assert!(
        !screen.contains("debug      -"),
        "no `-` level column:\n{screen}"
    );
    for want in [
        // The fixture's kept lines reach back 61 s: the hour's figure says so.
        "no level label in Loki: levels from kept lines over the last 1m",
        "Loki counts 5m 12 · 1h 1,380 lines",
        "without a level: 1 line",
    ] {
        assert!(panel.contains(want), "{want} missing:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn a_failed_metric_query_is_shown_whole() {
    let (mut app, now, _) = loki_app();
    let error = mcptop::model::source_error::SourceError::ApiText {
        http: 400,
        text: PIPELINE_ERROR
            .strip_prefix("HTTP 400: ")
            .expect("Loki's text")
            .into(),
    };
    app.apply(Update::Loki(LokiUpdate::Counts(Err(error))));
    let screen = render(&mut app, now, 160, 30);
    let panel = panel_text(&screen);
    assert!(screen.contains("Errors · kept lines"), "{screen}");
    assert!(
        panel.contains(&format!("count_over_time failed: {PIPELINE_ERROR}")),
        "the error whole:\n{screen}"
    );
    assert!(
        panel.contains("figures from kept lines over the last 1m"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
