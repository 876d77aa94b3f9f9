//! A server's question (`elicitation/create`, form mode) put to the operator: a form built
//! from the `requestedSchema` with the tools' form code, opened over whatever overlay was
//! up (restored after the answer). Ctrl-S (or Enter on `[ Accept ]`) accepts with the
//! values, Ctrl-D declines, Esc cancels; each answer, and a question that ended unanswered
//! (timeout, withdrawn), writes an audit line with the server, the message and the action,
//! never the values.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde_json::Value;

use super::App;
use super::calls::timestamp;
use super::nav::{ElicitOverlay, Overlay};
use crate::audit::AuditEntry;
use crate::input::form::form_key;
use crate::model::mcp::form::{Form, FormEvent};
use crate::model::mcp::mask::mask_text;
use crate::model::mcp::{ElicitAnswer, ElicitId, McpCommand, ServerId, ToolHints, ToolInfo};

impl App {
    /// Opens the form of a server's question over the current overlay.
    pub(super) fn elicit_opened(
        &mut self,
        server: ServerId,
        id: ElicitId,
        message: String,
        schema: &Value,
        timeout: Duration,
        now_ms: i64,
    ) {
        let tool = ToolInfo {
            name: "elicitation".into(),
            title: None,
            description: None,
            input_schema: schema.clone(),
            output_schema: None,
            hints: ToolHints::default(),
            task: Default::default(),
        };
        let under = self.nav.overlay.take();
        self.nav.overlay = Some(Overlay::Elicit(Box::new(ElicitOverlay {
            server,
            id,
            message,
            form: Form::from_schema(&tool),
            opened_ms: now_ms,
            timeout,
            under,
        })));
    }

    /// The source ended the question unanswered (`why`): its form closes, the operator is
    /// told, and the audit log says so, with the action `cancel`, or `withdrawn` when the
    /// server took the question back (nothing was answered).
    pub(super) fn elicit_closed(
        &mut self,
        server: ServerId,
        id: ElicitId,
        why: &str,
        withdrawn: bool,
        now_ms: i64,
    ) {
        let Some(e) = take_elicit(&mut self.nav.overlay, server, id) else {
            return;
        };
        let name = self.server_name(server);
        let (text, action) = if withdrawn {
            (format!("{name} question closed: {why}"), "withdrawn")
        } else {
            (
                format!("{name} question closed: {why}; answered cancel"),
                "cancel",
            )
        };
        self.toast(&text, true, now_ms);
        self.audit_elicit(&e, action, Some(why.to_string()), now_ms);
    }

    /// A key in an elicitation's form.
    pub(super) fn elicit_key(
        &mut self,
        mut e: Box<ElicitOverlay>,
        ev: &KeyEvent,
        now_ms: i64,
    ) -> bool {
        let decline = ev.kind != KeyEventKind::Release
            && ev.code == KeyCode::Char('d')
            && ev.modifiers.contains(KeyModifiers::CONTROL);
        let answer = if decline {
            ElicitAnswer::Decline
        } else {
            match form_key(&mut e.form, &mut self.raw_editor, ev) {
                FormEvent::Cancel => ElicitAnswer::Cancel,
                FormEvent::Submit(values) => ElicitAnswer::Accept(values),
                FormEvent::Changed => {
                    self.nav.overlay = Some(Overlay::Elicit(e));
                    return true;
                }
                FormEvent::Ignored => {
                    self.nav.overlay = Some(Overlay::Elicit(e));
                    return false;
                }
            }
        };
        self.answer_elicit(*e, answer, now_ms);
        true
    }

    /// Sends the answer to the source, restores the overlay beneath and audits.
    fn answer_elicit(&mut self, mut e: ElicitOverlay, answer: ElicitAnswer, now_ms: i64) {
        self.nav.overlay = e.under.take();
        let action = answer.action();
        let cmd = McpCommand::Elicited { id: e.id, answer };
        let detail = match self.links.get(e.server).map(|l| l(cmd)) {
            Some(Ok(())) => None,
            Some(Err(why)) => Some(format!("not sent: {why}")),
            None => Some("not sent: no connection to this server".into()),
        };
        let name = self.server_name(e.server);
        match &detail {
            Some(why) => self.toast(&format!("answer to {name}: {why}"), true, now_ms),
            None => self.toast(&format!("answered {name}: {action}"), false, now_ms),
        }
        self.audit_elicit(&e, action, detail, now_ms);
    }

    fn audit_elicit(
        &mut self,
        e: &ElicitOverlay,
        action: &str,
        detail: Option<String>,
        now_ms: i64,
    ) {
        let entry = AuditEntry {
            time: timestamp(now_ms),
            user: self.user.clone(),
            action: crate::audit::ACTION_ELICIT.into(),
            endpoint: self.endpoint(e.server),
            target: mask_text(&e.message).into_owned(),
            // The values may be secrets: never written.
            arguments: Value::Null,
            outcome: action.into(),
            detail,
            duration_ms: u64::try_from(now_ms - e.opened_ms).ok(),
            matchers: None,
        };
        self.write_audit(&entry, now_ms);
    }

    fn server_name(&self, server: ServerId) -> String {
        self.mcp
            .servers
            .get(server)
            .map_or_else(|| "the server".into(), |s| s.name.clone())
    }
}

/// Removes the elicitation (`server`, `id`) from the overlay stack (on top or beneath
/// others), keeping what it covered in its place.
fn take_elicit(
    slot: &mut Option<Overlay>,
    server: ServerId,
    id: ElicitId,
) -> Option<ElicitOverlay> {
    match slot {
        Some(Overlay::Elicit(e)) if e.server == server && e.id == id => {
            let Some(Overlay::Elicit(mut e)) = slot.take() else {
                return None;
            };
            *slot = e.under.take();
            Some(*e)
        }
        Some(Overlay::Elicit(e)) => take_elicit(&mut e.under, server, id),
        _ => None,
    }
}
