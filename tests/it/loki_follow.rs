//! The Loki source against the test Loki taught what real Loki 2.8/3.4 did (issue 17): the
//! tail's end is close 1011 and is re-tailed quietly, lines Loki drops from a tail are
//! fetched again, a backfill over `max_entries_limit_per_query` is paged, several tenants
//! are polled with Loki's own answer shown, and numbered lines survive tail ends, drops and
//! restarts with no gap and no duplicate.

use crate::support;

use std::collections::BTreeMap;
use std::time::Duration;

use mcptop::model::logs::{FollowMode, LokiUpdate};
use support::loki::{Entry, FakeLoki, Options, Stop};
use support::loki_run::{APP, QUERY, cfg, now_ns, numbered, push, start};
use support::loki_tail::{CLOSE_INTERNAL, INGESTERS_GONE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tail_loki_ends_is_tailed_again_at_once_and_quietly() {
    let loki = FakeLoki::start(Options {
        tail_max: Some(Duration::from_millis(400)),
        ..Options::default()
    })
    .await;
    let mut run = start(&cfg(&loki), QUERY);
    run.until("the tail", |s| s.status.mode == Some(FollowMode::Tail))
        .await;
    // Lines over several tails, each ended by Loki with 1011 after 0.4 s.
    for round in 0..8 {
        push(&loki, round * 2, round * 2 + 2);
        run.pump(Duration::from_millis(150)).await;
    }
    // A Loki shutting down closes with 1011 too, after lines: quiet as well.
    run.until_server("an open tail", || loki.open_tails() > 0)
        .await;
    loki.close_tails(CLOSE_INTERNAL, INGESTERS_GONE);
    let tails = loki.tails_opened();
    run.until_server("the next tail", || loki.tails_opened() > tails)
        .await;
    push(&loki, 16, 17);
    run.until("every line", |s| s.buffer.len() >= 17).await;
    run.drain();
    assert_eq!(run.lines(), numbered(0, 17));
    assert!(run.failures.is_empty(), "{:?}", run.failures);
    assert!(loki.tails_opened() >= 4, "tails: {}", loki.tails_opened());
    // Said as a normal state, between the tails.
    assert!(
        run.events
            .iter()
            .any(|u| matches!(u, LokiUpdate::Retailing { .. })),
        "{:?}",
        run.events
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backoff_starts_over_after_a_tail_that_delivered_lines() {
    let loki = FakeLoki::start(Options::default()).await;
    let mut run = start(&cfg(&loki), QUERY);
    run.until("the tail", |s| s.status.mode == Some(FollowMode::Tail))
        .await;
    // Six tails, each delivers a line and is then cut: with a backoff that grew each time
    // (0.5, 1, 2, 4, 8, 16 s) this would take over 30 s.
    let began = tokio::time::Instant::now();
    for i in 0..6 {
        run.until_server("an open tail", || loki.open_tails() > 0)
            .await;
        push(&loki, i, i + 1);
        let line = format!("line {i}");
        run.until("the line", |s| s.buffer.iter().any(|e| e.line == line))
            .await;
        loki.drop_tails();
        run.until_server("the cut", || loki.open_tails() == 0).await;
    }
    run.until_server("the last tail", || loki.open_tails() > 0)
        .await;
    assert!(
        began.elapsed() < Duration::from_secs(12),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(run.lines(), numbered(0, 6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tail_ended_at_once_without_lines_keeps_backing_off() {
    let loki = FakeLoki::start(Options {
        tail_max: Some(Duration::from_millis(20)),
        ..Options::default()
    })
    .await;
    // A line of a second ago: every tail's first frame repeats it (the tail starts 2 s
    // before the newest line), which is not a tail that delivered lines.
    loki.push(vec![Entry::new(APP, now_ns() - 1_000_000_000, "line 0")]);
    let mut run = start(&cfg(&loki), QUERY);
    run.until_server("a first tail", || loki.tails_opened() > 0)
        .await;
    // 0.5 + 1 + 2 s of backoff: at most about 4 more tails in 3 s, not dozens.
    run.pump(Duration::from_secs(3)).await;
    assert!(loki.tails_opened() <= 6, "tails: {}", loki.tails_opened());
    assert_eq!(run.lines(), numbered(0, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_loki_drops_from_the_tail_are_fetched_again_once() {
    let loki = FakeLoki::start(Options {
        tail_batch_max: Some(5),
        ..Options::default()
    })
    .await;
    let mut run = start(&cfg(&loki), QUERY);
    run.until("the tail", |s| s.status.mode == Some(FollowMode::Tail))
        .await;
    // One batch spread over 9 s: the tail sends the even seconds, and drops the odd ones,
    // so the refetch spans lines the tail already sent, older than the 2 s overlap.
    let base = now_ns() - 10_000_000_000;
    let order = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    loki.push(
        order
            .iter()
            .map(|&i| Entry::new(APP, base + i * 1_000_000_000, &format!("line {i}")))
            .collect(),
    );
    run.until("every line", |s| s.buffer.len() >= 10).await;
    // A flood with drops in many frames.
    for round in 0..20 {
        push(&loki, 10 + round * 12, 22 + round * 12);
        run.pump(Duration::from_millis(30)).await;
    }
    run.until("the flood", |s| s.buffer.len() >= 250).await;
    // Anything fetched twice would come before a line pushed last.
    push(&loki, 250, 251);
    run.until("the last line", |s| s.buffer.len() >= 251).await;
    // A refetch sends its lines before saying it is done.
    run.until("the refetches", |s| !s.status.refetch_pending)
        .await;
    run.drain();
    let mut lines = run.lines();
    lines.sort_by_key(|l| l[5..].parse::<usize>().unwrap_or(usize::MAX));
    assert_eq!(lines, numbered(0, 251));
    assert_eq!(run.state.status.dropped_by_loki, 5 + 20 * 7);
    assert!(!run.state.status.refetch_pending);
    assert_eq!(run.state.status.not_refetched, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backfill_over_lokis_entry_limit_is_paged() {
    let loki = FakeLoki::start(Options {
        max_entries: 100,
        ..Options::default()
    })
    .await;
    // 400 lines, 7 to a timestamp, so that page edges fall inside a timestamp.
    let base = now_ns() - 60_000_000_000;
    loki.push(
        (0..400)
            .map(|i| Entry::new(APP, base + (i / 7) as i64 * 1000, &format!("line {i}")))
            .collect(),
    );
    let mut c = cfg(&loki);
    c.backfill_lines = 250;
    let mut run = start(&c, QUERY);
    run.until("the backfill", |s| s.buffer.len() >= 250).await;
    run.until("the tail", |s| s.status.mode == Some(FollowMode::Tail))
        .await;
    // Lines missed while the tail is down come through the learnt page size too.
    run.until_server("an open tail", || loki.open_tails() > 0)
        .await;
    loki.drop_tails();
    let t = now_ns();
    loki.push(
        (400..560)
            .map(|i| Entry::new(APP, t + i as i64, &format!("line {i}")))
            .collect(),
    );
    run.until("the catch-up", |s| s.buffer.len() >= 410).await;
    push(&loki, 560, 561);
    run.until("the last line", |s| s.buffer.len() >= 411).await;
    run.drain();
    let mut lines = run.lines();
    lines.sort_by_key(|l| l[5..].parse::<usize>().unwrap_or(usize::MAX));
    assert_eq!(lines, numbered(150, 561));
    // Newest first: the first page asked the newest lines.
    let ranges: Vec<_> = loki
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("query_range") && r.param("step").is_none())
        .collect();
    assert_eq!(ranges[0].param("direction"), Some("backward"));
    let limits: Vec<u32> = ranges
        .iter()
        .filter_map(|r| r.param("limit").and_then(|l| l.parse().ok()))
        .collect();
    // One refusal teaches the limit; every query after it stays within.
    assert!(limits[0] > 100, "{limits:?}");
    assert!(limits[1..].iter().all(|&l| l <= 100), "{limits:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_lines_of_one_timestamp_than_a_page_are_skipped_and_said_not_the_rest() {
    let loki = FakeLoki::start(Options {
        max_entries: 10,
        ..Options::default()
    })
    .await;
    let mut c = cfg(&loki);
    c.mode = mcptop::config::LokiMode::Poll;
    c.backfill_lines = 0;
    let mut run = start(&c, QUERY);
    run.until("polling", |s| s.status.mode == Some(FollowMode::Poll))
        .await;
    // 15 lines of one nanosecond (a parser with second-resolution stamps does that), then
    // 5 more: Loki pages by time only, so 5 of the 15 cannot be fetched with a page of 10.
    let t = now_ns();
    loki.push(
        (0..20)
            .map(|i| Entry::new(APP, t + (i - 14).max(0), &format!("line {i}")))
            .collect(),
    );
    run.until("the lines after the crowded timestamp", |s| {
        s.buffer.iter().any(|e| e.line == "line 19")
    })
    .await;
    run.drain();
    let lines = run.lines();
    for i in 15..20 {
        assert!(lines.contains(&format!("line {i}")), "{lines:?}");
    }
    assert_eq!(lines.len(), 15, "{lines:?}");
    assert_eq!(run.state.status.skipped, Some((t, t + 1)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_tenants_get_lokis_own_answer_not_a_timeout() {
    let loki = FakeLoki::start(Options {
        multi_tenant_refusal: Some(Duration::from_millis(1500)),
        ..Options::default()
    })
    .await;
    let mut c = cfg(&loki);
    c.tenant = Some("team-a|team-b".into());
    c.timeout = Duration::from_millis(500);
    let mut run = start(&c, QUERY);
    run.until("an error", |s| s.status.error.is_some()).await;
    assert_eq!(
        run.state
            .status
            .error
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("HTTP 500: multiple org IDs present"),
        "{:?}",
        run.failures
    );
    assert!(
        !loki.requests().iter().any(|r| r.path.ends_with("/tail")),
        "no tail across tenants"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_tenants_are_polled_because_loki_does_not_tail_them() {
    let loki = FakeLoki::start(Options::default()).await;
    loki.push(vec![Entry::new(APP, now_ns() - 1_000_000_000, "line 0")]);
    let mut c = cfg(&loki);
    c.tenant = Some("team-a|team-b".into());
    let mut run = start(&c, QUERY);
    run.until("polling", |s| s.status.mode == Some(FollowMode::Poll))
        .await;
    push(&loki, 1, 3);
    run.until("the lines", |s| s.buffer.len() >= 3).await;
    assert_eq!(
        run.state.status.fallback.as_deref(),
        Some("polling: Loki does not tail across tenants")
    );
    assert!(run.failures.is_empty(), "{:?}", run.failures);
    assert!(
        !loki.requests().iter().any(|r| r.path.ends_with("/tail")),
        "no tail across tenants"
    );
}

/// Issue 17's acceptance: numbered lines through tail ends (1011 after a short
/// `tail_max`), drops under load, a paged backfill and catch-up, and two restarts of Loki
/// (SIGTERM, then SIGKILL) on the same port: every line kept exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbered_lines_survive_tail_ends_drops_and_restarts() {
    let mut loki = FakeLoki::start(Options {
        tail_max: Some(Duration::from_millis(700)),
        tail_batch_max: Some(6),
        max_entries: 50,
        ..Options::default()
    })
    .await;
    let total = 900;
    // 80 lines before the start: a backfill of 80 over pages of 50.
    let base = now_ns() - 30_000_000_000;
    loki.push(
        (0..80)
            .map(|i| Entry::new(APP, base + i as i64 * 1000, &format!("line {i}")))
            .collect(),
    );
    let mut c = cfg(&loki);
    c.backfill_lines = 80;
    c.max_lines = 5000;
    let mut run = start(&c, QUERY);
    run.until("the backfill", |s| s.buffer.len() >= 80).await;
    let mut next = 80;
    let mut round = 0;
    while next < total {
        // Batches of 1 to 15 lines: over 6 the tail drops the rest.
        let n = (1 + round * 7 % 15).min(total - next);
        push(&loki, next, next + n);
        next += n;
        round += 1;
        if round == 25 {
            loki.stop(Stop::Term).await;
        }
        if round == 50 {
            loki.stop(Stop::Kill).await;
        }
        if round == 30 || round == 55 {
            loki.start_again().await;
        }
        run.pump(Duration::from_millis(40)).await;
    }
    run.until("every line", |s| s.buffer.len() >= total).await;
    // Anything fetched twice would come before a line pushed last.
    push(&loki, total, total + 1);
    run.until("the last line", |s| s.buffer.len() > total).await;
    // A refetch sends its lines before saying it is done.
    run.until("the refetches", |s| !s.status.refetch_pending)
        .await;
    run.drain();
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for l in run.lines() {
        let n: usize = l[5..].parse().expect("a numbered line");
        *counts.entry(n).or_default() += 1;
    }
    let twice: Vec<_> = counts.iter().filter(|(_, c)| **c > 1).collect();
    assert!(twice.is_empty(), "duplicated: {twice:?}");
    let missing: Vec<usize> = (0..=total).filter(|n| !counts.contains_key(n)).collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
    assert_eq!(counts.len(), total + 1);
    assert!(run.state.status.dropped_by_loki > 0);
    assert_eq!(run.state.status.not_refetched, 0);
    // Loki was down twice: the source said so, and came back.
    assert!(!run.failures.is_empty());
    assert!(run.state.status.error.is_none());
}
