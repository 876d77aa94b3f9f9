//! `resources/subscribe` and `resources/unsubscribe` for one URI, within the request
//! timeout, answered to the app as one [`McpUpdate::Subscription`]. The source keeps the
//! followed URIs across sessions (`Source::subscribed`) and subscribes again after a
//! reconnect, as the server forgets a session's subscriptions with the session.

use std::time::Duration;

use rmcp::model::{SubscribeRequestParams, UnsubscribeRequestParams};
use rmcp::service::{Peer, RoleClient};
use tokio::sync::mpsc;

use super::emit::Emitter;
use super::errors::service_error;
use crate::model::mcp::{McpError, McpUpdate};

/// Sends `resources/subscribe` (`on`) or `resources/unsubscribe` for `uri`, waiting at
/// most `limit`, and reports the answer (errors: the server's, or `no answer in N s`).
async fn send(peer: Peer<RoleClient>, uri: String, on: bool, emit: Emitter, limit: Duration) {
    let method = method(on);
    // Legacy in rmcp 3.9 only for protocol 2026-07-28 sessions (`Peer::listen`); mcptop
    // negotiates 2025-11-25, where these are the subscription requests.
    #[allow(deprecated)]
    let asked = async {
        if on {
            peer.subscribe(SubscribeRequestParams::new(uri.clone()))
                .await
        } else {
            peer.unsubscribe(UnsubscribeRequestParams::new(uri.clone()))
                .await
        }
    };
    let result = match tokio::time::timeout(limit, asked).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(service_error(&e).of_request(method)),
        Err(_) => Err(McpError::NoAnswer(limit).at(method)),
    };
    match &result {
        Ok(()) => emit.client_log(format!("{method} {uri}: acknowledged")),
        Err(e) => emit.client_log(format!("{uri}: {e}")),
    }
    emit.send(McpUpdate::Subscription {
        server: emit.server,
        uri,
        on,
        result,
    })
    .await;
}

/// Sends the session's subscription requests one after another, in the order they were
/// asked, so a quick follow-then-stop cannot reach the server the other way round.
pub(super) async fn sender(
    peer: Peer<RoleClient>,
    mut asked: mpsc::UnboundedReceiver<(String, bool)>,
    emit: Emitter,
    limit: Duration,
) {
    while let Some((uri, on)) = asked.recv().await {
        send(peer.clone(), uri, on, emit.clone(), limit).await;
    }
}

/// Reports at once that `uri` cannot be followed on this server.
pub(super) async fn refuse(uri: String, on: bool, emit: &Emitter) {
    let why = McpError::NoSubscriptions(method(on).to_string());
    emit.client_log(format!("{uri}: {why}"));
    emit.send(McpUpdate::Subscription {
        server: emit.server,
        uri,
        on,
        result: Err(why),
    })
    .await;
}

fn method(on: bool) -> &'static str {
    if on {
        "resources/subscribe"
    } else {
        "resources/unsubscribe"
    }
}
