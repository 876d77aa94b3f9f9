//! An HTTP endpoint as configured (`[alertmanager]`, `[loki]`): a reqwest client with
//! timeouts, verified TLS (extra CA, client certificate, or no verification when asked)
//! and extra headers, plus the credentials added to each request.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Certificate, Client, Identity, Method, RequestBuilder, Url};

use super::http::short_error;
use crate::config::alerts::{HttpAuth, TlsConfig};

/// Credentials, read once when the source starts.
#[derive(Clone)]
enum Auth {
    Basic { username: String, password: String },
    Bearer(String),
}

/// What an endpoint is built from.
pub struct Settings<'a> {
    /// Timeout of a request (connect included).
    pub timeout: Duration,
    /// Extra headers sent with every request (marked sensitive).
    pub headers: &'a BTreeMap<String, String>,
    pub auth: &'a Option<HttpAuth>,
    pub tls: &'a TlsConfig,
    /// HTTP/1.1 only: a WebSocket upgrade needs it (HTTP/2 would be chosen by ALPN).
    pub http1_only: bool,
}

/// A client and its credentials. Cheap to clone (the client is shared). `Debug` never
/// shows the credentials.
#[derive(Clone)]
pub struct Endpoint {
    pub http: Client,
    auth: Option<Auth>,
}

impl std::fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Endpoint").finish_non_exhaustive()
    }
}

impl Endpoint {
    /// Builds the client: CA and client certificate files and secrets read now.
    ///
    /// Errors (never containing a secret's value): an unreadable or invalid CA,
    /// certificate or key file; an unset or empty secret variable or file; a header that
    /// is not a valid HTTP header.
    pub fn new(s: &Settings<'_>) -> Result<Endpoint, String> {
        let auth = match s.auth {
            None => None,
            Some(HttpAuth::Bearer(source)) => Some(Auth::Bearer(source.read("bearer token")?)),
            Some(HttpAuth::Basic { username, password }) => {
                let password = password.read("basic auth password")?;
                crate::secrets::remember_basic(username, &password);
                Some(Auth::Basic {
                    username: username.clone(),
                    password,
                })
            }
        };
        let mut builder = Client::builder()
            .timeout(s.timeout)
            .connect_timeout(s.timeout)
            // A connection that died without a FIN (a Loki tail, which may be silent for
            // long) is noticed: probed after 30 s idle, then every 10 s, given up after 3
            // unanswered probes, about a minute in all (Linux would wait 11 minutes).
            .tcp_keepalive(Duration::from_secs(30))
            .tcp_keepalive_interval(Duration::from_secs(10))
            .tcp_keepalive_retries(3)
            .user_agent(concat!("mcptop/", env!("CARGO_PKG_VERSION")))
            .default_headers(header_map(s.headers)?);
        if s.http1_only {
            builder = builder.http1_only();
        }
        if let Some(ca) = &s.tls.ca_file {
            let pem = read_file(ca, "ca_file")?;
            let certs = Certificate::from_pem_bundle(&pem)
                .map_err(|e| format!("ca_file {}: not PEM certificates: {e}", ca.display()))?;
            if certs.is_empty() {
                return Err(format!("ca_file {}: no certificate in it", ca.display()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        match (&s.tls.cert_file, &s.tls.key_file) {
            (Some(cert), Some(key)) => {
                let mut pem = read_file(cert, "cert_file")?;
                pem.push(b'\n');
                pem.extend(read_file(key, "key_file")?);
                let identity = Identity::from_pem(&pem).map_err(|e| {
                    format!(
                        "cert_file {} with key_file {}: not a PEM certificate and key: {e}",
                        cert.display(),
                        key.display()
                    )
                })?;
                builder = builder.identity(identity);
            }
            (None, None) => {}
            _ => return Err("cert_file and key_file go together".into()),
        }
        if s.tls.insecure_skip_verify {
            builder = builder.danger_accept_invalid_certs(true);
        }
        let http = builder
            .build()
            .map_err(|e| format!("cannot build HTTP client: {}", short_error(&e)))?;
        Ok(Endpoint { http, auth })
    }

    /// A request with the credentials attached (marked sensitive by reqwest).
    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        let req = self.http.request(method, url);
        match &self.auth {
            None => req,
            Some(Auth::Bearer(token)) => req.bearer_auth(token),
            Some(Auth::Basic { username, password }) => req.basic_auth(username, Some(password)),
        }
    }
}

/// The configured extra headers, each marked sensitive (kept out of debug output).
/// Errors name the header, never its value.
fn header_map(headers: &BTreeMap<String, String>) -> Result<HeaderMap, String> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let n = HeaderName::try_from(name.as_str())
            .map_err(|_| format!("header `{name}`: not a valid header name"))?;
        let mut v = HeaderValue::try_from(value.as_str())
            .map_err(|_| format!("header `{name}`: value is not a valid header value"))?;
        v.set_sensitive(true);
        map.insert(n, v);
    }
    Ok(map)
}

/// A certificate or key file's bytes. Errors name the setting and the path.
fn read_file(path: &Path, setting: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{setting} {}: cannot read: {e}", path.display()))
}
