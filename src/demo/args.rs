//! What the load generator asks for: a tool, weighted like MCPist's traffic (notion 45 %,
//! github 30 %, jira 15 %, the rest 10 %), with random valid arguments.

use serde_json::{Map, Value, json};

use crate::fake::{self, PEOPLE, WORDS, chance, number, pick};

/// `(tool, weight in permille)`; the weights sum to 1000.
const TOOLS: &[(&str, u64)] = &[
    ("notion.search", 200),
    ("notion.get_page", 170),
    ("notion.create_page", 80),
    ("github.list_issues", 130),
    ("github.get_pull_request", 110),
    ("github.create_issue", 60),
    ("jira.search_issues", 80),
    ("jira.create_issue", 35),
    ("jira.transition_issue", 35),
    ("calendar.list_events", 45),
    ("calendar.create_event", 20),
    ("health.check", 25),
    ("cache.flush", 10),
];

/// Every tool the server offers.
pub(crate) fn tool_names() -> impl Iterator<Item = &'static str> {
    TOOLS.iter().map(|(name, _)| *name)
}

/// A random tool and valid arguments for it.
pub(crate) fn random_call() -> (&'static str, Map<String, Value>) {
    let total: u64 = TOOLS.iter().map(|(_, w)| w).sum();
    let mut roll = number(0, total.saturating_sub(1));
    let mut tool = TOOLS[0].0;
    for (name, weight) in TOOLS {
        if roll < *weight {
            tool = name;
            break;
        }
        roll -= weight;
    }
    let args = match arguments(tool) {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    (tool, args)
}

fn repo() -> String {
    format!("mcpist/{}", pick(&["mcpist", "console", "worker", "docs"]))
}

fn some_of(items: &[&str], max: u64) -> Vec<String> {
    (0..number(0, max))
        .map(|_| pick(items).to_owned())
        .collect()
}

fn rfc3339_in(hours: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::hours(hours)).to_rfc3339()
}

fn arguments(tool: &str) -> Value {
    let mut args = match tool {
        "notion.search" => json!({ "query": pick(WORDS) }),
        "notion.get_page" => json!({ "page_id": fake::page_id() }),
        "notion.create_page" => json!({
            "parent_id": fake::page_id(),
            "title": fake::title(),
        }),
        "github.list_issues" => json!({ "repo": repo() }),
        "github.get_pull_request" => json!({ "repo": repo(), "number": number(1, 900) }),
        "github.create_issue" => json!({ "repo": repo(), "title": fake::title() }),
        "jira.search_issues" => json!({
            "jql": format!("project = OPS AND text ~ \"{}\"", pick(WORDS)),
        }),
        "jira.create_issue" => json!({ "project_key": "OPS", "summary": fake::title() }),
        "jira.transition_issue" => json!({
            "issue_key": format!("OPS-{}", number(1, 400)),
            "transition": pick(&["to_do", "in_progress", "in_review", "done"]),
        }),
        "calendar.list_events" => json!({}),
        "calendar.create_event" => {
            let start = number(1, 72) as i64;
            json!({
                "summary": fake::title(),
                "start": rfc3339_in(start),
                "end": rfc3339_in(start + 1),
            })
        }
        "cache.flush" => json!({}),
        _ => json!({}),
    };
    if let Value::Object(map) = &mut args {
        add_optionals(tool, map);
    }
    args
}

/// Sometimes fills in optional parameters too.
fn add_optionals(tool: &str, map: &mut Map<String, Value>) {
    let mut set = |key: &str, value: Value| {
        if chance(0.4) {
            map.insert(key.to_owned(), value);
        }
    };
    match tool {
        "notion.search" => {
            set("filter", json!(pick(&["page", "database"])));
            set("limit", json!(number(1, 50)));
        }
        "notion.get_page" => set("include_content", json!(chance(0.5))),
        "notion.create_page" => {
            set("content", json!(format!("Notes about {}.", pick(WORDS))));
            set("tags", json!(some_of(WORDS, 3)));
        }
        "github.list_issues" => {
            set("state", json!(pick(&["open", "closed", "all"])));
            set("labels", json!(some_of(&["bug", "ops", "p1"], 2)));
            set("per_page", json!(number(1, 100)));
        }
        "github.get_pull_request" => set("include_files", json!(chance(0.5))),
        "github.create_issue" => {
            set("body", json!("Seen in the MCPist dashboard."));
            set("labels", json!(some_of(&["bug", "ops", "p1"], 2)));
            set("assignees", json!(some_of(PEOPLE, 2)));
        }
        "jira.search_issues" => {
            set("max_results", json!(number(1, 50)));
            set(
                "fields",
                json!(some_of(&["summary", "status", "assignee"], 3)),
            );
        }
        "jira.create_issue" => {
            set("issue_type", json!(pick(&["task", "bug", "story", "epic"])));
            set("priority", json!(pick(&["high", "medium", "low"])));
            set("labels", json!(some_of(WORDS, 2)));
        }
        "jira.transition_issue" => set("comment", json!("Done via MCPist.")),
        "calendar.list_events" => {
            set("days", json!(number(1, 30)));
            set("single_events", json!(chance(0.8)));
        }
        "calendar.create_event" => {
            set(
                "attendees",
                json!(some_of(&["aiko@example.com", "sam@example.com"], 2)),
            );
            set("send_updates", json!(chance(0.3)));
        }
        "cache.flush" => {
            set(
                "module",
                json!(pick(&["all", "notion", "github", "jira", "calendar"])),
            );
            set("dry_run", json!(chance(0.5)));
        }
        "health.check" => set("deep", json!(chance(0.3))),
        _ => {}
    }
}
