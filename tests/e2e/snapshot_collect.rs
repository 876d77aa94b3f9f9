//! Acceptance: `mcptop snapshot --collect 30s` against the demo, run beside the dashboard (the
//! real binary in tmux) started at the same moment with the same config, agrees with the
//! dashboard's Requests/min and Error rate tiles within 5 % and lists the local rule that
//! fired in both; every number says the range it was computed over.
//!
//! The load is steady (no bursts) and high enough that 5 % is not noise: at 80 calls/s with
//! a fifth failing, the two windows differ by at most a scrape or two at either end (a few
//! per cent of the events, whose Poisson noise is about 1 % of the error count).

use crate::support;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};
use support::tmux::{Tmux, shell_quote};

const RATE: f64 = 80.0;
const ERROR_RATIO: f64 = 0.2;
/// Relative agreement required between the report and the dashboard.
const TOLERANCE: f64 = 0.05;

const CONFIG: &str = r#"
[scrape]
interval = "1s"

[[rules]]
alert = "McpErrorRateHigh"
threshold = 0.05
for = "5s"
"#;

/// Waits for `child` to exit, at most `timeout`; kills it past that.
fn wait(mut child: Child, timeout: Duration) -> std::process::Output {
    let start = Instant::now();
    loop {
        match child.try_wait().expect("try_wait") {
            Some(_) => return child.wait_with_output().expect("output"),
            None if start.elapsed() > timeout => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("output");
                panic!(
                    "snapshot still running after {timeout:?}; stderr:\n{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The values of the four tiles (Requests/min, Error rate, P95, P99) on `screen`: the line
/// under their titles, split at the borders, level symbols dropped.
fn tiles(screen: &str) -> Vec<String> {
    let mut lines = screen.lines();
    lines
        .find(|l| l.contains("┌ Requests/min"))
        .unwrap_or_else(|| panic!("no tiles on screen:\n{screen}"));
    let values = lines.next().unwrap_or_default();
    values
        .split('│')
        .map(|cell| {
            cell.trim()
                .trim_start_matches(|c: char| !c.is_ascii_digit() && c != '–')
                .to_string()
        })
        .filter(|cell| !cell.is_empty())
        .collect()
}

/// A dashboard number: `4790`, `12.3k`, `20.1%`.
fn number(text: &str) -> f64 {
    let (digits, scale) = match text {
        t if t.ends_with('k') => (t.trim_end_matches('k'), 1e3),
        t if t.ends_with('M') => (t.trim_end_matches('M'), 1e6),
        t if t.ends_with('%') => (t.trim_end_matches('%'), 0.01),
        t => (t, 1.0),
    };
    digits
        .parse::<f64>()
        .unwrap_or_else(|e| panic!("`{text}` is not a number: {e}"))
        * scale
}

fn agrees(what: &str, report: f64, dashboard: f64, context: &str) {
    let off = (report - dashboard).abs() / dashboard.abs().max(f64::MIN_POSITIVE);
    eprintln!(
        "{what}: report {report:.4} vs dashboard {dashboard:.4} ({:.2} % apart)",
        off * 100.0
    );
    assert!(
        off <= TOLERANCE,
        "{what}: report {report} vs dashboard {dashboard} ({:.1} % apart)\n{context}",
        off * 100.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_agrees_with_the_dashboard_and_lists_the_firing_rule() {
    if !support::require_program("tmux") {
        return;
    }
    let server = DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: true,
            rate_per_sec: RATE,
            error_ratio: ERROR_RATIO,
            latency_ms: (20, 200),
            bursts: false,
        },
    })
    .await
    .expect("demo server starts");
    let url = format!("http://{}", server.addr);
    // tmux and the processes are waited on in a blocking thread, so that the demo server
    // and its load keep both runtime workers.
    tokio::task::spawn_blocking(move || side_by_side(&url))
        .await
        .expect("join");
    server.shutdown().await;
}

fn side_by_side(url: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("mcptop.toml");
    std::fs::write(&config, CONFIG).expect("config");
    let bin = Path::new(env!("CARGO_BIN_EXE_mcptop"));
    let script = format!(
        "env XDG_CONFIG_HOME={d}/config XDG_STATE_HOME={d}/state {bin} --config {c} --target {url}; \
         echo EXIT=$?; sleep 30",
        d = shell_quote(dir.path()),
        c = shell_quote(&config),
        bin = shell_quote(bin),
    );
    let tmux = Tmux::start("snapcollect", 200, 50, &script);
    // The dashboard is up (its first scrape goes out as it starts): the snapshot starts now,
    // so both hold data from the same moment.
    tmux.wait_for("the dashboard", Duration::from_secs(60), |s| {
        s.contains("Requests/min")
    });
    let reports = dir.path().join("reports");
    let child = Command::new(bin)
        .args(["snapshot", "--collect", "30s", "--config"])
        .arg(&config)
        .args(["--target", url, "--dir"])
        .arg(&reports)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env_remove("MCPTOP_CONFIG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("snapshot starts");
    let out = wait(child, Duration::from_secs(120));
    // The dashboard at nearly the same instant as the report's numbers.
    let screen = tmux.capture();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("s / 30s (rate window 5m; --collect to change)\n")
            && stderr.contains("collected 30s\n"),
        "progress on stderr:\n{stderr}"
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    let md_path = printed.lines().next().expect("the .md path");
    let json_path = printed.lines().nth(1).expect("the .json path");
    let md = std::fs::read_to_string(md_path).expect("markdown");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_path).expect("json"))
            .expect("json parses");
    let context = format!("dashboard:\n{screen}\nreport:\n{md}");

    // The same numbers within 5 %.
    let shown = tiles(&screen);
    assert_eq!(shown.len(), 4, "{context}");
    let report_rpm = v["tiles"]["req_per_sec"].as_f64().expect("req/s") * 60.0;
    let report_err = v["tiles"]["error_ratio"].as_f64().expect("error ratio");
    agrees("Requests/min", report_rpm, number(&shown[0]), &context);
    agrees("Error rate", report_err, number(&shown[1]), &context);

    // The firing local rule, in the report as on the dashboard (P2 1 in its header).
    assert!(
        md.contains("- **McpErrorRateHigh** (P2, mcptop rule) firing since"),
        "{context}"
    );
    let listed = v["alerts"].as_array().expect("alerts").iter().any(|a| {
        a["name"] == "McpErrorRateHigh" && a["state"] == "firing" && a["origin"] == "mcptop rule"
    });
    assert!(listed, "{v}");
    assert!(md.contains("Priority** | P2"), "{context}");
    assert!(screen.contains("P2 1"), "{context}");

    // Every number says its range: about the 30 s collected (plus one interval), and the
    // PromQL is written over that same range.
    let range_s = v["tiles"]["window_s"].as_f64().expect("window_s");
    assert!((28.0..=33.0).contains(&range_s), "{v}");
    assert_eq!(v["tiles"]["rate_window_s"], 300.0);
    assert_eq!(v["collected_s"], 30.0);
    let range = format!("{}s", range_s.round());
    assert!(
        md.contains(&format!(
            "| Error rate | {} | last {range} |",
            shown_err(&v)
        )),
        "{context}"
    );
    assert!(
        md.contains(&format!("failed over the last {range} (rate[{range}])")),
        "{context}"
    );
    let query = v["queries"][0]["query"].as_str().expect("query");
    // The counted request rate over the report's own window (`src/core/model/counted.rs`).
    assert!(
        query.starts_with("sum((increase(")
            && query.contains(&format!("[{}])", promql_range(&v)))
            && query.contains(&format!(" offset {})", promql_range(&v))),
        "{query}"
    );
}

/// The report's error rate as the dashboard formats it.
fn shown_err(v: &serde_json::Value) -> String {
    mcptop::text::format::percent(v["tiles"]["error_ratio"].as_f64().expect("ratio"))
}

/// The report's range as PromQL writes it.
fn promql_range(v: &serde_json::Value) -> String {
    let ms = (v["tiles"]["window_s"].as_f64().expect("window_s") * 1000.0).round() as i64;
    mcptop::model::promql_text::duration(ms)
}
