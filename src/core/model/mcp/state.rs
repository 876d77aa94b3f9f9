//! What the app knows about its MCP servers: connection, tools, ping, logs, and the
//! history of tool calls. Updated only by [`McpState::apply`]; drawn by the UI.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};

use super::body::BodyLine;
use super::catalog::{Catalog, FetchId, FetchRecord, FetchRequest};
use super::mask::mask_text;
use super::types::{
    CallId, CallOutcome, CallRetry, ConnState, LogLine, LogOrigin, McpUpdate, ServerId, ServerInfo,
    ToolInfo,
};
use crate::model::logs::buffer::DEFAULT_MAX_BYTES;
use crate::model::logs::{Labels, Level, LogBuffer, LogEntry};

/// Calls kept in the history; the oldest finished ones are dropped first.
pub const HISTORY: usize = 200;

/// Reads (`resources/read`, `prompts/get`) kept; the oldest is dropped first.
pub const FETCHES: usize = 20;

/// Reads whose blobs are kept to be saved (`w`): the newest two, so at most 2 ×
/// [`super::catalog::MAX_KEPT_BLOB`] bytes.
pub const BLOB_READS: usize = 2;

/// The key of the object that stands in for a value the MCP client cut because it was
/// nested too deep to decode (deeper than [`CUT_DEPTH`]; serde_json stops at 128).
pub const CUT_KEY: &str = "x-mcptop-cut";

/// Deepest array or object the MCP client keeps of a server's message, counting the message
/// itself as level 1 (`sources::mcp` cuts below it).
pub const CUT_DEPTH: usize = 64;

/// One configured server as the client sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerState {
    pub name: String,
    /// Where it is: the URL without credentials, or `stdio: <command>`.
    pub endpoint: String,
    pub conn: ConnState,
    /// Unix ms of the last change of `conn`.
    pub since_ms: i64,
    /// From `initialize`; kept across a reconnect until the next one succeeds.
    pub info: Option<ServerInfo>,
    /// The last complete tools/list, in the server's order.
    pub tools: Vec<ToolInfo>,
    /// Why the last tools/list failed, if it did.
    pub tools_error: Option<String>,
    /// Tools of the last list whose input schema was cut (nested too deep, see [`CUT_KEY`]),
    /// in list order.
    pub tools_cut: Vec<String>,
    /// Unix ms of the last good tools/list.
    pub tools_at_ms: Option<i64>,
    /// Last ping: round-trip, `None` = ping not supported, or the error.
    pub ping: Option<Result<Option<Duration>, String>>,
    pub logs: LogBuffer,
    /// Resources, templates and prompts, from the last listing after tools/list.
    pub catalog: Catalog,
    /// The log level the server last acknowledged (`logging/setLevel`); `None` before.
    pub log_level: Option<String>,
    /// The resources the operator follows (`resources/subscribe`), by URI.
    pub subscriptions: super::subscription::Subscriptions,
}

impl ServerState {
    /// A server not yet connected.
    pub fn new(name: String, endpoint: String, log_lines: usize) -> Self {
        Self {
            name,
            endpoint,
            conn: ConnState::Connecting,
            since_ms: 0,
            info: None,
            tools: Vec::new(),
            tools_error: None,
            tools_cut: Vec::new(),
            tools_at_ms: None,
            ping: None,
            logs: LogBuffer::new(log_lines, DEFAULT_MAX_BYTES),
            catalog: Catalog::default(),
            log_level: None,
            subscriptions: Default::default(),
        }
    }

    /// The tool named `name`, if listed.
    pub fn tool(&self, name: &str) -> Option<&ToolInfo> {
        self.tools.iter().find(|t| t.name == name)
    }

    pub fn is_connected(&self) -> bool {
        self.conn == ConnState::Connected
    }
}

/// What started a call.
#[derive(Debug, Clone, PartialEq)]
pub enum CallOrigin {
    /// The tools view's form.
    Form,
    /// A key bound in the config (`[[bindings]]`), by its label (`F5`).
    Binding(String),
}

/// Progress reported by the server for a call in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    pub progress: f64,
    pub total: Option<f64>,
    pub message: Option<String>,
}

impl Progress {
    /// Fraction done in 0..=1 when the total is known.
    pub fn ratio(&self) -> Option<f64> {
        self.total
            .filter(|t| *t > 0.0)
            .map(|t| (self.progress / t).clamp(0.0, 1.0))
    }
}

/// One tools/call, running or done.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    pub id: CallId,
    pub server: ServerId,
    pub tool: String,
    /// The arguments sent, with secret-looking values already masked (the unmasked ones
    /// are never kept).
    pub arguments: Map<String, Value>,
    pub origin: CallOrigin,
    /// Unix ms when it was sent.
    pub started_ms: i64,
    pub progress: Option<Progress>,
    /// Set once the operator asked to cancel.
    pub cancelling: bool,
    /// Set when a broken connection interrupted the call and it waits to be, or was, sent
    /// again; kept after it ends so the call view can say so.
    pub retry: Option<CallRetry>,
    /// The task of a task-augmented call, as last reported (its message masked); kept
    /// after the call ends.
    pub task: Option<super::task::TaskState>,
    /// `None` while running. Once the call ends its content lives in `body` and is
    /// removed from here (see [`super::body::strip`]); the kind of outcome stays.
    pub outcome: Option<CallOutcome>,
    /// What the result shows, built once when the call ends: masked and bounded.
    pub body: Vec<BodyLine>,
    pub elapsed: Option<Duration>,
}

impl CallRecord {
    pub fn is_running(&self) -> bool {
        self.outcome.is_none()
    }
}

/// All servers and the call history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct McpState {
    pub servers: Vec<ServerState>,
    /// Newest last.
    calls: VecDeque<CallRecord>,
    next_call: u64,
    /// Reads of resources and prompts, newest last, at most [`FETCHES`].
    fetches: VecDeque<FetchRecord>,
    next_fetch: u64,
}

impl McpState {
    pub fn new(servers: Vec<ServerState>) -> Self {
        Self {
            servers,
            calls: VecDeque::new(),
            next_call: 1,
            fetches: VecDeque::new(),
            next_fetch: 1,
        }
    }

    /// Applies one update from a source at `now_ms` (Unix ms). Updates for unknown servers
    /// or calls are ignored.
    pub fn apply(&mut self, update: McpUpdate, now_ms: i64) {
        match update {
            McpUpdate::State { server, state } => {
                if let Some(s) = self.servers.get_mut(server) {
                    if s.conn != state {
                        s.since_ms = now_ms;
                    }
                    if !matches!(state, ConnState::Connected) {
                        s.ping = None;
                    }
                    s.conn = state;
                }
            }
            McpUpdate::Initialized { server, info } => {
                if let Some(s) = self.servers.get_mut(server) {
                    s.info = Some(info);
                    // A new session: the source subscribes again and reports each answer.
                    super::subscription::new_session(&mut s.subscriptions);
                }
            }
            McpUpdate::Tools { server, tools } => {
                if let Some(s) = self.servers.get_mut(server) {
                    match tools {
                        Ok(mut t) => {
                            // Once per list, not per frame: forms and the tools pane then
                            // read enums and nested types without following `$ref`.
                            for tool in &mut t {
                                tool.input_schema = super::form::resolve_refs(
                                    &tool.input_schema,
                                    &tool.input_schema,
                                );
                            }
                            s.tools_cut = t
                                .iter()
                                .filter(|t| holds_cut(&t.input_schema))
                                .map(|t| t.name.clone())
                                .collect();
                            s.tools = t;
                            s.tools_error = None;
                            s.tools_at_ms = Some(now_ms);
                        }
                        Err(e) => s.tools_error = Some(e.to_string()),
                    }
                }
            }
            McpUpdate::Ping { server, rtt } => {
                if let Some(s) = self.servers.get_mut(server) {
                    s.ping = Some(rtt.map_err(|e| e.to_string()));
                }
            }
            McpUpdate::Progress {
                call,
                progress,
                total,
                message,
                ..
            } => {
                if let Some(c) = self.call_mut(call).filter(|c| c.is_running()) {
                    c.progress = Some(Progress {
                        progress,
                        total,
                        message,
                    });
                }
            }
            McpUpdate::Task { call, mut task, .. } => {
                if let Some(c) = self.call_mut(call) {
                    // Masked once on arrival, like log lines.
                    task.message = task.message.map(|m| mask_text(&m).into_owned());
                    c.task = Some(task);
                }
            }
            McpUpdate::CallRetry { call, retry, .. } => {
                if let Some(c) = self.call_mut(call).filter(|c| c.is_running()) {
                    if matches!(retry, CallRetry::Waiting { .. }) {
                        // What the broken session reported no longer applies.
                        c.progress = None;
                    }
                    c.retry = Some(retry);
                }
            }
            McpUpdate::CallDone {
                call,
                outcome,
                elapsed,
                ..
            } => {
                if let Some(c) = self.call_mut(call) {
                    let mut outcome = outcome;
                    c.body = super::body::build(&outcome);
                    super::body::strip(&mut outcome);
                    c.outcome = Some(outcome);
                    c.elapsed = Some(elapsed);
                }
            }
            McpUpdate::Log { server, line } => {
                if let Some(s) = self.servers.get_mut(server) {
                    s.logs.push(masked_log_entry(line));
                }
            }
            McpUpdate::Catalog { server, catalog } => {
                if let Some(s) = self.servers.get_mut(server) {
                    s.catalog = catalog;
                }
            }
            McpUpdate::LogLevel {
                server,
                level,
                result: Ok(()),
            } => {
                if let Some(s) = self.servers.get_mut(server) {
                    s.log_level = Some(level);
                }
            }
            // A refusal is in the server's log; the app puts questions to the operator.
            McpUpdate::LogLevel { .. }
            | McpUpdate::Elicit { .. }
            | McpUpdate::ElicitClosed { .. } => {}
            McpUpdate::Subscription {
                server,
                uri,
                on: true,
                result,
            } => {
                if let Some(s) = self.servers.get_mut(server) {
                    super::subscription::answered(
                        &mut s.subscriptions,
                        &uri,
                        result.map_err(|e| e.to_string()),
                    );
                }
            }
            // Stopping took effect when asked; a refusal is in the server's log.
            McpUpdate::Subscription { on: false, .. } => {}
            McpUpdate::ResourceUpdated { server, uri } => {
                if let Some(s) = self.servers.get_mut(server) {
                    super::subscription::updated(&mut s.subscriptions, &uri, now_ms);
                }
            }
            McpUpdate::Fetched {
                id,
                outcome,
                elapsed,
                ..
            } => {
                if let Some(f) = self.fetches.iter_mut().rev().find(|f| f.id == id) {
                    f.body = super::fetch_body::build(&outcome);
                    f.done = Some(match outcome {
                        Ok(super::catalog::Fetched::Resource { blobs, .. }) => {
                            f.blobs = blobs;
                            Ok(())
                        }
                        Ok(_) => Ok(()),
                        Err(e) => Err(mask_text(&e.to_string()).into_owned()),
                    });
                    f.elapsed_ms = Some(elapsed.as_millis() as u64);
                }
            }
        }
    }

    /// Records a read about to be sent and returns its id.
    pub fn start_fetch(&mut self, server: ServerId, request: FetchRequest, now_ms: i64) -> FetchId {
        let id = FetchId(self.next_fetch);
        self.next_fetch += 1;
        if self.fetches.len() >= FETCHES {
            self.fetches.pop_front();
        }
        self.fetches.push_back(FetchRecord {
            id,
            server,
            request,
            started_ms: now_ms,
            done: None,
            elapsed_ms: None,
            body: Vec::new(),
            blobs: Vec::new(),
            saved: None,
        });
        // Blobs are kept for the newest reads only (each up to `MAX_KEPT_BLOB`).
        let keep = self.fetches.len().saturating_sub(BLOB_READS);
        for old in self.fetches.iter_mut().take(keep) {
            old.blobs = Vec::new();
        }
        id
    }

    /// A read by id (dropped after [`FETCHES`] newer ones).
    pub fn fetch(&self, id: FetchId) -> Option<&FetchRecord> {
        self.fetches.iter().rev().find(|f| f.id == id)
    }

    /// A read by id, to record where its blobs were saved.
    pub fn fetch_mut(&mut self, id: FetchId) -> Option<&mut FetchRecord> {
        self.fetches.iter_mut().rev().find(|f| f.id == id)
    }

    /// Records a call about to be sent and returns its id. `arguments` must already be
    /// masked for display.
    pub fn start_call(
        &mut self,
        server: ServerId,
        tool: String,
        arguments: Map<String, Value>,
        origin: CallOrigin,
        now_ms: i64,
    ) -> CallId {
        let id = CallId(self.next_call);
        self.next_call += 1;
        if self.calls.len() >= HISTORY {
            // Drop the oldest finished call; running ones stay until they end.
            match self.calls.iter().position(|c| !c.is_running()) {
                Some(i) => {
                    self.calls.remove(i);
                }
                None => {
                    self.calls.pop_front();
                }
            }
        }
        self.calls.push_back(CallRecord {
            id,
            server,
            tool,
            arguments,
            origin,
            started_ms: now_ms,
            progress: None,
            cancelling: false,
            retry: None,
            task: None,
            outcome: None,
            body: Vec::new(),
            elapsed: None,
        });
        id
    }

    /// Marks a call as being cancelled (the source answers with `CallDone`).
    pub fn mark_cancelling(&mut self, id: CallId) {
        if let Some(c) = self.call_mut(id) {
            c.cancelling = true;
        }
    }

    /// A call by id.
    pub fn call(&self, id: CallId) -> Option<&CallRecord> {
        self.calls.iter().rev().find(|c| c.id == id)
    }

    fn call_mut(&mut self, id: CallId) -> Option<&mut CallRecord> {
        self.calls.iter_mut().rev().find(|c| c.id == id)
    }

    /// The history, newest first.
    pub fn calls(&self) -> impl ExactSizeIterator<Item = &CallRecord> {
        self.calls.iter().rev()
    }

    /// Calls still running.
    pub fn running(&self) -> usize {
        self.calls.iter().filter(|c| c.is_running()).count()
    }

    /// The newest call of `tool` on `server`, if any.
    pub fn last_call_of(&self, server: ServerId, tool: &str) -> Option<&CallRecord> {
        self.calls
            .iter()
            .rev()
            .find(|c| c.server == server && c.tool == tool)
    }
}

/// `line` as its server's log keeps it: secrets in its text masked
/// ([`super::mask::mask_text`], once on arrival rather than on every frame that shows it),
/// then [`log_entry`]. A recording keeps this same entry.
pub fn masked_log_entry(mut line: LogLine) -> LogEntry {
    if let std::borrow::Cow::Owned(masked) = super::mask::mask_text(&line.text) {
        line.text = masked;
    }
    log_entry(line)
}

/// A server's log line as the log pane keeps it: stream labels `origin` (`stderr`,
/// `notification`, `client`) and `logger`; the notification's level, else the level
/// found in the line (JSON or logfmt), else none.
pub fn log_entry(line: LogLine) -> LogEntry {
    let (origin, level, logger) = match line.origin {
        LogOrigin::Stderr => ("stderr", None, None),
        LogOrigin::Notification { level, logger } => ("notification", Some(level), logger),
        LogOrigin::Client => ("client", None, None),
    };
    let mut labels: Labels = Vec::with_capacity(2);
    if let Some(l) = logger {
        labels.push(("logger".into(), l));
    }
    labels.push(("origin".into(), origin.into()));
    let mut entry = LogEntry::new(
        line.t_ms.saturating_mul(1_000_000),
        line.text,
        Arc::new(labels),
        Vec::new(),
    );
    if let Some(l) = level.as_deref().and_then(Level::parse) {
        entry.level = l;
    }
    entry
}

/// Whether `v` holds a value cut for depth (an object with [`CUT_KEY`]). Walks with a stack of
/// its own, so any depth is safe.
pub fn holds_cut(v: &Value) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) if m.contains_key(CUT_KEY) => return true,
            Value::Object(m) => stack.extend(m.values()),
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
#[path = "state_tests.rs"]
mod tests;
