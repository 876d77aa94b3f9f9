//! One `resources/read` or `prompts/get`, in a task of its own: send, wait at most its
//! timeout, and report exactly one `Fetched`. Both are read-only requests: nothing is
//! retried and nothing needs confirming. Dropping the request on timeout makes rmcp send
//! `notifications/cancelled`.

use std::time::Duration;

use rmcp::model::{GetPromptRequestParams, ReadResourceRequestParams};
use rmcp::service::{Peer, RoleClient};
use tokio::time::Instant;

use super::convert_catalog::{prompt_result, read_result};
use super::emit::Emitter;
use super::errors::service_error;
use crate::model::mcp::catalog::{FetchId, FetchRequest, Fetched};
use crate::model::mcp::{McpError, McpUpdate};

/// Runs `request` on `peer` and sends its `Fetched` (what it returned, or
/// `<method> failed: <error>` / `<method>: no answer in N s`).
pub(super) async fn run(
    emit: Emitter,
    peer: Peer<RoleClient>,
    id: FetchId,
    request: FetchRequest,
    limit: Duration,
) {
    let started = Instant::now();
    let method = request.method();
    let asked = async {
        match request {
            FetchRequest::Resource { uri } => peer
                .read_resource(ReadResourceRequestParams::new(uri))
                .await
                .map(read_result),
            FetchRequest::Prompt { name, arguments } => peer
                .get_prompt(GetPromptRequestParams::new(name).with_arguments(arguments))
                .await
                .map(prompt_result),
        }
    };
    let outcome: Result<Fetched, McpError> = match tokio::time::timeout(limit, asked).await {
        Ok(Ok(fetched)) => Ok(fetched),
        Ok(Err(e)) => Err(service_error(&e).of_request(method)),
        Err(_) => Err(McpError::NoAnswer(limit).at(method)),
    };
    emit.send(McpUpdate::Fetched {
        server: emit.server,
        id,
        outcome,
        elapsed: started.elapsed(),
    })
    .await;
}
