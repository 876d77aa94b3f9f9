//! Key events into the model's forms: the tool-call form (with its raw JSON editor) and
//! the silence form.

use crossterm::event::KeyEvent;

use super::key;
use super::raw_editor::RawEditor;
use crate::model::alerts::silence_form::{SilenceForm, SilenceFormEvent};
use crate::model::mcp::form::{Form, FormEvent, FormMode};

/// Handles a key in a tool-call (or fetch, or elicitation) form; `raw` is the editor of the
/// form's raw JSON mode, made, kept or dropped here as the form enters, stays in or leaves
/// that mode (or closes). Releases are ignored.
///
/// In raw mode the form answers Esc, Ctrl-S and Ctrl-R itself; any other key goes to the
/// editor, whose text then goes back to the form ([`Form::edit_raw`]): `Changed`, or
/// `Ignored` for a key the editor has no use for.
pub fn form_key(form: &mut Form, raw: &mut Option<RawEditor>, ev: &KeyEvent) -> FormEvent {
    let Some(press) = key::press(ev) else {
        return FormEvent::Ignored;
    };
    let was_raw = form.mode() == FormMode::Raw;
    let event = form.on_key(press);
    if was_raw && form.mode() == FormMode::Raw && event == FormEvent::Ignored {
        let editor = RawEditor::for_form(raw, form);
        if !editor.input(ev) {
            return FormEvent::Ignored;
        }
        form.edit_raw(editor.text());
        return FormEvent::Changed;
    }
    match (&event, form.mode()) {
        (FormEvent::Submit(_) | FormEvent::Cancel, _) | (_, FormMode::Fields) => *raw = None,
        (_, FormMode::Raw) => {
            RawEditor::for_form(raw, form);
        }
    }
    event
}

/// Handles a key in the silence form; releases are ignored.
pub fn silence_key(form: &mut SilenceForm, ev: &KeyEvent, now_ms: i64) -> SilenceFormEvent {
    match key::press(ev) {
        Some(press) => form.on_key(press, now_ms),
        None => SilenceFormEvent::Ignored,
    }
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
