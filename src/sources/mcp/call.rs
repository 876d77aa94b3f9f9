//! One tools/call, in a task of its own: send, follow progress, wait for the answer, the
//! deadline or the operator's cancel, and report exactly one `CallDone`.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rmcp::model::{CallToolRequest, CallToolRequestParams, ClientRequest, ServerResult};
use rmcp::service::{Peer, PeerRequestOptions, RoleClient, ServiceError};
use serde_json::{Map, Value};
use tokio::sync::{oneshot, watch};
use tokio::time::{Instant, sleep_until};

use super::convert::call_result;
use super::emit::Emitter;
use super::errors::transport_error;
use super::handler::ProgressMap;
use super::task_tap::TaskTap;
use crate::model::mcp::{CallId, CallOutcome, CallRetry, McpError, TaskSupport};

/// The session calls are sent on: its generation (one per successful connect) and peer.
#[derive(Clone)]
pub(super) struct Live {
    pub generation: u64,
    pub peer: Peer<RoleClient>,
    /// Why the session ended, set before it is closed, so that the calls it interrupts can
    /// say more than "connection closed".
    pub lost: Arc<OnceLock<McpError>>,
    /// Which tools must be called as tasks (`task_tap`).
    pub tasks: TaskTap,
}

/// What a call needs besides its own arguments.
pub(super) struct CallCtx {
    pub emit: Emitter,
    pub progress: ProgressMap,
    /// The current session, `None` while disconnected; a retry waits for the next one.
    pub live: watch::Receiver<Option<Live>>,
}

/// One requested call.
pub(super) struct CallSpec {
    pub call: CallId,
    pub tool: String,
    pub arguments: Map<String, Value>,
    pub timeout: Duration,
    pub idempotent: bool,
}

pub(super) enum Attempt {
    Done(CallOutcome),
    /// The connection broke with the call in flight (or the send failed half-way).
    Lost(McpError),
}

/// Runs the call on `live` and sends its `CallDone`. An idempotent call interrupted by a
/// broken connection is sent once more on the next session if one comes up before the
/// deadline; any other call is never repeated.
pub(super) async fn run(
    mut ctx: CallCtx,
    live: Live,
    spec: CallSpec,
    cancel: oneshot::Receiver<()>,
) {
    let mut cancel = CancelSignal(Some(cancel));
    let started = Instant::now();
    let deadline = started + spec.timeout;
    let outcome = match attempt(&ctx, &live, &spec, deadline, &mut cancel).await {
        Attempt::Done(outcome) => outcome,
        Attempt::Lost(error) if !spec.idempotent => CallOutcome::Interrupted {
            error,
            retried: false,
        },
        Attempt::Lost(error) => {
            // Told at once (the call view says so), not only when the call ends.
            let waiting = CallRetry::Waiting {
                error: error.clone(),
            };
            ctx.emit.call_retry(spec.call, waiting).await;
            match next_session(&mut ctx.live, live.generation, deadline, &mut cancel).await {
                Wait::Session(next) => {
                    ctx.emit.client_log(format!(
                        "call #{} ({}) was interrupted ({error}); sending it again (idempotent)",
                        spec.call.0, spec.tool
                    ));
                    let resent = CallRetry::Resent {
                        error: error.clone(),
                    };
                    ctx.emit.call_retry(spec.call, resent).await;
                    match attempt(&ctx, &next, &spec, deadline, &mut cancel).await {
                        // The first send may still have been processed: not "not sent".
                        Attempt::Done(CallOutcome::NotSent(_)) => CallOutcome::Interrupted {
                            error,
                            retried: false,
                        },
                        Attempt::Done(outcome) => outcome,
                        Attempt::Lost(error) => CallOutcome::Interrupted {
                            error,
                            retried: true,
                        },
                    }
                }
                Wait::Cancelled => CallOutcome::Cancelled,
                Wait::Deadline => CallOutcome::Interrupted {
                    error: McpError::NotReconnected(Box::new(error)),
                    retried: false,
                },
            }
        }
    };
    ctx.emit
        .call_done(spec.call, outcome, started.elapsed())
        .await;
}

/// One attempt: a tool listed with `execution.taskSupport: "required"` is called as a task
/// (`task`), any other the ordinary way.
async fn attempt(
    ctx: &CallCtx,
    live: &Live,
    spec: &CallSpec,
    deadline: Instant,
    cancel: &mut CancelSignal,
) -> Attempt {
    let outcome = if live.tasks.support(&spec.tool) == TaskSupport::Required {
        super::task::attempt(ctx, live, spec, deadline, cancel).await
    } else {
        plain_attempt(ctx, live, spec, deadline, cancel).await
    };
    match (outcome, live.lost.get()) {
        (Attempt::Lost(_), Some(reason)) => {
            Attempt::Lost(McpError::ConnectionLost(Box::new(reason.clone())))
        }
        (outcome, _) => outcome,
    }
}

async fn plain_attempt(
    ctx: &CallCtx,
    live: &Live,
    spec: &CallSpec,
    deadline: Instant,
    cancel: &mut CancelSignal,
) -> Attempt {
    let params =
        CallToolRequestParams::new(spec.tool.clone()).with_arguments(spec.arguments.clone());
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
    // The deadline is kept here rather than in the options so that a timeout and an
    // operator's cancel both go through `RequestHandle::cancel`.
    let sent = live
        .peer
        .send_request_with_option(request, PeerRequestOptions::no_options())
        .await;
    let mut handle = match sent {
        Ok(handle) => handle,
        Err(e) => return Attempt::Done(not_sent(&e)),
    };
    let token = handle.progress_token.clone();
    ctx.progress
        .insert(live.generation, token.clone(), spec.call);

    enum Wake {
        Answer(Attempt),
        Deadline,
        Cancel,
    }
    let wake = tokio::select! {
        answer = &mut handle.rx => Wake::Answer(match answer {
            Ok(Ok(result)) => Attempt::Done(answer_outcome(result)),
            Ok(Err(e)) => service_error(e, spec.timeout),
            Err(_) => Attempt::Lost(McpError::Closed),
        }),
        _ = sleep_until(deadline) => Wake::Deadline,
        _ = cancel.fired() => Wake::Cancel,
    };
    ctx.progress.remove(live.generation, &token);
    match wake {
        Wake::Answer(attempt) => attempt,
        Wake::Deadline => {
            if let Err(e) = handle.cancel(Some("request timeout".to_string())).await {
                tracing::debug!(error = %e, "sending notifications/cancelled after a timeout failed");
            }
            Attempt::Done(CallOutcome::Timeout(spec.timeout))
        }
        Wake::Cancel => {
            if let Err(e) = handle
                .cancel(Some("cancelled by the operator".to_string()))
                .await
            {
                tracing::debug!(error = %e, "sending notifications/cancelled failed");
            }
            Attempt::Done(CallOutcome::Cancelled)
        }
    }
}

pub(super) fn answer_outcome(result: ServerResult) -> CallOutcome {
    match result {
        ServerResult::CallToolResult(r) => CallOutcome::Result(call_result(r)),
        other => CallOutcome::Rpc {
            code: 0,
            message: format!(
                "unexpected answer to tools/call: {}",
                serde_json::to_string(&other).unwrap_or_else(|_| "unreadable".to_string())
            ),
        },
    }
}

pub(super) fn service_error(e: ServiceError, timeout: Duration) -> Attempt {
    match e {
        ServiceError::McpError(data) => Attempt::Done(CallOutcome::Rpc {
            code: data.code.0,
            message: data.message.into_owned(),
        }),
        ServiceError::Timeout { .. } => Attempt::Done(CallOutcome::Timeout(timeout)),
        ServiceError::Cancelled { .. } => Attempt::Done(CallOutcome::Cancelled),
        ServiceError::TransportClosed => Attempt::Lost(McpError::Closed),
        ServiceError::TransportSend(t) => Attempt::Lost(transport_error(&t)),
        // rmcp's own words for the rest.
        other => Attempt::Lost(McpError::Other(other.to_string())),
    }
}

/// A request that could not be sent: not connected, in rmcp's words for why.
pub(super) fn not_sent(e: &ServiceError) -> CallOutcome {
    CallOutcome::NotSent(McpError::NotConnected(Box::new(McpError::Other(
        e.to_string(),
    ))))
}

enum Wait {
    Session(Live),
    Cancelled,
    Deadline,
}

/// Waits for a session newer than `generation`.
async fn next_session(
    live: &mut watch::Receiver<Option<Live>>,
    generation: u64,
    deadline: Instant,
    cancel: &mut CancelSignal,
) -> Wait {
    let newer = live.wait_for(|l| l.as_ref().is_some_and(|l| l.generation > generation));
    tokio::select! {
        found = newer => match found {
            Ok(l) => match l.as_ref() {
                Some(l) => Wait::Session(l.clone()),
                None => Wait::Deadline,
            },
            Err(_) => Wait::Deadline,
        },
        _ = sleep_until(deadline) => Wait::Deadline,
        _ = cancel.fired() => Wait::Cancelled,
    }
}

/// The operator's cancel: fires once when the command loop sends it, never when the loop
/// merely drops its end.
pub(super) struct CancelSignal(Option<oneshot::Receiver<()>>);

impl CancelSignal {
    pub(super) async fn fired(&mut self) {
        match self.0.as_mut() {
            Some(rx) => {
                let sent = rx.await.is_ok();
                self.0 = None;
                if !sent {
                    std::future::pending::<()>().await;
                }
            }
            None => std::future::pending::<()>().await,
        }
    }
}
