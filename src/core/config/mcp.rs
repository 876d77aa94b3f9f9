//! The embedded MCP client's configuration: servers to connect to, call and ping settings,
//! and key bindings to tools.
//!
//! ```toml
//! [mcp]
//! call_timeout = "30s"
//! import = ["~/.config/Claude/claude_desktop_config.json", ".mcp.json"]
//!
//! [mcp.servers.prod]
//! url = "https://mcp.example.com/mcp"
//! bearer_token_env = "PROD_MCP_TOKEN"
//!
//! [mcp.servers.local]
//! command = "npx"
//! args = ["-y", "@modelcontextprotocol/server-everything"]
//!
//! [[bindings]]
//! key = "F5"
//! server = "prod"
//! tool = "cache.flush"
//! args = { region = "ap-northeast-1" }
//! confirm = true
//! ```
//!
//! The `[mcp]` table is parsed and checked in `file.rs`, client configs of other tools are read
//! by [`super::mcp_import`], and `[[bindings]]` live in [`super::bindings`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::Spanned;

use super::endpoint::HttpAuth;

/// The `[mcp]` table after defaults, file, flags and imports are merged.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct McpConfig {
    /// Servers in this order: `[mcp.servers.*]` in file order, then `--mcp` flags, then the
    /// servers of each `import` file and `--mcp-config` file in turn. Names are unique (a later
    /// duplicate is dropped with a warning in [`super::Config::warnings`]).
    pub servers: Vec<McpServerConfig>,
    /// Timeouts, ping interval and log settings.
    pub settings: McpSettings,
    /// Client config files read (`mcp.import`, then `--mcp-config`), `~/` expanded; relative
    /// paths are relative to the current directory.
    pub import: Vec<PathBuf>,
    /// Only tools annotated `readOnlyHint` may be called (`mcp.read_only`, `--read-only`).
    pub read_only: bool,
}

/// One MCP server the client connects to.
#[derive(Debug, Clone, PartialEq)]
pub struct McpServerConfig {
    /// Name used in bindings and shown in panels (the table key).
    pub name: String,
    pub transport: McpTransport,
}

/// How to reach a server.
///
/// `Debug` is written by hand: it shows header and environment variable *names*, the number
/// of arguments and the URL with its password and query values masked, never a value that may
/// hold a secret.
#[derive(Clone, PartialEq)]
pub enum McpTransport {
    /// Streamable HTTP: POST/GET on one endpoint URL (often `/mcp`).
    Http {
        url: String,
        /// Extra request headers (sent as given: values may come from the environment when
        /// imported from `${VAR}` or `${env:VAR}` references), the bearer token or basic-auth
        /// source (never the secret itself) and TLS: the same settings as every endpoint.
        http: super::endpoint::HttpSettings,
    },
    /// A child process speaking JSON-RPC on stdin/stdout; its stderr is captured.
    Stdio {
        command: String,
        args: Vec<String>,
        /// Added to (not replacing) mcptop's environment.
        env: BTreeMap<String, String>,
        cwd: Option<PathBuf>,
    },
    /// A legacy HTTP+SSE endpoint (protocol 2024-11-05). Kept so the panel can say plainly
    /// that rmcp 3.x has no client for it.
    Sse { url: String },
}

impl fmt::Debug for McpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            McpTransport::Http { url, http } => f
                .debug_struct("Http")
                .field("url", &masked_url(url))
                .field("http", http)
                .finish(),
            McpTransport::Stdio {
                command,
                args,
                env,
                cwd,
            } => f
                .debug_struct("Stdio")
                .field("command", command)
                .field("args", &format_args!("<{} hidden>", args.len()))
                .field("env", &env.keys().collect::<Vec<_>>())
                .field("cwd", cwd)
                .finish(),
            McpTransport::Sse { url } => f
                .debug_struct("Sse")
                .field("url", &masked_url(url))
                .finish(),
        }
    }
}

/// The URL as [`crate::text::url::redact`] shows it; `<unparsable URL>` when it does
/// not parse (the text could be anything).
fn masked_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(_) => crate::text::url::redact(url),
        Err(_) => "<unparsable URL>".to_string(),
    }
}

/// Where a secret comes from: never the command line, never the config text itself.
#[derive(Debug, Clone, PartialEq)]
pub enum SecretSource {
    /// The value of an environment variable (its name is stored).
    Env(String),
    /// The trimmed contents of a file (`~/` expanded; read when connecting).
    File(PathBuf),
}

impl SecretSource {
    /// Reads the secret (trimmed) when it is needed, not when the config is loaded.
    ///
    /// Errors: the variable is unset or empty, the file unreadable or empty; each starts
    /// with `what` (e.g. "bearer token") and names the variable or file, never the value.
    pub fn read(&self, what: &str) -> Result<String, String> {
        let (value, origin) = match self {
            SecretSource::Env(name) => (
                std::env::var(name)
                    .map_err(|_| format!("{what}: environment variable {name} is not set"))?,
                format!("environment variable {name}"),
            ),
            SecretSource::File(path) => (
                std::fs::read_to_string(path)
                    .map_err(|e| format!("{what}: cannot read {}: {e}", path.display()))?,
                path.display().to_string(),
            ),
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(format!("{what}: {origin} is empty"));
        }
        crate::secrets::remember(value);
        Ok(value.to_string())
    }
}

/// Settings of the client as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct McpSettings {
    /// Timeout of one tools/call (rmcp has none by default). `mcp.call_timeout`, default 30 s.
    pub call_timeout: Duration,
    /// Time between two pings; a ping also detects a dead connection. `mcp.ping_interval`,
    /// default 15 s.
    pub ping_interval: Duration,
    /// Timeout of connecting plus `initialize`. `mcp.connect_timeout`, default 10 s.
    pub connect_timeout: Duration,
    /// Level asked of servers with `logging/setLevel`: one of [`LOG_LEVELS`]. `mcp.log_level`,
    /// default `info`.
    pub log_level: String,
    /// Log lines kept per server (stderr and notifications together), > 0. `mcp.log_lines`,
    /// default 1000.
    pub log_lines: usize,
    /// Directory of the OAuth token files (one per server URL, `0600`); `None`: `oauth/`
    /// under the state directory (`$XDG_STATE_HOME/mcptop/oauth`). Not read from the config
    /// file; tests point it elsewhere.
    pub token_dir: Option<PathBuf>,
}

impl Default for McpSettings {
    fn default() -> Self {
        Self {
            call_timeout: Duration::from_secs(30),
            ping_interval: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(10),
            log_level: "info".to_string(),
            log_lines: 1000,
            token_dir: None,
        }
    }
}

/// The MCP logging levels (RFC 5424 syslog severities), least severe first.
pub const LOG_LEVELS: [&str; 8] = [
    "debug",
    "info",
    "notice",
    "warning",
    "error",
    "critical",
    "alert",
    "emergency",
];

/// Checks that `url` is an absolute `http://` or `https://` URL with a host and no
/// credentials in it. Every endpoint's URL goes through here: config keys, flags, imports.
///
/// Errors: a message that never repeats the URL (it may carry a secret). A URL with
/// `user:password@` is refused, pointing at `basic_auth_user` and
/// `basic_auth_password_env`: a password in a URL ends up in shell history, `ps`, logs and
/// screens.
pub(crate) fn check_http_url(url: &str) -> Result<(), String> {
    if !url.contains("://") {
        // `127.0.0.1:9090` is a relative URL to the parser, `localhost:9090` one of scheme
        // `localhost`: neither error would say what is missing.
        return Err(
            "has no scheme: write it with http:// or https:// (e.g. http://127.0.0.1:9090)"
                .to_string(),
        );
    }
    match url::Url::parse(url) {
        Err(e) => Err(format!("is not a URL ({e})")),
        Ok(u) if !matches!(u.scheme(), "http" | "https") => Err(format!(
            "must be an http:// or https:// URL, not {}://",
            u.scheme()
        )),
        Ok(u) if u.host_str().is_none_or(str::is_empty) => Err("has no host".to_string()),
        Ok(u) if !u.username().is_empty() || u.password().is_some() => Err(
            "holds credentials (user:password@): take them out of the URL and set \
             basic_auth_user = \"USER\" with basic_auth_password_env = \"VAR\" (or \
             basic_auth_password_file = \"PATH\") in the config"
                .to_string(),
        ),
        Ok(_) => Ok(()),
    }
}

/// The name given to a server known only by its URL: `host:port` (the scheme's default port
/// when none is written), or the URL itself when it does not parse.
pub fn name_from_url(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| {
            let port = u.port_or_known_default()?;
            u.host_str().map(|h| format!("{h}:{port}"))
        })
        .unwrap_or_else(|| url.to_string())
}

/// `path` with a leading `~/` (or a lone `~`) replaced by `$HOME`.
///
/// Errors: the path starts with `~/` but `HOME` is not set.
pub(crate) fn expand_home(path: &str) -> Result<PathBuf, String> {
    let rest = match path.strip_prefix('~') {
        Some("") => "",
        Some(r) if r.starts_with('/') => &r[1..],
        _ => return Ok(PathBuf::from(path)),
    };
    match std::env::var_os("HOME") {
        Some(home) if !home.is_empty() && rest.is_empty() => Ok(PathBuf::from(home)),
        Some(home) if !home.is_empty() => Ok(Path::new(&home).join(rest)),
        _ => Err("starts with ~ but HOME is not set".to_string()),
    }
}

/// `oauth_client_id` and `oauth_scopes` of an HTTP server, if either is given. OAuth needs
/// neither (a server that answers 401 is authorized with dynamic client registration);
/// they are for an authorization server without it, or one that wants named scopes.
///
/// Errors: an empty client id or scope.
pub(super) fn oauth(
    src: &super::error::Source,
    key: &str,
    client_id: &Option<Spanned<String>>,
    scopes: &Option<Spanned<Vec<String>>>,
) -> Result<Option<HttpAuth>, super::error::ConfigError> {
    if client_id.is_none() && scopes.is_none() {
        return Ok(None);
    }
    let id = match client_id {
        Some(id) if id.get_ref().trim().is_empty() => {
            return Err(src.error(
                id.span(),
                format!("{key}.oauth_client_id"),
                "is empty: leave it out to use dynamic client registration",
            ));
        }
        Some(id) => Some(id.get_ref().trim().to_string()),
        None => None,
    };
    let list = scopes
        .as_ref()
        .map(|s| s.get_ref().clone())
        .unwrap_or_default();
    if let Some(s) = scopes.as_ref()
        && list.iter().any(|x| x.trim().is_empty() || x.contains(' '))
    {
        return Err(src.error(
            s.span(),
            format!("{key}.oauth_scopes"),
            "holds an empty scope or one with a space: one scope per string",
        ));
    }
    Ok(Some(HttpAuth::OAuth {
        client_id: id,
        scopes: list,
    }))
}
