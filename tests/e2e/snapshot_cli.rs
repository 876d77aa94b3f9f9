//! `mcptop snapshot`, the real binary, against the demo server: it collects for a few
//! seconds (`--collect`, or its old name `--gather`) with its progress on stderr, then
//! writes the report as Markdown and JSON (or prints the Markdown).

use std::process::Command;

use mcptop_demo::{DemoOptions, DemoServer, LoadOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_markdown_and_json_of_the_live_numbers() {
    let server = DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            enabled: true,
            rate_per_sec: 20.0,
            error_ratio: 0.7,
            latency_ms: (20, 200),
            bursts: false,
        },
    })
    .await
    .expect("demo");
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("http://{}", server.addr);
    let run = |extra: &[&str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mcptop"));
        cmd.args(["snapshot", "--target", &url, "--interval", "1s"])
            .args(extra)
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env_remove("MCPTOP_CONFIG");
        cmd
    };
    let out_dir = dir.path().join("reports");
    let out = tokio::task::spawn_blocking({
        let mut cmd = run(&[
            "--collect",
            "4s",
            "--dir",
            out_dir.to_str().expect("utf-8 path"),
        ]);
        move || cmd.output().expect("runs")
    })
    .await
    .expect("join");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // stderr is not a terminal here: a line at the start and one at the end.
    assert!(
        stderr.starts_with("collecting ")
            && stderr.contains("s / 4s (rate window 5m; --collect to change)\n")
            && stderr.ends_with("collected 4s\n"),
        "{stderr}"
    );
    let printed = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        printed.lines().count(),
        2,
        "only the two paths on stdout: {printed}"
    );
    let md_path = printed.lines().next().expect("the .md path");
    let md = std::fs::read_to_string(md_path).expect("markdown written");
    assert!(md.starts_with("# Incident report (draft)"), "{md}");
    assert!(
        md.contains("| Error rate |") && md.contains("| CRIT |"),
        "70% of tool calls fail:\n{md}"
    );
    assert!(
        md.contains("mcp_server_operation_duration_seconds_count"),
        "{md}"
    );
    let json_path = printed.lines().nth(1).expect("the .json path");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_path).expect("json written"))
            .expect("json parses");
    assert!(
        v["tiles"]["req_per_sec"].as_f64().is_some_and(|r| r > 5.0),
        "{v}"
    );
    assert!(
        v["tiles"]["error_ratio"].as_f64().is_some_and(|e| e > 0.1),
        "{v}"
    );
    // Four seconds of data, not the 5m window, and the report says so.
    let range = v["tiles"]["window_s"].as_f64().expect("window_s");
    assert!(range > 1.0 && range < 10.0, "{v}");
    assert_eq!(v["tiles"]["rate_window_s"], 300.0);
    assert_eq!(v["collected_s"], 4.0);
    assert!(md.contains("less than the 5m rate window"), "{md}");
    assert!(
        !md.contains("[300s]"),
        "the queries use the range evaluated:\n{md}"
    );

    // --gather, the old name, still works.
    let out = tokio::task::spawn_blocking({
        let mut cmd = run(&["--gather", "4s", "--stdout"]);
        move || cmd.output().expect("runs")
    })
    .await
    .expect("join");
    assert!(out.status.success());
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("# Incident report (draft)"), "{md}");
    assert!(md.contains("## Timeline"), "{md}");
    server.shutdown().await;
}
