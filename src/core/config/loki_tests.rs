//! `[loki]`: defaults, every key, and errors that name the file, line and key.

use std::time::Duration;

use super::loki::LokiMode;
use super::mcp::SecretSource;
use super::mcp_tests::{error_at, parse};
use crate::config::alerts::HttpAuth;

#[test]
fn every_key_is_read() {
    let cfg = parse(
        "[loki]\nurl = \"https://loki.example/\"\nquery = '{app=\"mcpist\"} |= \"error\"'\n\
         tenant = \"ops\"\nmode = \"poll\"\ninterval = \"5s\"\ncounts_interval = \"1m\"\n\
         timeout = \"3s\"\nbackfill = \"15m\"\nbackfill_lines = 200\ndelay_for = 2\n\
         max_lines = 500\nmax_bytes = 2097152\nfields = [\"module\", \"\"]\n\
         level_label = \"detected_level\"\nbearer_token_env = \"LOKI_TOKEN\"\n\
         headers = { \"X-Custom\" = \"1\" }\n",
    );
    let l = &cfg.loki;
    assert_eq!(l.url.as_deref(), Some("https://loki.example"));
    assert_eq!(l.query.as_deref(), Some("{app=\"mcpist\"} |= \"error\""));
    assert_eq!(l.tenant.as_deref(), Some("ops"));
    assert_eq!(l.mode, LokiMode::Poll);
    assert_eq!(l.interval, Duration::from_secs(5));
    assert_eq!(l.counts_interval, Duration::from_secs(60));
    assert_eq!(l.timeout, Duration::from_secs(3));
    assert_eq!(l.backfill, Duration::from_secs(900));
    assert_eq!(l.backfill_lines, 200);
    assert_eq!(l.delay_for, 2);
    assert_eq!(l.max_lines, 500);
    assert_eq!(l.max_bytes, 2 * 1024 * 1024);
    assert_eq!(l.fields, vec!["module".to_string()]);
    assert_eq!(l.level_label, "detected_level");
    assert_eq!(
        l.http.auth,
        Some(HttpAuth::Bearer(SecretSource::Env("LOKI_TOKEN".into())))
    );
    assert_eq!(
        l.http.headers.get("X-Custom").map(String::as_str),
        Some("1")
    );
}

#[test]
fn the_default_query_selects_the_target_by_app() {
    let cfg = parse("[target]\nname = \"mcp\\\"ist\"\n");
    assert_eq!(cfg.loki.url, None);
    assert_eq!(cfg.loki.query_for("mcpist"), "{app=\"mcpist\"}");
    assert_eq!(cfg.loki.query_for("a\"b"), "{app=\"a\\\"b\"}");
}

#[test]
fn bad_values_name_the_line_and_key() {
    for (text, line, key, needle) in [
        ("[loki]\nurl = \"ftp://x\"\n", 2, "loki.url", "http"),
        (
            "[loki]\n\nquery = \"app=x\"\n",
            3,
            "loki.query",
            "stream selector",
        ),
        ("[loki]\nmode = \"stream\"\n", 2, "loki.mode", "\"poll\""),
        (
            "[loki]\ndelay_for = 9\n",
            2,
            "loki.delay_for",
            "between 0 and 5",
        ),
        (
            "[loki]\nmax_lines = 5\n",
            2,
            "loki.max_lines",
            "between 100",
        ),
        ("[loki]\nmax_bytes = 10\n", 2, "loki.max_bytes", "between"),
        (
            "[loki]\ninterval = \"soon\"\n",
            2,
            "loki.interval",
            "duration",
        ),
        ("[loki]\ntenant = \"\"\n", 2, "loki.tenant", "tenant ID"),
        (
            "[loki]\nbearer_token = \"s3cret\"\n",
            2,
            "loki.bearer_token",
            "bearer_token_env",
        ),
        (
            "[loki]\nheaders = { \"X-Scope-OrgID\" = \"ops\" }\n",
            2,
            "loki.headers.X-Scope-OrgID",
            "loki.tenant",
        ),
        (
            "[loki]\nheaders = { Authorization = \"Bearer x\" }\n",
            2,
            "loki.headers.Authorization",
            "credential",
        ),
        (
            "[loki]\ncert_file = \"c.pem\"\n",
            2,
            "loki.cert_file",
            "go together",
        ),
        ("[loki]\nurls = []\n", 2, "loki.urls", "unknown field"),
    ] {
        let shown = error_at(text, line, key);
        assert!(shown.contains(needle), "{text}: {shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
    }
}

#[test]
fn unverified_tls_lists_each_endpoint_that_skips_verification() {
    let cfg = parse(
        "[loki]\nurl = \"https://loki.example\"\ninsecure_skip_verify = true\n\
         [alertmanager]\nurls = [\"https://am.example\"]\n\
         [prometheus]\nurl = \"https://prom.example\"\ninsecure_skip_verify = true\n",
    );
    assert_eq!(
        cfg.unverified_tls(),
        vec!["loki".to_string(), "prometheus (default)".to_string()]
    );
    // Verification is on unless a table turns it off.
    let cfg = parse("[loki]\nurl = \"https://loki.example\"\n");
    assert!(cfg.unverified_tls().is_empty());
}
