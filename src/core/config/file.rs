//! Reading and parsing the TOML file: the schema in its raw form (`deny_unknown_fields`, with
//! `toml::Spanned` on values checked afterwards), then the checks that point at a line.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::alerts;
use super::bindings::{self, RawBinding};
use super::error::{Place, Source};
use super::mcp::{
    LOG_LEVELS, McpConfig, McpServerConfig, McpSettings, McpTransport, check_http_url, expand_home,
};
use super::{Config, ConfigError, ModulesConfig, ScrapeConfig, Thresholds, WindowConfig};
use crate::model::profile::CustomProfile;

/// A parsed file, with the places of values that can only be checked once flags and imports
/// are merged.
#[derive(Debug, Default)]
pub(super) struct Parsed {
    pub config: Config,
    /// Place of each `[[bindings]]` entry's `server` value, in order.
    pub binding_servers: Vec<Place>,
    /// Place of each `mcp.import` entry, in order.
    pub imports: Vec<Place>,
}

/// Reads and parses `path`.
pub(super) fn read(path: &Path) -> Result<Parsed, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse(&text, path)
}

/// Parses TOML text; errors carry the file, line, column and key.
pub(super) fn parse(text: &str, origin: &Path) -> Result<Parsed, ConfigError> {
    let raw =
        toml::from_str::<RawFile>(text).map_err(|e| ConfigError::from_toml(&e, text, origin))?;
    let src = Source { path: origin, text };
    let (mcp, imports) = mcp(&src, raw.mcp)?;
    let (bindings, binding_servers) = bindings::convert(&src, raw.bindings)?;
    let alertmanager = alerts::alertmanager(&src, raw.alertmanager)?;
    let (alerts, builtin_rules) = alerts::alerts(&src, raw.alerts)?;
    let rules = alerts::rules(&src, builtin_rules, raw.rules)?;
    let loki = super::loki::convert(&src, raw.loki)?;
    let prometheus = super::prometheus::convert(&src, raw.prometheus, raw.environments)?;
    Ok(Parsed {
        config: Config {
            target: super::target_raw::target(&src, raw.target)?,
            targets: super::target_raw::entries(&src, raw.targets)?,
            scrape: raw.scrape,
            window: raw.window,
            thresholds: raw.thresholds,
            modules: raw.modules,
            custom_profile: raw.custom_profile,
            mcp,
            bindings,
            alertmanager,
            alerts,
            rules,
            loki,
            prometheus,
            ui: raw.ui,
            keys: super::keys::convert(&src, raw.keys)?,
            record: record(&src, raw.record.as_ref(), raw.record_max_bytes.as_ref())?,
            warnings: Vec::new(),
        },
        binding_servers,
        imports,
    })
}

/// The file as written; missing tables take their defaults.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    /// `record = "path"`: a recording of what scrape mode receives.
    record: Option<Spanned<String>>,
    /// `record_max_bytes`: the recording's size limit.
    record_max_bytes: Option<Spanned<i64>>,
    #[serde(default)]
    target: super::target_raw::RawTarget,
    #[serde(default)]
    targets: Vec<super::target_raw::RawTarget>,
    #[serde(default)]
    scrape: ScrapeConfig,
    #[serde(default)]
    window: WindowConfig,
    #[serde(default)]
    thresholds: Thresholds,
    #[serde(default)]
    modules: ModulesConfig,
    #[serde(default)]
    custom_profile: Option<CustomProfile>,
    #[serde(default)]
    mcp: RawMcp,
    #[serde(default)]
    bindings: Vec<RawBinding>,
    #[serde(default)]
    alertmanager: alerts::RawAlertmanager,
    #[serde(default)]
    alerts: alerts::RawAlerts,
    #[serde(default)]
    rules: Vec<alerts::RawRule>,
    #[serde(default)]
    loki: super::loki::RawLoki,
    #[serde(default)]
    ui: super::UiConfig,
    #[serde(default)]
    keys: super::keys::RawKeyTable,
    #[serde(default)]
    prometheus: Option<super::prometheus::RawProm>,
    #[serde(default)]
    environments: Vec<super::prometheus::RawProm>,
}

/// `record` and `record_max_bytes`.
///
/// Errors: an empty path, or a limit under [`super::RecordConfig::MIN_MAX_BYTES`]; at the
/// value's place.
fn record(
    src: &Source,
    path: Option<&Spanned<String>>,
    max: Option<&Spanned<i64>>,
) -> Result<super::RecordConfig, ConfigError> {
    let mut r = super::RecordConfig::default();
    if let Some(p) = path {
        if p.get_ref().trim().is_empty() {
            return Err(src.error(p.span(), "record", "is empty: name the file to record into"));
        }
        r.path = Some(expand_home(p.get_ref()).map_err(|m| src.error(p.span(), "record", m))?);
    }
    if let Some(m) = max {
        r.max_bytes = u64::try_from(*m.get_ref())
            .ok()
            .filter(|n| *n >= super::RecordConfig::MIN_MAX_BYTES)
            .ok_or_else(|| {
                src.error(
                    m.span(),
                    "record_max_bytes",
                    format!(
                        "must be at least {} (64 KiB)",
                        super::RecordConfig::MIN_MAX_BYTES
                    ),
                )
            })?;
    }
    Ok(r)
}

/// `[mcp]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMcp {
    call_timeout: Option<Spanned<String>>,
    ping_interval: Option<Spanned<String>>,
    connect_timeout: Option<Spanned<String>>,
    log_level: Option<Spanned<String>>,
    log_lines: Option<Spanned<i64>>,
    read_only: Option<bool>,
    #[serde(default)]
    import: Vec<Spanned<String>>,
    /// The toml crate (without `preserve_order`) hands tables over sorted by key: file order
    /// is restored from the key spans.
    #[serde(default)]
    servers: IndexMap<Spanned<String>, Spanned<RawServer>>,
}

/// `[mcp.servers.NAME]` as written. An HTTP server takes the HTTP settings every endpoint
/// takes ([`super::http::convert`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServer {
    #[serde(rename = "type")]
    kind: Option<Spanned<String>>,
    url: Option<Spanned<String>>,
    headers: Option<super::http::IndexedHeaders>,
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
    oauth_client_id: Option<Spanned<String>>,
    oauth_scopes: Option<Spanned<Vec<String>>>,
    command: Option<Spanned<String>>,
    args: Option<Spanned<Vec<String>>>,
    env: Option<Spanned<BTreeMap<String, String>>>,
    cwd: Option<Spanned<String>>,
}

fn mcp(src: &Source, mut raw: RawMcp) -> Result<(McpConfig, Vec<Place>), ConfigError> {
    let settings = settings(src, &raw)?;
    let mut import = Vec::new();
    let mut places = Vec::new();
    for (i, entry) in raw.import.iter().enumerate() {
        let path = expand_home(entry.get_ref())
            .map_err(|m| src.error(entry.span(), format!("mcp.import[{i}]"), m))?;
        import.push(path);
        places.push(src.place(entry.span()));
    }
    let mut entries: Vec<_> = std::mem::take(&mut raw.servers).into_iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let servers = entries
        .into_iter()
        .map(|(name, table)| server(src, &name, table))
        .collect::<Result<Vec<_>, _>>()?;
    let config = McpConfig {
        servers,
        settings,
        import,
        read_only: raw.read_only.unwrap_or(false),
    };
    Ok((config, places))
}

fn settings(src: &Source, raw: &RawMcp) -> Result<McpSettings, ConfigError> {
    let mut s = McpSettings::default();
    let durations = [
        (&raw.call_timeout, "mcp.call_timeout", &mut s.call_timeout),
        (
            &raw.ping_interval,
            "mcp.ping_interval",
            &mut s.ping_interval,
        ),
        (
            &raw.connect_timeout,
            "mcp.connect_timeout",
            &mut s.connect_timeout,
        ),
    ];
    for (value, key, slot) in durations {
        if let Some(v) = value {
            *slot = duration(src, v, key)?;
        }
    }
    if let Some(level) = &raw.log_level {
        if !LOG_LEVELS.contains(&level.get_ref().as_str()) {
            return Err(src.error(
                level.span(),
                "mcp.log_level",
                format!("must be one of {}", LOG_LEVELS.join(", ")),
            ));
        }
        s.log_level = level.get_ref().clone();
    }
    if let Some(lines) = &raw.log_lines {
        s.log_lines = usize::try_from(*lines.get_ref())
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| src.error(lines.span(), "mcp.log_lines", "must be more than 0"))?;
    }
    Ok(s)
}

/// The longest duration a key of the file takes: 365 days. Longer ones are typing
/// mistakes, and some would overflow a timer's deadline or an RFC 3339 time (a silence
/// ending after the year 9999).
pub(super) const MAX_DURATION: Duration = Duration::from_secs(365 * 24 * 3600);

/// A humantime duration ("30s", "1m 30s") that is more than zero and at most 365 days.
///
/// Errors: not a duration, zero, or longer than 365 days; at the value's place, naming
/// `key`.
pub(super) fn duration(
    src: &Source,
    value: &Spanned<String>,
    key: &str,
) -> Result<Duration, ConfigError> {
    match humantime::parse_duration(value.get_ref()) {
        Err(e) => Err(src.error(
            value.span(),
            key,
            format!("is not a duration like \"30s\" or \"1m 30s\": {e}"),
        )),
        Ok(d) if d.is_zero() => Err(src.error(value.span(), key, "must be more than 0")),
        Ok(d) if d > MAX_DURATION => Err(src.error(value.span(), key, "must be at most 365d")),
        Ok(d) => Ok(d),
    }
}

/// `mcp.servers.NAME`, quoting NAME when it is not a bare TOML key.
pub(super) fn server_key(name: &str) -> String {
    format!("mcp.servers.{}", key_segment(name))
}

/// One segment of a dotted key as TOML writes it: bare (`prod`) or quoted (`"a.b"`).
pub(super) fn key_segment(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        name.to_string()
    } else {
        format!("{name:?}")
    }
}

/// The transport a `type` value asks for.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Http,
    Stdio,
    Sse,
}

fn server(
    src: &Source,
    name: &Spanned<String>,
    table: Spanned<RawServer>,
) -> Result<McpServerConfig, ConfigError> {
    let key = server_key(name.get_ref());
    if name.get_ref().trim().is_empty() {
        return Err(src.error(name.span(), &key, "a server needs a non-empty name"));
    }
    let table_span = table.span();
    let raw = table.into_inner();
    let err = |span: std::ops::Range<usize>, field: &str, message: &str| {
        src.error(span, format!("{key}.{field}"), message)
    };
    super::http::refuse_inline_secrets(
        src,
        &key,
        [
            (&raw.bearer_token, "bearer_token"),
            (&raw.basic_auth_password, "basic_auth_password"),
        ],
    )?;
    let kind = match &raw.kind {
        None => None,
        Some(t) => Some(match t.get_ref().as_str() {
            "http" | "streamable-http" => Kind::Http,
            "stdio" => Kind::Stdio,
            "sse" => Kind::Sse,
            _ => {
                return Err(err(
                    t.span(),
                    "type",
                    "must be \"http\" (or \"streamable-http\"), \"stdio\" or \"sse\"",
                ));
            }
        }),
    };
    let type_span = raw
        .kind
        .as_ref()
        .map(|t| t.span())
        .unwrap_or(table_span.clone());
    let transport = match (&raw.url, &raw.command) {
        (Some(_), Some(command)) => {
            return Err(err(
                command.span(),
                "command",
                "a server has either `url` (Streamable HTTP) or `command` (stdio), not both",
            ));
        }
        (None, None) => {
            return Err(src.error(
                table_span,
                &key,
                "needs `url` (Streamable HTTP) or `command` (stdio)",
            ));
        }
        (Some(url), None) => {
            if kind == Some(Kind::Stdio) {
                return Err(err(
                    type_span,
                    "type",
                    "is \"stdio\" but the server has `url`: stdio servers need `command`",
                ));
            }
            http(src, &key, url, &raw, kind == Some(Kind::Sse))?
        }
        (None, Some(command)) => {
            if matches!(kind, Some(Kind::Http | Kind::Sse)) {
                return Err(err(
                    type_span,
                    "type",
                    "names an HTTP transport but the server has `command`: \
                     HTTP servers need `url`",
                ));
            }
            stdio(src, &key, command, &raw)?
        }
    };
    Ok(McpServerConfig {
        name: name.get_ref().clone(),
        transport,
    })
}

fn http(
    src: &Source,
    key: &str,
    url: &Spanned<String>,
    raw: &RawServer,
    sse: bool,
) -> Result<McpTransport, ConfigError> {
    let err = |span: std::ops::Range<usize>, field: &str, message: &str| {
        src.error(span, format!("{key}.{field}"), message)
    };
    let stdio_only = [
        ("args", raw.args.as_ref().map(Spanned::span)),
        ("env", raw.env.as_ref().map(Spanned::span)),
        ("cwd", raw.cwd.as_ref().map(Spanned::span)),
    ];
    if let Some((field, Some(span))) = stdio_only.into_iter().find(|(_, s)| s.is_some()) {
        return Err(err(
            span,
            field,
            "is for stdio servers (with `command`), and this one has `url`",
        ));
    }
    check_http_url(url.get_ref()).map_err(|m| err(url.span(), "url", &m))?;
    if sse {
        // rmcp 3.x has no legacy SSE client: headers and token would never be sent.
        return Ok(McpTransport::Sse {
            url: url.get_ref().clone(),
        });
    }
    let parts = super::http::parts_of!(raw);
    let mut http = super::http::convert(src, key, &parts)?;
    if let Some(auth) = super::mcp::oauth(src, key, &raw.oauth_client_id, &raw.oauth_scopes)? {
        if http.auth.is_some() {
            let span = raw
                .oauth_client_id
                .as_ref()
                .map(Spanned::span)
                .or_else(|| raw.oauth_scopes.as_ref().map(Spanned::span))
                .unwrap_or_default();
            return Err(err(
                span,
                "oauth_client_id",
                "OAuth replaces the bearer token or basic auth: give one of them",
            ));
        }
        http.auth = Some(auth);
    }
    Ok(McpTransport::Http {
        url: url.get_ref().clone(),
        http,
    })
}

fn stdio(
    src: &Source,
    key: &str,
    command: &Spanned<String>,
    raw: &RawServer,
) -> Result<McpTransport, ConfigError> {
    let err = |span: std::ops::Range<usize>, field: &str, message: &str| {
        src.error(span, format!("{key}.{field}"), message)
    };
    let first_key = |m: &super::http::IndexedHeaders| m.keys().next().map(Spanned::span);
    let spanned = |v: &Option<Spanned<String>>| v.as_ref().map(Spanned::span);
    let http_only = [
        ("headers", raw.headers.as_ref().and_then(first_key)),
        ("basic_auth_user", spanned(&raw.basic_auth_user)),
        (
            "basic_auth_password_env",
            spanned(&raw.basic_auth_password_env),
        ),
        (
            "basic_auth_password_file",
            spanned(&raw.basic_auth_password_file),
        ),
        ("bearer_token_env", spanned(&raw.bearer_token_env)),
        ("bearer_token_file", spanned(&raw.bearer_token_file)),
        ("ca_file", spanned(&raw.ca_file)),
        ("cert_file", spanned(&raw.cert_file)),
        ("key_file", spanned(&raw.key_file)),
        ("oauth_client_id", spanned(&raw.oauth_client_id)),
        ("oauth_scopes", raw.oauth_scopes.as_ref().map(Spanned::span)),
    ];
    if let Some((field, Some(span))) = http_only.into_iter().find(|(_, s)| s.is_some()) {
        return Err(err(
            span,
            field,
            "is for HTTP servers (with `url`); a stdio server takes secrets through `env`",
        ));
    }
    if command.get_ref().trim().is_empty() {
        return Err(err(command.span(), "command", "is empty"));
    }
    let cwd = match &raw.cwd {
        None => None,
        Some(c) => Some(expand_home(c.get_ref()).map_err(|m| err(c.span(), "cwd", &m))?),
    };
    Ok(McpTransport::Stdio {
        command: command.get_ref().clone(),
        args: raw
            .args
            .as_ref()
            .map(|a| a.get_ref().clone())
            .unwrap_or_default(),
        env: raw
            .env
            .as_ref()
            .map(|e| e.get_ref().clone())
            .unwrap_or_default(),
        cwd,
    })
}
