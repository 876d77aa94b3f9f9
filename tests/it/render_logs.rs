//! Render snapshots of the logs screen (TestBackend + insta): levels and JSON columns,
//! the error summary, filter, pause, wrap, the detail view, the LogQL editor, Loki down,
//! MCP servers' own logs without Loki, and no source at all.

use crate::support;

use crossterm::event::KeyCode;
use mcptop::model::logs::LokiUpdate;
use mcptop::sources::Update;
use support::drive::{key, keys};
use support::logs_fixture::{entry, loki_app, render};

#[test]
fn levels_columns_and_summary_160x30() {
    let (mut app, now, _) = loki_app();
    let screen = render(&mut app, now, 160, 30);
    for want in [
        "Logs · Loki {app=\"mcpist\"}",
        "✓ tail",
        "following",
        "MODULE",
        "DURATION_MS",
        "error notion",
        "crit  auth",
        "Errors · LogQL count_over_time",
        "upstream timeout after <n> ms (request <n>)",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn narrow_80x24_puts_the_summary_below() {
    let (mut app, now, _) = loki_app();
    insta::assert_snapshot!(render(&mut app, now, 80, 24));
}

#[test]
fn wide_200x50() {
    let (mut app, now, _) = loki_app();
    insta::assert_snapshot!(render(&mut app, now, 200, 50));
}

#[test]
fn filter_as_typed_keeps_matching_lines() {
    let (mut app, now, _) = loki_app();
    key(&mut app, now, KeyCode::Char('/'));
    keys(&mut app, now, "timeout");
    let typing = render(&mut app, now, 160, 30);
    assert!(typing.contains("/timeout▏"), "{typing}");
    assert!(typing.contains("2 of 11 lines match"), "{typing}");
    assert!(!typing.contains("list_issues done"), "{typing}");
    key(&mut app, now, KeyCode::Enter);
    insta::assert_snapshot!(render(&mut app, now, 160, 30));
    // A regex after ~; a bad one keeps the previous filter and says why.
    key(&mut app, now, KeyCode::Char('/'));
    for _ in 0.."timeout".len() {
        key(&mut app, now, KeyCode::Backspace);
    }
    keys(&mut app, now, "~duration_ms\":30[0-9]{2}");
    let regex = render(&mut app, now, 160, 30);
    assert!(regex.contains("regex · 3 of 11 lines match"), "{regex}");
    keys(&mut app, now, "(");
    let bad = render(&mut app, now, 160, 30);
    assert!(bad.contains("bad regex"), "{bad}");
    assert!(bad.contains("3 of 11 lines match"), "{bad}");
    key(&mut app, now, KeyCode::Esc);
    let cleared = render(&mut app, now, 160, 30);
    assert!(cleared.contains("list_issues done"), "{cleared}");
}

#[test]
fn pause_holds_the_view_while_lines_keep_arriving() {
    let (mut app, now, _) = loki_app();
    key(&mut app, now, KeyCode::Char(' '));
    let more: Vec<_> = (1..=3)
        .map(|i| {
            entry(
                now + i * 100,
                &format!("{{\"level\":\"info\",\"msg\":\"late {i}\"}}"),
            )
        })
        .collect();
    app.apply(Update::Loki(LokiUpdate::Entries {
        t_ms: now,
        entries: more,
    }));
    let screen = render(&mut app, now + 500, 160, 30);
    assert!(screen.contains("PAUSED +3 new"), "{screen}");
    assert!(!screen.contains("late 1"), "{screen}");
    assert!(screen.contains("14 lines"), "still buffered:\n{screen}");
    insta::assert_snapshot!(screen);
    key(&mut app, now, KeyCode::Char(' '));
    let resumed = render(&mut app, now + 500, 160, 30);
    assert!(resumed.contains("late 3"), "{resumed}");
}

#[test]
fn loki_down_shows_its_error_and_the_age_of_the_last_good_data() {
    let (mut app, now, _) = loki_app();
    app.apply(Update::Loki(LokiUpdate::Failed {
        t_ms: now + 30_000,
        error: mcptop::model::source_error::SourceError::Transport(
            "connection reset by peer".into(),
        )
        .at("tail dropped"),
    }));
    let screen = render(&mut app, now + 42_000, 160, 30);
    assert!(
        screen.contains("✗ Loki http://127.0.0.1:3100: tail dropped: connection reset by peer"),
        "{screen}"
    );
    assert!(screen.contains("last good 43s ago"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_failed_metric_query_falls_back_to_the_kept_lines() {
    let (mut app, now, _) = loki_app();
    app.apply(Update::Loki(LokiUpdate::Counts(Err(
        mcptop::model::source_error::SourceError::ApiText {
            http: 400,
            text: "parse error at line 1, col 18: syntax error".into(),
        },
    ))));
    let screen = render(&mut app, now, 160, 30);
    assert!(screen.contains("Errors · kept lines"), "{screen}");
    assert!(screen.contains("count_over_time failed"), "{screen}");
}

#[test]
fn enter_shows_the_whole_line_with_labels_and_metadata() {
    let (mut app, now, _) = loki_app();
    key(&mut app, now, KeyCode::Char('k'));
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&mut app, now, 120, 40);
    for want in [
        "Stream labels",
        "env: production",
        "Structured metadata",
        "trace_id: 4bf92f3577b34da6",
    ] {
        assert!(screen.contains(want), "{want} missing:\n{screen}");
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn wrap_shows_long_lines_whole() {
    let (mut app, now, _) = loki_app();
    let long = format!(
        "{{\"level\":\"error\",\"msg\":\"{} END\"}}",
        "word ".repeat(60)
    );
    app.apply(Update::Loki(LokiUpdate::Entries {
        t_ms: now,
        entries: vec![entry(now + 1, &long)],
    }));
    let cut = render(&mut app, now, 100, 30);
    assert!(!cut.contains("END"), "{cut}");
    key(&mut app, now, KeyCode::Char('w'));
    let wrapped = render(&mut app, now, 100, 30);
    assert!(wrapped.contains("END"), "{wrapped}");
    assert!(wrapped.contains("· wrap"), "{wrapped}");
}

#[test]
fn the_query_editor_sends_the_new_logql() {
    let (mut app, now, queries) = loki_app();
    key(&mut app, now, KeyCode::Char('e'));
    keys(&mut app, now, " |= \"error\"");
    let screen = render(&mut app, now, 120, 30);
    assert!(screen.contains("{app=\"mcpist\"} |= \"error\""), "{screen}");
    insta::assert_snapshot!(screen);
    key(&mut app, now, KeyCode::Enter);
    assert_eq!(
        queries.lock().expect("lock").as_slice(),
        ["{app=\"mcpist\"} |= \"error\"".to_string()]
    );
    // The source answers with the new query: the old lines go.
    app.apply(Update::Loki(LokiUpdate::Query(
        "{app=\"mcpist\"} |= \"error\"".into(),
    )));
    let after = render(&mut app, now, 120, 30);
    assert!(after.contains("no lines yet for this query"), "{after}");
}

#[test]
fn without_loki_the_pane_shows_the_mcp_servers_own_logs() {
    let (mut app, now, _) = support::mcp_fixture::mcp_app();
    key(&mut app, now, KeyCode::Char('4'));
    let screen = render(&mut app, now, 120, 30);
    assert!(screen.contains("Logs · MCP server"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn no_source_says_so_plainly() {
    let (mut app, now) = support::fixture::healthy_app();
    key(&mut app, now, KeyCode::Char('4'));
    let screen = render(&mut app, now, 100, 24);
    assert!(screen.contains("no log source is configured"), "{screen}");
    assert!(screen.contains("--loki URL"), "{screen}");
}

#[test]
fn loki_updates_redraw_the_logs_screen_only() {
    let (mut app, now, _) = loki_app();
    let late = |i: i64| {
        vec![entry(
            now + i * 100,
            &format!("{{\"level\":\"error\",\"msg\":\"late {i}\"}}"),
        )]
    };
    // On the overview nothing Loki sends is drawn, so the frame stays as it was.
    key(&mut app, now, KeyCode::Char('1'));
    let before = render(&mut app, now, 160, 40);
    let updates = [
        Update::Loki(LokiUpdate::Entries {
            t_ms: now,
            entries: late(1),
        }),
        Update::Loki(LokiUpdate::Failed {
            t_ms: now,
            error: mcptop::model::source_error::SourceError::Transport(
                "connection reset by peer".into(),
            )
            .at("tail dropped"),
        }),
        Update::Loki(LokiUpdate::Counts(Err(
            mcptop::model::source_error::SourceError::Other("bad query".into()),
        ))),
    ];
    for u in updates {
        assert!(!app.apply_shown(u), "the overview does not show Loki");
    }
    assert_eq!(render(&mut app, now, 160, 40), before);
    // On the logs screen they are drawn.
    key(&mut app, now, KeyCode::Char('4'));
    assert!(app.apply_shown(Update::Loki(LokiUpdate::Entries {
        t_ms: now,
        entries: late(2),
    })));
    let logs = render(&mut app, now + 500, 160, 40);
    assert!(logs.contains("late 2"), "{logs}");
    assert!(logs.contains("late 1"), "kept while not drawn:\n{logs}");
    // Other sources' updates redraw any screen.
    key(&mut app, now, KeyCode::Char('1'));
    assert!(app.apply_shown(Update::Scrape {
        target: 0,
        t_ms: now,
        result: Err(mcptop::model::source_error::SourceError::TimedOut),
    }));
}

#[test]
fn plain_lines_with_pairs_inside_keep_their_whole_message() {
    let (mut app, now, _) = loki_app();
    let plain = [
        "ERROR upstream timeout after 3000 ms request_id=abc123",
        "WARN connection pool exhausted, waiting 5s; pool=notion size=10",
        "ERROR: notion API returned 502 (page=42)",
    ];
    app.apply(Update::Loki(LokiUpdate::Entries {
        t_ms: now,
        entries: plain
            .iter()
            .enumerate()
            .map(|(i, l)| entry(now + 1 + i as i64, l))
            .collect(),
    }));
    let screen = render(&mut app, now + 10, 160, 30);
    // The JSON lines still fill the MODULE column; the plain lines are shown whole.
    assert!(screen.contains("MODULE"), "{screen}");
    for (level, want) in [
        ("error", plain[0]),
        ("warn ", plain[1]),
        ("error", plain[2]),
    ] {
        let row = screen
            .lines()
            .find(|l| l.contains(want))
            .unwrap_or_else(|| panic!("{want} missing:\n{screen}"));
        assert!(row.contains(&format!(" {level} ")), "{row}");
    }
}

#[test]
fn detail_keeps_parsed_labels_apart_and_json_keys_in_line_order() {
    let (mut app, now, _) = loki_app();
    let mut e = entry(
        now + 1,
        r#"{"zone":"eu-1","msg":"slow call","level":"warn","attempt":2}"#,
    );
    e.parsed = vec![("module".into(), "notion".into())];
    app.apply(Update::Loki(LokiUpdate::Entries {
        t_ms: now,
        entries: vec![e],
    }));
    render(&mut app, now + 10, 120, 40);
    key(&mut app, now, KeyCode::Enter);
    let screen = render(&mut app, now + 10, 120, 40);
    let at = |s: &str| {
        screen
            .find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{screen}"))
    };
    // What `| json` extracted is not structured metadata.
    assert!(!screen.contains("Structured metadata"), "{screen}");
    assert!(at("Parsed labels") < at("module: notion"), "{screen}");
    // Fields and the pretty-printed line keep the line's key order.
    assert!(at("zone: eu-1") < at("msg: slow call"), "{screen}");
    // (The first `level: warn` is the entry's level, above the sections.)
    assert!(
        Some(at("msg: slow call")) < screen.rfind("level: warn"),
        "{screen}"
    );
    assert!(at("\"zone\": \"eu-1\"") < at("\"attempt\": 2"), "{screen}");
}

#[test]
fn the_tenant_is_in_the_pane_title() {
    let (mut app, now, _) = loki_app();
    if let Some(l) = app.loki.as_mut() {
        l.tenant = Some("team-a|team-b".into());
    }
    let screen = render(&mut app, now, 160, 30);
    assert!(
        screen.contains("Logs · Loki {app=\"mcpist\"} · tenant team-a|team-b"),
        "{screen}"
    );
}

#[test]
fn a_tail_loki_ended_says_re_tailing_and_dropped_lines_say_fetched_again() {
    let (mut app, now, _) = loki_app();
    app.apply(Update::Loki(LokiUpdate::Retailing { t_ms: now }));
    app.apply(Update::Loki(LokiUpdate::DroppedByLoki(46)));
    let screen = render(&mut app, now, 160, 30);
    assert!(screen.contains("✓ re-tailing"), "{screen}");
    assert!(!screen.contains("✗"), "{screen}");
    assert!(
        screen.contains("Loki dropped 46, fetching again"),
        "{screen}"
    );
    app.apply(Update::Loki(LokiUpdate::Refetched { lost: 0 }));
    app.apply(Update::Loki(LokiUpdate::Connected {
        t_ms: now,
        mode: mcptop::model::logs::FollowMode::Tail,
    }));
    let screen = render(&mut app, now, 160, 30);
    assert!(screen.contains("✓ tail"), "{screen}");
    assert!(
        screen.contains("Loki dropped 46, fetched again"),
        "{screen}"
    );
    app.apply(Update::Loki(LokiUpdate::DroppedByLoki(4)));
    app.apply(Update::Loki(LokiUpdate::Refetched { lost: 3 }));
    let screen = render(&mut app, now, 160, 30);
    assert!(
        screen.contains("Loki dropped 50, 3 could not be fetched again"),
        "{screen}"
    );
    // A catch-up that gave up on a span says which.
    let at = |s: i64| (now + s * 1000) * 1_000_000;
    app.apply(Update::Loki(LokiUpdate::Skipped {
        from_ns: at(-70),
        to_ns: at(-10),
    }));
    let screen = render(&mut app, now, 200, 30);
    assert!(
        screen.contains("lines of 00:08:51–00:09:51 UTC skipped: too many to fetch"),
        "{screen}"
    );
}
