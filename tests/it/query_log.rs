//! `MCPTOP_LOG=debug`: each query to a Prometheus-compatible API leaves a line with its
//! endpoint, expression (abbreviated), duration, status, size and series count, and no
//! secret. Alone in its binary: tracing caches which call sites are enabled per process,
//! and tests running beside it without a subscriber would turn them off.

use crate::support;

use std::sync::{Arc, Mutex};

use mcptop::sources::{now_ms, prometheus};
use support::lagging_api;

/// A `MakeWriter` into a shared buffer.
#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut v) = self.0.lock() {
            v.extend_from_slice(b);
        }
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_query_leaves_a_debug_line_without_secrets() {
    let (url, _lag) = lagging_api::start(0, "never").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "planted-token-5c1d\n").expect("token file");
    let text = format!(
        "[[environments]]\nname = \"vm\"\nurl = \"{url}/?tenant_key=planted-key\"\n\
         headers = {{ \"X-Scope-OrgID\" = \"planted-org\" }}\nbearer_token_file = \"{}\"\n",
        token_file.display()
    );
    let cfg =
        mcptop::config::Config::from_toml(&text, std::path::Path::new("q.toml")).expect("config");
    let client =
        prometheus::client::PromClient::new(&cfg.prometheus.environments[0]).expect("client");
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let now = now_ms();
    let long = format!(
        "sum by (instance) (rate(http_requests_total{{job=\"mcp\",{}}}[1m]))",
        "path!=\"/metrics\",".repeat(20)
    );
    client
        .query_range(&long, now - 10_000, now, 1_000)
        .await
        .expect("an answer");
    client.query("up", now).await.expect("an answer");
    let log =
        String::from_utf8(buf.0.lock().map(|b| b.clone()).unwrap_or_default()).expect("utf-8 log");
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("query mode: query"))
        .collect();
    assert_eq!(lines.len(), 2, "{log}");
    let range = lines[0];
    for part in [
        "DEBUG",
        "endpoint=\"query_range\"",
        "query=sum by (instance) (rate(http_requests_total{job=\"mcp\",path!=",
        "…",
        "status=200",
        "series=2",
        "ms=",
    ] {
        assert!(range.contains(part), "`{part}` in {range}");
    }
    let bytes: usize = range
        .split("bytes=")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("bytes= in {range}"));
    assert!(bytes > 100, "{range}");
    assert!(
        !range.contains(&"path!=\"/metrics\",".repeat(20)),
        "the expression is abbreviated: {range}"
    );
    assert!(lines[1].contains("endpoint=\"query\"") && lines[1].contains("series=0"));
    assert!(!log.contains("planted"), "no secret in the log: {log}");
}
