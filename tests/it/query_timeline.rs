//! Query mode's timeline against an engine that answers its newest points late, as
//! VictoriaMetrics does (a loopback stand-in, [`support::lagging_api`]): the timeline keeps
//! up with now, provisional points are replaced once the engine settles them, and a stretch
//! the engine never answers is a gap with its reason until it does.

use crate::support;

use std::collections::BTreeSet;
use std::time::Duration;

use mcptop::config::{PromEnv, PrometheusConfig};
use mcptop::model::profile::ProfileChoice;
use mcptop::model::timeline::Gap;
use mcptop::model::timeline_sync::Rules;
use mcptop::sources::{now_ms, prometheus};
use support::lagging_api::{self, truth};
use support::query_source::error_marker;
use support::timeline_seen::Seen;
use tokio::sync::mpsc;

const HISTORY: Duration = Duration::from_secs(60);
const STEP_MS: i64 = 1_000;

fn settings() -> prometheus::Settings {
    prometheus::Settings {
        // Named, so the stand-in need not answer detection.
        profile: ProfileChoice::Http,
        custom_profile: None,
        interval: Duration::from_millis(STEP_MS as u64),
        range: Duration::from_secs(20),
        history: HISTORY,
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: mcptop::model::profile::default_polling_paths(),
    }
}

fn config(url: &str) -> PrometheusConfig {
    PrometheusConfig {
        environments: vec![PromEnv::new("vm", url)],
        start: None,
    }
}

/// A fresh [`Seen`] of the stand-in's timeline.
fn seen() -> Seen {
    Seen::new(HISTORY.as_millis() as i64, STEP_MS)
}

/// Points at or before `until_ms` that differ from the stand-in's settled values.
fn unsettled(seen: &Seen, until_ms: i64) -> Vec<(i64, f64)> {
    seen.timeline
        .points()
        .filter(|p| p.t_ms <= until_ms && (p.req_per_sec - truth(p.t_ms)).abs() > 1e-9)
        .map(|p| (p.t_ms, p.req_per_sec))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_keeps_up_with_an_engine_that_answers_late() {
    const OFFSET_MS: i64 = 3_000;
    let (url, lag) = lagging_api::start(OFFSET_MS, &error_marker()).await;
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _h = prometheus::spawn(&config(&url), settings(), tx, &mut tasks);
    let mut seen = seen();
    // Twelve refreshes in a row whose newest point is within the engine's offset and two
    // steps of now (a frozen timeline falls behind by a step each second), each with every
    // point the engine had settled at its values.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let mut in_a_row = 0;
    while in_a_row < 12 {
        if !seen
            .next(&mut rx, deadline, "a timeline that keeps up")
            .await
        {
            continue;
        }
        let newest = seen.timeline.points().last().map(|p| p.t_ms);
        let behind = newest.map(|t| now_ms() - t);
        if behind.is_some_and(|b| b <= OFFSET_MS + 2 * STEP_MS + 1_500) {
            in_a_row += 1;
        } else {
            in_a_row = 0;
        }
        // The engine had settled every point up to the ask's end less the offset.
        if let Some(end) = seen.last_end {
            let wrong = unsettled(&seen, end - OFFSET_MS);
            assert!(
                wrong.is_empty(),
                "provisional values never replaced: {wrong:?} (asked: {:?})",
                lag.lock().map(|l| l.ranges.clone()).unwrap_or_default()
            );
        }
    }
    assert!(seen.gaps.is_empty(), "no gap: {:?}", seen.gaps);
    assert!(
        seen.failures.is_empty(),
        "the stand-in never fails: {:?}",
        seen.failures
    );
    tasks.abort_all();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stretch_the_engine_never_answers_is_a_gap_until_it_does() {
    let (url, lag) = lagging_api::start(2_000, &error_marker()).await;
    let start = now_ms().div_euclid(STEP_MS) * STEP_MS;
    let hole = (start + 4 * STEP_MS, start + 6 * STEP_MS);
    if let Ok(mut l) = lag.lock() {
        l.holes.push(hole);
    }
    let rules = Rules {
        open_ms: 6_000,
        gap_retry_ms: 2_000,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _h = prometheus::spawn_with(&config(&url), settings(), rules, tx, &mut tasks);
    let mut seen = seen();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    // The gap grows point by point as they leave the open window.
    while !seen.gaps.iter().any(|g| g.to_ms >= hole.1) {
        seen.next(&mut rx, deadline, "the gap").await;
    }
    assert_eq!(
        seen.gaps,
        [Gap {
            from_ms: hole.0,
            to_ms: hole.1,
            reason: "no data from the API".into()
        }]
    );
    let inside: Vec<i64> = seen
        .timeline
        .points()
        .map(|p| p.t_ms)
        .filter(|t| (hole.0..=hole.1).contains(t))
        .collect();
    assert!(inside.is_empty(), "no point drawn in the gap: {inside:?}");
    // The engine answers the stretch now: the gap goes and its points are the settled ones.
    if let Ok(mut l) = lag.lock() {
        l.holes.clear();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !seen.gaps.is_empty() {
        seen.next(&mut rx, deadline, "the gap filled").await;
    }
    let filled: BTreeSet<i64> = seen
        .timeline
        .points()
        .filter(|p| (hole.0..=hole.1).contains(&p.t_ms))
        .map(|p| {
            assert_eq!(p.req_per_sec, truth(p.t_ms), "{p:?}");
            p.t_ms
        })
        .collect();
    assert!(
        seen.failures.is_empty(),
        "the stand-in never fails: {:?}",
        seen.failures
    );
    assert_eq!(
        filled,
        (hole.0..=hole.1).step_by(STEP_MS as usize).collect()
    );
    tasks.abort_all();
}
