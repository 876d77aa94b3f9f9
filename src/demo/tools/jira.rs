//! Jira module: JQL search, issue creation and workflow transitions.

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
pub(crate) enum IssueType {
    #[default]
    Task,
    Bug,
    Story,
    Epic,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Priority {
    Highest,
    High,
    Medium,
    Low,
    Lowest,
}

/// Target status of a workflow transition.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Transition {
    ToDo,
    InProgress,
    InReview,
    Done,
}

fn default_max_results() -> u32 {
    20
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct SearchIssuesParams {
    /// JQL query, e.g. `project = OPS AND status != Done`.
    pub jql: String,
    /// Maximum number of issues to return.
    #[serde(default = "default_max_results")]
    #[schemars(range(min = 1, max = 100))]
    pub max_results: u32,
    /// Issue fields to return (all navigable fields when empty).
    #[serde(default)]
    pub fields: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct CreateIssueParams {
    /// Project key, e.g. `OPS`.
    pub project_key: String,
    /// One-line summary.
    pub summary: String,
    /// Issue type.
    #[serde(default)]
    pub issue_type: IssueType,
    /// Priority (project default when absent).
    #[serde(default)]
    pub priority: Option<Priority>,
    /// Labels to set.
    #[serde(default)]
    pub labels: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
pub(crate) struct TransitionIssueParams {
    /// Issue key, e.g. `OPS-123`.
    pub issue_key: String,
    /// Status to move the issue to.
    pub transition: Transition,
    /// Comment to add with the transition.
    #[serde(default)]
    pub comment: Option<String>,
}

fn key(project: &str) -> String {
    format!("{project}-{}", fake::number(1, 999))
}

#[tool_router(router = jira_router, vis = "pub(crate)")]
impl DemoHandler {
    #[tool(
        name = "jira.search_issues",
        title = "Search Jira issues",
        description = "Search issues with JQL.",
        annotations(
            title = "Search Jira issues",
            read_only_hint = true,
            open_world_hint = true
        )
    )]
    async fn jira_search_issues(
        &self,
        Parameters(p): Parameters<SearchIssuesParams>,
    ) -> ToolResult {
        if let Some(failure) = self.upstream("jira", 1.5).await {
            return failure;
        }
        let count = fake::number(0, u64::from(p.max_results.clamp(1, 100)).min(5));
        let issues: Vec<_> = (0..count)
            .map(|_| {
                json!({
                    "key": key(fake::pick(&["OPS", "MCP", "WEB"])),
                    "summary": fake::title(),
                    "status": fake::pick(&["To Do", "In Progress", "In Review", "Done"]),
                    "assignee": fake::pick(fake::PEOPLE),
                })
            })
            .collect();
        structured(json!({
            "jql": p.jql,
            "total": count + fake::number(0, 40),
            "fields": p.fields,
            "issues": issues,
        }))
    }

    #[tool(
        name = "jira.create_issue",
        title = "Create Jira issue",
        description = "Create an issue in a Jira project.",
        annotations(
            title = "Create Jira issue",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = false,
            open_world_hint = true
        )
    )]
    async fn jira_create_issue(&self, Parameters(p): Parameters<CreateIssueParams>) -> ToolResult {
        if let Some(failure) = self.upstream("jira", 1.8).await {
            return failure;
        }
        let key = key(&p.project_key);
        text(format!(
            "Created {:?} {key} \"{}\" (priority {}, {} label(s)).\n\
             https://mcpist.atlassian.net/browse/{key}",
            p.issue_type,
            p.summary,
            p.priority
                .map_or("default".to_owned(), |pr| format!("{pr:?}")),
            p.labels.len()
        ))
    }

    #[tool(
        name = "jira.transition_issue",
        title = "Transition Jira issue",
        description = "Move an issue to another workflow status, optionally with a comment.",
        annotations(
            title = "Transition Jira issue",
            read_only_hint = false,
            destructive_hint = false,
            idempotent_hint = true,
            open_world_hint = true
        )
    )]
    async fn jira_transition_issue(
        &self,
        Parameters(p): Parameters<TransitionIssueParams>,
    ) -> ToolResult {
        if let Some(failure) = self.upstream("jira", 1.2).await {
            return failure;
        }
        text(format!(
            "{} moved to {:?}{}.",
            p.issue_key,
            p.transition,
            if p.comment.is_some() {
                " with a comment"
            } else {
                ""
            }
        ))
    }
}
