//! `ping`: the round-trip time, and whether the session is still there.

use std::time::Duration;

use rmcp::model::{ClientRequest, ErrorCode, PingRequest};
use rmcp::service::{Peer, PeerRequestOptions, RoleClient, ServiceError};
use tokio::time::Instant;

use super::errors::{is_session_lost, mentions_session, service_error, transport_error};
use crate::model::mcp::McpError;

/// How one ping went.
pub(super) enum Ping {
    /// Answered after this long.
    Rtt(Duration),
    /// Method not found: the server does not do ping.
    Unsupported,
    /// No answer in time, or an error that may pass.
    Failed(McpError),
    /// The request did not reach the server (refused, reset, no route): it is unreachable.
    Unreachable(McpError),
    /// The HTTP session is gone (the server restarted or expired it).
    SessionLost(McpError),
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
        // The server's message is all that tells an unknown session (no code says it).
        Err(ServiceError::McpError(e)) if mentions_session(&e.message) => {
            Ping::SessionLost(McpError::Rpc {
                code: e.code.0,
                message: e.message.to_string(),
            })
        }
        Err(ServiceError::TransportClosed) => Ping::Closed,
        Err(ServiceError::TransportSend(e)) if is_session_lost(&e) => {
            Ping::SessionLost(transport_error(&e))
        }
        Err(ServiceError::TransportSend(e)) => Ping::Unreachable(transport_error(&e)),
        Err(e) => Ping::Failed(service_error(&e)),
    }
}

#[cfg(test)]
mod tests {
    use rmcp::model::{ErrorData, PingRequestMethod};
    use rmcp::service::{RequestContext, RoleServer};
    use rmcp::{ServerHandler, ServiceExt};

    use super::*;

    /// An in-process rmcp server whose ping fails with `error`.
    struct PingFails(ErrorData);

    impl ServerHandler for PingFails {
        async fn ping(&self, _context: RequestContext<RoleServer>) -> Result<(), ErrorData> {
            Err(self.0.clone())
        }
    }

    async fn ping_against(server: impl ServerHandler) -> Ping {
        let (near, far) = tokio::io::duplex(64 * 1024);
        let serving = tokio::spawn(async move { server.serve(tokio::io::split(far)).await });
        let client = ().serve(tokio::io::split(near)).await.expect("client");
        let server = serving.await.expect("join").expect("server");
        let result = ping(client.peer().clone(), Duration::from_secs(5)).await;
        drop(server);
        result
    }

    #[tokio::test]
    async fn a_server_without_ping_is_not_an_error() {
        let error = ErrorData::method_not_found::<PingRequestMethod>();
        assert!(matches!(
            ping_against(PingFails(error)).await,
            Ping::Unsupported
        ));
    }

    #[tokio::test]
    async fn an_unknown_session_means_the_session_is_lost() {
        let error = ErrorData::new(ErrorCode(-32000), "Session not found", None);
        match ping_against(PingFails(error)).await {
            Ping::SessionLost(e) => assert_eq!(e.to_string(), "Session not found (-32000)"),
            _ => panic!("expected SessionLost"),
        }
    }

    #[tokio::test]
    async fn a_working_server_gives_a_round_trip_time() {
        struct Fine;
        impl ServerHandler for Fine {}
        assert!(matches!(ping_against(Fine).await, Ping::Rtt(_)));
    }
}
