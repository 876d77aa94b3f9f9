//! What answers behind a query API's URL, as far as freshness needs to know: whether it is
//! VictoriaMetrics, which leaves its last `-search.latencyOffset` (30 s by default) out of
//! "now" unless a query carries `nocache=1`.
//!
//! The signal is VictoriaMetrics' documented `/api/v1/status/top_queries` (under the same
//! prefix as `/api/v1/query`, so it also answers through vmselect's and vmauth's paths):
//! a JSON object with `topByCount`. Prometheus answers 404 there; Thanos and Mimir do not
//! serve it either. (`/api/v1/status/buildinfo` is no signal: VictoriaMetrics 1.79 answers
//! it with an empty `data`.)

use super::client::PromClient;
use crate::config::{NoCache, PromEnv};

/// Whether the body of `GET /api/v1/status/top_queries` (HTTP `status`) is
/// VictoriaMetrics' answer: 200 and a JSON object with a `topByCount` list.
pub fn is_victoria_metrics_answer(status: u16, body: &[u8]) -> bool {
    status == 200
        && serde_json::from_slice::<serde_json::Value>(body)
            .is_ok_and(|v| v.get("topByCount").is_some_and(serde_json::Value::is_array))
}

/// Whether the API behind `client` is VictoriaMetrics. A probe that fails counts as "not
/// VictoriaMetrics", and is logged.
pub async fn is_victoria_metrics(client: &PromClient, env: &PromEnv) -> bool {
    match client.get_raw("status/top_queries").await {
        Ok((status, body)) => {
            let vm = is_victoria_metrics_answer(status, &body);
            tracing::debug!(env = %env.name, victoria_metrics = vm, "query mode: engine probed");
            vm
        }
        Err(e) => {
            tracing::warn!(env = %env.name, error = %e, "query mode: engine probe failed; taken for Prometheus");
            false
        }
    }
}

/// Whether queries to `env` should carry `nocache=1`: as configured, or (auto) when the API
/// is VictoriaMetrics ([`is_victoria_metrics`]; when the probe fails the parameter is left
/// out).
pub async fn wants_nocache(client: &PromClient, env: &PromEnv) -> bool {
    match env.nocache {
        NoCache::On => true,
        NoCache::Off => false,
        NoCache::Auto => is_victoria_metrics(client, env).await,
    }
}

/// `client` with `victoria_metrics` probed and `nocache` set for `env` (see
/// [`wants_nocache`]).
pub async fn fresh(mut client: PromClient, env: &PromEnv) -> PromClient {
    client.victoria_metrics = is_victoria_metrics(&client, env).await;
    client.nocache = match env.nocache {
        NoCache::On => true,
        NoCache::Off => false,
        NoCache::Auto => client.victoria_metrics,
    };
    client
}

#[cfg(test)]
mod tests {
    use super::is_victoria_metrics_answer;

    #[test]
    fn only_victoria_metrics_top_queries_answer_counts() {
        // VictoriaMetrics 1.79's answer, abridged.
        let vm = br#"{"topN":"20","maxLifetime":"10m0s","topByCount":[{"query":"up","timeRangeSeconds":0,"count":1}],"topByAvgDuration":[]}"#;
        assert!(is_victoria_metrics_answer(200, vm));
        assert!(is_victoria_metrics_answer(200, br#"{"topByCount":[]}"#));
        // Prometheus 2.42: 404 page; a proxy's 200 HTML; an API error envelope.
        assert!(!is_victoria_metrics_answer(404, b"404 page not found\n"));
        assert!(!is_victoria_metrics_answer(200, b"<html>login</html>"));
        assert!(!is_victoria_metrics_answer(
            200,
            br#"{"status":"error","errorType":"not_found"}"#
        ));
        assert!(!is_victoria_metrics_answer(500, vm));
    }
}
