//! The Loki source against a server with Loki's documented shapes (`support::loki`):
//! backfill then tail, reconnects (server-ended and dropped) with no gap and no duplicate,
//! poll fallback, Loki 2.x/3.x shapes, plain-text errors, tenancy and auth, metric counts,
//! a query change, and the buffer cap.

use crate::support;

use std::time::Duration;

use mcptop::config::LokiMode;
use mcptop::model::logs::{FollowMode, Level};
use support::loki::{Entry, FakeLoki, LokiVersion, Options};
use support::loki_run::{APP, QUERY, cfg, now_ns, numbered, push, requests_to, start};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_and_follow_across_reconnects_lose_and_repeat_nothing() {
    let loki = FakeLoki::start(Options {
        tail_max: Some(Duration::from_millis(1200)),
        ..Options::default()
    })
    .await;
    let old = now_ns() - 60_000_000_000;
    loki.push(
        (0..20)
            .map(|i| Entry::new(APP, old + i, &format!("line {i}")))
            .collect(),
    );
    // Another app's lines are not selected.
    loki.push(vec![Entry::new(&[("app", "other")], old, "not mine")]);
    let mut run = start(&cfg(&loki), QUERY);
    run.until("the backfill", |s| s.buffer.len() >= 20).await;
    assert_eq!(run.lines(), numbered(0, 20));
    run.until("the tail", |s| s.status.mode == Some(FollowMode::Tail))
        .await;

    // Lines keep coming for about 4 s: the server ends each tail after 1.2 s, and once the
    // socket is cut without a close frame.
    for round in 0..20 {
        push(&loki, 20 + round * 4, 24 + round * 4);
        if round == 9 {
            run.until_server("an open tail", || loki.open_tails() > 0)
                .await;
            loki.drop_tails();
        }
        // Paces the lines over several tails, on purpose.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    run.until("every line", |s| s.buffer.len() >= 100).await;
    // A line repeated by the next reconnect would come before one pushed once that tail is
    // open: wait for the next tail (the server ends each after 1.2 s), push one more line,
    // and wait for it.
    let tails = loki.tails_opened();
    run.until_server("the next tail", || loki.tails_opened() > tails)
        .await;
    push(&loki, 100, 101);
    run.until("the line after the next reconnect", |s| {
        s.buffer.iter().any(|e| e.line == "line 100")
    })
    .await;
    run.drain();
    assert_eq!(run.lines(), numbered(0, 101), "in order, once each");
    assert!(loki.tails_opened() >= 4, "tails: {}", loki.tails_opened());
    assert!(
        run.failures.iter().any(|f| f.contains("tail dropped")),
        "the cut socket is reported: {:?}",
        run.failures
    );
    // Resumed tails start from just before the newest line seen, never from the start.
    let tails: Vec<i64> = loki
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/tail"))
        .filter_map(|r| r.param("start").and_then(|s| s.parse().ok()))
        .collect();
    assert!(tails.windows(2).all(|w| w[1] >= w[0]), "{tails:?}");
    let tail = requests_to(&loki, "/tail");
    assert_eq!(tail.param("delay_for"), Some("0"));
    assert_eq!(tail.param("limit"), Some("5000"));
    assert_eq!(tail.param("query"), Some(QUERY));
    let requests = loki.requests();
    let backfill = requests
        .iter()
        .find(|r| r.path.ends_with("query_range") && r.param("step").is_none())
        .expect("a backfill");
    assert_eq!(backfill.param("direction"), Some("backward"));
    assert_eq!(backfill.param("limit"), Some("1000"));
    assert_eq!(backfill.param("query"), Some(QUERY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loki_3_structured_metadata_arrives_apart_from_the_labels() {
    let loki = FakeLoki::start(Options::default()).await;
    let t = now_ns() - 1_000_000_000;
    loki.push(vec![
        Entry::new(APP, t, "request served")
            .with_metadata(&[("detected_level", "warn"), ("trace_id", "abc123")]),
        Entry::new(APP, t + 1, r#"{"level":"error","msg":"boom"}"#),
    ]);
    let mut run = start(&cfg(&loki), QUERY);
    run.until("two lines", |s| s.buffer.len() >= 2).await;
    let e: Vec<_> = run.state.buffer.iter().collect();
    assert_eq!(
        e[0].stream.as_slice(),
        &[("app".to_string(), "mcpist".to_string())]
    );
    assert_eq!(e[0].label("trace_id"), Some("abc123"));
    assert_eq!(e[0].level, Level::Warn);
    assert_eq!(e[1].level, Level::Error);
    assert_eq!(
        loki.requests()[0].header("x-loki-response-encoding-flags"),
        Some("categorize-labels")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loki_2_answers_are_read_too() {
    let loki = FakeLoki::start(Options {
        version: LokiVersion::V2,
        ..Options::default()
    })
    .await;
    let t = now_ns() - 1_000_000_000;
    loki.push(vec![Entry::new(
        &[("app", "mcpist"), ("level", "error")],
        t,
        "db down",
    )]);
    let mut run = start(&cfg(&loki), QUERY);
    run.until("the line", |s| s.buffer.len() == 1).await;
    let e = run.state.buffer.iter().next().expect("entry");
    assert_eq!(e.level, Level::Error);
    assert!(e.metadata.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_that_refuses_websockets_makes_it_poll() {
    let loki = FakeLoki::start(Options {
        websocket_blocked: true,
        ..Options::default()
    })
    .await;
    let mut run = start(&cfg(&loki), QUERY);
    run.until("polling", |s| s.status.mode == Some(FollowMode::Poll))
        .await;
    let why = run.state.status.fallback.clone().expect("says why");
    assert!(
        why.contains("HTTP 403: websocket upgrade refused by proxy"),
        "{why}"
    );
    for round in 0..5 {
        push(&loki, round * 3, round * 3 + 3);
        // Paces the lines over several polls, on purpose.
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    run.until("every line", |s| s.buffer.len() >= 15).await;
    // A line repeated by a later poll would come before one pushed now: wait for that one.
    push(&loki, 15, 16);
    run.until("the line pushed last", |s| {
        s.buffer.iter().any(|e| e.line == "line 15")
    })
    .await;
    run.drain();
    assert_eq!(run.lines(), numbered(0, 16));
    let polls = loki
        .requests()
        .iter()
        .filter(|r| r.param("direction") == Some("forward"))
        .count();
    assert!(polls >= 3, "{polls} polls");
    // mode = "tail" never polls: the refusal is an error, retried.
    let loki = FakeLoki::start(Options {
        websocket_blocked: true,
        ..Options::default()
    })
    .await;
    let mut tail_only = cfg(&loki);
    tail_only.mode = LokiMode::Tail;
    let mut run = start(&tail_only, QUERY);
    run.until("the refusal", |s| s.status.error.is_some()).await;
    assert!(run.state.status.fallback.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loki_plain_text_errors_are_shown_and_the_source_recovers() {
    let loki = FakeLoki::start(Options::default()).await;
    loki.error_next(
        400,
        "parse error at line 1, col 7: syntax error: unexpected IDENTIFIER",
    );
    let mut run = start(&cfg(&loki), QUERY);
    run.until("the error", |s| s.status.error.is_some()).await;
    assert_eq!(
        run.state
            .status
            .error
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("HTTP 400: parse error at line 1, col 7: syntax error: unexpected IDENTIFIER")
    );
    run.until("recovery", |s| {
        s.status.error.is_none() && s.status.mode.is_some()
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_and_credentials_go_with_every_request() {
    let loki = FakeLoki::start(Options {
        tenant: Some("team-mcp".into()),
        bearer: Some("s3cret-token".into()),
        ..Options::default()
    })
    .await;
    loki.push(vec![Entry::new(APP, now_ns() - 1_000_000, "hello")]);
    let dir = tempfile::tempdir().expect("tempdir");
    let token = dir.path().join("token");
    std::fs::write(&token, "s3cret-token\n").expect("write");
    let mut c = cfg(&loki);
    c.http.auth = Some(mcptop::config::alerts::HttpAuth::Bearer(
        mcptop::config::mcp::SecretSource::File(token),
    ));
    // Without the tenant: Loki's own 401 text.
    let mut run = start(&c, QUERY);
    run.until("the 401", |s| s.status.error.is_some()).await;
    assert_eq!(
        run.state
            .status
            .error
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("HTTP 401: no org id")
    );
    drop(run);
    c.tenant = Some("team-mcp".into());
    let mut run = start(&c, QUERY);
    run.until("the line", |s| s.buffer.len() == 1).await;
    run.until("the tail", |s| s.status.mode == Some(FollowMode::Tail))
        .await;
    // The source may say it tails before the server has recorded the request.
    let tailed = |r: &support::loki::Recorded| r.path.ends_with("/tail");
    run.until_server("the tail request", || loki.requests().iter().any(tailed))
        .await;
    let reqs = loki.requests();
    // This run's backfill (the newest query) and its tail.
    let backfill = reqs
        .iter()
        .rev()
        .find(|r| r.path.ends_with("query_range"))
        .expect("a backfill");
    let tail = reqs.iter().rev().find(|r| tailed(r)).expect("a tail");
    for r in [backfill, tail] {
        assert_eq!(r.header("x-scope-orgid"), Some("team-mcp"), "{}", r.path);
        assert_eq!(
            r.header("authorization"),
            Some("Bearer s3cret-token"),
            "{}",
            r.path
        );
    }
    for f in &run.failures {
        assert!(!f.contains("s3cret"), "{f}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_per_level_come_from_a_logql_metric_query() {
    let loki = FakeLoki::start(Options::default()).await;
    let now = now_ns();
    let s = 1_000_000_000;
    let err = &[("app", "mcpist"), ("level", "error")][..];
    let info = &[("app", "mcpist"), ("level", "info")][..];
    let mut lines = vec![
        Entry::new(err, now - 600 * s, "upstream timeout"),
        Entry::new(err, now - 60 * s, "upstream timeout"),
    ];
    lines.extend((0..90).map(|i| Entry::new(info, now - 60 * s + i, "GET /mcp 200")));
    loki.push(lines);
    let mut c = cfg(&loki);
    c.counts_interval = Duration::from_secs(1);
    let mut run = start(&c, QUERY);
    run.until("the counts", |s| s.counts.is_some()).await;
    let counts = run.state.counts.clone().expect("counts").expect("ok");
    assert_eq!(
        counts.rows,
        vec![
            ("error".to_string(), 1.0, 2.0),
            ("info".to_string(), 90.0, 90.0)
        ]
    );
    assert_eq!(counts.level_by.as_deref(), Some("level"));
    let metric = requests_to(&loki, "/query");
    assert_eq!(
        metric.param("query"),
        Some(r#"sum by (level) (count_over_time({app="mcpist"} [1h]))"#)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_query_starts_afresh() {
    let loki = FakeLoki::start(Options::default()).await;
    let t = now_ns() - 1_000_000_000;
    loki.push(vec![
        Entry::new(APP, t, "GET /mcp 200"),
        Entry::new(APP, t + 1, "error: upstream timeout"),
    ]);
    let mut run = start(&cfg(&loki), QUERY);
    run.until("both lines", |s| s.buffer.len() == 2).await;
    let q = r#"{app="mcpist"} |= "error""#;
    run.handle.set_query(q.into()).expect("sent");
    run.until("the new query", |s| s.query == q).await;
    run.until("its line", |s| s.buffer.len() == 1).await;
    assert_eq!(run.lines(), vec!["error: upstream timeout".to_string()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buffer_stays_within_its_caps_under_a_flood() {
    let loki = FakeLoki::start(Options::default()).await;
    let mut c = cfg(&loki);
    c.max_lines = 1000;
    let mut run = start(&c, QUERY);
    run.until("the tail", |s| s.status.mode == Some(FollowMode::Tail))
        .await;
    let flood = loki.flood(5000, 2, APP);
    run.until("the flood", |s| {
        s.buffer.dropped + s.buffer.len() as u64 >= 10_000
    })
    .await;
    flood.await.expect("flood");
    assert_eq!(run.state.buffer.len(), 1000);
    let newest = run.state.buffer.iter().last().expect("entry");
    assert!(newest.line.contains("10000"), "{}", newest.line);
}
