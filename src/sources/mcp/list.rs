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
use super::errors::service_error_text;
use super::task_tap::TaskTap;
use crate::model::mcp::state::holds_cut;
use crate::model::mcp::{McpUpdate, ToolInfo};

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
            Err(error) => emit.client_log(error.clone()),
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
            emit.client_log(error.clone());
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
) -> Result<Vec<ToolInfo>, String> {
    let mut tools = Vec::new();
    let mut cursor = None;
    for page in 1..=MAX_PAGES {
        let params = PaginatedRequestParams::default().with_cursor(cursor);
        let which = if page == 1 {
            String::new()
        } else {
            format!(" (page {page})")
        };
        let result = tokio::time::timeout(limit, peer.list_tools(Some(params)))
            .await
            .map_err(|_| {
                format!(
                    "tools/list{which}: no answer in {} s",
                    fmt_secs(limit.as_secs_f64())
                )
            })?
            .map_err(|e| format!("tools/list{which} failed: {}", service_error_text(&e)))?;
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
    Err(format!(
        "tools/list: still more pages after {MAX_PAGES} (the server's cursor may loop)"
    ))
}

/// Seconds without a needless fraction: `30`, `2.5`.
pub(super) fn fmt_secs(s: f64) -> String {
    if s.fract() == 0.0 {
        format!("{s:.0}")
    } else {
        format!("{s:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(fmt_secs(30.0), "30");
        assert_eq!(fmt_secs(2.5), "2.5");
    }
}
