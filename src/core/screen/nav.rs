//! Where the operator is: screen, selections, filter, overlay and toast. Plain data, read
//! by the UI through the view and changed only by the key handlers.

use std::time::Duration;

use serde_json::{Map, Value};
use tui_input::Input;

use crate::action::Screen;
use crate::model::alerts::AmWrite;
use crate::model::alerts::silence_form::SilenceForm;
use crate::model::cursor::TimeCursor;
use crate::model::logs::LogPane;
use crate::model::mcp::catalog::FetchId;
use crate::model::mcp::form::Form;
use crate::model::mcp::state::CallOrigin;
use crate::model::mcp::{CallId, ElicitId, ServerId, ToolInfo};
use crate::screen::catalog::{FetchForm, ListKind};
use crate::screen::logs::LogSource;

/// How long a toast stays on screen.
pub const TOAST_MS: i64 = 6000;

/// Navigation state.
#[derive(Debug, Default)]
pub struct Nav {
    pub screen: Screen,
    /// Selected MCP server (index into the configured list).
    pub server: ServerId,
    /// Which of the server's lists the tools screen shows.
    pub list: ListKind,
    /// Selected row of the (filtered) list in view: tools, resources or prompts.
    pub tool: usize,
    /// Filter text of the tools list; `filtering` while it has the keyboard.
    pub filter: Input,
    pub filtering: bool,
    /// The tools-by-their-numbers table: order, filter, folds, cursor, open tool.
    pub tool_table: crate::screen::tool_table::ToolTable,
    /// Selected row of the call history (0 = newest).
    pub call: usize,
    /// Index of the log source in view (Loki first when configured, then each MCP server;
    /// see [`crate::screen::logs::log_source`]).
    pub log_source: usize,
    /// The log pane: follow, cursor, pause, wrap, filter and its matches.
    pub logs: LogPane,
    /// The source the pane's matches were computed for.
    pub logs_synced: Option<LogSource>,
    /// The log filter line while it has the keyboard.
    pub log_filter: Input,
    pub log_filtering: bool,
    /// Why the filter as typed does not apply (a bad regex); the previous one stays.
    pub log_filter_error: Option<String>,
    /// Rows of log lines the pane showed in the last frame (page size of PageUp/PageDown).
    pub log_rows: usize,
    /// Selected row of the alerts list (index into [`crate::model::alerts::AlertsState::rows`]).
    pub alert: usize,
    /// Selected row of the silences list (index into
    /// [`crate::model::alerts::AlertsState::silences`]).
    pub silence: usize,
    pub overlay: Option<Overlay>,
    pub toast: Option<Toast>,
    /// The time cursor of the overview: live, or the past instant its numbers are from.
    pub cursor: TimeCursor,
}

/// A transient message in the footer.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    /// Unix ms after which it is no longer shown.
    pub until_ms: i64,
}

/// A modal on top of the screen; it takes the keyboard.
#[derive(Debug)]
pub enum Overlay {
    /// The arguments form of a tool.
    Form(Box<FormOverlay>),
    /// Asking before a call that is not read-only.
    Confirm(Box<Confirm>),
    /// A call's progress and result.
    Call { id: CallId, scroll: u16 },
    /// The form of a resource template's variables or a prompt's arguments.
    FetchForm(Box<FetchForm>),
    /// A `resources/read` or `prompts/get` and what it returned.
    Fetch { id: FetchId, scroll: u16 },
    /// One alert: labels, annotations, runbook.
    AlertDetail(Box<AlertDetail>),
    /// Writing a silence.
    SilenceForm(Box<SilenceFormOverlay>),
    /// Asking before a silence is created or expired; shows what it matches.
    SilenceConfirm(Box<AmWrite>),
    /// One log line in full: labels, metadata, fields, the whole text.
    LogDetail { seq: u64, scroll: u16 },
    /// Editing the Loki source's LogQL query.
    LogQuery(Input),
    /// The `:` command line (`:env production`).
    Command(Input),
    /// A server's question (`elicitation/create`), over whatever was open before.
    Elicit(Box<ElicitOverlay>),
    /// The paste line of an OAuth authorization: the redirected URL for server `server`.
    Authorize { server: ServerId, input: Input },
}

/// The alert shown in detail, found again by fingerprint at every frame (it may resolve
/// meanwhile).
#[derive(Debug)]
pub struct AlertDetail {
    pub fingerprint: String,
    /// Lines scrolled down.
    pub scroll: u16,
    /// The runbook file of its alertname, when `alerts.runbooks` is set.
    pub runbook: Option<Runbook>,
}

/// A Markdown runbook read from `alerts.runbooks`.
#[derive(Debug, Clone, PartialEq)]
pub struct Runbook {
    pub path: std::path::PathBuf,
    /// The text, or why it could not be read.
    pub text: Result<String, String>,
}

/// The silence form, with the alert it was opened from.
#[derive(Debug)]
pub struct SilenceFormOverlay {
    pub form: SilenceForm,
    /// Fingerprint of the alert it was opened from; `None` for a blank silence.
    pub from_alert: Option<String>,
}

/// The form being filled for a call.
#[derive(Debug)]
pub struct FormOverlay {
    pub pending: PendingCall,
    pub form: Form,
}

/// An open elicitation (`elicitation/create`): the server's question as a form.
#[derive(Debug)]
pub struct ElicitOverlay {
    pub server: ServerId,
    pub id: ElicitId,
    /// The server's question, cleaned.
    pub message: String,
    pub form: Form,
    /// Unix ms when it opened, for the audit line's duration.
    pub opened_ms: i64,
    /// How long the server waits for the answer.
    pub timeout: Duration,
    /// The overlay it covers, shown again after the answer.
    pub under: Option<Overlay>,
}

/// A call waiting for confirmation.
#[derive(Debug)]
pub struct Confirm {
    pub pending: PendingCall,
    /// Destructive: the tool name must be typed, one stray key cannot confirm.
    pub explicit: bool,
    pub typed: Input,
}

/// Everything needed to send a call once confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCall {
    pub server: ServerId,
    pub tool: ToolInfo,
    pub arguments: Map<String, Value>,
    pub origin: CallOrigin,
    pub timeout: Duration,
    /// Ask even for a read-only tool (`confirm = true` in a binding).
    pub force_confirm: bool,
}

/// Indices of the tools whose name, title or description contains `query`
/// (case-insensitive), in list order.
pub fn filter_tools(tools: &[ToolInfo], query: &str) -> Vec<usize> {
    let q = query.trim().to_lowercase();
    tools
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            q.is_empty()
                || t.name.to_lowercase().contains(&q)
                || t.title
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().contains(&q))
                || t.description
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().contains(&q))
        })
        .map(|(i, _)| i)
        .collect()
}

/// Moves `cursor` by `delta` within `0..len` (clamped; 0 when empty).
pub fn step(cursor: usize, delta: isize, len: usize) -> usize {
    if len == 0 {
        return 0;
    }
    (cursor as isize + delta).clamp(0, len as isize - 1) as usize
}
