//! Requests to Loki: `query_range` for lines, instant metric queries for the counts, and
//! the tail WebSocket, with the tenant header, credentials and TLS of `[loki]`.

use reqwest::{Method, StatusCode, Url};
use reqwest_websocket::{Upgrade, WebSocket};

use super::api;
use crate::config::LokiConfig;
use crate::endpoint::{Endpoint, Settings};
use crate::http::{read_capped, read_prefix, redact, short_error};
use crate::model::logs::LogEntry;

/// Largest `query_range` answer read, bytes (5,000 lines of 4 KiB fit with room for the
/// JSON around them). The follow and the level counts may each read one at a time.
const MAX_BODY_BYTES: u64 = 32 * 1024 * 1024;

/// Asks Loki 3 for structured metadata apart from the stream labels; Loki 2 ignores it.
const ENCODING_FLAGS: &str = "X-Loki-Response-Encoding-Flags";

/// The least timeout of a request naming several tenants (`a|b`): a Loki without
/// `multi_tenant_queries_enabled` takes ~17 s to answer 500 `multiple org IDs present`
/// (Loki 2.8 and 3.4), which must be shown rather than a timeout.
pub const MULTI_TENANT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

/// Why the tail could not be opened.
#[derive(Debug)]
pub enum TailError {
    /// The server answered the upgrade with something else than 101 (a proxy that blocks
    /// WebSockets, or Loki refusing the query): status and body text.
    Refused { status: u16, text: String },
    /// The connection failed.
    Failed(String),
}

/// The Loki client: one HTTP client for queries, one HTTP/1.1-only for the WebSocket.
/// `Debug` shows only the redacted URL.
#[derive(Clone)]
pub struct LokiClient {
    http: Endpoint,
    ws: Endpoint,
    base: Url,
    tenant: Option<String>,
    /// The base URL as it may be shown.
    pub shown: String,
}

impl std::fmt::Debug for LokiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the URL's user info nor the credentials.
        f.debug_struct("LokiClient")
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

impl LokiClient {
    /// Builds the client for `cfg`.
    ///
    /// Errors: no URL or not http(s), and the TLS, secret and header errors of
    /// [`Endpoint::new`].
    pub fn new(cfg: &LokiConfig) -> Result<LokiClient, String> {
        let text = cfg.url.as_deref().ok_or("no Loki URL configured")?;
        let base =
            Url::parse(text.trim()).map_err(|e| format!("bad Loki URL `{}`: {e}", redact(text)))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(format!(
                "bad Loki URL `{}`: must be http:// or https://",
                redact(text)
            ));
        }
        let multi_tenant = cfg.tenant.as_deref().is_some_and(|t| t.contains('|'));
        let timeout = if multi_tenant {
            cfg.timeout.max(MULTI_TENANT_TIMEOUT)
        } else {
            cfg.timeout
        };
        let settings = |http1_only| Settings {
            http1_only,
            ..Settings::with_timeout(&cfg.http, timeout)
        };
        Ok(LokiClient {
            http: Endpoint::new(&settings(false))?,
            // The tail lives for an hour: no overall timeout on its connection.
            ws: Endpoint::new(&Settings {
                timeout: Some(std::time::Duration::from_secs(24 * 3600)),
                ..settings(true)
            })?,
            base,
            tenant: cfg.tenant.clone(),
            shown: redact(text),
        })
    }

    /// Whether the tenant names several tenants (`a|b`): Loki's tail refuses those.
    pub fn multi_tenant(&self) -> bool {
        self.tenant.as_deref().is_some_and(|t| t.contains('|'))
    }

    /// `<base>/loki/api/v1/<endpoint>?<query>`.
    fn url(&self, endpoint: &str, query: &[(&str, String)]) -> Result<Url, String> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| "Loki URL cannot take a path".to_string())?
            .pop_if_empty()
            .extend(["loki", "api", "v1", endpoint]);
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        Ok(url)
    }

    fn request(&self, endpoint: &Endpoint, url: Url) -> reqwest::RequestBuilder {
        let req = endpoint
            .request(Method::GET, url)
            .header(ENCODING_FLAGS, "categorize-labels");
        match &self.tenant {
            Some(t) => req.header("X-Scope-OrgID", t),
            None => req,
        }
    }

    /// GETs `url` and returns the body. Errors: the request failed, or Loki answered
    /// non-2xx (`HTTP 400: <Loki's text>`), or the body is over the cap.
    async fn get(&self, url: Url) -> Result<Vec<u8>, String> {
        let resp = self
            .request(&self.http, url)
            .send()
            .await
            .map_err(|e| short_error(&e))?;
        let status = resp.status();
        if !status.is_success() {
            let body = read_prefix(resp, 4096).await;
            return Err(http_error(status, &body));
        }
        read_capped(resp, MAX_BODY_BYTES).await
    }

    /// Log lines of `query` in `[start_ns, end_ns)`, at most `limit`, oldest first;
    /// `forward` picks the oldest `limit` (else the newest).
    ///
    /// Errors: as [`LokiClient::get`], or an answer of the wrong shape.
    pub async fn query_range(
        &self,
        query: &str,
        start_ns: i64,
        end_ns: i64,
        limit: u32,
        forward: bool,
    ) -> Result<Vec<LogEntry>, String> {
        let url = self.url(
            "query_range",
            &[
                ("query", query.to_string()),
                ("start", start_ns.to_string()),
                ("end", end_ns.to_string()),
                ("limit", limit.to_string()),
                (
                    "direction",
                    if forward { "forward" } else { "backward" }.to_string(),
                ),
            ],
        )?;
        api::streams(&self.get(url).await?)
    }

    /// An instant metric query at `time_s` (Unix seconds): each series' labels and value.
    ///
    /// Errors: as [`LokiClient::get`], or an answer that is not a `vector`.
    pub async fn instant(&self, query: &str, time_s: i64) -> Result<Vec<api::Sample>, String> {
        let url = self.url(
            "query",
            &[("query", query.to_string()), ("time", time_s.to_string())],
        )?;
        api::vector(&self.get(url).await?)
    }

    /// Opens the tail WebSocket from `start_ns`.
    pub async fn tail(
        &self,
        query: &str,
        start_ns: i64,
        limit: u32,
        delay_for: u8,
    ) -> Result<WebSocket, TailError> {
        let url = self
            .url(
                "tail",
                &[
                    ("query", query.to_string()),
                    ("start", start_ns.to_string()),
                    ("limit", limit.to_string()),
                    ("delay_for", delay_for.to_string()),
                ],
            )
            .map_err(TailError::Failed)?;
        let resp = self
            .request(&self.ws, url)
            .upgrade()
            .send()
            .await
            .map_err(|e| TailError::Failed(ws_error(&e)))?;
        let status = resp.status();
        if status != StatusCode::SWITCHING_PROTOCOLS {
            let body = read_prefix(resp.into_inner(), 4096).await;
            return Err(TailError::Refused {
                status: status.as_u16(),
                text: http_error(status, &body),
            });
        }
        resp.into_websocket()
            .await
            .map_err(|e| TailError::Failed(ws_error(&e)))
    }
}

/// `HTTP 400: <Loki's text>`.
fn http_error(status: StatusCode, body: &[u8]) -> String {
    let text = api::error_text(body);
    if text.is_empty() {
        format!("HTTP {status}")
    } else {
        format!("HTTP {}: {text}", status.as_u16())
    }
}

/// A WebSocket error in one line: the innermost cause.
pub fn ws_error(e: &reqwest_websocket::Error) -> String {
    if let reqwest_websocket::Error::Reqwest(r) = e {
        return short_error(r);
    }
    let mut root: &dyn std::error::Error = e;
    while let Some(next) = root.source() {
        root = next;
    }
    crate::inbound::text(&root.to_string()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::alerts::TlsConfig;

    fn cfg(url: &str) -> LokiConfig {
        LokiConfig {
            url: Some(url.to_string()),
            ..LokiConfig::default()
        }
    }

    #[test]
    fn api_urls_keep_a_path_prefix_and_encode_the_query() {
        let c = LokiClient::new(&cfg("https://logs.example/loki-gw/")).expect("client");
        let u = c
            .url(
                "query_range",
                &[("query", "{app=\"x\"} |= \"a b\"".to_string())],
            )
            .expect("url");
        assert_eq!(
            u.as_str(),
            "https://logs.example/loki-gw/loki/api/v1/query_range?query=%7Bapp%3D%22x%22%7D+%7C%3D+%22a+b%22"
        );
        let c = LokiClient::new(&cfg("https://user:pw@logs.example/")).expect("client");
        assert!(!c.shown.contains("pw"), "{}", c.shown);
        assert!(!format!("{c:?}").contains("pw"), "{c:?}");
    }

    #[test]
    fn bad_urls_and_tls_files_are_named() {
        let e = LokiClient::new(&LokiConfig::default()).unwrap_err();
        assert!(e.contains("no Loki URL"), "{e}");
        let e = LokiClient::new(&cfg("ftp://x")).unwrap_err();
        assert!(e.contains("must be http"), "{e}");
        let mut c = cfg("https://logs.example");
        c.http.tls = TlsConfig {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..TlsConfig::default()
        };
        let e = LokiClient::new(&c).unwrap_err();
        assert!(
            e.contains("ca_file") && e.contains("/nonexistent/ca.pem"),
            "{e}"
        );
    }
}
