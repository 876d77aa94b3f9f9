//! How the raw JSON mode's editor looks, and which editor a form in that mode is drawn
//! with.

use std::borrow::Cow;

use ratatui::style::{Modifier, Style};
use ratatui_textarea::TextArea;

use crate::model::mcp::form::Form;

/// A textarea holding `text`: 2-space tabs, dim line numbers, no cursor-line underline.
pub fn raw_textarea(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(text.lines().map(str::to_string).collect());
    t.set_tab_length(2);
    t.set_cursor_line_style(Style::default());
    t.set_line_number_style(Style::new().add_modifier(Modifier::DIM));
    t
}

/// `given` (the editor the app edits the raw text in, and the form's raw epoch it was made
/// for) when it was made for `form`'s raw text and holds it; else a new one over that
/// text, cursor at the start (a form whose editor the app no longer has, such as one
/// under an elicitation that had an editor of its own).
pub(super) fn editor<'a>(
    form: &Form,
    given: Option<(u64, &'a TextArea<'static>)>,
) -> Cow<'a, TextArea<'static>> {
    match given {
        Some((epoch, t))
            if epoch == form.raw_epoch() && t.lines().join("\n") == form.raw_text() =>
        {
            Cow::Borrowed(t)
        }
        _ => Cow::Owned(raw_textarea(form.raw_text())),
    }
}
