//! Notion module: search, read and create pages.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ToolResult, structured, text};
use crate::fake;
use crate::handler::DemoHandler;

/// Which kind of Notion object to search for.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum NotionObject {
    #[default]
    Page,
    Database,
}

fn default_limit() -> u32 {
    10
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct SearchParams {
    /// Text to look for in page and database titles.
    pub query: String,
    /// Restrict results to one object type.
    #[serde(default)]
    pub filter: NotionObject,
    /// Maximum number of results.
    #[serde(default = "default_limit")]
    #[schemars(range(min = 1, max = 100))]
    pub limit: u32,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct GetPageParams {
    /// The page id (UUID, with or without dashes).
    pub page_id: String,
    /// Also return the page's blocks as markdown.
    #[serde(default)]
    pub include_content: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct CreatePageParams {
    /// Id of the parent page or database.
    pub parent_id: String,
    /// Title of the new page.
    pub title: String,
    /// Markdown body of the page.
    #[serde(default)]
    pub content: Option<String>,
    /// Tags (multi-select values) to set on the page.
    #[serde(default)]
    pub tags: Vec<String>,
}

#[tool_router(router = notion_router, vis = "pub(crate)")]
impl DemoHandler {
    #[tool(
        name = "notion.search",
        title = "Search Notion",
        description = "Search pages and databases shared with the MCPist Notion integration.",
        annotations(title = "Search Notion", read_only_hint = true, open_world_hint = true)
    )]
    async fn notion_search(&self, Parameters(p): Parameters<SearchParams>) -> ToolResult {
        if let Some(failure) = self.upstream("notion", 1.3).await {
            return failure;
        }
        let count = fake::number(0, u64::from(p.limit.clamp(1, 100)).min(5));
        let kind = match p.filter {
            NotionObject::Page => "page",
            NotionObject::Database => "database",
        };
        let results: Vec<_> = (0..count)
            .map(|_| {
                let id = fake::page_id();
                json!({
                    "id": id,
                    "object": kind,
                    "title": format!("{} ({})", fake::title(), p.query),
                    "url": format!("https://www.notion.so/{}", id.replace('-', "")),
                })
            })
            .collect();
        structured(json!({ "results": results, "has_more": fake::chance(0.2) }))
    }

    #[tool(
        name = "notion.get_page",
        title = "Get Notion page",
        description = "Fetch a Notion page's properties, optionally with its content as markdown.",
        annotations(
            title = "Get Notion page",
            read_only_hint = true,
            open_world_hint = true
        )
    )]
    async fn notion_get_page(&self, Parameters(p): Parameters<GetPageParams>) -> ToolResult {
        if let Some(failure) = self.upstream("notion", 1.0).await {
            return failure;
        }
        let mut body = format!(
            "# {}\nid: {}\nlast edited by {} · {} blocks",
            fake::title(),
            p.page_id,
            fake::pick(fake::PEOPLE),
            fake::number(3, 120)
        );
        if p.include_content {
            body.push_str(&format!(
                "\n\n## Summary\nNotes on the {} {}.\n- [ ] follow up with {}",
                fake::pick(fake::WORDS),
                fake::pick(fake::WORDS),
                fake::pick(fake::PEOPLE)
            ));
        }
        text(body)
    }

    #[tool(
        name = "notion.create_page",
        title = "Create Notion page",
        description = "Create a page under a parent page or database.",
        annotations(
            title = "Create Notion page",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn notion_create_page(&self, Parameters(p): Parameters<CreatePageParams>) -> ToolResult {
        if let Some(failure) = self.upstream("notion", 1.6).await {
            return failure;
        }
        let id = fake::page_id();
        let words = p
            .content
            .as_deref()
            .map_or(0, |c| c.split_whitespace().count());
        text(format!(
            "Created page \"{}\" ({id}) under {} with {} tag(s), {words} word(s).\n\
             https://www.notion.so/{}",
            p.title,
            p.parent_id,
            p.tags.len(),
            id.replace('-', "")
        ))
    }
}
