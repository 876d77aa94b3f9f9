//! Types shared by the MCP source (which speaks rmcp) and the model (which does not).
//! None of them carries an rmcp type, so the model and UI can be tested without a server.

use std::time::Duration;

use serde_json::{Map, Value};

use super::error::McpError;

/// Index of a server in the configured list (`Config::mcp.servers`, in order).
pub type ServerId = usize;

/// Identifies one tools/call, unique for the life of the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u64);

/// Where the connection to one server stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnState {
    /// Transport opening or `initialize` in flight.
    Connecting,
    /// Initialised; requests can be sent.
    Connected,
    /// The transport closed or failed; the next attempt starts in `retry_in`.
    Reconnecting {
        attempt: u32,
        retry_in: Duration,
        error: McpError,
    },
    /// Will not be retried (bad config, legacy SSE URL, `${input:..}` left unresolved).
    Failed(McpError),
    /// The server answered 401: waiting for the operator to open `url` (the OAuth
    /// authorization URL, PKCE and `state` in it, no secret) in a browser. The redirect comes
    /// back on `callback` (a loopback listener, when the browser is on this host) or is pasted
    /// ([`McpCommand::Authorize`]). `error`: why the last pasted text was not taken.
    Authorizing {
        url: String,
        callback: String,
        error: Option<String>,
    },
}

/// What `initialize` told us about the server.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServerInfo {
    /// `serverInfo.name` and `.version`, and `.title` when given.
    pub name: String,
    pub version: String,
    pub title: Option<String>,
    /// Negotiated protocol version, e.g. `2025-06-18`.
    pub protocol_version: String,
    /// Capabilities the server declared, by their protocol names: `tools`, `resources`,
    /// `prompts`, `logging`, `completions`, with `(listChanged)` / `(subscribe)` suffixes
    /// where declared.
    pub capabilities: Vec<String>,
    /// `instructions`, if any.
    pub instructions: Option<String>,
}

/// The hints of a tool's `annotations` (all optional in the protocol; `None` = not given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ToolHints {
    /// `readOnlyHint`: the tool does not modify its environment.
    pub read_only: Option<bool>,
    /// `destructiveHint`: the tool may perform destructive updates (default true in the
    /// spec when not read-only).
    pub destructive: Option<bool>,
    /// `idempotentHint`: repeated calls with the same arguments have no extra effect.
    pub idempotent: Option<bool>,
    /// `openWorldHint`: the tool talks to an open world of external entities.
    pub open_world: Option<bool>,
}

impl ToolHints {
    /// Read-only only when the server says so explicitly (`readOnlyHint: true`).
    pub fn is_read_only(&self) -> bool {
        self.read_only == Some(true)
    }

    /// Destructive as the spec defaults it: explicitly `destructiveHint: true`, or not
    /// given on a tool that is not read-only.
    pub fn is_destructive(&self) -> bool {
        !self.is_read_only() && self.destructive != Some(false)
    }

    /// Whether a call may be repeated automatically after a lost connection.
    pub fn is_idempotent(&self) -> bool {
        self.is_read_only() || self.idempotent == Some(true)
    }
}

/// One entry of tools/list.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolInfo {
    pub name: String,
    /// `title` (or `annotations.title`) when given.
    pub title: Option<String>,
    pub description: Option<String>,
    /// The JSON Schema object of the arguments (`inputSchema`).
    pub input_schema: Value,
    /// `outputSchema`, if declared.
    pub output_schema: Option<Value>,
    pub hints: ToolHints,
    /// `execution.taskSupport` (2025-11-25): `Required` tools are called as tasks.
    pub task: super::task::TaskSupport,
}

/// One block of a tools/call result's `content`.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Text(String),
    /// Image or audio: mime type and decoded size in bytes (the data itself is not kept).
    Image {
        mime: String,
        bytes: usize,
    },
    Audio {
        mime: String,
        bytes: usize,
    },
    /// A `resource_link` block.
    ResourceLink {
        uri: String,
        name: Option<String>,
        mime: Option<String>,
    },
    /// An embedded `resource`: its URI, mime type and text (or the size of a blob).
    Resource {
        uri: String,
        mime: Option<String>,
        text: Option<String>,
        bytes: usize,
    },
    /// A block type this client does not know, as JSON.
    Other(Value),
}

/// A tools/call result as the server sent it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallResult {
    pub content: Vec<Content>,
    /// `structuredContent`, when given.
    pub structured: Option<Value>,
    /// `isError`: the tool ran and reports a failure (not a transport or protocol error).
    pub is_error: bool,
}

/// How a call ended.
#[derive(Debug, Clone, PartialEq)]
pub enum CallOutcome {
    /// The server answered with a result (which may have `is_error` set).
    Result(CallResult),
    /// A JSON-RPC error response (unknown tool, invalid params): code and message.
    Rpc { code: i32, message: String },
    /// No answer within the call timeout; `notifications/cancelled` was sent.
    Timeout(Duration),
    /// Cancelled by the operator; `notifications/cancelled` was sent.
    Cancelled,
    /// The connection broke while the call was in flight: the server may or may not have
    /// processed it. `retried` says whether it was sent again (idempotent tools only).
    Interrupted { error: McpError, retried: bool },
    /// Could not be sent at all (not connected, transport error before sending).
    NotSent(McpError),
}

impl CallOutcome {
    /// Whether this outcome is a success shown as such (a result without `isError`).
    pub fn is_success(&self) -> bool {
        matches!(self, CallOutcome::Result(r) if !r.is_error)
    }
}

/// A call the connection broke under, sent again on the next session (idempotent tools
/// only, before the call's deadline).
#[derive(Debug, Clone, PartialEq)]
pub enum CallRetry {
    /// The connection broke with the call in flight (`error`, one line); it waits for the
    /// next session to be sent again.
    Waiting { error: McpError },
    /// Sent again on a new session after `error` interrupted the first attempt.
    Resent { error: McpError },
}

/// Where a server log line came from.
#[derive(Debug, Clone, PartialEq)]
pub enum LogOrigin {
    /// A line the stdio server wrote to its stderr.
    Stderr,
    /// `notifications/message` with its level (`debug` .. `emergency`) and logger.
    Notification {
        level: String,
        logger: Option<String>,
    },
    /// mcptop's own note about the connection (connected, closed, reconnecting).
    Client,
}

/// One line of a server's log.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// Unix ms when it arrived.
    pub t_ms: i64,
    pub origin: LogOrigin,
    /// The text; a notification's JSON `data` is rendered compactly.
    pub text: String,
}

/// What the MCP source reports to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum McpUpdate {
    State {
        server: ServerId,
        state: ConnState,
    },
    /// `initialize` succeeded.
    Initialized {
        server: ServerId,
        info: ServerInfo,
    },
    /// A complete tools/list (all pages), or why it failed.
    Tools {
        server: ServerId,
        tools: Result<Vec<ToolInfo>, McpError>,
    },
    /// A ping round-trip: `Ok(Some(rtt))`, `Ok(None)` when the server does not support
    /// ping (method not found: not an error), `Err` when it failed.
    Ping {
        server: ServerId,
        rtt: Result<Option<Duration>, McpError>,
    },
    /// `notifications/progress` for a call.
    Progress {
        server: ServerId,
        call: CallId,
        progress: f64,
        total: Option<f64>,
        message: Option<String>,
    },
    /// Where the task of a task-augmented call stands (after the `tools/call` answer,
    /// each `tasks/get` that changed it, and `tasks/cancel`).
    Task {
        server: ServerId,
        call: CallId,
        task: super::task::TaskState,
    },
    /// A call in flight was interrupted by a broken connection and waits to be sent
    /// again, or has been sent again.
    CallRetry {
        server: ServerId,
        call: CallId,
        retry: CallRetry,
    },
    /// A call ended after `elapsed`.
    CallDone {
        server: ServerId,
        call: CallId,
        outcome: CallOutcome,
        elapsed: Duration,
    },
    Log {
        server: ServerId,
        line: LogLine,
    },
    /// `elicitation/create` in form mode: the server asks the operator `message` for the
    /// values of `schema` (a flat object of primitive properties); answer with
    /// [`McpCommand::Elicited`] within `timeout`, after which the source answers `cancel`.
    Elicit {
        server: ServerId,
        id: ElicitId,
        message: String,
        schema: Value,
        timeout: Duration,
    },
    /// `logging/setLevel` asked for `level` (at connect, or by the operator): `Ok` when the
    /// server acknowledged it, else why not.
    LogLevel {
        server: ServerId,
        level: String,
        result: Result<(), McpError>,
    },
    /// An elicitation ended without the operator's answer: `why` says how (no answer in
    /// time, the server withdrew it, the session ended). The server got `cancel`, except
    /// when it `withdrew` the question (`notifications/cancelled`): then nothing is
    /// answered, as the spec asks of a cancelled request.
    ElicitClosed {
        server: ServerId,
        id: ElicitId,
        why: String,
        withdrawn: bool,
    },
    /// Resources, templates and prompts, listed after each tools/list.
    Catalog {
        server: ServerId,
        catalog: super::catalog::Catalog,
    },
    /// The server answered `resources/subscribe` (`on`) or `resources/unsubscribe` for
    /// `uri`: `Ok` when acknowledged, else why not (refused, not offered, no answer).
    Subscription {
        server: ServerId,
        uri: String,
        on: bool,
        result: Result<(), McpError>,
    },
    /// `notifications/resources/updated`: the resource at `uri` changed.
    ResourceUpdated {
        server: ServerId,
        uri: String,
    },
    /// A `resources/read` or `prompts/get` ended after `elapsed`: what it returned, or why
    /// it failed (`resources/read: no answer in 30 s`, the server's error).
    Fetched {
        server: ServerId,
        id: super::catalog::FetchId,
        outcome: Result<super::catalog::Fetched, McpError>,
        elapsed: Duration,
    },
}

/// What the app asks of one server's source.
#[derive(Debug, Clone, PartialEq)]
pub enum McpCommand {
    /// tools/call with a timeout; `idempotent` allows one automatic retry after a broken
    /// connection.
    Call {
        call: CallId,
        tool: String,
        arguments: Map<String, Value>,
        timeout: Duration,
        idempotent: bool,
    },
    /// Cancel a call in flight (sends `notifications/cancelled`).
    Cancel { call: CallId },
    /// List the tools again (and then the resources, templates and prompts).
    RefreshTools,
    /// `resources/read` or `prompts/get`, answered by one `Fetched` within `timeout`.
    Fetch {
        id: super::catalog::FetchId,
        request: super::catalog::FetchRequest,
        timeout: Duration,
    },
    /// Drop the connection and connect again now (resets the backoff).
    Reconnect,
    /// `logging/setLevel` to `level` (`debug` .. `emergency`), now if the server offers
    /// logging, and again on every later session.
    SetLogLevel { level: String },
    /// The operator's answer to the elicitation `id` (nothing if it has ended).
    Elicited { id: ElicitId, answer: ElicitAnswer },
    /// Follow `uri` (`resources/subscribe`, `on`) or stop (`resources/unsubscribe`); a
    /// followed URI is subscribed again on every later session.
    Subscribe { uri: String, on: bool },
    /// What the operator pasted while the server is [`ConnState::Authorizing`]: the full
    /// redirected URL (`…/callback?code=…&state=…`) or the code alone.
    Authorize { pasted: Pasted },
}

/// Text pasted for an OAuth authorization: it holds an authorization code, so `Debug`
/// shows only its length.
#[derive(Clone, PartialEq)]
pub struct Pasted(pub String);

impl std::fmt::Debug for Pasted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pasted(<{} bytes hidden>)", self.0.len())
    }
}

/// One `elicitation/create` of one server's source (unique per source).
pub type ElicitId = u64;

/// The operator's answer to an elicitation, as the MCP spec names them.
#[derive(Debug, Clone, PartialEq)]
pub enum ElicitAnswer {
    /// `accept` with the submitted values (the `content` of the result).
    Accept(Map<String, Value>),
    /// `decline`: asked, and said no.
    Decline,
    /// `cancel`: dismissed without a choice (Esc).
    Cancel,
}

impl ElicitAnswer {
    /// The spec's word for it: `accept`, `decline` or `cancel`.
    pub fn action(&self) -> &'static str {
        match self {
            ElicitAnswer::Accept(_) => "accept",
            ElicitAnswer::Decline => "decline",
            ElicitAnswer::Cancel => "cancel",
        }
    }
}
