//! Operator tools: flush the response cache, check the server's health.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ToolResult, structured, text};
use crate::fake;
use crate::handler::DemoHandler;

/// Which module's cached upstream responses to drop.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum CacheScope {
    #[default]
    All,
    Notion,
    Github,
    Jira,
    Calendar,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct FlushParams {
    /// Module whose cache to flush.
    #[serde(default)]
    pub module: CacheScope,
    /// Only report what would be flushed.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct HealthParams {
    /// Also probe every upstream API (slower).
    #[serde(default)]
    pub deep: bool,
}

#[tool_router(router = ops_router, vis = "pub(crate)")]
impl DemoHandler {
    #[tool(
        name = "cache.flush",
        title = "Flush response cache",
        description = "Drop cached upstream responses of one module or of all modules.",
        annotations(
            title = "Flush response cache",
            read_only_hint = false,
            destructive_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn cache_flush(&self, Parameters(p): Parameters<FlushParams>) -> ToolResult {
        if let Some(failure) = self.upstream("cache", 0.3).await {
            return failure;
        }
        let entries = fake::number(0, 2500);
        let verb = if p.dry_run { "Would flush" } else { "Flushed" };
        text(format!(
            "{verb} {entries} cached entr{} for {:?}.",
            if entries == 1 { "y" } else { "ies" },
            p.module
        ))
    }

    #[tool(
        name = "health.check",
        title = "Health check",
        description = "Report the server's health and, with deep=true, each upstream API's.",
        annotations(
            title = "Health check",
            read_only_hint = true,
            idempotent_hint = true,
            open_world_hint = false
        )
    )]
    async fn health_check(&self, Parameters(p): Parameters<HealthParams>) -> ToolResult {
        let weight = if p.deep { 1.0 } else { 0.1 };
        if let Some(failure) = self.upstream("health", weight).await {
            return failure;
        }
        let mut upstreams = serde_json::Map::new();
        if p.deep {
            for api in ["notion", "github", "jira", "calendar"] {
                let status = if fake::chance(0.95) { "ok" } else { "degraded" };
                upstreams.insert(api.to_owned(), json!(status));
            }
        }
        structured(json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "upstreams": upstreams,
        }))
    }
}
