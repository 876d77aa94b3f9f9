//! Query mode: `[prometheus]` and `[[environments]]` name Prometheus-compatible query APIs
//! (Prometheus, Thanos, Cortex/Mimir, VictoriaMetrics) and the selector of the MCP targets
//! to read from each. With any of them set, mcptop reads the fleet from that API instead of
//! scraping `/metrics` itself.

use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use super::endpoint::HttpSettings;
use super::error::Source;
use super::file::duration;
use super::http::{self, IndexedHeaders};
use super::mcp::check_http_url;
use crate::model::alerts::matcher::Matcher;

/// Request timeout of a query when none is set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// One environment: a query API and the targets to read from it. `Debug` shows the URL
/// redacted and header names only.
#[derive(Clone, PartialEq)]
pub struct PromEnv {
    /// Shown in the header and used by `:env NAME`, e.g. `production`.
    pub name: String,
    /// Base URL of the API; `/api/v1/query` is appended (Mimir: `.../prometheus`).
    pub url: String,
    /// Label matchers of the MCP targets, e.g. `job="mcp"`; empty: every series.
    pub selector: Vec<Matcher>,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Extra headers (e.g. `X-Scope-OrgID` for Mimir and Cortex), auth and TLS.
    pub http: HttpSettings,
    /// Whether queries ask for data up to now (`nocache = true|false|"auto"`).
    pub nocache: NoCache,
    /// Thanos' `partial_response` parameter, sent with every query when set
    /// (`partial_response = false`: Thanos fails a query whose StoreAPIs did not all
    /// answer, instead of answering without them plus a warning). `None`, the default:
    /// not sent, the API's own default (Thanos: `--query.partial-response`, true); the
    /// numbers of a partial answer are marked partial either way
    /// ([`crate::model::partial`]). Prometheus and Mimir ignore the parameter.
    pub partial_response: Option<bool>,
}

/// The freshness setting of an environment (`nocache` in its table). VictoriaMetrics
/// answers "now" as of `-search.latencyOffset` ago (30 s by default) and leaves out its
/// response cache unless a query carries `nocache=1` (docs.victoriametrics.com, "Query
/// latency" / `-search.latencyOffset`); Prometheus ignores the parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NoCache {
    /// Send `nocache=1` when the API answers as VictoriaMetrics does (its documented
    /// `/api/v1/status/top_queries`), not otherwise. The default.
    #[default]
    Auto,
    /// Always send `nocache=1`.
    On,
    /// Never send it (e.g. to spare a shared VictoriaMetrics its cache misses).
    Off,
}

impl std::fmt::Debug for PromEnv {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromEnv")
            .field("name", &self.name)
            .field("url", &crate::text::url::redact(&self.url))
            .field("selector", &self.selector_text())
            .field("timeout", &self.timeout)
            .field("http", &self.http)
            .field("nocache", &self.nocache)
            .field("partial_response", &self.partial_response)
            .finish_non_exhaustive()
    }
}

impl PromEnv {
    /// An environment with defaults for `url`.
    pub fn new(name: &str, url: &str) -> PromEnv {
        PromEnv {
            name: name.to_string(),
            url: url.trim_end_matches('/').to_string(),
            selector: Vec::new(),
            timeout: DEFAULT_TIMEOUT,
            http: HttpSettings::default(),
            nocache: NoCache::Auto,
            partial_response: None,
        }
    }

    /// The selector as written back: `job="mcp", env="production"`.
    pub fn selector_text(&self) -> String {
        self.selector
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `[prometheus]` then each `[[environments]]` entry, in file order. Empty: scrape mode.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PrometheusConfig {
    pub environments: Vec<PromEnv>,
    /// The environment to start in (`--env NAME`); default the first.
    pub start: Option<String>,
}

impl PrometheusConfig {
    /// Whether mcptop reads from a query API rather than scraping.
    pub fn enabled(&self) -> bool {
        !self.environments.is_empty()
    }

    /// Index of the environment named `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.environments.iter().position(|e| e.name == name)
    }

    /// Index of the environment to start in.
    pub fn start_index(&self) -> usize {
        self.start
            .as_deref()
            .and_then(|n| self.position(n))
            .unwrap_or(0)
    }
}

/// `[prometheus]` or one `[[environments]]` entry as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProm {
    name: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    selector: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    nocache: Option<Spanned<toml::Value>>,
    partial_response: Option<bool>,
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

/// Converts `[prometheus]` (when it has keys) and `[[environments]]`.
///
/// Errors (file, line, key): a missing or non-http(s) URL, a missing, empty or repeated
/// environment name, a selector that is not a list of label matchers, a bad timeout, a
/// `nocache` other than `true`, `false` or `"auto"`, a secret written inline, and everything [`http::convert`] checks.
pub(super) fn convert(
    src: &Source,
    prometheus: Option<RawProm>,
    environments: Vec<RawProm>,
) -> Result<PrometheusConfig, ConfigError> {
    let mut cfg = PrometheusConfig::default();
    if let Some(raw) = prometheus {
        cfg.environments
            .push(environment(src, "prometheus", raw, Some("default"))?);
    }
    for (i, raw) in environments.into_iter().enumerate() {
        let table = format!("environments[{i}]");
        let name_span = raw.name.as_ref().map(Spanned::span);
        let env = environment(src, &table, raw, None)?;
        if cfg.position(&env.name).is_some() {
            return Err(src.error(
                name_span.unwrap_or(0..0),
                format!("{table}.name"),
                format!("`{}` is already the name of another environment", env.name),
            ));
        }
        cfg.environments.push(env);
    }
    Ok(cfg)
}

fn environment(
    src: &Source,
    table: &str,
    raw: RawProm,
    default_name: Option<&str>,
) -> Result<PromEnv, ConfigError> {
    let k = |field: &str| format!("{table}.{field}");
    http::refuse_inline_secrets(
        src,
        table,
        [
            (&raw.bearer_token, "bearer_token"),
            (&raw.basic_auth_password, "basic_auth_password"),
        ],
    )?;
    let name = match (&raw.name, default_name) {
        (Some(n), _) => {
            let text = n.get_ref().trim();
            if text.is_empty() || text.contains(char::is_whitespace) {
                return Err(src.error(
                    n.span(),
                    k("name"),
                    "must be one word, e.g. \"production\"",
                ));
            }
            text.to_string()
        }
        (None, Some(d)) => d.to_string(),
        (None, None) => {
            return Err(src.error(
                0..0,
                k("name"),
                "every [[environments]] entry needs a name, e.g. name = \"production\"",
            ));
        }
    };
    let Some(url) = &raw.url else {
        return Err(src.error(
            raw.name.as_ref().map_or(0..0, Spanned::span),
            k("url"),
            "is required: the base URL of a Prometheus-compatible API, e.g. \
             \"http://prometheus:9090\"",
        ));
    };
    check_http_url(url.get_ref()).map_err(|m| src.error(url.span(), k("url"), m))?;
    let mut env = PromEnv::new(&name, url.get_ref().trim());
    if let Some(s) = &raw.selector {
        env.selector =
            parse_selector(s.get_ref()).map_err(|m| src.error(s.span(), k("selector"), m))?;
    }
    if let Some(t) = &raw.timeout {
        env.timeout = duration(src, t, &k("timeout"))?;
    }
    if let Some(n) = &raw.nocache {
        env.nocache = match n.get_ref() {
            toml::Value::Boolean(true) => NoCache::On,
            toml::Value::Boolean(false) => NoCache::Off,
            toml::Value::String(s) if s == "auto" => NoCache::Auto,
            _ => {
                return Err(src.error(
                    n.span(),
                    k("nocache"),
                    "must be true, false or \"auto\" (send VictoriaMetrics' nocache=1 when \
                     the API is VictoriaMetrics)",
                ));
            }
        };
    }
    env.partial_response = raw.partial_response;
    let parts = http::parts_of!(raw);
    env.http = http::convert(src, table, &parts)?;
    Ok(env)
}

/// A target selector as written in the config or on the command line: PromQL label
/// matchers, with or without braces (`job="mcp", env=~"prod.*"`); empty means every series.
///
/// Errors: a matcher without an operator, a bad label name or a bad regex.
pub fn parse_selector(text: &str) -> Result<Vec<Matcher>, String> {
    let inner = text.trim();
    let inner = inner
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(inner);
    if inner.trim().is_empty() {
        return Ok(Vec::new());
    }
    Matcher::parse_list(inner).map_err(|e| {
        format!("must be PromQL label matchers like job=\"mcp\", env=~\"prod.*\": {e}")
    })
}
