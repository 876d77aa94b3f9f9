//! One field's input on the tool-call form: text with its cursor (masked for a secret),
//! a toggle or a choice; a prefilled default drawn dimmed (selected when focused, since
//! typing replaces it) and followed by `(default)` until it is edited.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::model::mcp::form::{Field, FieldInput};
use crate::ui::theme::Theme;

/// What follows a value that is the schema's default, not edited yet.
const DEFAULT_MARK: &str = "(default)";

pub(super) fn input(f: &Field, focused: bool, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let style = if focused {
        theme.text().add_modifier(Modifier::UNDERLINED)
    } else {
        theme.text()
    };
    let active = Style::new().fg(theme.accent).add_modifier(Modifier::BOLD);
    match f.input() {
        FieldInput::Text { text, cursor } => {
            buf.set_style(area, style);
            let (shown, cursor) = if f.is_secret() {
                masked(text, cursor)
            } else {
                (text.to_string(), cursor)
            };
            if f.is_default() {
                default_text(&shown, focused, theme, area, buf);
            } else {
                text_input(&shown, cursor, focused, area, buf);
            }
        }
        FieldInput::Toggle(b) => {
            let text = match b {
                Some(true) => "[x] true",
                Some(false) => "[ ] false",
                None => "[ ] not set",
            };
            let s = if focused { active } else { theme.text() };
            buf.set_line(
                area.x,
                area.y,
                &marked(f, Line::styled(text, s), theme),
                area.width,
            );
        }
        FieldInput::Choice {
            label,
            index,
            count,
        } => {
            let name = label.unwrap_or_else(|| "not set".to_string());
            let line = if focused {
                let pos =
                    index.map_or_else(|| format!("–/{count}"), |i| format!("{}/{count}", i + 1));
                Line::from(vec![
                    Span::styled(format!("◂ {name} ▸"), active),
                    Span::styled(format!("  {pos}"), theme.muted()),
                ])
            } else if index.is_none() {
                Line::styled(name, theme.muted())
            } else {
                Line::styled(name, theme.text())
            };
            buf.set_line(area.x, area.y, &marked(f, line, theme), area.width);
        }
    }
}

/// `line` followed by [`DEFAULT_MARK`] when the field holds its untouched default.
fn marked<'a>(f: &Field, mut line: Line<'a>, theme: &Theme) -> Line<'a> {
    if f.is_default() {
        line.spans
            .push(Span::styled(format!("  {DEFAULT_MARK}"), theme.muted()));
    }
    line
}

/// A prefilled default: dimmed, or reversed as a selection when focused (the next key typed
/// replaces it), then [`DEFAULT_MARK`]; cut at the area's width.
fn default_text(text: &str, focused: bool, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let style = if focused {
        Style::new().add_modifier(Modifier::REVERSED)
    } else {
        theme.muted()
    };
    let line = Line::from(vec![
        Span::styled(text.to_string(), style),
        Span::styled(format!("  {DEFAULT_MARK}"), theme.muted()),
    ]);
    buf.set_line(area.x, area.y, &line, area.width);
}

/// Draws `text` scrolled so the cursor (a display column) is in view, the cursor as a
/// reversed cell when focused.
fn text_input(text: &str, cursor: usize, focused: bool, area: Rect, buf: &mut Buffer) {
    let w = area.width as usize;
    let offset = (cursor + 1).saturating_sub(w);
    let mut col = 0;
    let mut shown = String::new();
    for ch in text.chars() {
        let cw = char_width(ch);
        if col >= offset {
            shown.push(ch);
        }
        col += cw;
    }
    buf.set_stringn(area.x, area.y, &shown, w, Style::new());
    if focused {
        let x = area.x + (cursor - offset) as u16;
        if let Some(cell) = buf.cell_mut((x, area.y)) {
            cell.set_style(Style::new().add_modifier(Modifier::REVERSED));
        }
    }
}

/// One `•` per character, and the cursor moved to match.
fn masked(text: &str, cursor: usize) -> (String, usize) {
    let mut col = 0;
    let mut chars_before = 0;
    for ch in text.chars() {
        if col >= cursor {
            break;
        }
        col += char_width(ch);
        chars_before += 1;
    }
    ("•".repeat(text.chars().count()), chars_before)
}

fn char_width(ch: char) -> usize {
    let mut b = [0; 4];
    Span::raw(&*ch.encode_utf8(&mut b)).width()
}
