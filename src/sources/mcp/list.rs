//! `tools/list` (then the catalog, see `catalog`), page by page, each page within the request timeout: a server that never
//! answers (or whose answer rmcp could not decode) makes the list fail with the reason
//! instead of "listing tools…" for ever, and one that hands out cursors without end stops at
//! [`MAX_PAGES`].

use std::time::Duration;

use rmcp::model::PaginatedRequestParams;
use rmcp::service::{Peer, RoleClient};
use tokio::sync::mpsc;

use super::catalog::list_catalog;
use super::convert::tool_info;
use super::depth::MAX_DEPTH;
use super::emit::Emitter;
use super::errors::service_error;
use super::task_tap::TaskTap;
use crate::model::mcp::state::holds_cut;
use crate::model::mcp::{McpError, McpUpdate, ToolInfo};

/// Most pages one list reads; more means a server looping on its cursor.
pub(super) const MAX_PAGES: usize = 100;

/// Lists all tools each time it is asked, then the resources, templates and prompts the
/// server offers (`catalog`), until the session ends; `limit` bounds each page.
/// A failure is logged and sent as the list's error; a tool whose input schema was cut (see
/// `depth`) is listed and logged. Each tool's `task` is what `tasks` saw listed.
pub(super) async fn lister(
    peer: Peer<RoleClient>,
    mut asks: mpsc::Receiver<()>,
    emit: Emitter,
    limit: Duration,
    tasks: TaskTap,
) {
    while asks.recv().await.is_some() {
        let tools = list_tools(&peer, limit, &tasks).await;
        match &tools {
            Err(error) => emit.client_log(error.to_string()),
            Ok(tools) => {
                for tool in tools.iter().filter(|t| holds_cut(&t.input_schema)) {
                    emit.client_log(format!(
                        "tool {}: its input schema nests deeper than {MAX_DEPTH} levels and was cut there; call it with raw JSON",
                        tool.name
                    ));
                }
            }
        }
        if !emit
            .send(McpUpdate::Tools {
                server: emit.server,
                tools,
            })
            .await
        {
            return;
        }
        let catalog = list_catalog(&peer, limit).await;
        for error in [
            catalog.resources.as_ref().and_then(|r| r.as_ref().err()),
            catalog.templates.as_ref().and_then(|r| r.as_ref().err()),
            catalog.prompts.as_ref().and_then(|r| r.as_ref().err()),
        ]
        .into_iter()
        .flatten()
        {
            emit.client_log(error.to_string());
        }
        let server = emit.server;
        if !emit.send(McpUpdate::Catalog { server, catalog }).await {
            return;
        }
    }
}

/// Every page of `tools/list`. Errors: `tools/list: no answer in N s` (page `k` when not the
/// first), the request's error, or too many pages; each prefixed `tools/list`.
async fn list_tools(
    peer: &Peer<RoleClient>,
    limit: Duration,
    tasks: &TaskTap,
) -> Result<Vec<ToolInfo>, McpError> {
    let mut tools = Vec::new();
    let mut cursor = None;
    for page in 1..=MAX_PAGES {
        let params = PaginatedRequestParams::default().with_cursor(cursor);
        let request = super::catalog::page_request("tools/list", page);
        let result = tokio::time::timeout(limit, peer.list_tools(Some(params)))
            .await
            .map_err(|_| McpError::NoAnswer(limit).at(request.clone()))?
            .map_err(|e| service_error(&e).of_request(request))?;
        // The transport saw this page's raw answer before rmcp decoded it (`task_tap`).
        tools.extend(result.tools.into_iter().map(|t| {
            let mut info = tool_info(t);
            info.task = tasks.support(&info.name);
            info
        }));
        cursor = result.next_cursor;
        if cursor.is_none() {
            return Ok(tools);
        }
    }
    Err(McpError::TooManyPages {
        method: "tools/list".into(),
        pages: MAX_PAGES,
    })
}
