//! `mcptop snapshot`, the real binary, against the demo server: it reads the target for a
//! few seconds, then writes the report as Markdown and JSON (or prints the Markdown).

use std::process::Command;

use mcptop::demo::{DemoOptions, DemoServer, LoadOptions};

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
        cmd.args([
            "snapshot",
            "--target",
            &url,
            "--interval",
            "1s",
            "--gather",
            "4s",
        ])
        .args(extra)
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env_remove("MCPTOP_CONFIG");
        cmd
    };
    let out_dir = dir.path().join("reports");
    let out = tokio::task::spawn_blocking({
        let mut cmd = run(&["--dir", out_dir.to_str().expect("utf-8 path")]);
        move || cmd.output().expect("runs")
    })
    .await
    .expect("join");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8_lossy(&out.stdout);
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

    let out = tokio::task::spawn_blocking({
        let mut cmd = run(&["--stdout"]);
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
