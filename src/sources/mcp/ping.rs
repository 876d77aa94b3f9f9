//! `ping`: the round-trip time, and whether the session is still there.

use std::time::Duration;

use rmcp::model::{ClientRequest, ErrorCode, PingRequest};
use rmcp::service::{Peer, PeerRequestOptions, RoleClient, ServiceError};
use tokio::time::Instant;

use super::errors::{is_session_lost, mentions_session, service_error_text, transport_error_text};

/// How one ping went.
pub(super) enum Ping {
    /// Answered after this long.
    Rtt(Duration),
    /// Method not found: the server does not do ping.
    Unsupported,
    /// No answer in time, or an error that may pass.
    Failed(String),
    /// The HTTP session is gone (the server restarted or expired it).
    SessionLost(String),
    /// The transport is closed.
    Closed,
}

/// Pings once, waiting at most `limit`.
pub(super) async fn ping(peer: Peer<RoleClient>, limit: Duration) -> Ping {
    let started = Instant::now();
    let request = ClientRequest::PingRequest(PingRequest::default());
    let handle = match peer
        .send_request_with_option(request, PeerRequestOptions::with_timeout(limit))
        .await
    {
        Ok(handle) => handle,
        Err(_) => return Ping::Closed,
    };
    match handle.await_response().await {
        Ok(_) => Ping::Rtt(started.elapsed()),
        Err(ServiceError::McpError(e)) if e.code == ErrorCode::METHOD_NOT_FOUND => {
            Ping::Unsupported
        }
        Err(ServiceError::McpError(e)) if mentions_session(&e.message) => {
            Ping::SessionLost(format!("{} ({})", e.message, e.code.0))
        }
        Err(ServiceError::TransportClosed) => Ping::Closed,
        Err(ServiceError::TransportSend(e)) if is_session_lost(&e) => {
            Ping::SessionLost(transport_error_text(&e))
        }
        Err(e) => Ping::Failed(service_error_text(&e)),
    }
}
