//! Query mode against the quirks of Thanos and Mimir, answered by a loopback stand-in
//! ([`support::thanos_like`], whose docs name where each quirk is documented): the tenant
//! header reaches every endpoint and its absence is named; a missing targets list is no
//! error; a partial answer (a Thanos store down) is marked partial on every screen, or
//! fails when `partial_response = false`; a frontend that aligns `query_range` to the step
//! leaves the timeline whole and moving.

use crate::support;

use std::collections::BTreeSet;
use std::time::Duration;

use crossterm::event::KeyCode;
use mcptop::config::{PromEnv, PrometheusConfig};
use mcptop::model::profile::{Profile, ProfileChoice};
use mcptop::model::query_mode::{PromUpdate, Refresh};
use mcptop::sources::{Update, now_ms, prometheus};
use support::drive::{key, render};
use support::lagging_api::truth;
use support::query_source::{error_marker, refresh_where, row};
use support::thanos_like::{self, Quirks};
use tokio::sync::mpsc;

/// A Thanos store's error as its Querier words it in `warnings` (`pkg/store/proxy_merge.go`).
const STORE_DOWN: &str = "fetch series for {replica=\"b\"} 10.0.0.9:10901: rpc error: \
                          code = Unavailable desc = connection error";

fn settings(interval_ms: u64) -> prometheus::Settings {
    prometheus::Settings {
        // Named, so the stand-in need not answer detection (its queries are still sent).
        profile: ProfileChoice::Http,
        custom_profile: None,
        interval: Duration::from_millis(interval_ms),
        range: Duration::from_secs(20),
        history: Duration::from_secs(60),
        module_pattern: regex::Regex::new("^([^._]+)").expect("regex"),
        module_label: None,
        polling_paths: mcptop::model::profile::default_polling_paths(),
    }
}

/// The environment `url` with the extra TOML keys `extra`, read as a config file is.
fn env(url: &str, extra: &str) -> PromEnv {
    let text = format!(
        "[[environments]]\nname = \"production\"\nurl = \"{url}\"\nselector = 'job=\"mcp\"'\n{extra}\n"
    );
    let cfg =
        mcptop::config::Config::from_toml(&text, std::path::Path::new("q.toml")).expect("config");
    cfg.prometheus.environments[0].clone()
}

/// Starts the source on `env`; its updates.
fn spawn(
    env: PromEnv,
    interval_ms: u64,
    tasks: &mut tokio::task::JoinSet<()>,
) -> (mpsc::Receiver<Update>, prometheus::PromHandle) {
    let cfg = PrometheusConfig {
        environments: vec![env],
        start: None,
    };
    let (tx, rx) = mpsc::channel(64);
    let h = prometheus::spawn(&cfg, settings(interval_ms), tx, tasks);
    (rx, h)
}

/// Waits for the first profile result.
async fn profile_result(
    rx: &mut mpsc::Receiver<Update>,
) -> Result<Box<Profile>, mcptop::model::source_error::SourceError> {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv()).await {
            Ok(Some(Update::Prometheus(PromUpdate::Profile { result, .. }))) => return result,
            Ok(Some(_)) => {}
            other => panic!("no profile: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mimir_tenant_header_reaches_every_endpoint_and_no_targets_list_is_no_error() {
    let mut quirks = Quirks::mimir("platform", &error_marker());
    quirks.down = Some(("b:9464".into(), String::new()));
    let (url, state) = thanos_like::start(quirks).await;
    let mut tasks = tokio::task::JoinSet::new();
    let (mut rx, _h) = spawn(
        env(&url, "headers = { \"X-Scope-OrgID\" = \"platform\" }"),
        1_000,
        &mut tasks,
    );
    // Three refreshes with `b` down: each asks the targets list (404 at Mimir), and none
    // shows an error or a warning for it.
    for n in 0..3 {
        let r = refresh_where(&mut rx, 30, "b down", |r| {
            r.rows
                .iter()
                .any(|x| x.instance == "b:9464" && x.up == Some(false))
        })
        .await;
        let b = row(&r, "b:9464");
        assert!(b.last_error.is_empty(), "refresh {n}: {b:?}");
        assert!(r.warnings.is_empty(), "refresh {n}: {:?}", r.warnings);
        assert_eq!(row(&r, "a:9464").up, Some(true));
    }
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    let seen = thanos_like::seen(&state);
    let paths: BTreeSet<&str> = seen.iter().map(|s| s.path.as_str()).collect();
    // The engine probe, detection, the refreshes, the timeline and the targets list.
    for p in [
        "/api/v1/status/top_queries",
        "/api/v1/query",
        "/api/v1/query_range",
        "/api/v1/targets",
    ] {
        assert!(paths.contains(p), "{p} never asked: {paths:?}");
    }
    assert!(
        seen.iter()
            .any(|s| s.param("query").is_some_and(|q| q.starts_with("group by"))),
        "detection asked"
    );
    let without: Vec<_> = seen
        .iter()
        .filter(|s| s.tenant.as_deref() != Some("platform"))
        .collect();
    assert!(
        without.is_empty(),
        "requests without the tenant: {without:?}"
    );
    // Mimir is not VictoriaMetrics, and no Thanos parameter is sent unless configured.
    assert!(
        seen.iter()
            .all(|s| s.param("nocache").is_none() && s.param("partial_response").is_none())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mimir_without_a_tenant_names_the_missing_header() {
    let (url, state) = thanos_like::start(Quirks::mimir("platform", &error_marker())).await;
    let mut tasks = tokio::task::JoinSet::new();
    let (mut rx, _h) = spawn(env(&url, ""), 1_000, &mut tasks);
    // A named profile whose detection fails is still used: the refresh says why.
    let e = match profile_result(&mut rx).await {
        Ok(_) => refresh_error(&mut rx).await,
        Err(e) => e.to_string(),
    };
    assert!(
        e.starts_with("HTTP 401: no org id")
            && e.contains("no X-Scope-OrgID header")
            && e.contains("headers = { \"X-Scope-OrgID\" = \"<tenant>\" }"),
        "{e}"
    );
    tasks.abort_all();
    assert!(
        thanos_like::seen(&state)
            .iter()
            .any(|s| s.status == 401 && s.tenant.is_none())
    );
}

/// The first refresh error.
async fn refresh_error(rx: &mut mpsc::Receiver<Update>) -> String {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), rx.recv()).await {
            Ok(Some(Update::Prometheus(PromUpdate::Refresh { result: Err(e), .. }))) => {
                return e.to_string();
            }
            Ok(Some(_)) => {}
            other => panic!("no refresh error: {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thanos_partial_answer_is_marked_partial_on_the_fleet_and_the_drill_down() {
    let mut quirks = Quirks::thanos(&error_marker());
    quirks.store_down = Some(STORE_DOWN.into());
    let (url, state) = thanos_like::start(quirks).await;
    let mut tasks = tokio::task::JoinSet::new();
    let (mut rx, _h) = spawn(env(&url, ""), 1_000, &mut tasks);
    let r = refresh_where(&mut rx, 30, "a refresh", |r| !r.rows.is_empty()).await;
    tasks.abort_all();
    // Only the answering store's instance, and the store's error with it.
    assert_eq!(r.rows.len(), 1, "{:?}", r.rows);
    assert_eq!(r.warnings, [STORE_DOWN]);
    assert_eq!(
        mcptop::model::partial::first_partial(&r.warnings),
        Some(STORE_DOWN)
    );
    // Thanos' default: the parameter is not sent, the Querier's flag decides.
    assert!(
        thanos_like::seen(&state)
            .iter()
            .all(|s| s.param("partial_response").is_none())
    );

    // On screen: the header says PARTIAL on the fleet and on the instance's overview, and
    // the fleet names the store's error as partial data.
    let (mut app, now) = app_with(r);
    let fleet = render(&app, now, 120, 30);
    let header = fleet.lines().next().unwrap_or_default();
    assert!(header.contains("▲ PARTIAL answer"), "{fleet}");
    assert!(
        fleet.contains("▲ partial answer: fetch series for {replica=\"b\"}"),
        "{fleet}"
    );
    key(&mut app, now, KeyCode::Enter);
    let overview = render(&app, now, 120, 30);
    assert!(overview.contains("a:9464"), "drilled into a: {overview}");
    let header = overview.lines().next().unwrap_or_default();
    assert!(header.contains("▲ PARTIAL answer"), "{overview}");
}

/// An app in query mode that took `r` as its first refresh; the time to draw it at.
fn app_with(r: Refresh) -> (mcptop::app::App, i64) {
    let mut app = mcptop::app::App::new(support::fleet_fixture::config()).expect("app");
    app.audit = None;
    let t_ms = r.t_ms;
    app.apply(Update::Prometheus(PromUpdate::Profile {
        run: 0,
        result: Ok(Box::new(Profile::http())),
    }));
    app.apply(Update::Prometheus(PromUpdate::Refresh {
        run: 0,
        t_ms,
        result: Ok(Box::new(r)),
    }));
    (app, t_ms + 1_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thanos_partial_response_false_fails_the_query_instead() {
    let mut quirks = Quirks::thanos(&error_marker());
    quirks.store_down = Some(STORE_DOWN.into());
    let (url, state) = thanos_like::start(quirks).await;
    let mut tasks = tokio::task::JoinSet::new();
    let (mut rx, _h) = spawn(env(&url, "partial_response = false"), 1_000, &mut tasks);
    let e = refresh_error(&mut rx).await;
    tasks.abort_all();
    assert!(
        e.starts_with("execution: expanding series: fetch series for") && e.contains("(HTTP 422)"),
        "{e}"
    );
    // Sent with every query and range query, not elsewhere.
    for s in thanos_like::seen(&state) {
        let want = s.path.starts_with("/api/v1/query").then_some("false");
        assert_eq!(s.param("partial_response"), want, "{s:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thanos_targets_list_gives_a_down_instance_its_scrape_error() {
    let mut quirks = Quirks::thanos(&error_marker());
    let refused = "Get \"http://b:9464/metrics\": dial tcp: connect: connection refused";
    quirks.down = Some(("b:9464".into(), refused.into()));
    let (url, _state) = thanos_like::start(quirks).await;
    let mut tasks = tokio::task::JoinSet::new();
    let (mut rx, _h) = spawn(env(&url, ""), 1_000, &mut tasks);
    let r = refresh_where(&mut rx, 30, "b down with its error", |r| {
        r.rows
            .iter()
            .any(|x| x.instance == "b:9464" && !x.last_error.is_empty())
    })
    .await;
    tasks.abort_all();
    assert_eq!(row(&r, "b:9464").last_error, refused);
    assert_eq!(row(&r, "b:9464").up, Some(false));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_stays_whole_and_moving_behind_a_step_aligning_frontend() {
    const STEP_MS: i64 = 2_000;
    let (url, state) = thanos_like::start(Quirks::mimir("platform", &error_marker())).await;
    let mut tasks = tokio::task::JoinSet::new();
    let (mut rx, _h) = spawn(
        env(&url, "headers = { \"X-Scope-OrgID\" = \"platform\" }"),
        STEP_MS as u64,
        &mut tasks,
    );
    let mut timeline = mcptop::model::timeline::Timeline::new(60_000, STEP_MS);
    let mut newest_seen: Vec<i64> = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    // Five timeline updates whose newest point moved on each time.
    while newest_seen.len() < 5 {
        let u = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("the timeline stopped at {newest_seen:?}"))
            .expect("the source runs");
        match u {
            Update::Prometheus(PromUpdate::Timeline { total, replace, .. }) => {
                timeline.extend(&total, replace);
                let newest = timeline.points().last().map(|p| p.t_ms);
                if let Some(t) = newest
                    && newest_seen.last().is_none_or(|l| t > *l)
                {
                    newest_seen.push(t);
                }
            }
            Update::Prometheus(PromUpdate::TimelineGaps { gaps, .. }) => {
                assert!(gaps.is_empty(), "no gap: {gaps:?}");
            }
            Update::Prometheus(PromUpdate::TimelineFailed { error, .. }) => {
                panic!("the stand-in never fails: {error}")
            }
            _ => {}
        }
    }
    tasks.abort_all();
    // Every point where a step falls, at its value, none missing between the first and
    // the newest, and the newest close to now.
    let times: Vec<i64> = timeline.points().map(|p| p.t_ms).collect();
    for p in timeline.points() {
        assert_eq!(p.t_ms.rem_euclid(STEP_MS), 0, "{p:?}");
        assert_eq!(p.req_per_sec, truth(p.t_ms), "{p:?}");
    }
    let (first, last) = (times[0], times[times.len() - 1]);
    assert_eq!(
        times,
        (first..=last).step_by(STEP_MS as usize).collect::<Vec<_>>()
    );
    assert!(
        now_ms() - last <= 3 * STEP_MS,
        "newest {last}, now {}",
        now_ms()
    );
    // mcptop asks on the step's grid: the frontend's rounding moved nothing.
    for s in thanos_like::seen(&state)
        .iter()
        .filter(|s| s.path == "/api/v1/query_range")
    {
        for p in ["start", "end"] {
            let ms = s
                .param(p)
                .and_then(|v| v.parse::<f64>().ok())
                .map(|v| (v * 1000.0).round() as i64)
                .expect("a time");
            assert_eq!(ms.rem_euclid(STEP_MS), 0, "{p} of {s:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_says_when_the_answers_turn_partial_and_complete_again() {
    let mut quirks = Quirks::thanos(&error_marker());
    quirks.store_down = Some(STORE_DOWN.into());
    let (url, state) = thanos_like::start(quirks).await;
    let text = format!(
        "[target]\nprofile = \"http\"\n[scrape]\ninterval = \"1s\"\n[window]\nrange = \"20s\"\n\
         [prometheus]\nurl = \"{url}\"\nselector = 'job=\"mcp\"'\n"
    );
    let cfg =
        mcptop::config::Config::from_toml(&text, std::path::Path::new("q.toml")).expect("config");
    let opts = mcptop::watch::WatchOptions {
        duration: Duration::from_secs(10),
        criteria: Vec::new(),
        baseline: None,
        output: mcptop::watch::Output::Text,
    };
    // The store comes back once the watch has said the answers are partial.
    let healer = tokio::spawn({
        let state = state.clone();
        async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while tokio::time::Instant::now() < deadline {
                let answered = thanos_like::seen(&state)
                    .iter()
                    .filter(|s| s.path == "/api/v1/query")
                    .count();
                // Detection's two queries and four refreshes of one request each: the
                // watch has read a partial answer at several of its 1 s intervals.
                if answered >= 2 + 4 {
                    if let Ok(mut s) = state.lock() {
                        s.quirks.store_down = None;
                    }
                    return;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    });
    let mut out = Vec::new();
    mcptop::watch::run(cfg, opts, &mut out).await;
    let _ = healer.await;
    let out = String::from_utf8_lossy(&out);
    let partial = out
        .lines()
        .filter(|l| {
            l.contains(
                "warning: the API's answer is partial, its numbers may be low: fetch series for",
            )
        })
        .count();
    assert_eq!(partial, 1, "said once: {out}");
    assert!(
        out.contains("warning: the API's answer is complete again"),
        "{out}"
    );
}
