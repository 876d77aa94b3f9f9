//! GitHub module: issues and pull requests.

use rmcp::handler::server::wrapper::Parameters;
use rmcp::{tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{ToolResult, structured, text};
use crate::fake;
use crate::handler::DemoHandler;

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum IssueState {
    #[default]
    Open,
    Closed,
    All,
}

fn default_per_page() -> u32 {
    30
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct ListIssuesParams {
    /// Repository as `owner/name`.
    pub repo: String,
    /// Issue state to list.
    #[serde(default)]
    pub state: IssueState,
    /// Only issues carrying all of these labels.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Page size.
    #[serde(default = "default_per_page")]
    #[schemars(range(min = 1, max = 100))]
    pub per_page: u32,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct GetPullRequestParams {
    /// Repository as `owner/name`.
    pub repo: String,
    /// Pull request number.
    #[schemars(range(min = 1))]
    pub number: u64,
    /// Include the list of changed files.
    #[serde(default)]
    pub include_files: bool,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct CreateIssueParams {
    /// Repository as `owner/name`.
    pub repo: String,
    /// Issue title.
    pub title: String,
    /// Markdown body.
    #[serde(default)]
    pub body: Option<String>,
    /// Labels to apply.
    #[serde(default)]
    pub labels: Vec<String>,
    /// GitHub logins to assign.
    #[serde(default)]
    pub assignees: Vec<String>,
}

#[tool_router(router = github_router, vis = "pub(crate)")]
impl DemoHandler {
    #[tool(
        name = "github.list_issues",
        title = "List GitHub issues",
        description = "List issues of a repository, newest first.",
        annotations(
            title = "List GitHub issues",
            read_only_hint = true,
            open_world_hint = true
        )
    )]
    async fn github_list_issues(&self, Parameters(p): Parameters<ListIssuesParams>) -> ToolResult {
        if let Some(failure) = self.upstream("github", 0.9).await {
            return failure;
        }
        let count = fake::number(0, u64::from(p.per_page.clamp(1, 100)).min(6));
        let state = match p.state {
            IssueState::Open | IssueState::All => "open",
            IssueState::Closed => "closed",
        };
        let issues: Vec<_> = (0..count)
            .map(|_| {
                let number = fake::number(1, 4000);
                json!({
                    "number": number,
                    "title": format!("{} fails on {}", fake::title(), fake::pick(fake::WORDS)),
                    "state": state,
                    "labels": p.labels,
                    "author": fake::pick(fake::PEOPLE),
                    "url": format!("https://github.com/{}/issues/{number}", p.repo),
                })
            })
            .collect();
        structured(json!({ "repo": p.repo, "issues": issues }))
    }

    #[tool(
        name = "github.get_pull_request",
        title = "Get GitHub pull request",
        description = "Fetch a pull request with its review and CI status.",
        annotations(
            title = "Get GitHub pull request",
            read_only_hint = true,
            open_world_hint = true
        )
    )]
    async fn github_get_pull_request(
        &self,
        Parameters(p): Parameters<GetPullRequestParams>,
    ) -> ToolResult {
        if let Some(failure) = self.upstream("github", 1.0).await {
            return failure;
        }
        let mut body = format!(
            "{}#{}: {} ({})\nauthor: {} · checks: {} · reviews: {} approved",
            p.repo,
            p.number,
            fake::title(),
            if fake::chance(0.7) { "open" } else { "merged" },
            fake::pick(fake::PEOPLE),
            if fake::chance(0.85) {
                "passing"
            } else {
                "failing"
            },
            fake::number(0, 3)
        );
        if p.include_files {
            for _ in 0..fake::number(1, 4) {
                body.push_str(&format!(
                    "\nM src/{}.rs (+{} -{})",
                    fake::pick(fake::WORDS),
                    fake::number(1, 200),
                    fake::number(0, 80)
                ));
            }
        }
        text(body)
    }

    #[tool(
        name = "github.create_issue",
        title = "Create GitHub issue",
        description = "Open a new issue in a repository.",
        annotations(
            title = "Create GitHub issue",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn github_create_issue(
        &self,
        Parameters(p): Parameters<CreateIssueParams>,
    ) -> ToolResult {
        if let Some(failure) = self.upstream("github", 1.4).await {
            return failure;
        }
        let number = fake::number(100, 5000);
        text(format!(
            "Created {}#{number} \"{}\" ({} body chars, {} label(s), assigned to {}).\n\
             https://github.com/{}/issues/{number}",
            p.repo,
            p.title,
            p.body.as_deref().map_or(0, str::len),
            p.labels.len(),
            if p.assignees.is_empty() {
                "nobody".to_owned()
            } else {
                p.assignees.join(", ")
            },
            p.repo
        ))
    }
}
