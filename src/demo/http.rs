//! The axum app on one port: `/mcp` (rmcp Streamable HTTP, stateful sessions), `/metrics`
//! and `/health`.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};

use crate::expo;
use crate::handler::{DemoHandler, Shared};
use crate::metrics::Metrics;

/// Room for the load generator's concurrent requests on one session.
const SESSION_CHANNEL_CAPACITY: usize = 256;

/// The app, plus a closure that ends every MCP session (for shutdown).
pub(crate) fn app(shared: Shared) -> (Router, Box<dyn FnOnce() + Send>) {
    let config = StreamableHttpServerConfig::default();
    let cancel = config.cancellation_token.clone();
    let mut sessions = LocalSessionManager::default();
    sessions.session_config.channel_capacity = SESSION_CHANNEL_CAPACITY;
    let metrics = shared.metrics.clone();
    let mcp = StreamableHttpService::new(
        move || Ok(DemoHandler::new(&shared)),
        Arc::new(sessions),
        config,
    );
    let router = Router::new()
        .nest_service("/mcp", mcp)
        .route("/metrics", get(metrics_endpoint))
        .route("/health", get(health))
        .with_state(metrics);
    (router, Box::new(move || cancel.cancel()))
}

async fn metrics_endpoint(State(metrics): State<Arc<Metrics>>, headers: HeaderMap) -> Response {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let (body, content_type) = if expo::prefers_openmetrics(accept) {
        (metrics.openmetrics(), expo::OPENMETRICS_CONTENT_TYPE)
    } else {
        (metrics.text_004(), expo::TEXT_CONTENT_TYPE)
    };
    match body {
        Ok(body) => ([(header::CONTENT_TYPE, content_type)], body).into_response(),
        Err(error) => {
            tracing::warn!(%error, "encoding demo metrics failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "metrics encoding failed").into_response()
        }
    }
}

async fn health() -> Response {
    axum::Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
    }))
    .into_response()
}
