//! `mcptop watch`, the real binary, against demo servers whose error rate and latency the
//! tests change mid-run: exit codes, the first failing interval, and JSON lines that parse.

use crate::support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};
use serde_json::Value;
use support::prometheus::{Engine, Job, Prometheus};
use support::watching::{Watching, judged_ok, lines_and_exit};
use tokio::process::{Child, Command};

async fn demo(error_ratio: f64, latency_ms: (u64, u64)) -> DemoServer {
    DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: true,
            rate_per_sec: 30.0,
            error_ratio,
            latency_ms,
            bursts: false,
        },
    })
    .await
    .expect("demo server starts")
}

/// `mcptop watch ARGS` with its own empty config and state dirs.
fn watch(args: &[&str], dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mcptop"))
        .arg("watch")
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("MCPTOP_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("mcptop watch starts")
}

/// `mcptop watch --output json` of `server` every second over a `window` rate window for
/// `duration`, with `criteria` as `--fail-if`s.
fn watch_json(
    server: &DemoServer,
    window: &str,
    duration: &str,
    criteria: &[&str],
    dir: &std::path::Path,
) -> Child {
    let url = format!("http://{}", server.addr);
    let mut args = vec![
        "--target",
        &url,
        "--interval",
        "1s",
        "--window",
        window,
        "--duration",
        duration,
        "--output",
        "json",
    ];
    for c in criteria {
        args.extend(["--fail-if", c]);
    }
    watch(&args, dir)
}

fn json(lines: &[(Instant, String)]) -> Vec<Value> {
    lines
        .iter()
        .map(|(_, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

fn kinds(v: &[Value]) -> Vec<&str> {
    v.iter()
        .map(|x| x["kind"].as_str().unwrap_or("?"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_healthy_window_exits_0_with_one_json_line_per_interval() {
    let server = demo(0.01, (20, 200)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    // Judged from +5s (the whole 5s window), for three intervals or more.
    let child = watch_json(
        &server,
        "5s",
        "8s",
        &["error_rate > 30%", "p95 > 3s for 2s"],
        dir.path(),
    );
    let (lines, code, stderr) = lines_and_exit(child, Duration::from_secs(30)).await;
    assert_eq!(code, 0, "{stderr}\n{lines:?}");
    let v = json(&lines);
    let k = kinds(&v);
    assert_eq!(k.first(), Some(&"start"));
    assert_eq!(k.last(), Some(&"end"));
    assert!(k.iter().filter(|x| **x == "interval").count() >= 5, "{k:?}");
    assert_eq!(v[0]["criteria"][1]["criterion"], "p95 > 3s for 2s");
    assert_eq!(v[0]["criteria"][1]["for"], "2s");
    assert_eq!(v[0]["judging_from_s"], 5.0);
    let name = server.addr.to_string();
    assert_eq!(v[0]["targets"][0], name.as_str());
    assert!(
        v.iter()
            .filter(|x| x["kind"] == "interval")
            .all(|x| x["target"] == name.as_str()),
        "{v:?}"
    );
    let last_interval = &v[v.len() - 2];
    assert!(
        last_interval["rps"].as_f64().is_some_and(|r| r > 5.0),
        "{last_interval}"
    );
    // One slow scrape on a loaded machine may show `source_failing`; never a breach.
    assert_ne!(last_interval["status"], "breached", "{last_interval}");
    assert_eq!(last_interval["up"], 1.0);
    let end = v.last().expect("end");
    assert_eq!(
        (end["result"].as_str(), end["exit_code"].as_i64()),
        (Some("healthy"), Some(0))
    );
    assert!(end["first_failing"].is_null());
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_rising_mid_run_exit_1_at_the_first_failing_interval() {
    let server = demo(0.0, (20, 200)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut watching = Watching::new(watch_json(
        &server,
        "3s",
        "60s",
        &["error_rate > 40%"],
        dir.path(),
    ));
    watching
        .until("a healthy interval", Duration::from_secs(30), judged_ok)
        .await;
    let changed = chrono::Utc::now();
    server.set_error_ratio(0.95);
    let (lines, code, stderr) = watching.finish(Duration::from_secs(40)).await;
    assert_eq!(code, 1, "{stderr}\n{lines:?}");
    let v = json(&lines);
    let intervals: Vec<&Value> = v.iter().filter(|x| x["kind"] == "interval").collect();
    let t = |x: &Value| {
        chrono::DateTime::parse_from_rfc3339(x["t"].as_str().expect("t")).expect("rfc3339")
    };
    // Healthy before the change; the first breached interval is the last one, after it,
    // and the end line names it.
    let first = intervals
        .iter()
        .position(|x| x["status"] == "breached")
        .expect("a breached interval");
    assert_eq!(
        first,
        intervals.len() - 1,
        "the watch ends at the first breach"
    );
    assert!(t(intervals[first]) >= changed, "breached before the change");
    for x in &intervals[..first] {
        if t(x) < changed {
            assert_ne!(x["status"], "breached", "{x}");
        }
    }
    let end = v.last().expect("end");
    assert_eq!(end["exit_code"], 1);
    assert_eq!(end["first_failing"]["t"], intervals[first]["t"]);
    assert_eq!(end["first_failing"]["breached"][0], "error_rate > 40%");
    assert!(
        intervals[first]["error_ratio"]
            .as_f64()
            .is_some_and(|e| e > 0.4)
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_calls_breach_only_after_holding_for_their_duration() {
    let server = demo(0.0, (20, 100)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut watching = Watching::new(watch_json(
        &server,
        "3s",
        "60s",
        &["p95 > 1s for 3s"],
        dir.path(),
    ));
    watching
        .until("a healthy interval", Duration::from_secs(30), judged_ok)
        .await;
    server.set_latency_ms(1500, 2500);
    let (lines, code, stderr) = watching.finish(Duration::from_secs(50)).await;
    assert_eq!(code, 1, "{stderr}\n{lines:?}");
    let v = json(&lines);
    let intervals: Vec<&Value> = v.iter().filter(|x| x["kind"] == "interval").collect();
    let state = |x: &Value| {
        x["criteria"][0]["state"]
            .as_str()
            .unwrap_or("?")
            .to_string()
    };
    let first_pending = intervals
        .iter()
        .position(|x| state(x) == "pending")
        .expect("pending before breached");
    let breached = intervals.len() - 1;
    assert_eq!(state(intervals[breached]), "breached");
    let secs = |x: &Value| x["elapsed_s"].as_f64().expect("elapsed");
    assert!(
        secs(intervals[breached]) - secs(intervals[first_pending]) >= 2.5,
        "held for its 3s: {:?}",
        intervals
    );
    assert_eq!(
        intervals[breached]["criteria"][0]["since"],
        intervals[first_pending]["criteria"][0]["since"]
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_target_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = support::peers::free_port();
    let child = watch(
        &[
            "--target",
            &format!("http://127.0.0.1:{port}"),
            "--interval",
            "500ms",
            "--duration",
            "30s",
        ],
        dir.path(),
    );
    let (lines, code, stderr) = lines_and_exit(child, Duration::from_secs(20)).await;
    assert_eq!(code, 2, "{stderr}\n{lines:?}");
    let last = &lines.last().expect("a summary").1;
    assert!(last.starts_with("unreachable after"), "{last}");
    assert!(last.contains("first failing interval"), "{last}");
    assert!(
        lines.iter().any(|(_, l)| l.contains("source failing")),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_target_without_request_metrics_is_not_called_healthy() {
    // Answers /metrics and /health, but with no metric a profile knows.
    let app = axum::Router::new()
        .route(
            "/metrics",
            axum::routing::get(|| async { "# TYPE up gauge\nup 1\n" }),
        )
        .route(
            "/health",
            axum::routing::get(|| async { "{\"status\":\"ok\"}" }),
        );
    let addr = support::serve::serve(app).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let child = watch(
        &[
            "--target",
            &format!("http://{addr}"),
            "--interval",
            "1s",
            "--window",
            "2s",
            "--duration",
            "3s",
        ],
        dir.path(),
    );
    let (lines, code, stderr) = lines_and_exit(child, Duration::from_secs(20)).await;
    assert_eq!(code, 2, "{stderr}\n{lines:?}");
    let last = &lines.last().expect("a summary").1;
    assert!(
        last.contains("never judged") && last.contains("no known request metric"),
        "{last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_exit_3_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (args, says) in [
        (
            vec![
                "--target",
                "http://127.0.0.1:9",
                "--fail-if",
                "latency > 2s",
            ],
            "is not a metric",
        ),
        (
            vec!["--target", "http://127.0.0.1:9", "--duration", "soon"],
            "soon",
        ),
        (
            vec!["--target", "http://127.0.0.1:9", "--baseline", "5m"],
            "--baseline needs query mode",
        ),
        (vec!["--fail-if", "p95 > 2s"], "nothing to watch"),
        (
            vec![
                "--target",
                "http://127.0.0.1:9",
                "--fail-if",
                "p95 > 2x baseline",
            ],
            "add --baseline",
        ),
        (
            vec![
                "--target",
                "http://127.0.0.1:9",
                "--fail-if",
                "error_rate > 5",
            ],
            "did you mean 5%?",
        ),
        (
            // Judging begins once the rate window holds 30s: a 20s watch judges nothing.
            vec!["--target", "http://127.0.0.1:9", "--duration", "20s"],
            "ends before any target can be judged",
        ),
    ] {
        let (lines, code, stderr) =
            lines_and_exit(watch(&args, dir.path()), Duration::from_secs(20)).await;
        assert_eq!(code, 3, "{args:?}: {stderr} {lines:?}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_mode_compares_with_the_baseline_window_before_the_watch() {
    baseline_then_breach(Engine::Prometheus).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_mode_compares_with_the_baseline_window_before_the_watch_on_victoria_metrics() {
    baseline_then_breach(Engine::VictoriaMetrics).await;
}

/// `watch --prometheus --baseline 15s` against `engine`: the baseline comes from the fast
/// calls before the watch, and slow calls then breach `p95 > 3x baseline`.
async fn baseline_then_breach(engine: Engine) {
    let server = demo(0.0, (100, 150)).await;
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
    // Twenty seconds of history for the baseline.
    let deadline = Instant::now() + Duration::from_secs(60);
    while prom
        .scrape_times("mcp", "60s", mcptop::sources::now_ms())
        .await
        .len()
        < 20
    {
        assert!(Instant::now() < deadline, "{engine:?} never scraped");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let child = watch(
        &[
            "--prometheus",
            &prom.url(),
            "--selector",
            "job=\"mcp\"",
            "--interval",
            "1s",
            "--window",
            "5s",
            "--baseline",
            "15s",
            "--duration",
            "60s",
            "--fail-if",
            "p95 > 3x baseline",
            "--output",
            "json",
        ],
        dir.path(),
    );
    let mut watching = Watching::new(child);
    watching
        .until("a healthy interval", Duration::from_secs(30), judged_ok)
        .await;
    server.set_latency_ms(2000, 3000);
    let (lines, code, stderr) = watching.finish(Duration::from_secs(50)).await;
    assert_eq!(code, 1, "{stderr}\n{lines:?}");
    let v = json(&lines);
    let base = v[0]["baseline"]["p95_s"].as_f64().expect("a baseline P95");
    assert!(
        base > 0.05 && base < 0.5,
        "baseline from the fast calls: {base}"
    );
    let end = v.last().expect("end");
    let breached = end["first_failing"]["breached"][0]
        .as_str()
        .expect("breached");
    assert!(breached.starts_with("p95 > "), "{breached}");
    let failing = v
        .iter()
        .rev()
        .find(|x| x["kind"] == "interval")
        .expect("interval");
    assert!(
        failing["p95_s"].as_f64().is_some_and(|p| p > 3.0 * base),
        "{failing}"
    );
    assert_eq!(failing["up"], 1.0);
    server.shutdown().await;
}

/// A valid otel-mcp `/metrics` (ten calls so far) and a `/health` that answers 200
/// `{"status":"unhealthy"}`, on a loopback port.
async fn unhealthy_server() -> std::net::SocketAddr {
    const METRICS: &str = "\
# TYPE mcp_server_operation_duration_seconds histogram
mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/call\",le=\"0.1\"} 6
mcp_server_operation_duration_seconds_bucket{mcp_method_name=\"tools/call\",le=\"+Inf\"} 10
mcp_server_operation_duration_seconds_sum{mcp_method_name=\"tools/call\"} 1.5
mcp_server_operation_duration_seconds_count{mcp_method_name=\"tools/call\"} 10
";
    let app = axum::Router::new()
        .route("/metrics", axum::routing::get(|| async { METRICS }))
        .route(
            "/health",
            axum::routing::get(|| async { "{\"status\":\"unhealthy\"}" }),
        );
    support::serve::serve(app).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unhealthy_health_check_is_a_failing_source_and_exits_2() {
    let addr = unhealthy_server().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let child = watch(
        &[
            "--target",
            &format!("http://{addr}"),
            "--interval",
            "500ms",
            "--duration",
            "30s",
        ],
        dir.path(),
    );
    let (lines, code, stderr) = lines_and_exit(child, Duration::from_secs(25)).await;
    assert_eq!(code, 2, "{stderr}\n{lines:?}");
    let health_error = format!("http://{addr}/health: says status \"unhealthy\"");
    // The scrape works (the target is not unreachable); its /health says it is unhealthy.
    let intervals: Vec<&str> = lines[1..lines.len() - 1]
        .iter()
        .map(|(_, l)| l.as_str())
        .collect();
    assert!(
        intervals.iter().any(|l| l.contains("up 0/1")),
        "{intervals:?}"
    );
    assert!(
        intervals
            .iter()
            .any(|l| l.contains(&format!("source failing: {health_error}"))),
        "{intervals:?}"
    );
    assert!(
        !intervals.iter().any(|l| l.contains("/metrics:")),
        "the scrape itself never failed: {intervals:?}"
    );
    let last = &lines.last().expect("a summary").1;
    assert!(last.starts_with("unreachable after"), "{last}");
    assert!(
        last.contains(&format!("source failing: {health_error}")),
        "{last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_at_3_percent_errors_never_breaches_the_rollback_criteria() {
    // The rollback criteria (error_rate > 10%, p95 > 5s) against a demo at 3 % errors:
    // one second of data once read above 10 %; nothing is judged before the 5m window
    // holds 30s, and 30s of 20 calls a second never come near 10 %.
    let server = DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: true,
            rate_per_sec: 20.0,
            error_ratio: 0.03,
            latency_ms: (20, 200),
            bursts: false,
        },
    })
    .await
    .expect("demo server starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("http://{}", server.addr);
    let child = watch(
        &[
            "--target",
            &url,
            "--interval",
            "1s",
            "--duration",
            "40s",
            "--output",
            "json",
        ],
        dir.path(),
    );
    let (lines, code, stderr) = lines_and_exit(child, Duration::from_secs(90)).await;
    let v = json(&lines);
    assert_eq!(code, 0, "{stderr}\n{v:?}");
    assert_eq!(v[0]["judging_from_s"], 30.0, "{}", v[0]);
    let intervals: Vec<&Value> = v.iter().filter(|x| x["kind"] == "interval").collect();
    assert!(
        intervals.iter().all(|x| x["status"] != "breached"),
        "{intervals:?}"
    );
    // Warming up first, each interval saying how much data it holds and when judging begins.
    let range = |x: &Value| x["range_s"].as_f64().unwrap_or(0.0);
    for x in intervals.iter().take(5) {
        assert_eq!(x["status"], "warming_up", "{x}");
        assert_eq!(x["judging_from_s"], 30.0, "{x}");
        assert!(range(x) < 30.0, "{x}");
        assert_eq!(x["criteria"], serde_json::json!([]), "{x}");
    }
    // Then judged, on 30s of data or more.
    let judged: Vec<&&Value> = intervals
        .iter()
        .filter(|x| x["status"] != "warming_up")
        .collect();
    assert!(!judged.is_empty(), "never judged: {intervals:?}");
    for x in &judged {
        assert!(range(x) >= 30.0, "{x}");
        assert_eq!(x["criteria"][0]["criterion"], "error_rate > 10%", "{x}");
    }
    let end = v.last().expect("end");
    assert_eq!(end["result"], "healthy", "{end}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_targets_are_judged_apart_and_the_failing_one_is_named() {
    let a = demo(0.01, (20, 200)).await;
    let b = demo(0.5, (20, 200)).await;
    let (url_a, url_b) = (format!("http://{}", a.addr), format!("http://{}", b.addr));
    let (name_a, name_b) = (a.addr.to_string(), b.addr.to_string());
    let dir = tempfile::tempdir().expect("tempdir");
    let child = watch(
        &[
            "--target",
            &url_a,
            "--target",
            &url_b,
            "--interval",
            "1s",
            "--window",
            "3s",
            "--duration",
            "60s",
            "--fail-if",
            "error_rate > 20%",
            "--output",
            "json",
        ],
        dir.path(),
    );
    let (lines, code, stderr) = lines_and_exit(child, Duration::from_secs(50)).await;
    let v = json(&lines);
    assert_eq!(code, 1, "{stderr}\n{v:?}");
    assert_eq!(
        v[0]["targets"],
        serde_json::json!([name_a.as_str(), name_b.as_str()])
    );
    let intervals: Vec<&Value> = v.iter().filter(|x| x["kind"] == "interval").collect();
    // One line per target per interval, each naming its target.
    let of = |name: &str| intervals.iter().filter(|x| x["target"] == name).count();
    assert!(of(&name_a) >= 3 && of(&name_b) >= 3, "{intervals:?}");
    assert_eq!(of(&name_a), of(&name_b), "{intervals:?}");
    assert_eq!(of(&name_a) + of(&name_b), intervals.len(), "{intervals:?}");
    assert!(
        intervals
            .iter()
            .filter(|x| x["target"] == name_a.as_str())
            .all(|x| x["status"] != "breached"),
        "{intervals:?}"
    );
    let breached = intervals
        .iter()
        .find(|x| x["status"] == "breached")
        .expect("a breached interval");
    assert_eq!(breached["target"], name_b.as_str());
    assert!(
        breached["error_ratio"].as_f64().is_some_and(|e| e > 0.2),
        "{breached}"
    );
    let end = v.last().expect("end");
    assert_eq!(end["result"], "breached");
    assert_eq!(end["first_failing"]["target"], name_b.as_str());
    assert_eq!(end["first_failing"]["t"], breached["t"]);
    assert_eq!(end["first_failing"]["breached"][0], "error_rate > 20%");
    a.shutdown().await;
    b.shutdown().await;
}

/// A gateway whose calls keep coming, 30 % of them slower than its coarse histogram's top
/// bucket (1 s): every P95 falls in `+Inf`.
async fn slow_gateway() -> std::net::SocketAddr {
    let start = std::time::Instant::now();
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || async move {
            let calls = (start.elapsed().as_secs_f64() * 20.0).floor() + 20.0;
            let mut text = format!(
                "# TYPE http_requests_total counter\n\
                 http_requests_total{{handler=\"/mcp\",status=\"200\"}} {calls}\n\
                 # TYPE http_request_duration_seconds histogram\n"
            );
            for (le, share) in [("0.1", 0.2), ("0.5", 0.5), ("1", 0.7), ("+Inf", 1.0)] {
                text.push_str(&format!(
                    "http_request_duration_seconds_bucket{{handler=\"/mcp\",le=\"{le}\"}} {}\n",
                    (calls * share).floor()
                ));
            }
            text
        }),
    );
    support::serve::serve(app).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_p95_in_the_inf_bucket_is_a_lower_bound_and_an_unseeable_criterion_is_said() {
    let addr = slow_gateway().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let child = watch(
        &[
            "--target",
            &format!("http://{addr}"),
            "--interval",
            "500ms",
            "--window",
            "2s",
            "--duration",
            "5s",
            "--output",
            "json",
        ],
        dir.path(),
    );
    let (lines, code, stderr) = lines_and_exit(child, Duration::from_secs(30)).await;
    let parsed: Vec<Value> = lines
        .iter()
        .map(|(_, l)| serde_json::from_str(l).expect("JSON line"))
        .collect();
    // The default criteria include p95 > 5s: above the top bucket, it can never breach.
    let warning = parsed
        .iter()
        .find(|v| v["kind"] == "warning")
        .unwrap_or_else(|| panic!("no warning line: {lines:?}"));
    assert!(
        warning["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("p95 > 5s cannot be seen: top bucket 1.00s")),
        "{warning}"
    );
    let bounded: Vec<&Value> = parsed
        .iter()
        .filter(|v| v["kind"] == "interval" && v["p95_s"].is_number())
        .collect();
    assert!(!bounded.is_empty(), "{lines:?}");
    for v in bounded {
        assert_eq!(v["p95_s"], 1.0, "{v}");
        assert_eq!(v["p95_lower_bound"], true, "{v}");
        assert_eq!(v["top_bucket_s"], 1.0, "{v}");
    }
    assert_eq!(code, 0, "{stderr}\n{lines:?}");
}
