//! The HTTP settings every endpoint shares, whatever it is: a scrape target, an MCP server
//! over Streamable HTTP, a Prometheus-compatible API, Alertmanager, Loki. One type, read
//! from the same keys in each table (`headers`, `basic_auth_user` with
//! `basic_auth_password_env`/`_file`, `bearer_token_env`/`_file`, `ca_file`, `cert_file`,
//! `key_file`, `insecure_skip_verify`) by [`super::http::convert`], and turned into a client
//! by the sources (`sources::endpoint::Endpoint`).

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub use super::mcp::SecretSource;

/// HTTP authentication; secrets are named (variable or file), never written in the config.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpAuth {
    Basic {
        username: String,
        password: SecretSource,
    },
    Bearer(SecretSource),
    /// OAuth 2.1, MCP servers only (`oauth_client_id`, `oauth_scopes` in
    /// `[mcp.servers.NAME]`): the client id registered with the authorization server in
    /// advance (`None`: dynamic client registration) and the scopes to ask for (empty: as the
    /// server's challenge and metadata say). No header is sent from the config: the MCP
    /// client authorizes and keeps the tokens (`sources::mcp::oauth`).
    OAuth {
        client_id: Option<String>,
        scopes: Vec<String>,
    },
}

/// TLS settings. Certificates are verified by default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TlsConfig {
    /// Extra CA certificate(s), PEM.
    pub ca_file: Option<PathBuf>,
    /// Client certificate and key (PEM) for mutual TLS; both or neither.
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    /// Accept any certificate. Off by default; the header names every endpoint that has it
    /// on, for as long as mcptop runs.
    pub insecure_skip_verify: bool,
}

/// Extra headers, credentials and TLS of one endpoint. `Debug` shows header names and the
/// kind of auth only, never a value.
#[derive(Clone, Default, PartialEq)]
pub struct HttpSettings {
    /// Extra headers sent with every request (e.g. `X-Scope-OrgID`); values may be secret
    /// (an imported client config's `Authorization`), so they are marked sensitive.
    pub headers: BTreeMap<String, String>,
    pub auth: Option<HttpAuth>,
    pub tls: TlsConfig,
}

impl fmt::Debug for HttpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.auth {
            None => "none",
            Some(HttpAuth::Basic { .. }) => "basic",
            Some(HttpAuth::Bearer(_)) => "bearer",
            Some(HttpAuth::OAuth { .. }) => "oauth",
        };
        f.debug_struct("HttpSettings")
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("auth", &auth)
            .field("tls", &self.tls)
            .finish()
    }
}

impl HttpSettings {
    /// Whether any of the settings is given (an entry that sets one replaces the defaults
    /// it would otherwise inherit as a whole).
    pub fn is_set(&self) -> bool {
        *self != HttpSettings::default()
    }
}
