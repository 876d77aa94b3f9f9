//! An HTTP endpoint as configured (a scrape target, an MCP server, `[prometheus]`,
//! `[alertmanager]`, `[loki]`: one [`HttpSettings`] type for all): a reqwest client with
//! timeouts, verified TLS (extra CA, client certificate, or no verification when asked)
//! and extra headers, plus the credentials added to each request.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Certificate, Client, Identity, Method, RequestBuilder, Url};

use super::http::short_error;
use crate::config::endpoint::{HttpAuth, HttpSettings};

/// Credentials, read once when the source starts.
#[derive(Clone)]
enum Auth {
    Basic { username: String, password: String },
    Bearer(String),
}

/// What an endpoint is built from.
pub struct Settings<'a> {
    /// Extra headers (sent with every request, marked sensitive), credentials and TLS.
    pub http: &'a HttpSettings,
    /// Timeout of a whole request (connect, headers and body); `None` for none, where a
    /// response is a stream that may last (an MCP session's SSE).
    pub timeout: Option<Duration>,
    /// Timeout of connecting (TCP and TLS).
    pub connect_timeout: Duration,
    /// HTTP/1.1 only: a WebSocket upgrade needs it (HTTP/2 would be chosen by ALPN).
    pub http1_only: bool,
}

impl<'a> Settings<'a> {
    /// Settings where one timeout bounds the whole request and its connect.
    pub fn with_timeout(http: &'a HttpSettings, timeout: Duration) -> Settings<'a> {
        Settings {
            http,
            timeout: Some(timeout),
            connect_timeout: timeout,
            http1_only: false,
        }
    }
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
        let auth = read_auth(s.http.auth.as_ref())?;
        let http = client(s, HeaderMap::new())?;
        Ok(Endpoint { http, auth })
    }

    /// An endpoint with no extra header, no credentials and the platform's TLS roots, whose
    /// requests (connect included) end after `timeout`. Errors: as [`Endpoint::new`].
    pub fn plain(timeout: Duration) -> Result<Endpoint, String> {
        Endpoint::new(&Settings::with_timeout(&HttpSettings::default(), timeout))
    }

    /// A client that carries the credentials itself, as a sensitive `Authorization`
    /// default header, for a library that builds its own requests from the client (rmcp's
    /// Streamable HTTP transport). Errors: as [`Endpoint::new`].
    pub fn client_with_auth(s: &Settings<'_>) -> Result<Client, String> {
        let mut extra = HeaderMap::new();
        if let Some(auth) = read_auth(s.http.auth.as_ref())? {
            let value = match auth {
                Auth::Bearer(token) => format!("Bearer {token}"),
                Auth::Basic { username, password } => {
                    use base64::Engine as _;
                    let pair = format!("{username}:{password}");
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(pair)
                    )
                }
            };
            let mut v = HeaderValue::try_from(value)
                .map_err(|_| "the credential is not a valid header value".to_string())?;
            v.set_sensitive(true);
            extra.insert(reqwest::header::AUTHORIZATION, v);
        }
        client(s, extra)
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

/// Reads the credentials now. Errors: an unset or empty variable or file (never the value).
fn read_auth(auth: Option<&HttpAuth>) -> Result<Option<Auth>, String> {
    Ok(match auth {
        // The MCP client's OAuth sends its own tokens.
        None | Some(HttpAuth::OAuth { .. }) => None,
        Some(HttpAuth::Bearer(source)) => Some(Auth::Bearer(source.read("bearer token")?)),
        Some(HttpAuth::Basic { username, password }) => {
            let password = password.read("basic auth password")?;
            crate::secrets::remember_basic(username, &password);
            Some(Auth::Basic {
                username: username.clone(),
                password,
            })
        }
    })
}

/// The client: timeouts, keepalive, headers (the configured ones and `extra`), TLS files
/// read now. Errors: an unreadable or invalid CA, certificate or key file; a bad header.
fn client(s: &Settings<'_>, extra: HeaderMap) -> Result<Client, String> {
    let mut headers = header_map(&s.http.headers)?;
    headers.extend(extra);
    let tls = &s.http.tls;
    let mut builder = Client::builder()
        .connect_timeout(s.connect_timeout)
        // A connection that died without a FIN (a Loki tail, which may be silent for
        // long) is noticed: probed after 30 s idle, then every 10 s, given up after 3
        // unanswered probes, about a minute in all (Linux would wait 11 minutes).
        .tcp_keepalive(Duration::from_secs(30))
        .tcp_keepalive_interval(Duration::from_secs(10))
        .tcp_keepalive_retries(3)
        .user_agent(concat!("mcptop/", env!("CARGO_PKG_VERSION")))
        .default_headers(headers);
    if let Some(t) = s.timeout {
        builder = builder.timeout(t);
    }
    if s.http1_only {
        builder = builder.http1_only();
    }
    if let Some(ca) = &tls.ca_file {
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
    match (&tls.cert_file, &tls.key_file) {
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
    if tls.insecure_skip_verify {
        builder = builder.danger_accept_invalid_certs(true);
    }
    builder
        .build()
        .map_err(|e| format!("cannot build HTTP client: {}", short_error(&e)))
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::config::endpoint::SecretSource;

    #[test]
    fn a_secret_is_trimmed_and_never_shown_in_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("token");
        std::fs::write(&file, "  s3cret\n").expect("write");
        let read = |s: &SecretSource| s.read("bearer token");
        assert_eq!(
            read(&SecretSource::File(file.clone())).as_deref(),
            Ok("s3cret")
        );
        std::fs::write(&file, " \n").expect("write");
        let err = read(&SecretSource::File(file)).unwrap_err();
        assert!(err.contains("is empty"), "{err}");
        let err = read(&SecretSource::Env("MCPTOP_TEST_SURELY_UNSET_VAR".into())).unwrap_err();
        assert!(
            err.contains("MCPTOP_TEST_SURELY_UNSET_VAR is not set"),
            "{err}"
        );
        let err = read(&SecretSource::File(dir.path().join("missing"))).unwrap_err();
        assert!(err.contains("cannot read"), "{err}");
    }

    #[test]
    fn header_errors_name_the_header_not_the_value() {
        let mut h = BTreeMap::new();
        h.insert("X-Key".to_string(), "bad\nvalue-secret".to_string());
        let err = header_map(&h).unwrap_err();
        assert!(err.contains("X-Key") && !err.contains("secret"), "{err}");
        let http = HttpSettings {
            headers: h,
            ..HttpSettings::default()
        };
        let err =
            Endpoint::client_with_auth(&Settings::with_timeout(&http, Duration::from_secs(1)))
                .unwrap_err();
        assert!(err.contains("X-Key") && !err.contains("secret"), "{err}");
    }
}
