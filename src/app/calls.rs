//! The tools/call flow: form, read-only guard, confirmation, send, cancel, and the audit
//! line written when a call ends.

use std::time::Duration;

use serde_json::{Map, Value};

use super::App;
use super::nav::{Confirm, FormOverlay, Overlay, PendingCall, TOAST_MS, Toast, filter_tools};
use crate::audit::AuditEntry;
use crate::model::mcp::form::Form;
use crate::model::mcp::mask::mask_map;
use crate::model::mcp::state::CallOrigin;
use crate::model::mcp::{CallId, CallOutcome, McpCommand, McpError, McpUpdate, ToolInfo};

impl App {
    /// Shows a message in the footer for a few seconds.
    pub(super) fn toast(&mut self, text: &str, error: bool, now_ms: i64) {
        self.nav.toast = Some(Toast {
            text: text.to_string(),
            error,
            until_ms: now_ms + TOAST_MS,
        });
    }

    /// Applies an MCP update; a finished call is written to the audit log.
    pub(super) fn apply_mcp(&mut self, update: McpUpdate) {
        let now = crate::model::clock::now_ms();
        let done = match update {
            McpUpdate::CallDone { call, .. } => Some(call),
            McpUpdate::Elicit {
                server,
                id,
                message,
                schema,
                timeout,
            } => {
                self.elicit_opened(server, id, message, &schema, timeout, now);
                return;
            }
            McpUpdate::ElicitClosed {
                server,
                id,
                why,
                withdrawn,
            } => {
                self.elicit_closed(server, id, &why, withdrawn, now);
                return;
            }
            McpUpdate::Subscription { on, ref result, .. } => {
                self.subscription_answered(on, result, now);
                None
            }
            McpUpdate::ResourceUpdated { server, ref uri } => {
                let uri = uri.clone();
                self.mcp.apply(update, now);
                self.resource_updated(server, &uri, now);
                return;
            }
            _ => None,
        };
        self.mcp.apply(update, now);
        if let Some(id) = done {
            self.audit_call(id, now);
        }
    }

    /// Enter on the tools list: the selected tool's form (or straight on when it takes no
    /// arguments).
    pub(super) fn open_selected_tool(&mut self, now_ms: i64) {
        let Some(server) = self.mcp.servers.get(self.nav.server) else {
            self.toast(
                "no MCP server configured (see [mcp.servers] or --mcp)",
                true,
                now_ms,
            );
            return;
        };
        let visible = filter_tools(&server.tools, self.nav.filter.value());
        let Some(tool) = visible
            .get(self.nav.tool)
            .and_then(|i| server.tools.get(*i))
        else {
            return;
        };
        self.open_tool_form(self.nav.server, tool.clone(), now_ms);
    }

    /// The call form of `tool` on server `server`, as Enter on the tools screen opens it
    /// (a tool's view opens it with `c`): its read-only guard and confirmation follow.
    pub(super) fn open_tool_form(
        &mut self,
        server: crate::model::mcp::ServerId,
        tool: ToolInfo,
        now_ms: i64,
    ) {
        let pending = PendingCall {
            server,
            tool,
            arguments: Map::new(),
            origin: CallOrigin::Form,
            timeout: self.cfg.mcp.settings.call_timeout,
            force_confirm: false,
        };
        self.begin(pending, true, now_ms);
    }

    /// A bound key: its preset arguments, a form only when required ones are missing.
    pub(super) fn run_binding(&mut self, index: usize, now_ms: i64) {
        let Some(b) = self.bindings.get(index).cloned() else {
            return;
        };
        let label = b.key.label();
        let Some(server) = self.mcp.servers.get(b.server) else {
            return;
        };
        let Some(tool) = server.tool(&b.tool).cloned() else {
            let why = if server.tools_at_ms.is_none() {
                format!("{label}: tools of {} are not listed yet", server.name)
            } else {
                format!("{label}: {} has no tool `{}`", server.name, b.tool)
            };
            self.toast(&why, true, now_ms);
            return;
        };
        let pending = PendingCall {
            server: b.server,
            tool,
            arguments: b.args.clone(),
            origin: CallOrigin::Binding(label),
            timeout: b.timeout.unwrap_or(self.cfg.mcp.settings.call_timeout),
            force_confirm: b.confirm == Some(true),
        };
        let complete = missing_required(&pending.tool, &pending.arguments).is_empty();
        self.begin(pending, !complete, now_ms);
    }

    /// Starts the flow of `pending`: refused in read-only mode unless the tool is
    /// read-only; then the form (when asked and the tool has arguments), the confirmation
    /// (when needed) and the send.
    fn begin(&mut self, pending: PendingCall, form: bool, now_ms: i64) {
        if self.cfg.mcp.read_only && !pending.tool.hints.is_read_only() {
            let text = format!(
                "read-only mode: {} is not annotated readOnlyHint, not called",
                pending.tool.name
            );
            self.audit_refused(&pending, &text, now_ms);
            self.toast(&text, true, now_ms);
            return;
        }
        if form && has_arguments(&pending.tool) {
            let mut f = Form::from_schema(&pending.tool);
            f.with_values(&pending.arguments);
            self.nav.overlay = Some(Overlay::Form(Box::new(FormOverlay { pending, form: f })));
            return;
        }
        self.after_form(pending, now_ms);
    }

    /// Arguments are complete: confirm when the tool is not read-only, else send.
    pub(super) fn after_form(&mut self, pending: PendingCall, now_ms: i64) {
        let hints = pending.tool.hints;
        if hints.is_read_only() && !pending.force_confirm {
            self.send(pending, now_ms);
            return;
        }
        self.nav.overlay = Some(Overlay::Confirm(Box::new(Confirm {
            explicit: hints.is_destructive(),
            pending,
            typed: Default::default(),
        })));
    }

    /// Sends the call and shows its progress.
    pub(super) fn send(&mut self, pending: PendingCall, now_ms: i64) {
        let idempotent = pending.tool.hints.is_idempotent();
        let id = self.mcp.start_call(
            pending.server,
            pending.tool.name.clone(),
            mask_map(&pending.arguments),
            pending.origin,
            now_ms,
        );
        let cmd = McpCommand::Call {
            call: id,
            tool: pending.tool.name,
            arguments: pending.arguments,
            timeout: pending.timeout,
            idempotent,
        };
        let sent = match self.links.get(pending.server) {
            Some(link) => link(cmd),
            None => Err("no connection to this server".to_string()),
        };
        if let Err(e) = sent {
            self.apply_mcp(McpUpdate::CallDone {
                server: pending.server,
                call: id,
                outcome: CallOutcome::NotSent(McpError::Other(e)),
                elapsed: Duration::ZERO,
            });
        }
        self.nav.overlay = Some(Overlay::Call { id, scroll: 0 });
    }

    /// Asks the source to cancel a running call (it sends `notifications/cancelled`).
    pub(super) fn cancel(&mut self, id: CallId, now_ms: i64) {
        let Some(call) = self.mcp.call(id) else {
            return;
        };
        if call.cancelling {
            return;
        }
        let server = call.server;
        match self
            .links
            .get(server)
            .map(|l| l(McpCommand::Cancel { call: id }))
        {
            Some(Ok(())) => self.mcp.mark_cancelling(id),
            Some(Err(e)) => self.toast(&format!("cannot cancel: {e}"), true, now_ms),
            None => self.toast("cannot cancel: no connection to this server", true, now_ms),
        }
    }

    /// Sends a command to the selected server (refresh, reconnect).
    pub(super) fn command_selected(&mut self, cmd: McpCommand, now_ms: i64) {
        let server = self.nav.server;
        let name = match self.mcp.servers.get(server) {
            Some(s) => s.name.clone(),
            None => {
                self.toast("no MCP server configured", true, now_ms);
                return;
            }
        };
        let what = match cmd {
            McpCommand::Reconnect => "reconnecting",
            _ => "listing tools of",
        };
        match self.links.get(server).map(|l| l(cmd)) {
            Some(Ok(())) => self.toast(&format!("{what} {name}"), false, now_ms),
            Some(Err(e)) => self.toast(&format!("{name}: {e}"), true, now_ms),
            None => self.toast(&format!("{name}: no connection"), true, now_ms),
        }
    }

    fn audit_call(&mut self, id: CallId, now_ms: i64) {
        let Some(call) = self.mcp.call(id) else {
            return;
        };
        let Some(outcome) = &call.outcome else {
            return;
        };
        let detail = match outcome {
            CallOutcome::Result(r) if r.is_error => Some("isError result".to_string()),
            other => crate::audit::outcome_detail(other),
        };
        let line = AuditLine {
            server: call.server,
            tool: &call.tool,
            arguments: &call.arguments,
            outcome: crate::audit::outcome_label(outcome),
            detail,
            duration_ms: call.elapsed.map(|d| d.as_millis() as u64),
        };
        let entry = self.audit_entry(line, now_ms);
        self.write_audit(&entry, now_ms);
    }

    /// Writes an `abandoned` audit line for every call still running (mcptop is quitting;
    /// the server may still finish them), so every sent call has its line.
    pub fn audit_abandoned(&mut self, now_ms: i64) {
        let running: Vec<CallId> = self
            .mcp
            .calls()
            .filter(|c| c.is_running())
            .map(|c| c.id)
            .collect();
        for id in running {
            let Some(call) = self.mcp.call(id) else {
                continue;
            };
            let line = AuditLine {
                server: call.server,
                tool: &call.tool,
                arguments: &call.arguments,
                outcome: crate::audit::OUTCOME_ABANDONED,
                detail: Some(
                    "mcptop quit while the call was running; the server may still finish it".into(),
                ),
                duration_ms: Some(now_ms.saturating_sub(call.started_ms).max(0) as u64),
            };
            let entry = self.audit_entry(line, now_ms);
            self.write_audit(&entry, now_ms);
        }
    }

    fn audit_refused(&mut self, pending: &PendingCall, why: &str, now_ms: i64) {
        let arguments = mask_map(&pending.arguments);
        let line = AuditLine {
            server: pending.server,
            tool: &pending.tool.name,
            arguments: &arguments,
            outcome: crate::audit::OUTCOME_REFUSED,
            detail: Some(why.to_string()),
            duration_ms: None,
        };
        let entry = self.audit_entry(line, now_ms);
        self.write_audit(&entry, now_ms);
    }

    /// One tools/call line of the audit log, for the current user at `now_ms`.
    fn audit_entry(&self, l: AuditLine, now_ms: i64) -> AuditEntry {
        AuditEntry {
            time: timestamp(now_ms),
            user: self.user.clone(),
            action: crate::audit::ACTION_TOOLS_CALL.into(),
            endpoint: self.endpoint(l.server),
            target: l.tool.to_string(),
            arguments: Value::Object(l.arguments.clone()),
            outcome: l.outcome.into(),
            detail: l.detail,
            duration_ms: l.duration_ms,
            matchers: None,
        }
    }

    pub(super) fn endpoint(&self, server: usize) -> String {
        self.mcp
            .servers
            .get(server)
            .map_or_else(String::new, |s| format!("{} {}", s.name, s.endpoint))
    }
}

/// What differs between the audit lines of calls.
struct AuditLine<'a> {
    server: usize,
    tool: &'a str,
    /// Already masked.
    arguments: &'a Map<String, Value>,
    outcome: &'static str,
    detail: Option<String>,
    duration_ms: Option<u64>,
}

/// Whether the tool's `inputSchema` declares any property.
fn has_arguments(tool: &ToolInfo) -> bool {
    tool.input_schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| !p.is_empty())
}

/// Required properties of the tool's `inputSchema` missing from `args`.
pub fn missing_required<'a>(tool: &'a ToolInfo, args: &Map<String, Value>) -> Vec<&'a str> {
    tool.input_schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .filter(|k| !args.contains_key(*k))
                .collect()
        })
        .unwrap_or_default()
}

/// `2026-11-22T06:03:24.512Z`.
pub(super) fn timestamp(ms: i64) -> String {
    crate::audit::timestamp(chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default())
}
