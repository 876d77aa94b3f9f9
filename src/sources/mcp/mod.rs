//! The MCP client source: one tokio task per configured server, speaking rmcp 3.9 over
//! Streamable HTTP or stdio, reporting [`McpUpdate`](crate::model::mcp::McpUpdate)s as
//! [`Update::Mcp`] and taking [`McpCommand`]s through an [`McpHandle`].
//!
//! The task connects (bounded by `connect_timeout`), reports `Connected` and `Initialized`,
//! lists the tools and then the resources, templates and prompts it offers (again on any
//! `list_changed` notification or `RefreshTools`), subscribes to the resources the operator
//! follows (`subscribe`; again on every session), runs each `Fetch`
//! (`resources/read`, `prompts/get`) in a task of its own, asks for
//! `settings.log_level` when the server offers logging, pings every `ping_interval`, and
//! runs each tools/call in a task of its own (a tool listed with `execution.taskSupport:
//! "required"` as an MCP 2025-11-25 task: `task`, `task_tap`). When the connection breaks (transport closed,
//! a request refused or reset, a response stream broken and a ping then failing, two pings
//! unanswered, HTTP session gone) it reconnects with backoff (0.5 s doubling to 30 s,
//! jittered), respawning a stdio server. An idempotent call the break interrupted is told
//! at once (`CallRetry`) and sent again on the next session. It never writes to stdout or stderr: a stdio
//! server's stderr arrives as `Log{Stderr}` lines.
//!
//! What a server sends is cut below 64 levels of nesting before rmcp decodes it (`depth`,
//! `child`, `http_cut`): serde_json stops at 128, and rmcp would drop such a message and
//! leave its request waiting. Each tools/list page waits at most `call_timeout` (`list`).
//!
//! An HTTP server that answers 401 is authorized with OAuth 2.1 (`oauth`): the source shows
//! the authorization URL (`ConnState::Authorizing`), takes the redirect on a loopback
//! listener or pasted (`McpCommand::Authorize`), and keeps the tokens in a `0600` file.

mod call;
mod catalog;
mod child;
mod clean;
mod clean_catalog;
mod connect;
mod convert;
mod convert_catalog;
mod depth;
mod elicit;
mod emit;
mod errors;
mod fetch;
mod handler;
mod http_cut;
mod list;
mod oauth;
mod ping;
mod run;
mod session;
mod subscribe;
mod task;
mod task_tap;

use tokio::sync::mpsc;
use tokio::sync::mpsc::error::TrySendError;
use tokio::task::JoinSet;

use crate::Update;
use crate::config::mcp::{McpServerConfig, McpSettings};
use crate::model::mcp::{McpCommand, ServerId};

/// Commands a source holds before `send` reports it full.
const COMMAND_QUEUE: usize = 64;

/// The app's side of one server's source. Dropping every handle stops the source.
#[derive(Debug, Clone)]
pub struct McpHandle {
    /// The server this handle commands.
    pub server: ServerId,
    commands: mpsc::Sender<McpCommand>,
}

impl McpHandle {
    /// Queues a command without waiting.
    ///
    /// Errors: the source has stopped, or its queue (64 commands) is full; the text says
    /// which. A refused `Call` gets no `CallDone`.
    pub fn send(&self, cmd: McpCommand) -> Result<(), String> {
        self.commands.try_send(cmd).map_err(|e| match e {
            TrySendError::Full(_) => format!(
                "MCP server #{} is busy: {COMMAND_QUEUE} commands are waiting",
                self.server
            ),
            TrySendError::Closed(_) => format!("MCP server #{} has stopped", self.server),
        })
    }
}

/// Spawns the task that owns the connection to server `server` (its index in the config)
/// into `tasks`, and returns the handle that commands it.
///
/// The task runs until every handle is dropped or `updates` is closed; then it closes the
/// session (killing a stdio child that does not exit) and returns.
pub fn spawn(
    server: ServerId,
    cfg: McpServerConfig,
    settings: McpSettings,
    updates: mpsc::Sender<Update>,
    tasks: &mut JoinSet<()>,
) -> McpHandle {
    let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
    let emit = emit::Emitter::new(server, updates);
    tasks.spawn(run::Source::new(cfg, settings, emit, rx).run());
    McpHandle {
        server,
        commands: tx,
    }
}
