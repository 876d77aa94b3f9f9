//! The demo tools, one file per MCPist module, and the upstream simulation they share.

mod calendar;
mod github;
mod jira;
mod notion;
mod ops;

use rmcp::ErrorData;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::model::{CallToolResult, ContentBlock};

use crate::fake;
use crate::handler::DemoHandler;

/// What a tool returns.
pub(crate) type ToolResult = Result<CallToolResult, ErrorData>;

/// Every tool of every module in one router.
pub(crate) fn router() -> ToolRouter<DemoHandler> {
    DemoHandler::notion_router()
        + DemoHandler::github_router()
        + DemoHandler::jira_router()
        + DemoHandler::calendar_router()
        + DemoHandler::ops_router()
}

/// Share of failures answered as a JSON-RPC error instead of an `isError` tool result.
const PROTOCOL_ERROR_SHARE: f64 = 0.08;

impl DemoHandler {
    /// Waits a simulated upstream latency (`weight` scales the typical latency) and then
    /// fails with the current error ratio. `Some` carries the failure to return as is.
    pub(crate) async fn upstream(&self, module: &str, weight: f64) -> Option<ToolResult> {
        tokio::time::sleep(self.knobs.sample_latency(weight)).await;
        if !fake::chance(self.knobs.error_ratio()) {
            return None;
        }
        if fake::chance(PROTOCOL_ERROR_SHARE) {
            let error = if fake::chance(0.5) {
                ErrorData::invalid_params(
                    format!("{module}: the referenced object does not exist or was archived"),
                    None,
                )
            } else {
                ErrorData::internal_error(
                    format!("{module}: token vault unavailable, cannot load OAuth credentials"),
                    None,
                )
            };
            return Some(Err(error));
        }
        Some(Ok(CallToolResult::error(vec![ContentBlock::text(
            fake::upstream_failure(module),
        )])))
    }
}

/// A successful plain-text answer.
pub(crate) fn text(body: impl Into<String>) -> ToolResult {
    Ok(CallToolResult::success(vec![ContentBlock::text(body)]))
}

/// A successful answer with `structuredContent` (and its JSON as text for older clients).
pub(crate) fn structured(value: serde_json::Value) -> ToolResult {
    Ok(CallToolResult::structured(value))
}
