//! The HTTP client the Alertmanager source talks through: timeouts, TLS (extra CA, client
//! certificate, or no verification when asked), authentication and extra headers, and
//! the instances' API URLs.

use reqwest::{Method, RequestBuilder, Url};

use super::super::endpoint::{Endpoint, Settings};
use super::super::http::redact;
use crate::config::AlertmanagerConfig;

/// Largest response body read from Alertmanager, bytes. A big cluster's alert list is a
/// few MiB; more than this is refused rather than buffered.
pub const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// The reqwest client plus the credentials added to every request, and the instances'
/// base URLs. Cheap to clone (the client is shared).
#[derive(Clone)]
pub struct AmClient {
    endpoint: Endpoint,
    /// Base URLs in configuration order, e.g. `http://127.0.0.1:9093` or
    /// `https://am.example/alertmanager` (the API path is appended).
    bases: Vec<Url>,
    /// The same as configured, redacted: what errors and the app show.
    shown: Vec<String>,
}

impl std::fmt::Debug for AmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the credentials.
        f.debug_struct("AmClient")
            .field("bases", &self.shown)
            .finish_non_exhaustive()
    }
}

impl AmClient {
    /// Builds the client for `cfg`: verified TLS unless `insecure_skip_verify`, the CA and
    /// client certificate files read now, secrets read now, `cfg.timeout` on every request.
    ///
    /// Errors (never containing a secret's value): a URL that is not absolute http(s); an
    /// unreadable or invalid CA, certificate or key file; an unset or empty secret
    /// variable or file; a header that is not a valid HTTP header.
    pub fn new(cfg: &AlertmanagerConfig) -> Result<AmClient, String> {
        let bases = cfg
            .urls
            .iter()
            .map(|u| base_url(u))
            .collect::<Result<Vec<_>, _>>()?;
        let endpoint = Endpoint::new(&Settings::with_timeout(&cfg.http, cfg.timeout))?;
        let shown = cfg.urls.iter().map(|u| redact(u.trim())).collect();
        Ok(AmClient {
            endpoint,
            bases,
            shown,
        })
    }

    /// How many instances there are.
    pub fn instances(&self) -> usize {
        self.bases.len()
    }

    /// Instance `n`'s base URL as it may be shown (credentials and query values removed);
    /// "" for an index out of range.
    pub fn shown(&self, n: usize) -> String {
        self.shown.get(n).cloned().unwrap_or_default()
    }

    /// `<base>/api/v2/<segments...>` of instance `n` (segments percent-encoded), with
    /// `query` pairs appended to the base URL's own query. `None` for an index out of
    /// range.
    pub fn url(&self, n: usize, segments: &[&str], query: &[(&str, &str)]) -> Option<Url> {
        let mut url = self.bases.get(n)?.clone();
        {
            let mut path = url.path_segments_mut().ok()?;
            path.pop_if_empty().extend(["api", "v2"]).extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Some(url)
    }

    /// A request with the credentials attached (marked sensitive by reqwest).
    pub fn request(&self, method: Method, url: Url) -> RequestBuilder {
        self.endpoint.request(method, url)
    }
}

/// Parses a configured base URL. Errors: not an absolute http(s) URL (shown redacted).
fn base_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text.trim())
        .map_err(|e| format!("bad Alertmanager URL `{}`: {e}", redact(text)))?;
    if !matches!(url.scheme(), "http" | "https") || url.cannot_be_a_base() {
        return Err(format!(
            "bad Alertmanager URL `{}`: must be http:// or https://",
            redact(text)
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::alerts::{HttpAuth, TlsConfig};
    use crate::config::mcp::SecretSource;

    fn cfg(urls: &[&str]) -> AlertmanagerConfig {
        AlertmanagerConfig {
            urls: urls.iter().map(|u| u.to_string()).collect(),
            ..AlertmanagerConfig::default()
        }
    }

    #[test]
    fn api_urls_keep_a_path_prefix_and_encode_segments() {
        let c = AmClient::new(&cfg(&[
            "http://127.0.0.1:9093",
            "https://am.example/am/?org=1",
        ]))
        .expect("client");
        assert_eq!(c.instances(), 2);
        let u = c.url(0, &["alerts"], &[("active", "true")]).expect("url");
        assert_eq!(
            u.as_str(),
            "http://127.0.0.1:9093/api/v2/alerts?active=true"
        );
        let u = c.url(1, &["silence", "a/b c"], &[]).expect("url");
        assert_eq!(
            u.as_str(),
            "https://am.example/am/api/v2/silence/a%2Fb%20c?org=1"
        );
        assert!(c.url(2, &["alerts"], &[]).is_none());
        assert_eq!(c.shown(0), "http://127.0.0.1:9093");
        assert_eq!(c.shown(1), "https://am.example/am/?org=***");
    }

    #[test]
    fn bad_urls_and_files_are_named() {
        let e = AmClient::new(&cfg(&["ftp://x"])).unwrap_err();
        assert!(e.contains("must be http"), "{e}");
        let e = AmClient::new(&cfg(&["not a url"])).unwrap_err();
        assert!(e.contains("bad Alertmanager URL"), "{e}");

        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing.pem");
        let mut c = cfg(&["https://am.example"]);
        c.http.tls = TlsConfig {
            ca_file: Some(missing.clone()),
            ..TlsConfig::default()
        };
        let e = AmClient::new(&c).unwrap_err();
        assert!(e.contains("ca_file") && e.contains("missing.pem"), "{e}");

        let junk = dir.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate").expect("write");
        c.http.tls.ca_file = Some(junk.clone());
        let e = AmClient::new(&c).unwrap_err();
        assert!(e.contains("junk.pem"), "{e}");

        c.http.tls = TlsConfig {
            cert_file: Some(junk.clone()),
            key_file: Some(junk),
            ..TlsConfig::default()
        };
        let e = AmClient::new(&c).unwrap_err();
        assert!(e.contains("cert_file"), "{e}");
    }

    #[test]
    fn secrets_are_read_but_never_shown() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("token");
        std::fs::write(&file, "s3cret-token\n").expect("write");
        assert_eq!(
            SecretSource::File(file.clone())
                .read("bearer token")
                .as_deref(),
            Ok("s3cret-token")
        );
        let mut c = cfg(&["http://127.0.0.1:9093"]);
        c.http.auth = Some(HttpAuth::Bearer(SecretSource::File(file.clone())));
        let client = AmClient::new(&c).expect("client");
        assert!(!format!("{client:?}").contains("s3cret"));

        std::fs::write(&file, "  \n").expect("write");
        let e = AmClient::new(&c).unwrap_err();
        assert!(e.contains("bearer token") && e.contains("is empty"), "{e}");
        c.http.auth = Some(HttpAuth::Basic {
            username: "ops".into(),
            password: SecretSource::Env("MCPTOP_TEST_AM_SURELY_UNSET".into()),
        });
        let e = AmClient::new(&c).unwrap_err();
        assert!(
            e.contains("basic auth password") && e.contains("MCPTOP_TEST_AM_SURELY_UNSET"),
            "{e}"
        );
    }

    #[test]
    fn bad_header_is_named_without_its_value() {
        let mut c = cfg(&["http://127.0.0.1:9093"]);
        c.http
            .headers
            .insert("X-Scope-OrgID".into(), "bad\nvalue".into());
        let e = AmClient::new(&c).unwrap_err();
        assert!(e.contains("X-Scope-OrgID") && !e.contains("bad"), "{e}");
    }
}
