//! Query mode against a real Prometheus (Debian's 2.42) and a real VictoriaMetrics (1.79)
//! scraping three demo servers with different load, error and latency settings: the fleet
//! lists them with the right relative numbers, a killed server shows down with its scrape
//! error within two refresh intervals on both engines (VictoriaMetrics answers "now" as of
//! 30 s ago unless asked with `nocache=1`, which query mode detects and sends), a refresh
//! asks the same number of queries whatever the number of instances, the timeline is
//! backfilled at start, and API errors arrive in the API's words, on both engines.
//! Exporter profiles detected through either engine: `query_mode_detect.rs`.

use crate::support;

use std::collections::BTreeMap;
use std::time::Duration;

use mcptop::config::PrometheusConfig;
use mcptop::model::profile::ProfileKind;
use mcptop::model::promql_text::Promql;
use mcptop::model::query_mode::{Labels, PromUpdate};
use mcptop::sources::prometheus::refresh::{self, Queries};
use mcptop::sources::{Update, prometheus};
use mcptop_demo::DemoServer;
use support::prometheus::{Engine, Job, Prometheus};
use support::query_source::{env, refresh_where, row, settings};
use tokio::sync::mpsc;

async fn demo(rate: f64, error_ratio: f64, latency_ms: (u64, u64)) -> DemoServer {
    support::demo::start(rate, error_ratio, latency_ms).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_lists_each_instance_with_its_numbers_and_shows_a_dead_one_down() {
    fleet_numbers_and_a_dead_one_down(Engine::Prometheus).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_lists_each_instance_with_its_numbers_and_shows_a_dead_one_down_on_victoria_metrics()
{
    fleet_numbers_and_a_dead_one_down(Engine::VictoriaMetrics).await;
}

/// The refresh interval of the fleet test: a killed target must show down within two.
const REFRESH: Duration = Duration::from_secs(3);

/// The engines scrape every 500 ms, well inside [`REFRESH`].
const SCRAPE_MS: u64 = 500;

async fn fleet_numbers_and_a_dead_one_down(engine: Engine) {
    // busy: many calls, few errors, fast; flaky: few calls, many errors; slow: slow calls.
    let busy = demo(40.0, 0.01, (20, 200)).await;
    let flaky = demo(8.0, 0.4, (20, 200)).await;
    let slow = demo(15.0, 0.01, (1500, 4000)).await;
    let addrs = [busy.addr, flaky.addr, slow.addr].map(|a| a.to_string());
    let Some(prom) = Prometheus::start_engine(
        engine,
        &[
            Job {
                name: "mcp",
                targets: addrs.to_vec(),
            },
            Job {
                name: "other",
                targets: vec![busy.addr.to_string()],
            },
        ],
        SCRAPE_MS,
    ) else {
        return;
    };
    let cfg = PrometheusConfig {
        environments: vec![env("production", &prom.url(), "job=\"mcp\"")],
        start: None,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let every_3s = prometheus::Settings {
        interval: REFRESH,
        ..settings()
    };
    let handle = prometheus::spawn(&cfg, every_3s, tx, &mut tasks);
    // As the By-tool table in view: the four per-tool queries are asked too.
    handle.show_tools(true).expect("the source runs");

    // The profile is detected from the series the selector finds.
    let profile = loop {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(Update::Prometheus(PromUpdate::Profile { result: Ok(p), .. }))) => break p,
            Ok(Some(_)) => {}
            other => panic!("no profile: {other:?}"),
        }
    };
    assert_eq!(profile.kind, ProfileKind::OtelMcp);
    let profiled = tokio::time::Instant::now();

    let [b, f, s] = &addrs;
    // The comparisons need full windows: the series are young for `range` (20 s) after
    // the first scrapes, which the profile follows, and an error series that appears with
    // its first error shows no rate until its second sample. Under load the first numbers
    // can come from a window of a few seconds, where the flaky server may not have failed
    // yet (its ratio then reads 0).
    let full_window = settings().range + Duration::from_secs(3);
    let r = refresh_where(&mut rx, 60, "three instances with full windows", |r| {
        profiled.elapsed() >= full_window
            && r.rows.len() == 3
            && r.rows
                .iter()
                .all(|x| x.req_per_sec.is_some_and(|v| v > 0.0) && x.p95.is_some())
    })
    .await;
    // Only the selector's targets: job="other" is not listed twice.
    assert_eq!(r.rows.iter().filter(|x| &x.instance == b).count(), 1);
    assert!(r.rows.iter().all(|x| x.job == "mcp" && x.up == Some(true)));
    let (busy_row, flaky_row, slow_row) = (row(&r, b), row(&r, f), row(&r, s));
    assert!(
        busy_row.req_per_sec > flaky_row.req_per_sec,
        "busy serves more: {busy_row:?} vs {flaky_row:?}"
    );
    assert!(
        flaky_row.error_ratio > busy_row.error_ratio,
        "flaky fails more: {flaky_row:?} vs {busy_row:?}"
    );
    assert!(
        slow_row.p95 > busy_row.p95,
        "slow is slower: {slow_row:?} vs {busy_row:?}"
    );
    assert!(slow_row.p99 >= slow_row.p95);
    // The total is the sum of the instances.
    let sum: f64 = r.rows.iter().filter_map(|x| x.req_per_sec).sum();
    let total = r.total.req_per_sec.expect("total");
    // Two queries at the same instant: a scrape committed between them may show in one
    // only, hence the 1 %.
    assert!((total - sum).abs() <= 0.01 * total, "{total} vs {sum}");
    // Each instance has its own tiles and modules for the drill-down.
    assert!(!r.per_instance[b].modules.is_empty());
    // Tools by their numbers: a row per tool of the whole selector, from one query per
    // column, whose calls add up to the modules' (the same by-tool answer).
    let tools = &r.total.tools;
    assert!(tools.len() >= 10, "{engine:?}: {tools:?}");
    let calls: f64 = tools.iter().map(|t| t.per_sec).sum();
    let modules: f64 = r.total.modules.iter().map(|m| m.per_sec).sum();
    assert!(
        (calls - modules).abs() <= 1e-9 * modules,
        "{calls} vs {modules}"
    );
    assert!(
        tools
            .iter()
            .any(|t| t.latency.p95.is_some() && t.top_error().is_some()),
        "{engine:?}: quantiles and error types by tool: {tools:?}"
    );

    // The numbers are fresh: the newest sample the answer holds (the header's age) is
    // within a few scrapes of the refresh, on VictoriaMetrics too (nocache=1 detected).
    let newest = r.newest_sample_ms.expect("sample times in the answer");
    assert!(
        r.t_ms - newest < 3 * SCRAPE_MS as i64 + 1_000,
        "{engine:?}: newest sample {} ms before the refresh",
        r.t_ms - newest
    );

    // Kill one: it turns down with the engine's scrape error within two refresh intervals.
    slow.shutdown().await;
    let killed = tokio::time::Instant::now();
    let r = refresh_where(&mut rx, 60, "the slow server down", |r| {
        r.rows
            .iter()
            .any(|x| &x.instance == s && x.up == Some(false))
    })
    .await;
    let down_after = killed.elapsed();
    // Shown with `--nocapture`; the README quotes these.
    eprintln!("{engine:?}: DOWN shown {down_after:?} after the kill (refresh every {REFRESH:?})");
    assert!(
        down_after <= 2 * REFRESH,
        "{engine:?}: DOWN after {down_after:?}, more than two refresh intervals"
    );
    let dead = row(&r, s);
    assert!(
        dead.last_error.contains("connection refused"),
        "the scrape error: {dead:?}"
    );
    assert_eq!(row(&r, b).up, Some(true));
    // No row says up beside a scrape error.
    assert!(
        r.rows
            .iter()
            .all(|x| x.up != Some(true) || x.last_error.is_empty()),
        "{:?}",
        r.rows
    );
    // Query mode found out which engine it reads: nocache=1 goes to VictoriaMetrics only.
    let client = prometheus::client::PromClient::new(&cfg.environments[0]).expect("client");
    assert_eq!(
        prometheus::engine::wants_nocache(&client, &cfg.environments[0]).await,
        engine == Engine::VictoriaMetrics
    );

    // One refresh is one request (a combined query: the tiles and the latency buckets by
    // instance, `up` and its sample times, and the 2 per-tool parts while they are shown;
    // the quantiles are taken from the buckets), for three instances as for one, counted
    // by the engine itself. The source is stopped so that only the refreshes asked here
    // are counted.
    tasks.abort_all();
    while tasks.join_next().await.is_some() {}
    // As the source makes it: probed, VictoriaMetrics known.
    let client = prometheus::engine::fresh(
        prometheus::client::PromClient::new(&cfg.environments[0]).expect("client"),
        &cfg.environments[0],
    )
    .await;
    assert_eq!(client.victoria_metrics, engine == Engine::VictoriaMetrics);
    for (selector, instances) in [("job=\"mcp\"", 3), ("job=\"other\"", 1)] {
        let sel = mcptop::config::prometheus::parse_selector(selector).expect("selector");
        let q = Queries::new(Promql::new(&profile, &sel, 20_000), sel);
        for with_tools in [false, true] {
            let before = prom.query_requests_settled().await;
            // Five seconds ago, so that the engine's own answers below see the same
            // samples (VictoriaMetrics makes a sample searchable a second or two after
            // it took it).
            let t_ms = mcptop::sources::now_ms() - 5_000;
            let answers = refresh::refresh(&client, &q, t_ms, with_tools)
                .await
                .expect("a refresh");
            let after = prom.query_requests_settled().await;
            assert_eq!(answers.up.len(), instances, "{selector}");
            assert_eq!(
                after - before,
                1.0,
                "{selector}, tool columns {with_tools}: one refresh, one request"
            );
            if instances == 3 {
                assert_eq!(!answers.tools.p95.is_empty(), with_tools, "{selector}");
            }
            if instances == 3 && with_tools {
                quantiles_agree(&prom, &q, &answers, t_ms, engine).await;
            }
        }
    }
    busy.shutdown().await;
    flaky.shutdown().await;
}

/// The quantiles a refresh took from the buckets equal the engine's own
/// `histogram_quantile` at the same instant: the whole selector's, each instance's and each
/// tool's P50, P95 and P99. (On VictoriaMetrics, whose `histogram_quantile` is MetricsQL's
/// own, the refresh asks the engine for them: taken from the buckets with Prometheus'
/// formula, the whole selector's P50 of the demo read 0.0332 s against its 0.0370 s.)
async fn quantiles_agree(
    prom: &Prometheus,
    q: &Queries,
    answers: &mcptop::model::query_mode::Answers,
    t_ms: i64,
    engine: Engine,
) {
    let close = |ours: f64, theirs: f64| (ours - theirs).abs() <= 1e-9 * theirs.abs().max(1e-9);
    let by = |v: &Vec<(Labels, f64)>, label: &str| -> BTreeMap<String, f64> {
        v.iter()
            .map(|(l, x)| (l.get(label).cloned().unwrap_or_default(), *x))
            .collect()
    };
    let cases = [
        (
            0.5,
            &answers.total.p50,
            &answers.by_instance.p50,
            &answers.tools.p50,
        ),
        (
            0.95,
            &answers.total.p95,
            &answers.by_instance.p95,
            &answers.tools.p95,
        ),
        (
            0.99,
            &answers.total.p99,
            &answers.by_instance.p99,
            &answers.tools.p99,
        ),
    ];
    for (quantile, total, by_instance, tools) in cases {
        let exprs = [
            (q.total.quantile(quantile), total, "instance"),
            (q.by_instance.quantile(quantile), by_instance, "instance"),
            (q.total.tool_quantile(quantile), tools, "gen_ai_tool_name"),
        ];
        for (expr, ours, label) in exprs {
            let expr = expr.expect("a histogram");
            let theirs = by(&prom.vector(&expr, t_ms).await, label);
            let ours = by(ours, label);
            assert!(!theirs.is_empty(), "{engine:?}: {expr}");
            for (key, theirs) in &theirs {
                if theirs.is_nan() {
                    assert!(ours.get(key).is_none_or(|x| x.is_nan()), "{engine:?} {key}");
                    continue;
                }
                let ours = ours.get(key).copied().unwrap_or(f64::NAN);
                assert!(
                    close(ours, *theirs),
                    "{engine:?} {expr} {key}: ours {ours}, the engine's {theirs}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_is_backfilled_from_query_range_at_start() {
    backfilled_at_start(Engine::Prometheus).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeline_is_backfilled_from_query_range_at_start_on_victoria_metrics() {
    backfilled_at_start(Engine::VictoriaMetrics).await;
}

async fn backfilled_at_start(engine: Engine) {
    let server = demo(20.0, 0.1, (20, 200)).await;
    let Some(prom) = Prometheus::start_engine(
        engine,
        &[Job {
            name: "mcp",
            targets: vec![server.addr.to_string()],
        }],
        1000,
    ) else {
        return;
    };
    // Let the engine gather some history before mcptop starts (Prometheus' first scrape
    // comes up to 5 s after it is ready: the discovery reload interval). VictoriaMetrics
    // answers a `query_range` point newer than its `-search.latencyOffset` (30 s) with a
    // copy of the last older point of the same answer, and leaves it out when there is
    // none (`nocache=1` or not): its history must reach beyond the offset, or the backfill
    // is empty.
    let scrapes = match engine {
        Engine::Prometheus => 8,
        Engine::VictoriaMetrics => 40,
    };
    prom.wait_for_scrapes("mcp", "60s", scrapes, Duration::from_secs(90))
        .await;
    let cfg = PrometheusConfig {
        environments: vec![env("p", &prom.url(), "job=\"mcp\"")],
        start: None,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _handle = prometheus::spawn(&cfg, settings(), tx, &mut tasks);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let u = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("timeline points in time")
            .expect("source runs");
        if let Update::Prometheus(PromUpdate::Timeline {
            total,
            instances,
            tools,
            replace: true,
            ..
        }) = u
        {
            assert!(
                total.iter().filter(|p| p.req_per_sec > 0.0).count() >= 3,
                "{engine:?}: history from before the start: {total:?}"
            );
            assert!(
                total.iter().any(|p| p.err_per_sec > 0.0),
                "{engine:?}: {total:?}"
            );
            assert_eq!(instances.len(), 1);
            // Each tool's sparkline from the same backfill, one range query for all.
            assert!(tools.len() >= 10, "{engine:?}: {tools:?}");
            assert!(
                tools
                    .values()
                    .any(|p| p.iter().filter(|x| x.1 > 0.0).count() >= 3),
                "{engine:?}: {tools:?}"
            );
            break;
        }
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_arrive_in_the_apis_words() {
    api_errors_in_the_apis_words(Engine::Prometheus).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_arrive_in_the_apis_words_on_victoria_metrics() {
    api_errors_in_the_apis_words(Engine::VictoriaMetrics).await;
}

async fn api_errors_in_the_apis_words(engine: Engine) {
    let Some(prom) = Prometheus::start_engine(
        engine,
        &[Job {
            name: "closed",
            targets: vec!["127.0.0.1:1".into()],
        }],
        1000,
    ) else {
        return;
    };
    // A selector matching nothing: the profile cannot be detected, and says why.
    let cfg = PrometheusConfig {
        environments: vec![env("p", &prom.url(), "job=\"nothing\"")],
        start: None,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _a = prometheus::spawn(&cfg, settings(), tx.clone(), &mut tasks);
    match tokio::time::timeout(Duration::from_secs(20), rx.recv()).await {
        Ok(Some(Update::Prometheus(PromUpdate::Profile { result: Err(e), .. }))) => {
            let e = e.to_string();
            assert!(
                e.contains("job=\"nothing\"") && e.contains("check the selector"),
                "{e}"
            );
        }
        other => panic!("expected a profile error: {other:?}"),
    }
    tasks.abort_all();

    // Without a profile the fleet still shows which targets are up: the closed port down,
    // with the engine's scrape error (both serve `/api/v1/targets` with `lastError`).
    let cfg = PrometheusConfig {
        environments: vec![env("p", &prom.url(), "job=\"closed\"")],
        start: None,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _c = prometheus::spawn(&cfg, settings(), tx, &mut tasks);
    let r = refresh_where(&mut rx, 30, "the closed target down", |r| {
        r.rows
            .first()
            .is_some_and(|x| x.up == Some(false) && !x.last_error.is_empty())
    })
    .await;
    assert!(
        r.rows[0].last_error.contains("connection refused"),
        "{engine:?}: {:?}",
        r.rows
    );
    tasks.abort_all();

    // A wrong path: the engine's own text, not a JSON error. Prometheus answers 404;
    // VictoriaMetrics 400 with the request's address and URI ("unsupported path
    // requested" comes after them, past what the error line keeps).
    let cfg = PrometheusConfig {
        environments: vec![env("p", &format!("{}/not-here", prom.url()), "")],
        start: None,
    };
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = tokio::task::JoinSet::new();
    let _b = prometheus::spawn(&cfg, settings(), tx, &mut tasks);
    match tokio::time::timeout(Duration::from_secs(20), rx.recv()).await {
        Ok(Some(Update::Prometheus(PromUpdate::Profile { result: Err(e), .. }))) => match engine {
            Engine::Prometheus => {
                assert_eq!(e.http_code(), Some(404), "{e}");
                assert!(e.to_string().starts_with("HTTP 404"), "{e}");
            }
            Engine::VictoriaMetrics => assert!(
                e.to_string().starts_with("HTTP 400: remoteAddr: ")
                    && e.to_string().contains("requestURI: /not-here/api/v1/query"),
                "{e}"
            ),
        },
        other => panic!("{engine:?}: expected the wrong path's error: {other:?}"),
    }

    // A query the engine refuses: its errorType and message. Prometheus says `bad_data`
    // with HTTP 400; VictoriaMetrics puts its status, 422, in errorType.
    let client = prometheus::client::PromClient::new(&env("p", &prom.url(), "")).expect("client");
    let e = client
        .query("sum(rate(x[5m])", mcptop::sources::now_ms())
        .await
        .expect_err("a parse error")
        .to_string();
    let (prefix, suffix) = match engine {
        Engine::Prometheus => ("bad_data: ", "(HTTP 400)"),
        Engine::VictoriaMetrics => ("422: error when executing query=", "(HTTP 422)"),
    };
    assert!(e.starts_with(prefix) && e.ends_with(suffix), "{e}");
}

/// What the recording API saw: each request's headers.
type Seen = std::sync::Arc<std::sync::Mutex<Vec<axum::http::HeaderMap>>>;

async fn recording_api(
    axum::extract::State(seen): axum::extract::State<Seen>,
    headers: axum::http::HeaderMap,
) -> (axum::http::StatusCode, String) {
    if let Ok(mut s) = seen.lock() {
        s.push(headers);
    }
    (
        axum::http::StatusCode::UNAUTHORIZED,
        "no org id\n".to_string(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tenant_header_and_token_reach_the_api_and_never_the_error() {
    let seen: Seen = Default::default();
    let app = axum::Router::new()
        .fallback(recording_api)
        .with_state(seen.clone());
    let addr = support::serve::serve(app).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "planted-mimir-token-7f3a\n").expect("token file");
    let text = format!(
        "[[environments]]\nname = \"production\"\nurl = \"http://{addr}/prometheus\"\n\
         headers = {{ \"X-Scope-OrgID\" = \"platform\" }}\nbearer_token_file = \"{}\"\n",
        token_file.display()
    );
    let cfg =
        mcptop::config::Config::from_toml(&text, std::path::Path::new("q.toml")).expect("config");
    let client =
        prometheus::client::PromClient::new(&cfg.prometheus.environments[0]).expect("client");
    let e = client
        .query("up", mcptop::sources::now_ms())
        .await
        .expect_err("401");
    assert_eq!(e.http_code(), Some(401));
    assert_eq!(e.to_string(), "HTTP 401: no org id");
    let debug = format!("{client:?} {:?}", cfg.prometheus.environments[0]);
    assert!(!debug.contains("planted"), "{debug}");
    let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let h = seen.first().expect("a request");
    assert_eq!(
        h.get("x-scope-orgid").and_then(|v| v.to_str().ok()),
        Some("platform")
    );
    assert_eq!(
        h.get("authorization").and_then(|v| v.to_str().ok()),
        Some("Bearer planted-mimir-token-7f3a")
    );
}
