//! A tools/call run as a task (MCP 2025-11-25, SEP-1686), for a tool whose
//! `execution.taskSupport` is `"required"`.
//!
//! rmcp 3.9 speaks only the later tasks extension (SEP-2663, protocol 2026-07-28), so the
//! requests go out as rmcp custom requests with the 2025-11-25 shapes:
//!
//! 1. `tools/call` with `task: {ttl}` (ms; the call's timeout) → `{task: {taskId, status,
//!    statusMessage?, pollInterval?, …}}` (a server may still answer with the result);
//! 2. `tasks/get {taskId}` every `pollInterval` ms, bounded to [`MIN_POLL`]..[`MAX_POLL`]
//!    (default [`DEFAULT_POLL`]) → the task; each change is reported as [`McpUpdate::Task`];
//! 3. at `completed`, `failed` or `input_required`, `tasks/result {taskId}` → the tool's
//!    result (the server holds it back until the task ends, delivering any request it has
//!    for the client, such as an elicitation, meanwhile);
//! 4. the operator's cancel or the deadline: `tasks/cancel {taskId}`, then a `tasks/get`
//!    to report where the server left the task.
//!
//! rmcp decodes a `working` or `cancelled` `tasks/get` answer as its own `GetTaskResult`,
//! which has no `pollInterval`: the last interval seen (from the `tools/call` answer) stays.

use std::time::Duration;

use rmcp::model::{CallToolResult, ClientRequest, CustomRequest, ServerResult};
use rmcp::service::{PeerRequestOptions, RequestHandle, RoleClient};
use serde_json::{Value, json};
use tokio::time::{Instant, sleep, sleep_until};

use super::call::{Attempt, CallCtx, CallSpec, CancelSignal, Live, answer_outcome, service_error};
use super::convert::call_result;
use crate::model::mcp::{CallOutcome, McpError, McpUpdate, TaskState};

/// Shortest wait between two `tasks/get`, whatever the server suggests.
pub(super) const MIN_POLL: Duration = Duration::from_millis(250);
/// Longest wait between two `tasks/get`: the status shown is never older than this.
pub(super) const MAX_POLL: Duration = Duration::from_secs(5);
/// The wait when the server suggests none.
pub(super) const DEFAULT_POLL: Duration = Duration::from_secs(1);
/// How long `tasks/cancel` and the `tasks/get` after it may take.
const CANCEL_WAIT: Duration = Duration::from_secs(5);

/// How one request of the task ended.
enum Asked {
    Answer(Box<ServerResult>),
    Failed(Attempt),
    Deadline,
    Cancel,
}

/// Why polling stopped before the task ended.
#[derive(Clone, Copy)]
enum Stop {
    Deadline,
    Cancel,
}

/// Runs the call as a task; the progress token of its `tools/call` stays registered until
/// the task ends, since a server may report progress under it meanwhile.
pub(super) async fn attempt(
    ctx: &CallCtx,
    live: &Live,
    spec: &CallSpec,
    deadline: Instant,
    cancel: &mut CancelSignal,
) -> Attempt {
    let ttl = u64::try_from(spec.timeout.as_millis()).unwrap_or(u64::MAX);
    let params = json!({"name": spec.tool, "arguments": spec.arguments, "task": {"ttl": ttl}});
    let handle = match send(live, "tools/call", params).await {
        Ok(handle) => handle,
        Err(e) => return Attempt::Done(super::call::not_sent(&e)),
    };
    let token = handle.progress_token.clone();
    ctx.progress
        .insert(live.generation, token.clone(), spec.call);
    let created = wait(handle, deadline, cancel, spec.timeout).await;
    let outcome = follow(ctx, live, spec, deadline, cancel, created).await;
    ctx.progress.remove(live.generation, &token);
    outcome
}

/// From the answer to `tools/call` to the end of the task.
async fn follow(
    ctx: &CallCtx,
    live: &Live,
    spec: &CallSpec,
    deadline: Instant,
    cancel: &mut CancelSignal,
    created: Asked,
) -> Attempt {
    let (mut state, poll) = match created {
        Asked::Answer(answer) => match *answer {
            ServerResult::CallToolResult(r) => {
                return Attempt::Done(CallOutcome::Result(call_result(r)));
            }
            other => match value_of(&other).get("task").and_then(task_of) {
                Some(created) => created,
                None => return Attempt::Done(answer_outcome(other)),
            },
        },
        Asked::Failed(attempt) => return attempt,
        Asked::Deadline => return Attempt::Done(CallOutcome::Timeout(spec.timeout)),
        Asked::Cancel => return Attempt::Done(CallOutcome::Cancelled),
    };
    let mut poll = poll_interval(poll);
    report(ctx, spec, &state).await;
    loop {
        match state.status.as_str() {
            "completed" | "failed" | "input_required" => {
                return result(ctx, live, spec, deadline, cancel, &state).await;
            }
            "cancelled" => return Attempt::Done(CallOutcome::Cancelled),
            _ => {}
        }
        tokio::select! {
            _ = sleep(poll) => {}
            _ = sleep_until(deadline) => return stop(ctx, live, spec, &state, Stop::Deadline).await,
            _ = cancel.fired() => return stop(ctx, live, spec, &state, Stop::Cancel).await,
        }
        let asked = ask(live, "tasks/get", &state.id, deadline, cancel, spec.timeout).await;
        let answer = match asked {
            Asked::Answer(answer) => value_of(&answer),
            Asked::Failed(attempt) => return attempt,
            Asked::Deadline => return stop(ctx, live, spec, &state, Stop::Deadline).await,
            Asked::Cancel => return stop(ctx, live, spec, &state, Stop::Cancel).await,
        };
        let Some((next, next_poll)) = task_of(&answer) else {
            return Attempt::Done(unexpected("tasks/get", &answer));
        };
        if next_poll.is_some() {
            poll = poll_interval(next_poll);
        }
        if next != state {
            report(ctx, spec, &next).await;
            state = next;
        }
    }
}

/// `tasks/result` of a task that ended (or needs input): its result, or for a failed task
/// the error the server gives, named as the task's failure.
async fn result(
    ctx: &CallCtx,
    live: &Live,
    spec: &CallSpec,
    deadline: Instant,
    cancel: &mut CancelSignal,
    state: &TaskState,
) -> Attempt {
    let outcome = match ask(
        live,
        "tasks/result",
        &state.id,
        deadline,
        cancel,
        spec.timeout,
    )
    .await
    {
        Asked::Answer(answer) => result_outcome(*answer),
        Asked::Failed(Attempt::Done(CallOutcome::Rpc { code, message })) => CallOutcome::Rpc {
            code,
            message: match (state.status.as_str(), &state.message) {
                ("failed", Some(m)) => format!("task failed ({m}): {message}"),
                ("failed", None) => format!("task failed: {message}"),
                _ => message,
            },
        },
        Asked::Failed(attempt) => return attempt,
        Asked::Deadline => return stop(ctx, live, spec, state, Stop::Deadline).await,
        Asked::Cancel => return stop(ctx, live, spec, state, Stop::Cancel).await,
    };
    if !state.is_terminal() {
        // It was waiting for input: say where it ended.
        if let Some((last, _)) = get_within(live, &state.id).await
            && &last != state
        {
            report(ctx, spec, &last).await;
        }
    }
    Attempt::Done(outcome)
}

/// The tool's result in a `tasks/result` answer.
fn result_outcome(answer: ServerResult) -> CallOutcome {
    match answer {
        ServerResult::CallToolResult(r) => CallOutcome::Result(call_result(r)),
        ServerResult::CustomResult(v) => {
            match serde_json::from_value::<CallToolResult>(v.0.clone()) {
                Ok(r) => CallOutcome::Result(call_result(r)),
                Err(_) => unexpected("tasks/result", &v.0),
            }
        }
        other => unexpected("tasks/result", &value_of(&other)),
    }
}

/// Stops following the task: `tasks/cancel`, then `tasks/get` to report where the server
/// left it; ends as cancelled or timed out whatever the server answered.
async fn stop(
    ctx: &CallCtx,
    live: &Live,
    spec: &CallSpec,
    state: &TaskState,
    why: Stop,
) -> Attempt {
    let params = json!({"taskId": state.id});
    let mut shown = state.clone();
    match within(live, "tasks/cancel", params).await {
        Ok(answer) => {
            if let Some((after, _)) = task_of(&answer).filter(|(s, _)| s != state) {
                report(ctx, spec, &after).await;
                shown = after;
            }
        }
        Err(e) => ctx.emit.client_log(format!(
            "call #{} ({}): tasks/cancel of task {} failed: {e}",
            spec.call.0, spec.tool, state.id
        )),
    }
    if let Some((last, _)) = get_within(live, &state.id)
        .await
        .filter(|(s, _)| *s != shown)
    {
        report(ctx, spec, &last).await;
    }
    Attempt::Done(match why {
        Stop::Deadline => CallOutcome::Timeout(spec.timeout),
        Stop::Cancel => CallOutcome::Cancelled,
    })
}

async fn report(ctx: &CallCtx, spec: &CallSpec, state: &TaskState) {
    let update = McpUpdate::Task {
        server: ctx.emit.server,
        call: spec.call,
        task: state.clone(),
    };
    ctx.emit.send(update).await;
}

/// The task in `v` (a `Task` object): `taskId` and `status` are required; `statusMessage`
/// and `pollInterval` (ms; rmcp's own `pollIntervalMs` also read) are optional.
fn task_of(v: &Value) -> Option<(TaskState, Option<u64>)> {
    let state = TaskState {
        id: v.get("taskId")?.as_str()?.to_string(),
        status: v.get("status")?.as_str()?.to_string(),
        message: v
            .get("statusMessage")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    let poll = ["pollInterval", "pollIntervalMs"]
        .iter()
        .find_map(|k| v.get(*k).and_then(Value::as_u64));
    Some((state, poll))
}

/// The server's suggestion bounded to [`MIN_POLL`]..=[`MAX_POLL`]; [`DEFAULT_POLL`] without one.
pub(super) fn poll_interval(ms: Option<u64>) -> Duration {
    ms.map_or(DEFAULT_POLL, |ms| {
        Duration::from_millis(ms).clamp(MIN_POLL, MAX_POLL)
    })
}

/// An answer as the JSON rmcp decoded it from (fields its types know; all of a custom result).
fn value_of(result: &ServerResult) -> Value {
    match result {
        ServerResult::CustomResult(v) => v.0.clone(),
        other => serde_json::to_value(other).unwrap_or(Value::Null),
    }
}

fn unexpected(method: &str, answer: &Value) -> CallOutcome {
    CallOutcome::Rpc {
        code: 0,
        message: format!("unexpected answer to {method}: {answer}"),
    }
}

fn custom(method: &str, params: Value) -> ClientRequest {
    ClientRequest::CustomRequest(CustomRequest::new(method, Some(params)))
}

async fn send(
    live: &Live,
    method: &str,
    params: Value,
) -> Result<RequestHandle<RoleClient>, rmcp::service::ServiceError> {
    live.peer
        .send_request_with_option(custom(method, params), PeerRequestOptions::no_options())
        .await
}

/// `method {taskId}`, raced against the deadline and the operator's cancel.
async fn ask(
    live: &Live,
    method: &str,
    task: &str,
    deadline: Instant,
    cancel: &mut CancelSignal,
    timeout: Duration,
) -> Asked {
    match send(live, method, json!({"taskId": task})).await {
        Ok(handle) => wait(handle, deadline, cancel, timeout).await,
        Err(e) => Asked::Failed(service_error(e, timeout)),
    }
}

/// The answer to `handle`, unless the deadline or the operator's cancel comes first (then
/// the request itself is cancelled with `notifications/cancelled`).
async fn wait(
    mut handle: RequestHandle<RoleClient>,
    deadline: Instant,
    cancel: &mut CancelSignal,
    timeout: Duration,
) -> Asked {
    let (asked, reason) = tokio::select! {
        answer = &mut handle.rx => return match answer {
            Ok(Ok(result)) => Asked::Answer(Box::new(result)),
            Ok(Err(e)) => Asked::Failed(service_error(e, timeout)),
            Err(_) => Asked::Failed(Attempt::Lost(McpError::Closed)),
        },
        _ = sleep_until(deadline) => (Asked::Deadline, "request timeout"),
        _ = cancel.fired() => (Asked::Cancel, "cancelled by the operator"),
    };
    if let Err(e) = handle.cancel(Some(reason.to_string())).await {
        tracing::debug!(error = %e, "sending notifications/cancelled failed");
    }
    asked
}

/// `method params` answered within [`CANCEL_WAIT`], as JSON; else why not.
async fn within(live: &Live, method: &str, params: Value) -> Result<Value, McpError> {
    let handle = send(live, method, params)
        .await
        .map_err(|e| McpError::Other(e.to_string()))?;
    match tokio::time::timeout(CANCEL_WAIT, handle.rx).await {
        Ok(Ok(Ok(answer))) => Ok(value_of(&answer)),
        Ok(Ok(Err(e))) => Err(super::errors::service_error(&e)),
        Ok(Err(_)) => Err(McpError::Closed),
        Err(_) => Err(McpError::NoAnswer(CANCEL_WAIT)),
    }
}

async fn get_within(live: &Live, task: &str) -> Option<(TaskState, Option<u64>)> {
    let answer = within(live, "tasks/get", json!({"taskId": task}))
        .await
        .ok()?;
    task_of(&answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_poll_interval_is_bounded() {
        assert_eq!(poll_interval(None), DEFAULT_POLL);
        assert_eq!(poll_interval(Some(0)), MIN_POLL);
        assert_eq!(poll_interval(Some(1000)), Duration::from_secs(1));
        assert_eq!(poll_interval(Some(3_600_000)), MAX_POLL);
    }

    #[test]
    fn a_task_is_read_from_the_2025_11_25_and_rmcp_shapes() {
        let wire = json!({"taskId": "t1", "status": "working", "statusMessage": "Gathering sources...",
            "createdAt": "2026-01-01T00:00:00Z", "ttl": 30000, "pollInterval": 1000});
        let (state, poll) = task_of(&wire).expect("a task");
        assert_eq!(state.line(), "task working: Gathering sources...");
        assert_eq!(poll, Some(1000));
        let rmcp = json!({"resultType": "complete", "taskId": "t1", "status": "cancelled", "pollIntervalMs": 500});
        let (state, poll) = task_of(&rmcp).expect("a task");
        assert_eq!(
            (state.status.as_str(), state.message, poll),
            ("cancelled", None, Some(500))
        );
        assert!(task_of(&json!({"status": "working"})).is_none());
    }

    /// How rmcp 3.9 decodes the 2025-11-25 answers: nothing this module reads is lost.
    #[test]
    fn rmcp_keeps_what_the_task_answers_carry() {
        let decode = |v: Value| serde_json::from_value::<ServerResult>(v).expect("decodes");
        let created = decode(json!({"task": {"taskId": "t1", "status": "working",
            "createdAt": "x", "lastUpdatedAt": "x", "ttl": 30000, "pollInterval": 1000}}));
        let (state, poll) = value_of(&created)
            .get("task")
            .and_then(task_of)
            .expect("task");
        assert_eq!((state.id.as_str(), poll), ("t1", Some(1000)));
        for status in [
            "working",
            "input_required",
            "completed",
            "failed",
            "cancelled",
        ] {
            let got = decode(
                json!({"taskId": "t1", "status": status, "statusMessage": "m",
                "createdAt": "x", "lastUpdatedAt": "x", "ttl": 30000, "pollInterval": 1000}),
            );
            let (state, _) = task_of(&value_of(&got)).expect("task");
            assert_eq!(
                (state.status.as_str(), state.message.as_deref()),
                (status, Some("m"))
            );
        }
        let result = decode(json!({"content": [{"type": "text", "text": "report"}],
            "_meta": {"io.modelcontextprotocol/related-task": {"taskId": "t1"}}}));
        assert!(matches!(result, ServerResult::CallToolResult(_)));
    }
}
