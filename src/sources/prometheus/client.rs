//! Requests to a Prometheus-compatible query API: instant queries, range queries and the
//! targets list, with the headers, credentials and TLS of the environment.

use reqwest::{Method, Url};

use super::api::{self, Answer, Data, Target};
use crate::config::PromEnv;
use crate::endpoint::{Endpoint, Settings};
use crate::http::{read_capped, redact, short_error};
use crate::model::source_error::{NotJson, SourceError};

/// Largest instant-query answer read, bytes: a `by (instance)` vector of 20,000 series is
/// below this. A refresh asks 20 queries at once, so this bounds what a proxy's runaway
/// bodies can hold at one time (20 × 8 MiB).
const MAX_QUERY_BYTES: u64 = 8 * 1024 * 1024;

/// Largest `query_range` or targets answer read, bytes (an hour of points for hundreds
/// of instances; the whole targets list of a shared Prometheus).
const MAX_RANGE_BYTES: u64 = 32 * 1024 * 1024;

/// The client of one environment. `Debug` shows only the redacted URL.
#[derive(Clone)]
pub struct PromClient {
    http: Endpoint,
    base: Url,
    /// The base URL as it may be shown.
    pub shown: String,
    /// Whether queries carry VictoriaMetrics' `nocache=1` (see [`crate::config::NoCache`]).
    pub nocache: bool,
    /// The API is VictoriaMetrics ([`super::engine::is_victoria_metrics`]): MetricsQL's
    /// `histogram_quantile` is its own, so query mode asks it for the quantiles instead of
    /// taking them from the buckets ([`super::refresh`]).
    pub victoria_metrics: bool,
    /// Thanos' `partial_response=<bool>` on every query, when configured.
    partial_response: Option<bool>,
    /// Whether the environment sends a tenant header (`X-Scope-OrgID`), to explain a
    /// multi-tenant API's `401 no org id`.
    has_tenant: bool,
}

impl std::fmt::Debug for PromClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromClient")
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

impl PromClient {
    /// Builds the client of `env`.
    ///
    /// Errors: a URL that is not http(s), and the TLS, secret and header errors of
    /// [`Endpoint::new`].
    pub fn new(env: &PromEnv) -> Result<PromClient, String> {
        let text = env.url.trim();
        let base =
            Url::parse(text).map_err(|e| format!("bad Prometheus URL `{}`: {e}", redact(text)))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(format!(
                "bad Prometheus URL `{}`: must be http:// or https://",
                redact(text)
            ));
        }
        let http = Endpoint::new(&Settings::with_timeout(&env.http, env.timeout))?;
        Ok(PromClient {
            http,
            base,
            shown: redact(text),
            nocache: false,
            victoria_metrics: false,
            partial_response: env.partial_response,
            has_tenant: env
                .http
                .headers
                .keys()
                .any(|k| k.eq_ignore_ascii_case(TENANT_HEADER)),
        })
    }

    /// `<base>/api/v1/<endpoint>?<query>`; `endpoint` may have several segments
    /// (`status/top_queries`), each its own (not one with an escaped `/`).
    fn url(&self, endpoint: &str, query: &[(&str, String)]) -> Result<Url, String> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|_| "Prometheus URL cannot take a path".to_string())?
            .pop_if_empty()
            .extend(["api", "v1"])
            .extend(endpoint.split('/'));
        url.query_pairs_mut()
            .extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        if self.nocache && endpoint.starts_with("query") {
            url.query_pairs_mut().append_pair("nocache", "1");
        }
        if let Some(p) = self
            .partial_response
            .filter(|_| endpoint.starts_with("query"))
        {
            url.query_pairs_mut()
                .append_pair("partial_response", if p { "true" } else { "false" });
        }
        Ok(url)
    }

    /// GETs `url`: the status and the body (at most `max_bytes`).
    async fn get(&self, url: Url, max_bytes: u64) -> Result<(u16, Vec<u8>), SourceError> {
        let resp = self
            .http
            .request(Method::GET, url)
            .send()
            .await
            .map_err(|e| short_error(&e))?;
        let status = resp.status().as_u16();
        Ok((status, read_capped(resp, max_bytes).await?))
    }

    /// An instant query at `time_ms` (Unix ms).
    ///
    /// Errors: the request failed, or the API's error (see [`api::query`]).
    pub async fn query(&self, promql: &str, time_ms: i64) -> Result<Answer<Data>, SourceError> {
        let url = self
            .url(
                "query",
                &[("query", promql.to_string()), ("time", seconds(time_ms))],
            )
            .map_err(SourceError::Other)?;
        self.logged("query", promql, url, MAX_QUERY_BYTES).await
    }

    /// A range query over `[start_ms, end_ms]` every `step_ms`.
    ///
    /// Errors: as [`PromClient::query`].
    pub async fn query_range(
        &self,
        promql: &str,
        start_ms: i64,
        end_ms: i64,
        step_ms: i64,
    ) -> Result<Answer<Data>, SourceError> {
        let url = self
            .url(
                "query_range",
                &[
                    ("query", promql.to_string()),
                    ("start", seconds(start_ms)),
                    ("end", seconds(end_ms)),
                    ("step", seconds(step_ms.max(1))),
                ],
            )
            .map_err(SourceError::Other)?;
        self.logged("query_range", promql, url, MAX_RANGE_BYTES)
            .await
    }

    /// GETs the query `url` and decodes it, logging at debug (`MCPTOP_LOG=debug`) the
    /// endpoint, the expression (abbreviated), the duration, the HTTP status, the body's
    /// size and the series count: never the URL's credentials or query values (the base
    /// is [`redact`]ed), nor any header.
    async fn logged(
        &self,
        endpoint: &'static str,
        promql: &str,
        url: Url,
        max_bytes: u64,
    ) -> Result<Answer<Data>, SourceError> {
        let started = std::time::Instant::now();
        let got = self.get(url, max_bytes).await;
        let ms = started.elapsed().as_millis();
        let expr = abbreviated(promql);
        let (status, body) = match got {
            Ok(sb) => sb,
            Err(e) => {
                tracing::debug!(api = %self.shown, endpoint, query = %expr, ms, error = %e, "query mode: query failed");
                return Err(e);
            }
        };
        let answer = api::query(status, &body).map_err(|e| self.explained(e));
        match &answer {
            Ok(a) => tracing::debug!(
                api = %self.shown, endpoint, query = %expr, ms, status, bytes = body.len(),
                series = series(&a.data), "query mode: query"
            ),
            Err(e) => tracing::debug!(
                api = %self.shown, endpoint, query = %expr, ms, status, bytes = body.len(),
                error = %e, "query mode: query failed"
            ),
        }
        answer
    }

    /// The active scrape targets (`/api/v1/targets?state=active`).
    ///
    /// Errors: as [`PromClient::query`]; a 404 where the API has no targets list (Mimir,
    /// Cortex: `404 page not found`; Thanos Querier has one, merged from its StoreAPIs).
    pub async fn targets(&self) -> Result<Answer<Vec<Target>>, SourceError> {
        let url = self
            .url("targets", &[("state", "active".to_string())])
            .map_err(SourceError::Other)?;
        let (status, body) = self.get(url, MAX_RANGE_BYTES).await?;
        api::targets(status, &body).map_err(|e| self.explained(e))
    }

    /// `error` with what to do when it is a multi-tenant API's refusal of a request
    /// without a tenant: Mimir and Cortex answer `401` with the plain text `no org id`
    /// (dskit `middleware.AuthenticateUser`, `user.ErrNoOrgID`) unless `X-Scope-OrgID`
    /// names one. Other errors, and that one when the header was sent, are kept as they are.
    fn explained(&self, error: SourceError) -> SourceError {
        let no_org_id = matches!(
            &error,
            SourceError::NotJson { http: 401, body: NotJson::Line(line) } if line == NO_ORG_ID
        );
        if no_org_id && !self.has_tenant {
            error.hinted(format!(
                "the API is multi-tenant (Mimir, Cortex) and this environment sends no \
                 {TENANT_HEADER} header: add headers = {{ \"{TENANT_HEADER}\" = \"<tenant>\" }}"
            ))
        } else {
            error
        }
    }
}

/// The tenant header of Mimir, Cortex and Loki (dskit `user.OrgIDHeaderName`).
pub const TENANT_HEADER: &str = "X-Scope-OrgID";

/// Mimir's and Cortex's answer (HTTP 401, plain text) to a request without a tenant.
const NO_ORG_ID: &str = "no org id";

impl PromClient {
    /// GET `<base>/api/v1/<endpoint>` as it is: the status and the body (at most 64 KiB),
    /// for probing what the API is (see `super::engine`).
    ///
    /// Errors: the request failed.
    pub async fn get_raw(&self, endpoint: &str) -> Result<(u16, Vec<u8>), SourceError> {
        let url = self.url(endpoint, &[]).map_err(SourceError::Other)?;
        self.get(url, 64 * 1024).await
    }
}

/// Unix ms as the API's seconds with millisecond decimals: `1700000000.123`.
fn seconds(ms: i64) -> String {
    format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
}

/// Longest expression logged, characters.
const LOGGED_EXPR_CHARS: usize = 160;

/// `promql` on one line, cut to [`LOGGED_EXPR_CHARS`] with `…`: for the log and for the
/// `— query: …` of an error (a counted expression runs to several hundred characters).
pub fn abbreviated(promql: &str) -> String {
    let one_line = promql.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= LOGGED_EXPR_CHARS {
        return one_line;
    }
    let mut cut: String = one_line.chars().take(LOGGED_EXPR_CHARS).collect();
    cut.push('…');
    cut
}

/// The number of series an answer holds (1 for a scalar).
fn series(data: &Data) -> usize {
    match data {
        Data::Vector(v) => v.len(),
        Data::Matrix(m) => m.len(),
        Data::Scalar(..) => 1,
    }
}
