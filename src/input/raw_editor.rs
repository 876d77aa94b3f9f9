//! The raw JSON mode's text editor (ratatui-textarea). The form model holds the text
//! ([`Form::raw_text`]); the editor holds what
//! editing needs besides (cursor, selection, undo, scroll) and gives the text back after
//! each edit.

use crossterm::event::KeyEvent;
use ratatui_textarea::TextArea;

use crate::model::mcp::form::Form;

/// A ratatui-textarea editor over a form's raw JSON text, styled as the form draws it
/// ([`crate::ui::tool_form::raw_textarea`]).
#[derive(Debug, Clone)]
pub struct RawEditor {
    area: TextArea<'static>,
    /// The form's [`Form::raw_epoch`] the editor was made for.
    epoch: u64,
}

impl RawEditor {
    /// An editor over `form`'s raw text, the cursor at its start.
    pub fn new(form: &Form) -> RawEditor {
        RawEditor {
            area: crate::ui::tool_form::raw_textarea(form.raw_text()),
            epoch: form.raw_epoch(),
        }
    }

    /// The editor in `slot` when it was made for `form`'s raw text (same epoch, same text),
    /// else a new one for it put there (the form set its text anew, or the editor is
    /// another form's).
    pub fn for_form<'a>(slot: &'a mut Option<RawEditor>, form: &Form) -> &'a mut RawEditor {
        if slot
            .as_ref()
            .is_none_or(|e| e.epoch != form.raw_epoch() || e.text() != form.raw_text())
        {
            *slot = None;
        }
        slot.get_or_insert_with(|| RawEditor::new(form))
    }

    /// The form's [`Form::raw_epoch`] the editor was made for.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// The text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.area.lines().join("\n")
    }

    /// The widget to draw.
    pub fn textarea(&self) -> &TextArea<'static> {
        &self.area
    }

    /// Edits with `ev` by ratatui-textarea's own keys (Enter is a new line; arrows, Home,
    /// End, Ctrl-A/E/K/U/W, Ctrl-Z undo, …). Returns false, changing nothing, for a key it
    /// has no use for (a release, Insert, media keys).
    pub fn input(&mut self, ev: &KeyEvent) -> bool {
        let input = ratatui_textarea::Input::from(*ev);
        if input.key == ratatui_textarea::Key::Null {
            return false;
        }
        self.area.input(input);
        true
    }
}
