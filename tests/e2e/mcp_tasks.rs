//! Integration: task-augmented tool calls (MCP 2025-11-25, SEP-1686) through mcptop's MCP
//! client source, against server-everything (npm), whose `simulate-research-query` declares
//! `execution.taskSupport: "required"` and walks through four stages a second each
//! ("Gathering sources...", "Analyzing content...", …) before its report is ready.
//! Observed through the `Update`s the source sends, as the app sees them.

use crate::support;

use std::time::Duration;

use mcptop::config::mcp::McpTransport;
use mcptop::model::mcp::{
    CallId, CallOutcome, Content, McpCommand, McpUpdate, TaskState, TaskSupport, ToolInfo,
};
use serde_json::json;
use support::mcp_probe::Probe;
use support::peers;

/// Long enough for a slow CI machine; these are correctness tests, not timing tests.
const WAIT: Duration = Duration::from_secs(40);

const TOOL: &str = "simulate-research-query";

/// The stages the tool reports, in order (server-everything's `STAGES`).
const STAGES: [&str; 4] = [
    "Gathering sources...",
    "Analyzing content...",
    "Synthesizing findings...",
    "Generating report...",
];

impl Probe {
    /// The first tools list holding the task tool (server-everything adds it after
    /// `initialize` and says so with `notifications/tools/list_changed`).
    async fn tools(&mut self) -> Vec<ToolInfo> {
        self.next("a tools list with the task tool", |u| match u {
            McpUpdate::Tools { tools: Ok(t), .. } if t.iter().any(|t| t.name == TOOL) => Some(t),
            _ => None,
        })
        .await
    }

    fn call(&self, id: u64, topic: &str) {
        self.handle
            .send(McpCommand::Call {
                call: CallId(id),
                tool: TOOL.into(),
                arguments: json!({"topic": topic})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                timeout: Duration::from_secs(30),
                idempotent: false,
            })
            .expect("command queued");
    }

    /// The task states reported for call `id` until it ends, and how it ended; with
    /// `cancel`, the call is cancelled as soon as its task is first reported.
    async fn follow(&mut self, id: u64, cancel: bool) -> (Vec<TaskState>, CallOutcome) {
        let mut states = Vec::new();
        let mut cancelled = false;
        loop {
            let update = self
                .next(&format!("the end of call {id}"), |u| match u {
                    McpUpdate::Task { call, task, .. } if call == CallId(id) => Some(Ok(task)),
                    McpUpdate::CallDone { call, outcome, .. } if call == CallId(id) => {
                        Some(Err(outcome))
                    }
                    _ => None,
                })
                .await;
            match update {
                Ok(task) => {
                    if cancel && !cancelled {
                        cancelled = true;
                        self.handle
                            .send(McpCommand::Cancel { call: CallId(id) })
                            .expect("cancel queued");
                    }
                    states.push(task);
                }
                Err(outcome) => return (states, outcome),
            }
        }
    }
}

fn task_tool_is_marked(tools: &[ToolInfo]) {
    let task = |name: &str| tools.iter().find(|t| t.name == name).map(|t| t.task);
    assert_eq!(task(TOOL), Some(TaskSupport::Required));
    assert_eq!(task("echo"), Some(TaskSupport::Forbidden));
}

/// The stage messages `states` went through, each once, in order.
fn stages_seen(states: &[TaskState]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for s in states.iter().filter(|s| s.status == "working") {
        if let Some(m) = &s.message
            && seen.last() != Some(m)
        {
            seen.push(m.clone());
        }
    }
    seen
}

async fn research_completes(p: &mut Probe, id: u64) {
    p.call(id, "tide pools");
    let (states, outcome) = p.follow(id, false).await;
    assert!(!states.is_empty(), "no task status reported");
    assert!(
        states.iter().all(|s| s.id == states[0].id),
        "one task: {states:?}"
    );
    let seen = stages_seen(&states);
    assert!(!seen.is_empty(), "no working status message in {states:?}");
    // Polled once a second against stages a second long: some may be missed, never reordered.
    let order: Vec<usize> = seen
        .iter()
        .map(|m| {
            STAGES
                .iter()
                .position(|s| s == m)
                .unwrap_or_else(|| panic!("unknown stage {m:?} in {seen:?}"))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "out of order: {seen:?}"
    );
    let CallOutcome::Result(result) = outcome else {
        panic!("the task call ended as {outcome:?}, states {states:?}");
    };
    assert!(!result.is_error);
    let text = match result.content.as_slice() {
        [Content::Text(t)] => t.clone(),
        other => panic!("one text block expected, got {other:?}"),
    };
    assert!(text.starts_with("# Research Report: tide pools"), "{text}");
    assert!(text.contains("- Stage 4: Generating report ✓"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_tool_over_stdio_is_marked_polled_to_its_report_and_cancellable() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let mut p = Probe::start(peers::everything_stdio(&script), WAIT);
    task_tool_is_marked(&p.tools().await);
    research_completes(&mut p, 1).await;

    // Cancelled while it works (four stages of a second each): `tasks/cancel`, and the
    // `tasks/get` after it shows the server's own status.
    p.call(2, "cancel me");
    let (states, outcome) = p.follow(2, true).await;
    assert_eq!(outcome, CallOutcome::Cancelled, "states {states:?}");
    let last = states.last().expect("task states");
    assert_eq!(last.status, "cancelled", "states {states:?}");
    assert!(
        !states.iter().any(|s| s.status == "completed"),
        "{states:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_tool_over_streamable_http_is_marked_and_polled_to_its_report() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let server = peers::EverythingHttp::start(&script, peers::free_port());
    let mut p = Probe::start(
        McpTransport::Http {
            url: server.url(),
            http: Default::default(),
        },
        WAIT,
    );
    task_tool_is_marked(&p.tools().await);
    research_completes(&mut p, 1).await;
}

/// `ambiguous: true`: the task stops at `input_required` and the server asks the operator
/// (`elicitation/create`) through the `tasks/result` the client then sends; the answer
/// resumes the task and shapes the report.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_task_that_needs_input_asks_the_operator_through_tasks_result() {
    let Some(script) = peers::everything_script() else {
        return;
    };
    let mut p = Probe::start(peers::everything_stdio(&script), WAIT);
    p.tools().await;
    p.handle
        .send(McpCommand::Call {
            call: CallId(1),
            tool: TOOL.into(),
            arguments: json!({"topic": "python", "ambiguous": true})
                .as_object()
                .cloned()
                .unwrap_or_default(),
            timeout: Duration::from_secs(30),
            idempotent: false,
        })
        .expect("command queued");
    let (id, message) = p
        .next("the server's question", |u| match u {
            McpUpdate::Elicit { id, message, .. } => Some((id, message)),
            _ => None,
        })
        .await;
    assert!(message.contains("\"python\""), "{message}");
    let mut answer = serde_json::Map::new();
    answer.insert("interpretation".into(), json!("snake"));
    p.handle
        .send(McpCommand::Elicited {
            id,
            answer: mcptop::model::mcp::ElicitAnswer::Accept(answer),
        })
        .expect("answer queued");
    let (states, outcome) = p.follow(1, false).await;
    let CallOutcome::Result(result) = outcome else {
        panic!("ended as {outcome:?}, states {states:?}");
    };
    let text = match result.content.as_slice() {
        [Content::Text(t)] => t.clone(),
        other => panic!("one text block expected, got {other:?}"),
    };
    assert!(
        text.starts_with("# Research Report: python (snake)"),
        "{text}"
    );
}
