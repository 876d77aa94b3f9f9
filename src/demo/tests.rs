//! End-to-end: the demo server with its load generator on.

use std::time::Duration;

use crate::{DemoOptions, DemoServer, LoadOptions};

/// How long a test waits for the load generator to have done something.
const WAIT: Duration = Duration::from_secs(30);

/// Waits (up to [`WAIT`]) until `done()`; `what` names it in the failure.
async fn until(what: &str, done: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !done() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `GET {base}/metrics` until its body satisfies `done` (up to [`WAIT`]); returns that body.
async fn metrics_until(
    base: &str,
    what: &str,
    done: impl Fn(&str) -> bool,
) -> color_eyre::Result<String> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let body = reqwest::get(format!("{base}/metrics"))
            .await?
            .text()
            .await?;
        if done(&body) {
            return Ok(body);
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what} in:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_generator_drives_tool_calls_into_metrics() -> color_eyre::Result<()> {
    let server = DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            rate_per_sec: 20.0,
            latency_ms: (20, 200),
            ..LoadOptions::default()
        },
    })
    .await?;
    until("a tools/call", || server.calls_total() > 0).await;
    let calls = server.calls_total();
    let base = format!("http://{}", server.addr);
    metrics_until(&base, "a tools/call histogram series", |m| {
        m.contains("mcp_method_name=\"tools/call\"")
    })
    .await?;
    let http = reqwest::Client::new();
    let metrics = http.get(format!("{base}/metrics")).send().await?;
    let content_type = metrics
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let metrics = metrics.text().await?;
    let health: serde_json::Value = http
        .get(format!("{base}/health"))
        .send()
        .await?
        .json()
        .await?;
    server.shutdown().await;

    assert!(calls > 0, "no tools/call handled");
    assert_eq!(content_type, "text/plain; version=0.0.4; charset=utf-8");
    assert!(
        metrics.lines().any(
            |l| l.starts_with("mcp_server_operation_duration_seconds_bucket{")
                && l.contains("mcp_method_name=\"tools/call\"")
        ),
        "no tools/call histogram series in:\n{metrics}"
    );
    assert!(metrics.contains("mcp_method_name=\"initialize\""));
    assert!(!metrics.contains("# EOF"));
    assert_eq!(health["status"], "ok");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_are_listed_with_annotations_and_generated_arguments_are_valid()
-> color_eyre::Result<()> {
    let server = DemoServer::start(DemoOptions {
        port: 0,
        load: LoadOptions {
            rate_per_sec: 40.0,
            error_ratio: 0.0,
            latency_ms: (5, 50),
            bursts: false,
            ..LoadOptions::default()
        },
    })
    .await?;
    let base = format!("http://{}", server.addr);
    let client = crate::load::connect(&format!("{base}/mcp"))
        .await
        .map_err(color_eyre::eyre::Report::msg)?;
    let info = client
        .peer()
        .peer_info()
        .and_then(|i| i.server_info.clone());
    let tools = client.peer().list_all_tools().await?;
    let _ = client.cancel().await;
    until("more than 20 calls", || server.calls_total() > 20).await;
    let metrics = reqwest::get(format!("{base}/metrics"))
        .await?
        .text()
        .await?;
    let calls = server.calls_total();
    // Turning the error ratio up mid-run fails the calls that follow.
    server.set_error_ratio(1.0);
    metrics_until(&base, "a failed call", |m| {
        m.contains("error_type=\"tool_error\"")
    })
    .await?;
    server.shutdown().await;

    assert_eq!(info.map(|i| i.name).as_deref(), Some("mcptop-demo"));
    let mut listed: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
    let mut expected: Vec<_> = crate::args::tool_names().map(str::to_owned).collect();
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
    for tool in &tools {
        assert!(tool.title.is_some(), "{} has no title", tool.name);
        assert!(
            tool.annotations.is_some(),
            "{} has no annotations",
            tool.name
        );
    }
    let flush = tools.iter().find(|t| t.name == "cache.flush");
    let hints = flush.and_then(|t| t.annotations.as_ref());
    assert_eq!(hints.and_then(|a| a.destructive_hint), Some(true));
    assert_eq!(hints.and_then(|a| a.idempotent_hint), Some(true));
    assert!(calls > 20, "only {calls} calls");
    // With no injected errors, every generated call must be accepted by its tool.
    let failed: Vec<_> = metrics
        .lines()
        .filter(|l| l.starts_with("mcp_server_operation_duration_seconds_count"))
        .filter(|l| !l.contains("error_type=\"\""))
        .collect();
    assert!(failed.is_empty(), "unexpected errors: {failed:#?}");
    Ok(())
}
