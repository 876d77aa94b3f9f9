//! Words and symbols for MCP state, shared by the panels. Every state has a symbol and a
//! word, so nothing depends on colour alone.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use serde_json::{Map, Value};

use super::fit::fit;
use super::format;
use super::theme::Theme;
use crate::model::mcp::body::BodyKind;
use crate::model::mcp::mask::mask_json;
use crate::model::mcp::state::{CallRecord, Progress};
use crate::model::mcp::{CallOutcome, CallRetry, ConnState, ToolHints};

/// `● connected`, `… connecting`, `↻ unreachable, retry #3 in 4s`, `✖ failed`,
/// `⚿ authorization needed` (OAuth). A server
/// is `unreachable` from the first sign of it (a refused or reset request, a closed
/// transport, a lost session) until a connection succeeds again.
pub fn conn(state: &ConnState, t: &Theme) -> Span<'static> {
    match state {
        ConnState::Connected => Span::styled("● connected", Style::new().fg(t.ok)),
        ConnState::Connecting => Span::styled("… connecting", t.muted()),
        ConnState::Reconnecting {
            attempt, retry_in, ..
        } => Span::styled(
            format!(
                "↻ unreachable, retry #{attempt} in {}",
                format::span(*retry_in)
            ),
            Style::new().fg(t.warn),
        ),
        ConnState::Failed(_) => Span::styled(
            "✖ failed",
            Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
        ),
        ConnState::Authorizing { .. } => Span::styled(
            "⚿ authorization needed",
            Style::new().fg(t.warn).add_modifier(Modifier::BOLD),
        ),
    }
}

/// The error behind a connection state, if any, in the operator's words.
pub fn conn_error(state: &ConnState) -> Option<String> {
    match state {
        ConnState::Reconnecting { error, .. } => Some(error.to_string()),
        ConnState::Failed(e) => Some(e.to_string()),
        ConnState::Authorizing { error, .. } => error.clone(),
        _ => None,
    }
}

/// The call view's line about a call the connection broke under: waiting to be sent again,
/// or sent again (idempotent tools only); `None` for a call that was sent once.
pub fn retry_line(call: &CallRecord) -> Option<String> {
    Some(match call.retry.as_ref()? {
        CallRetry::Waiting { error } => format!(
            "! interrupted ({error}); the tool is idempotent: it will be sent again once reconnected"
        ),
        CallRetry::Resent { error } => format!(
            "↻ sent again after a reconnect (idempotent tool): the first attempt was interrupted ({error})"
        ),
    })
}

/// Badges of the hints a tool declares (undeclared hints show nothing), safety first.
pub fn badges(h: &ToolHints, t: &Theme) -> Vec<Span<'static>> {
    badges_sized(h, t, false)
}

/// [`badges`] in short words (`ro`, `destr`, `idem`, `open`) for narrow lists.
pub fn badges_short(h: &ToolHints, t: &Theme) -> Vec<Span<'static>> {
    badges_sized(h, t, true)
}

fn badges_sized(h: &ToolHints, t: &Theme, short: bool) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut add = |on: Option<bool>, long: &'static str, brief: &'static str, color: Color| {
        if on == Some(true) {
            let word = if short { brief } else { long };
            out.push(Span::styled(format!("[{word}]"), Style::new().fg(color)));
        }
    };
    add(h.read_only, "read-only", "ro", t.ok);
    add(h.destructive, "destructive", "destr", t.crit);
    add(h.idempotent, "idempotent", "idem", t.accent);
    add(h.open_world, "open-world", "open", t.muted);
    out
}

/// The badges as plain text, e.g. `[read-only] [open-world]`.
pub fn badges_text(h: &ToolHints, t: &Theme) -> String {
    badges(h, t)
        .iter()
        .map(|s| s.content.as_ref())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Symbol, word and colour of a call's state.
pub fn outcome(call: &CallRecord, t: &Theme) -> (String, Color) {
    match &call.outcome {
        None if call.cancelling => ("⊘ cancelling".into(), t.warn),
        None if matches!(call.retry, Some(CallRetry::Waiting { .. })) => {
            ("↻ interrupted, waiting to resend".into(), t.warn)
        }
        None => ("⟳ running".into(), t.accent),
        Some(CallOutcome::Result(r)) if r.is_error => ("✖ tool error".into(), t.crit),
        Some(CallOutcome::Result(_)) => ("✔ ok".into(), t.ok),
        Some(CallOutcome::Rpc { code, .. }) => (format!("✖ rpc error {code}"), t.crit),
        Some(CallOutcome::Timeout(_)) => ("⏱ timeout".into(), t.crit),
        Some(CallOutcome::Cancelled) => ("⊘ cancelled".into(), t.warn),
        Some(CallOutcome::Interrupted { .. }) => ("! interrupted".into(), t.crit),
        Some(CallOutcome::NotSent(_)) => ("✖ not sent".into(), t.crit),
    }
}

/// `key=value key2="text"`, values as compact JSON, masked, cut to `max` display columns
/// (ending with `…` when cut).
pub fn args_inline(args: &Map<String, Value>, max: usize) -> String {
    let masked = mask_json(&Value::Object(args.clone()));
    let text = match masked.as_object() {
        Some(m) if !m.is_empty() => m
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(" "),
        _ => "(no arguments)".to_string(),
    };
    fit(&text, max).into_owned()
}

/// A text progress bar `[█████·····] 50% 5/10 message`, `width` cells for the bar.
pub fn progress_bar(p: &Progress, width: usize) -> String {
    // Progress is often a count of steps: whole numbers are shown as such.
    let count = |v: f64| {
        if v.fract() == 0.0 && v.abs() < 1e15 {
            format!("{}", v as i64)
        } else {
            format::number(v)
        }
    };
    let counts = match p.total {
        Some(total) => format!("{}/{}", count(p.progress), count(total)),
        None => count(p.progress),
    };
    let msg = p
        .message
        .as_deref()
        .map(|m| format!(" {m}"))
        .unwrap_or_default();
    match p.ratio() {
        Some(r) => {
            let filled = ((r * width as f64).round() as usize).min(width);
            format!(
                "[{}{}] {:>3.0}% {counts}{msg}",
                "█".repeat(filled),
                "·".repeat(width - filled),
                r * 100.0
            )
        }
        None => format!("[{}] {counts}{msg}", "·".repeat(width)),
    }
}

/// What a call shows in its body: the lines built when it ended ([`crate::model::mcp::body::build`]), styled
/// by kind, or a note while it runs.
pub fn result_lines(call: &CallRecord, t: &Theme) -> Vec<Line<'static>> {
    if call.is_running() {
        return vec![Line::styled("waiting for the result…", t.muted())];
    }
    call.body
        .iter()
        .map(|l| {
            let style = match l.kind {
                BodyKind::Text | BodyKind::Json => t.text(),
                BodyKind::Error => Style::new().fg(t.crit),
                BodyKind::Note => t.muted(),
                BodyKind::Media => Style::new().fg(t.accent),
                BodyKind::Heading => t.title(),
            };
            Line::styled(l.text.clone(), style)
        })
        .collect()
}
