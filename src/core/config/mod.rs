//! Configuration: a TOML file with built-in defaults; CLI flags override it; MCP servers may
//! also come from other clients' JSON configs (`mcp.import`, `--mcp-config`).
//!
//! Unknown keys are errors naming the file, line and key (`deny_unknown_fields`).

pub mod alerts;
pub mod bindings;
pub mod dirs;
pub mod endpoint;
mod error;
mod file;
pub mod file_sd;
pub mod flags;
mod http;
mod keys;
pub mod loki;
pub mod mcp;
pub mod mcp_import;
mod mcp_vars;
pub mod prometheus;
mod record;
pub mod target;
mod target_raw;
mod targets;
mod validate;

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

pub use alerts::{AlertmanagerConfig, AlertsConfig};
pub use bindings::ToolBinding;
pub use dirs::default_path;
pub use error::ConfigError;
pub use loki::{LokiConfig, LokiMode};
pub use mcp::McpConfig;
use mcp::{McpServerConfig, McpTransport};
pub use prometheus::{NoCache, PromEnv, PrometheusConfig};
pub use record::RecordConfig;
pub use target::{Target, TargetConfig, TargetEntry};
pub use validate::MAX_HISTORY;

use crate::model::profile::CustomProfile;
use flags::Flags;

/// The whole configuration, after defaults, file, flags and imports are merged. Read from
/// TOML through `file.rs` (each table below is one top-level table of the file).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// `[target]`: one target, and the settings of every other.
    pub target: TargetConfig,
    /// `[[targets]]` (or the `--target` flags, which replace them and `[target].url`).
    pub targets: Vec<TargetEntry>,
    pub scrape: ScrapeConfig,
    pub window: WindowConfig,
    pub thresholds: Thresholds,
    pub modules: ModulesConfig,
    pub custom_profile: Option<CustomProfile>,
    /// `[mcp]`: the embedded MCP client's servers and settings.
    pub mcp: McpConfig,
    /// `[[bindings]]`: keys that call MCP tools; each names a server of `mcp.servers`.
    pub bindings: Vec<ToolBinding>,
    /// `[alertmanager]`: where Alertmanager's alerts and silences come from.
    pub alertmanager: AlertmanagerConfig,
    /// `[alerts]`: priorities, runbooks, silence defaults.
    pub alerts: AlertsConfig,
    /// The rules mcptop evaluates itself: the built-in ones as `[[rules]]` changed them.
    pub rules: Vec<crate::model::rules::Rule>,
    /// `[loki]`: where log lines come from.
    pub loki: LokiConfig,
    /// `[prometheus]` and `[[environments]]`: query mode's APIs; empty in scrape mode.
    pub prometheus: PrometheusConfig,
    /// `[ui]`: theme and mouse.
    pub ui: UiConfig,
    /// `[keys]`: actions given other keys than the defaults, in file order.
    pub keys: Vec<(crate::action::Action, Vec<crate::action::Key>)>,
    /// `record` and `record_max_bytes` (or `--record FILE`): a recording of scrape mode.
    pub record: RecordConfig,
    /// Not from the file: what loading dropped without failing (imported servers skipped or
    /// shadowed by an earlier one of the same name), one line each, for the operator. Holds
    /// names and reasons, never header or environment values.
    pub warnings: Vec<String>,
}

impl Default for Config {
    /// Built-in defaults; the built-in rules are on.
    fn default() -> Self {
        Config {
            target: TargetConfig::default(),
            targets: Vec::new(),
            scrape: ScrapeConfig::default(),
            window: WindowConfig::default(),
            thresholds: Thresholds::default(),
            modules: ModulesConfig::default(),
            custom_profile: None,
            mcp: McpConfig::default(),
            bindings: Vec::new(),
            alertmanager: AlertmanagerConfig::default(),
            alerts: AlertsConfig::default(),
            rules: crate::model::rules::builtin(),
            loki: LokiConfig::default(),
            prometheus: PrometheusConfig::default(),
            ui: UiConfig::default(),
            keys: Vec::new(),
            record: RecordConfig::default(),
            warnings: Vec::new(),
        }
    }
}

/// How the target is scraped.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScrapeConfig {
    /// Time between two scrapes (and health checks).
    #[serde(with = "humantime_serde")]
    pub interval: Duration,
    /// Timeout of one request, connect included; default: the smaller of 1.5 s and the
    /// interval (see [`ScrapeConfig::timeout`]).
    #[serde(with = "humantime_serde")]
    pub timeout: Option<Duration>,
    /// Largest `/metrics` body accepted, in bytes; larger bodies fail the scrape.
    pub max_body_bytes: u64,
    /// Most samples one scrape may hold, as Prometheus' `sample_limit`: a scrape with more
    /// fails with `sample limit exceeded (N > limit)` and the previous numbers stay, with
    /// their age. 0 means no limit. Default [`DEFAULT_SAMPLE_LIMIT`].
    pub sample_limit: usize,
}

/// The default `scrape.sample_limit`: 200,000 samples.
pub const DEFAULT_SAMPLE_LIMIT: usize = 200_000;

impl ScrapeConfig {
    /// The effective request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
            .unwrap_or_else(|| Duration::from_millis(1500).min(self.interval))
    }
}

impl Default for ScrapeConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(2),
            timeout: None,
            max_body_bytes: 16 * 1024 * 1024,
            sample_limit: DEFAULT_SAMPLE_LIMIT,
        }
    }
}

/// Time ranges of the computations.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WindowConfig {
    /// Range of `rate()` and quantiles, like PromQL `[5m]`.
    #[serde(with = "humantime_serde")]
    pub range: Duration,
    /// History kept for the timeline (memory is bounded by it).
    #[serde(with = "humantime_serde")]
    pub history: Duration,
}

impl Default for WindowConfig {
    fn default() -> Self {
        Self {
            range: Duration::from_secs(300),
            history: Duration::from_secs(3600),
        }
    }
}

/// Warn/critical thresholds of the tiles. Defaults are the KPIs of the operations manual:
/// error rate < 1%, P95 < 3 s, P99 < 5 s; critical at the paging levels (5%, 5 s, 10 s).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    /// Error ratio (0..1) at which the tile warns.
    pub error_rate_warn: f64,
    /// Error ratio (0..1) at which the tile is critical.
    pub error_rate_crit: f64,
    #[serde(with = "humantime_serde")]
    pub p95_warn: Duration,
    #[serde(with = "humantime_serde")]
    pub p95_crit: Duration,
    #[serde(with = "humantime_serde")]
    pub p99_warn: Duration,
    #[serde(with = "humantime_serde")]
    pub p99_crit: Duration,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            error_rate_warn: 0.01,
            error_rate_crit: 0.05,
            p95_warn: Duration::from_secs(3),
            p95_crit: Duration::from_secs(5),
            p99_warn: Duration::from_secs(5),
            p99_crit: Duration::from_secs(10),
        }
    }
}

/// How tool names map to modules for "Tool calls by module".
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModulesConfig {
    /// Label naming the tool (or module) of a request; default: the profile's
    /// (`gen_ai_tool_name` for otel-mcp).
    pub label: Option<String>,
    /// Regex applied to the tool name; its first capture group is the module
    /// (the whole match when it has no group). Default: text before the first `.` or `_`.
    pub pattern: String,
}

impl Default for ModulesConfig {
    fn default() -> Self {
        Self {
            label: None,
            pattern: "^([^._]+)".to_string(),
        }
    }
}

/// `[ui]`: how the dashboard looks and takes input.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// A built-in theme (default, light, high-contrast, solarized-dark, monochrome) or a
    /// file `themes/<name>.toml` in the config dir. `NO_COLOR` turns colours off whatever
    /// this says.
    pub theme: String,
    /// Mouse input (wheel scrolls, a click on a tab opens it). Unset: on, except over SSH
    /// (`SSH_CONNECTION` or `SSH_TTY` set), where a captured mouse would stop the local
    /// terminal's text selection; see [`UiConfig::mouse_on`].
    pub mouse: Option<bool>,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            theme: "default".to_string(),
            mouse: None,
        }
    }
}

impl UiConfig {
    /// Whether the mouse is captured: as configured, else on unless `var` shows an SSH
    /// session.
    pub fn mouse_on(&self, var: impl Fn(&str) -> Option<String>) -> bool {
        self.mouse.unwrap_or_else(|| {
            var("SSH_CONNECTION").is_none_or(|v| v.is_empty())
                && var("SSH_TTY").is_none_or(|v| v.is_empty())
        })
    }
}

impl Config {
    /// The endpoints whose TLS certificates are not verified (`insecure_skip_verify = true`),
    /// for the header's warning: `target (NAME)` for each scrape target (`targets_file` for
    /// the file's, which take `[target]`'s settings), `mcp (NAME)` for each MCP server,
    /// `alertmanager`, `loki`, and `prometheus (NAME)` for each query-mode environment.
    /// Empty when every endpoint verifies.
    pub fn unverified_tls(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.prometheus.enabled() {
            for t in self.scrape_targets().unwrap_or_default() {
                if t.http.tls.insecure_skip_verify {
                    out.push(format!("target ({})", t.name));
                }
            }
            if self.target.targets_file.is_some() && self.target.http.tls.insecure_skip_verify {
                out.push("targets_file".to_string());
            }
        }
        for s in &self.mcp.servers {
            if let mcp::McpTransport::Http { http, .. } = &s.transport
                && http.tls.insecure_skip_verify
            {
                out.push(format!("mcp ({})", s.name));
            }
        }
        if !self.alertmanager.urls.is_empty() && self.alertmanager.http.tls.insecure_skip_verify {
            out.push("alertmanager".to_string());
        }
        if self.loki.url.is_some() && self.loki.http.tls.insecure_skip_verify {
            out.push("loki".to_string());
        }
        for env in &self.prometheus.environments {
            if env.http.tls.insecure_skip_verify {
                out.push(format!("prometheus ({})", env.name));
            }
        }
        out
    }

    /// Loads the config: `--config PATH` (must exist), else the default path when it exists,
    /// else built-in defaults; then applies the flags; then appends the servers of each
    /// `mcp.import` file and each `--mcp-config` file (a name already taken keeps the first
    /// server and adds a line to [`Config::warnings`]); then checks that every binding names
    /// a server.
    ///
    /// Errors: unreadable file; TOML or schema errors as `file:line:col: key `k`: message`;
    /// an import that cannot be read or is not an MCP client config (see
    /// [`mcp_import::import`]); a binding naming no server.
    pub fn load(args: &Flags) -> Result<Config, ConfigError> {
        let (parsed, read) = match &args.config {
            Some(path) => (file::read(path)?, Some(path.clone())),
            None => match default_path() {
                Some(path) if path.exists() => (file::read(&path)?, Some(path)),
                _ => (file::Parsed::default(), None),
            },
        };
        let mut cfg = Self::finish(parsed, args)?;
        cfg.record.config_file = read;
        Ok(cfg)
    }

    /// Parses a config from TOML text; `origin` names the file in errors. Like
    /// [`Config::load`] without flags: `mcp.import` files are read and bindings checked.
    pub fn from_toml(text: &str, origin: &Path) -> Result<Config, ConfigError> {
        Self::finish(file::parse(text, origin)?, &Flags::default())
    }

    fn finish(parsed: file::Parsed, args: &Flags) -> Result<Config, ConfigError> {
        let file::Parsed {
            config: mut cfg,
            binding_servers,
            imports,
        } = parsed;
        cfg.apply_flags(args)?;
        cfg.validate()?;
        let from_file = cfg.mcp.import.clone();
        for (path, place) in from_file.iter().zip(&imports) {
            let imported = mcp_import::import(path).map_err(|e| match e {
                ConfigError::Io { path, message } => place.error(
                    "mcp.import",
                    format!("cannot read {}: {message}", path.display()),
                ),
                other => other,
            })?;
            cfg.add_imported(imported);
        }
        for path in &args.mcp_config {
            let path = match path.to_str() {
                Some(text) => {
                    mcp::expand_home(text).map_err(|m| ConfigError::invalid("--mcp-config", &m))?
                }
                None => path.clone(),
            };
            cfg.add_imported(mcp_import::import(&path)?);
            cfg.mcp.import.push(path);
        }
        bindings::check_servers(
            &cfg.bindings,
            &binding_servers,
            &cfg.mcp.servers,
            &cfg.warnings,
        )?;
        Ok(cfg)
    }

    /// Appends imported servers whose names are free; the others become warnings.
    fn add_imported(&mut self, imported: mcp_import::Imported) {
        self.warnings.extend(imported.warnings);
        for server in imported.servers {
            if self.mcp.servers.iter().any(|s| s.name == server.name) {
                self.warnings.push(format!(
                    "MCP server `{}` is defined more than once: the first definition is kept, \
                     the imported one ignored",
                    server.name
                ));
            } else {
                self.mcp.servers.push(server);
            }
        }
    }

    /// Errors: two `--mcp` flags with one name.
    fn apply_flags(&mut self, args: &Flags) -> Result<(), ConfigError> {
        self.apply_target_flags(&args.target)?;
        if let Some(p) = &args.profile {
            // The flag is for every target, `[[targets]]` entries with their own included.
            self.target.profile = p.clone();
            for e in &mut self.targets {
                e.profile = None;
            }
        }
        if let Some(d) = args.interval {
            self.scrape.interval = d;
        }
        if let Some(d) = args.timeout {
            self.scrape.timeout = Some(d);
        }
        if let Some(d) = args.window {
            self.window.range = d;
        }
        if let Some(d) = args.history {
            self.window.history = d;
        }
        if let Some(p) = &args.record {
            self.record.path = Some(p.clone());
        }
        if args.read_only {
            self.mcp.read_only = true;
            self.alerts.read_only = true;
        }
        let url_flag = |flag: &str, url: &str| {
            mcp::check_http_url(url.trim())
                .map(|()| url.trim().trim_end_matches('/').to_string())
                .map_err(|m| ConfigError::invalid(flag, &format!("the URL {m}")))
        };
        if !args.alertmanager.is_empty() {
            self.alertmanager.urls = args
                .alertmanager
                .iter()
                .map(|u| url_flag("--alertmanager", u))
                .collect::<Result<_, _>>()?;
        }
        if let Some(u) = &args.loki {
            self.loki.url = Some(url_flag("--loki", u)?);
        }
        if let Some(q) = &args.logql {
            if !q.trim().starts_with('{') {
                return Err(ConfigError::invalid(
                    "--logql",
                    "must be a LogQL log query starting with a stream selector, e.g. \
                     {app=\"mcpist\"} |= \"error\"",
                ));
            }
            self.loki.query = Some(q.trim().to_string());
        }
        if let Some(t) = &args.loki_tenant {
            if t.trim().is_empty() || ::http::HeaderValue::from_str(t.trim()).is_err() {
                return Err(ConfigError::invalid(
                    "--loki-tenant",
                    "must be a non-empty tenant ID",
                ));
            }
            self.loki.tenant = Some(t.trim().to_string());
        }
        self.apply_prometheus_flags(args)?;
        if let Some(t) = &args.theme {
            self.ui.theme = t.clone();
        }
        if args.mouse {
            self.ui.mouse = Some(true);
        }
        if args.no_mouse {
            self.ui.mouse = Some(false);
        }
        let mut named = HashSet::new();
        for flag in &args.mcp {
            mcp::check_http_url(&flag.url)
                .map_err(|m| ConfigError::invalid("--mcp", &format!("the URL {m}")))?;
            if !named.insert(flag.name.as_str()) {
                return Err(ConfigError::invalid(
                    "--mcp",
                    &format!("names server `{}` twice", flag.name),
                ));
            }
            let existing = self.mcp.servers.iter_mut().find(|s| s.name == flag.name);
            match existing {
                // The flag overrides the file's url. Its headers and token source are kept
                // only for the same origin (scheme, host, port): a token configured for one
                // server is never sent to another one named on the command line.
                Some(server) => {
                    let http = match &server.transport {
                        McpTransport::Http { url, http } if same_origin(url, &flag.url) => {
                            http.clone()
                        }
                        _ => Default::default(),
                    };
                    server.transport = McpTransport::Http {
                        url: flag.url.clone(),
                        http,
                    };
                }
                None => self.mcp.servers.push(McpServerConfig {
                    name: flag.name.clone(),
                    transport: McpTransport::Http {
                        url: flag.url.clone(),
                        http: Default::default(),
                    },
                }),
            }
        }
        Ok(())
    }

    /// `--prometheus URL` replaces the URL of the starting environment (or makes one named
    /// `default`); `--selector` its selector; `--env NAME` picks the starting one.
    ///
    /// Errors: a bad selector, an unknown environment, or `--selector` without an API.
    fn apply_prometheus_flags(&mut self, args: &Flags) -> Result<(), ConfigError> {
        if let Some(name) = &args.env {
            if self.prometheus.position(name).is_none() {
                let known: Vec<&str> = self
                    .prometheus
                    .environments
                    .iter()
                    .map(|e| e.name.as_str())
                    .collect();
                return Err(ConfigError::invalid(
                    "--env",
                    &match known.is_empty() {
                        true => format!("no environment `{name}`: the config defines none"),
                        false => format!("no environment `{name}` (known: {})", known.join(", ")),
                    },
                ));
            }
            self.prometheus.start = Some(name.clone());
        }
        if let Some(url) = &args.prometheus {
            mcp::check_http_url(url.trim())
                .map_err(|m| ConfigError::invalid("--prometheus", &format!("the URL {m}")))?;
            let url = url.trim().trim_end_matches('/');
            if self.prometheus.environments.is_empty() {
                self.prometheus
                    .environments
                    .push(PromEnv::new("default", url));
            } else {
                let i = self.prometheus.start_index();
                let env = &mut self.prometheus.environments[i];
                // Credentials configured for one API are never sent to another one named on
                // the command line.
                if !same_origin(&env.url, url) {
                    env.http = Default::default();
                }
                env.url = url.to_string();
            }
        }
        if let Some(text) = &args.selector {
            let selector = prometheus::parse_selector(text)
                .map_err(|m| ConfigError::invalid("--selector", &m))?;
            let i = self.prometheus.start_index();
            match self.prometheus.environments.get_mut(i) {
                Some(env) => env.selector = selector,
                None => {
                    return Err(ConfigError::invalid(
                        "--selector",
                        "selects targets of a Prometheus API: add --prometheus URL",
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Whether two URLs share scheme, host and port.
fn same_origin(a: &str, b: &str) -> bool {
    match (url::Url::parse(a), url::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.origin() == b.origin(),
        _ => false,
    }
}

#[cfg(test)]
mod alerts_tests;
#[cfg(test)]
mod bindings_tests;
#[cfg(test)]
mod keys_tests;
#[cfg(test)]
mod loki_tests;
#[cfg(test)]
mod mcp_oauth_tests;
#[cfg(test)]
mod mcp_tests;
#[cfg(test)]
mod prometheus_tests;
#[cfg(test)]
mod tests;
