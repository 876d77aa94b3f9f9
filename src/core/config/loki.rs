//! `[loki]`: where log lines come from (Grafana Loki's HTTP API), how they are followed and
//! how many are kept.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use super::endpoint::HttpSettings;
use super::error::Source;
use super::file::duration;
use super::http::{self, IndexedHeaders};
use super::mcp::check_http_url;
use crate::model::logs::buffer::{DEFAULT_MAX_BYTES, DEFAULT_MAX_LINES};

/// How new lines are followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LokiMode {
    /// The tail WebSocket; polling when the WebSocket upgrade is refused (a proxy).
    #[default]
    Auto,
    /// The tail WebSocket only.
    Tail,
    /// `query_range` every `interval`.
    Poll,
}

/// How to reach Loki and what to keep of it.
#[derive(Debug, Clone, PartialEq)]
pub struct LokiConfig {
    /// Base URL, e.g. `http://127.0.0.1:3100` (`/loki/api/v1/...` is appended). `None`: no
    /// Loki; the logs screen shows the MCP servers' own logs.
    pub url: Option<String>,
    /// LogQL log query. `None`: `{app="<target name>"}`.
    pub query: Option<String>,
    /// `X-Scope-OrgID` of a multi-tenant Loki (or `tenant1|tenant2` for a query across
    /// tenants where Loki allows it). Several tenants are always polled (Loki's tail takes
    /// one tenant only), and their requests time out after at least 60 s (see
    /// [`LokiConfig::timeout`]).
    pub tenant: Option<String>,
    pub mode: LokiMode,
    /// Poll interval (poll mode) and wait before a reconnect after a failure. Default 2 s.
    pub interval: Duration,
    /// Time between two LogQL metric queries for the error summary. Default 30 s.
    pub counts_interval: Duration,
    /// Timeout of one request. Default 10 s. With several tenants (`a|b`) at least 60 s
    /// (`sources::loki::client::MULTI_TENANT_TIMEOUT`): a Loki without multi-tenant queries
    /// takes ~17 s to answer 500 `multiple org IDs present`, and that text is shown, not
    /// `timed out`.
    pub timeout: Duration,
    /// How far back the first query reaches. Default 1 h.
    pub backfill: Duration,
    /// Most lines the first query fetches. Default 1000. Above Loki's
    /// `max_entries_limit_per_query` (5,000 by default) the backfill is fetched in pages of
    /// that size, newest first.
    pub backfill_lines: u32,
    /// `delay_for` of the tail, seconds (0..=5): Loki waits this long for late lines.
    pub delay_for: u8,
    /// Buffer cap in lines. Default 10,000.
    pub max_lines: usize,
    /// Buffer cap in bytes. Default 16 MiB.
    pub max_bytes: usize,
    /// Fields of JSON/logfmt lines shown as columns. Default `module`, `duration_ms`.
    pub fields: Vec<String>,
    /// The label `count_over_time` is summed by for the per-level counts, tried first.
    /// Default `level`; when no line carries it, Loki 3's `detected_level` is tried, then
    /// the kept lines' levels are counted (`sources::loki::counts`).
    pub level_label: String,
    /// Extra headers, auth and TLS.
    pub http: HttpSettings,
}

impl Default for LokiConfig {
    fn default() -> Self {
        LokiConfig {
            url: None,
            query: None,
            tenant: None,
            mode: LokiMode::Auto,
            interval: Duration::from_secs(2),
            counts_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
            backfill: Duration::from_secs(3600),
            backfill_lines: 1000,
            delay_for: 0,
            max_lines: DEFAULT_MAX_LINES,
            max_bytes: DEFAULT_MAX_BYTES,
            fields: vec!["module".into(), "duration_ms".into()],
            level_label: "level".into(),
            http: HttpSettings::default(),
        }
    }
}

impl LokiConfig {
    /// The query to run for a target named `target`: the configured one, else
    /// `{app="<target>"}`.
    pub fn query_for(&self, target: &str) -> String {
        self.query.clone().unwrap_or_else(|| {
            let escaped = target.replace('\\', "\\\\").replace('"', "\\\"");
            format!("{{app=\"{escaped}\"}}")
        })
    }
}

/// `[loki]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLoki {
    url: Option<Spanned<String>>,
    query: Option<Spanned<String>>,
    tenant: Option<Spanned<String>>,
    mode: Option<Spanned<String>>,
    interval: Option<Spanned<String>>,
    counts_interval: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    backfill: Option<Spanned<String>>,
    backfill_lines: Option<Spanned<i64>>,
    delay_for: Option<Spanned<i64>>,
    max_lines: Option<Spanned<i64>>,
    max_bytes: Option<Spanned<i64>>,
    fields: Option<Vec<String>>,
    level_label: Option<String>,
    headers: Option<IndexedHeaders>,
    basic_auth_user: Option<Spanned<String>>,
    basic_auth_password_env: Option<Spanned<String>>,
    basic_auth_password_file: Option<Spanned<String>>,
    bearer_token_env: Option<Spanned<String>>,
    bearer_token_file: Option<Spanned<String>>,
    /// Never accepted; named so the error can say where secrets go instead.
    bearer_token: Option<Spanned<toml::Value>>,
    basic_auth_password: Option<Spanned<toml::Value>>,
    ca_file: Option<Spanned<String>>,
    cert_file: Option<Spanned<String>>,
    key_file: Option<Spanned<String>>,
    insecure_skip_verify: Option<bool>,
}

/// A whole number within `range`, or an error naming the key.
fn bounded(
    src: &Source,
    v: &Spanned<i64>,
    key: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ConfigError> {
    let n = *v.get_ref();
    if !range.contains(&n) {
        return Err(src.error(
            v.span(),
            key,
            format!("must be between {} and {}", range.start(), range.end()),
        ));
    }
    Ok(n)
}

/// Converts `[loki]`.
///
/// Errors (file, line, `loki.key`): a URL that is not http(s), an empty query or one
/// not starting with a `{` selector, an unknown mode, a bad duration, `delay_for` outside
/// 0..=5, caps below 100 lines or 1 MiB, a secret written inline, a header with the tenant
/// (`X-Scope-OrgID` belongs in `tenant`), and everything [`http::convert`] checks.
pub(super) fn convert(src: &Source, raw: RawLoki) -> Result<LokiConfig, ConfigError> {
    http::refuse_inline_secrets(
        src,
        "loki",
        [
            (&raw.bearer_token, "bearer_token"),
            (&raw.basic_auth_password, "basic_auth_password"),
        ],
    )?;
    let mut cfg = LokiConfig::default();
    if let Some(url) = &raw.url {
        check_http_url(url.get_ref()).map_err(|m| src.error(url.span(), "loki.url", m))?;
        cfg.url = Some(url.get_ref().trim_end_matches('/').to_string());
    }
    if let Some(q) = &raw.query {
        let text = q.get_ref().trim();
        if !text.starts_with('{') {
            return Err(src.error(
                q.span(),
                "loki.query",
                "must be a LogQL log query starting with a stream selector, e.g. \
                 {app=\"mcpist\"} |= \"error\"",
            ));
        }
        cfg.query = Some(text.to_string());
    }
    if let Some(t) = &raw.tenant {
        let text = t.get_ref().trim();
        if text.is_empty() || ::http::HeaderValue::from_str(text).is_err() {
            return Err(src.error(
                t.span(),
                "loki.tenant",
                "must be a non-empty tenant ID (sent as X-Scope-OrgID)",
            ));
        }
        cfg.tenant = Some(text.to_string());
    }
    if let Some(m) = &raw.mode {
        cfg.mode = match m.get_ref().as_str() {
            "auto" => LokiMode::Auto,
            "tail" => LokiMode::Tail,
            "poll" => LokiMode::Poll,
            _ => {
                return Err(src.error(
                    m.span(),
                    "loki.mode",
                    "must be \"auto\" (tail, poll when WebSockets are refused), \"tail\" or \
                     \"poll\"",
                ));
            }
        };
    }
    for (v, key, slot) in [
        (&raw.interval, "loki.interval", &mut cfg.interval),
        (
            &raw.counts_interval,
            "loki.counts_interval",
            &mut cfg.counts_interval,
        ),
        (&raw.timeout, "loki.timeout", &mut cfg.timeout),
        (&raw.backfill, "loki.backfill", &mut cfg.backfill),
    ] {
        if let Some(v) = v {
            *slot = duration(src, v, key)?;
        }
    }
    if let Some(v) = &raw.backfill_lines {
        cfg.backfill_lines = bounded(src, v, "loki.backfill_lines", 0..=100_000)? as u32;
    }
    if let Some(v) = &raw.delay_for {
        cfg.delay_for = bounded(src, v, "loki.delay_for", 0..=5)? as u8;
    }
    if let Some(v) = &raw.max_lines {
        cfg.max_lines = bounded(src, v, "loki.max_lines", 100..=10_000_000)? as usize;
    }
    if let Some(v) = &raw.max_bytes {
        cfg.max_bytes = bounded(src, v, "loki.max_bytes", 1 << 20..=1 << 34)? as usize;
    }
    if let Some(f) = raw.fields {
        cfg.fields = f.into_iter().filter(|f| !f.trim().is_empty()).collect();
    }
    if let Some(l) = raw.level_label.filter(|l| !l.trim().is_empty()) {
        cfg.level_label = l;
    }
    if let Some((name, _)) = raw
        .headers
        .iter()
        .flatten()
        .find(|(n, _)| n.get_ref().eq_ignore_ascii_case("x-scope-orgid"))
    {
        return Err(src.error(
            name.span(),
            "loki.headers.X-Scope-OrgID",
            "is set with loki.tenant = \"ID\"",
        ));
    }
    let parts = http::parts_of!(raw);
    cfg.http = http::convert(src, "loki", &parts)?;
    Ok(cfg)
}
