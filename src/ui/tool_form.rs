//! The tool-call form as a centred modal: one row per field with its input, a muted hint
//! and inline errors, a `[ Call ]` row and the form's keys; or the raw JSON editor.
//!
//! Drawn into a `Buffer`, so the text cursor is a reversed cell. Never panics on small
//! areas: parts are dropped (header, footer, hints) until what remains fits.

use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Widget};
use ratatui_textarea::TextArea;

use super::fit::{fit, width};
use super::theme::Theme;
use crate::action::{Hints, Mode, OverlayKind};
use crate::model::mcp::form::{Field, FieldInput, Form, FormMode};

/// What the modal says about the call besides the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormHeader<'a> {
    /// Server name, as configured.
    pub server: &'a str,
    /// Tool name.
    pub tool: &'a str,
    /// The tool's hints in words (`read-only · idempotent`), shown under the title.
    pub badges: &'a str,
    /// mcptop runs in read-only mode: flagged in the header line.
    pub read_only_mode: bool,
    /// The form answers a server's `elicitation/create` asking this (then `tool` is
    /// unused): the title reads `<server> asks: <message>`, the button `[ Accept ]`, and
    /// the footer offers Ctrl-D to decline.
    pub asked: Option<&'a str>,
}

/// Widest and tallest the modal grows.
const MAX_WIDTH: u16 = 100;
const MAX_BODY: u16 = 40;

/// Draws the modal centred in `area`, clearing what is beneath it; in raw JSON mode with
/// `raw`, the editor the text is edited in and the form's raw epoch it was made for (when
/// it is this form's, see [`Form::raw_epoch`]; else a new [`raw_textarea`]).
pub fn render(
    form: &Form,
    raw: Option<(u64, &TextArea<'static>)>,
    header: &FormHeader,
    theme: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let editor = (form.mode() == FormMode::Raw).then(|| tool_form_raw::editor(form, raw));
    let show_header = !header.badges.is_empty() || header.read_only_mode;
    let wanted_body = match &editor {
        None => fields_height(form).max(1),
        Some(editor) => (editor.lines().len() as u16 + 2).max(8),
    }
    .min(MAX_BODY);
    // Borders, header, spacer, [ Call ], footer.
    let chrome = 2 + u16::from(show_header) + 3;
    let popup = centred(area, MAX_WIDTH, wanted_body.saturating_add(chrome));
    Clear.render(popup, buf);

    let inner_width = popup.width.saturating_sub(2) as usize;
    let (body_h, rows) = split_rows(popup.height.saturating_sub(2), show_header);
    let scroll = match form.mode() {
        FormMode::Fields => Scroll::of(form, body_h),
        FormMode::Raw => Scroll::default(),
    };
    let title = match header.asked {
        Some(message) => format!(" {} asks: {} ", header.server, message),
        None => format!(" Call {} on {} ", header.tool, header.server),
    };
    let mut block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border())
        .title(Span::styled(fit(&title, inner_width), theme.title()));
    let position = match form.mode() {
        FormMode::Fields => scroll.position(form.fields().len()),
        FormMode::Raw => None,
    };
    if let Some(pos) = position {
        block = block.title_bottom(Line::styled(pos, theme.muted()).alignment(Alignment::Right));
    }
    let inner = block.inner(popup);
    block.render(popup, buf);
    if inner.is_empty() {
        return;
    }

    let mut y = inner.y;
    let mut row = |h: u16| {
        let r = Rect::new(inner.x, y, inner.width, h);
        y += h;
        r
    };
    if rows.header {
        header_line(header, theme, row(1), buf);
    }
    let body = row(body_h);
    if rows.spacer {
        row(1);
    }
    match &editor {
        None => draw_fields(form, &scroll, theme, body, buf),
        Some(editor) => draw_raw(form, editor, theme, body, buf),
    }
    let elicit = header.asked.is_some();
    if rows.call {
        call_row(form, elicit, theme, row(1), buf);
    }
    if rows.footer {
        let line = footer(form, elicit, theme, inner_width);
        buf.set_line(inner.x, row(1).y, &line, inner.width);
    }
}

/// `area` shrunk to at most `max_w` × `height` (leaving a margin when there is room),
/// centred.
fn centred(area: Rect, max_w: u16, height: u16) -> Rect {
    let w = if area.width > 44 {
        (area.width - 4).min(max_w)
    } else {
        area.width
    };
    let h = if area.height > 10 {
        height.min(area.height - 2)
    } else {
        height.min(area.height)
    };
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// Which single-line rows fit around the body.
#[derive(Debug, Clone, Copy)]
struct Rows {
    header: bool,
    /// A blank row between the body and `[ Call ]`.
    spacer: bool,
    call: bool,
    footer: bool,
}

/// Splits the inner height: the body keeps at least one row; the spacer goes first,
/// then the header, the footer, the `[ Call ]` row.
fn split_rows(inner_h: u16, want_header: bool) -> (u16, Rows) {
    let call = inner_h >= 2;
    let footer = inner_h >= 3;
    let header = want_header && inner_h >= 5;
    let spacer = inner_h >= 8;
    let used = u16::from(call) + u16::from(footer) + u16::from(header) + u16::from(spacer);
    (
        inner_h.saturating_sub(used),
        Rows {
            header,
            spacer,
            call,
            footer,
        },
    )
}

fn header_line(header: &FormHeader, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![];
    if header.read_only_mode {
        spans.push(Span::styled(
            "▲ read-only mode",
            Style::new().fg(theme.warn).add_modifier(Modifier::BOLD),
        ));
        if !header.badges.is_empty() {
            spans.push(Span::styled("  ", theme.muted()));
        }
    }
    spans.push(Span::styled(header.badges.to_string(), theme.muted()));
    buf.set_line(area.x, area.y, &Line::from(spans), area.width);
}

/// Rows one field takes: its input, its hint, one per error.
fn field_height(form: &Form, f: &Field) -> u16 {
    2 + form.errors_for(f.name()).count() as u16
}

fn fields_height(form: &Form) -> u16 {
    form.fields().iter().map(|f| field_height(form, f)).sum()
}

/// Which fields are on screen: from `start`, as many as fit in `height` rows, keeping the
/// focused one (or the last, when `[ Call ]` is focused) in view.
#[derive(Debug, Clone, Copy, Default)]
struct Scroll {
    start: usize,
    end: usize,
}

impl Scroll {
    fn of(form: &Form, height: u16) -> Scroll {
        let heights: Vec<u16> = form
            .fields()
            .iter()
            .map(|f| field_height(form, f))
            .collect();
        let n = heights.len();
        if n == 0 {
            return Scroll::default();
        }
        let target = form.focus().min(n - 1);
        let mut start = 0;
        while start < target && heights[start..=target].iter().sum::<u16>() > height {
            start += 1;
        }
        let mut used = 0;
        let mut end = start;
        while end < n && used + heights[end] <= height {
            used += heights[end];
            end += 1;
        }
        Scroll {
            start,
            end: end.max((start + 1).min(n)),
        }
    }

    /// ` 3–5 of 9 ` when not every field is shown.
    fn position(&self, n: usize) -> Option<String> {
        (self.start > 0 || self.end < n).then(|| {
            let arrows = match (self.start > 0, self.end < n) {
                (true, true) => "↑↓",
                (true, false) => "↑",
                _ => "↓",
            };
            format!(" {arrows} fields {}–{} of {n} ", self.start + 1, self.end)
        })
    }
}

fn draw_fields(form: &Form, scroll: &Scroll, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    if form.fields().is_empty() {
        buf.set_stringn(
            area.x + 1,
            area.y,
            "This tool takes no arguments.",
            area.width.saturating_sub(1) as usize,
            theme.muted(),
        );
        return;
    }
    let label_w = form
        .fields()
        .iter()
        .map(|f| width(f.name()) + 3)
        .max()
        .unwrap_or(0)
        .min(area.width as usize / 3) as u16;
    let input_x = area.x + label_w + 1;
    let input_w = area.width.saturating_sub(label_w + 1);
    let bottom = area.bottom();
    let mut y = area.y;
    for (i, f) in form.fields().iter().enumerate().skip(scroll.start) {
        if y >= bottom || i >= scroll.end {
            break;
        }
        let focused = form.focus() == i;
        label(f, focused, theme, Rect::new(area.x, y, label_w, 1), buf);
        input(f, focused, theme, Rect::new(input_x, y, input_w, 1), buf);
        y += 1;
        if y < bottom {
            let hint = f.hint();
            let hint = fit(&hint, input_w as usize);
            buf.set_stringn(input_x, y, hint, input_w as usize, theme.muted());
            y += 1;
        }
        for msg in form.errors_for(f.name()) {
            if y >= bottom {
                break;
            }
            error_line(msg, theme, Rect::new(input_x, y, input_w, 1), buf);
            y += 1;
        }
    }
}

/// `▸ name*`: the marker shows focus without colour, `*` marks a required field.
fn label(f: &Field, focused: bool, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let (marker, style) = if focused {
        (
            "▸ ",
            Style::new().fg(theme.accent).add_modifier(Modifier::BOLD),
        )
    } else {
        ("  ", theme.text())
    };
    let star = if f.required() { "*" } else { "" };
    let name_w = (area.width as usize).saturating_sub(2 + star.len());
    let line = Line::from(vec![
        Span::styled(marker, style),
        Span::styled(fit(f.name(), name_w), style),
        Span::styled(star, Style::new().fg(theme.warn)),
    ]);
    buf.set_line(area.x, area.y, &line, area.width);
}

fn error_line(msg: &str, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let text = format!("✗ {msg}");
    let text = fit(&text, area.width as usize);
    buf.set_stringn(
        area.x,
        area.y,
        text,
        area.width as usize,
        Style::new().fg(theme.crit),
    );
}

fn draw_raw(form: &Form, textarea: &TextArea, theme: &Theme, area: Rect, buf: &mut Buffer) {
    if area.is_empty() {
        return;
    }
    let errors: Vec<&str> = form.errors().iter().map(|e| e.message.as_str()).collect();
    let err_h = (errors.len() as u16).min(area.height.saturating_sub(1));
    let editor = Rect::new(area.x, area.y, area.width, area.height - err_h);
    buf.set_style(editor, theme.text());
    textarea.render(editor, buf);
    for (i, msg) in errors.iter().take(err_h as usize).enumerate() {
        let r = Rect::new(area.x, editor.bottom() + i as u16, area.width, 1);
        error_line(msg, theme, r, buf);
    }
}

/// `[ Call ]` under the inputs, with the number of fields needing attention.
fn call_row(form: &Form, elicit: bool, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let label = if elicit { "[ Accept ]" } else { "[ Call ]" };
    let button = if form.call_focused() {
        Span::styled(format!("▸ {label}"), theme.selected())
    } else {
        Span::styled(format!("  {label}"), theme.text())
    };
    let mut spans = vec![button];
    let invalid = form.errors().len();
    if invalid > 0 && form.mode() == FormMode::Fields {
        let what = if invalid == 1 {
            "field needs"
        } else {
            "fields need"
        };
        spans.push(Span::styled(
            format!("  ✗ {invalid} {what} attention"),
            Style::new().fg(theme.crit),
        ));
    }
    let line = Line::from(spans);
    let x = area.x + area.width.saturating_sub(line.width() as u16) / 2;
    buf.set_line(x, area.y, &line, area.right().saturating_sub(x));
}

/// The keys that apply now, the least important dropped until they fit `width`; an
/// elicitation's form accepts instead of calling and declines with Ctrl-D.
fn footer(form: &Form, elicit: bool, theme: &Theme, max_width: usize) -> Line<'static> {
    let focused = form.fields().get(form.focus()).map(Field::input);
    let on_toggle = matches!(
        focused,
        Some(FieldInput::Toggle(_) | FieldInput::Choice { .. })
    );
    let on_choice = matches!(focused, Some(FieldInput::Choice { .. }));
    // (key, what, priority: lower stays longer)
    let mode = match form.mode() {
        FormMode::Fields => OverlayKind::Form,
        FormMode::Raw => OverlayKind::RawJson,
    };
    let labels = match Mode::Overlay(mode).hints() {
        Hints::Labels(labels) => labels,
        Hints::Keys(_) | Hints::Text(_) => &[],
    };
    let mut keys: Vec<(&str, &str, u8)> = labels
        .iter()
        .filter_map(|&(k, what)| {
            let prio = match (form.mode(), k) {
                (_, "Esc") => 1,
                (_, "Ctrl-S") => 2,
                (FormMode::Fields, "Space") if on_toggle => 3,
                (FormMode::Fields, "←/→") if on_choice => 3,
                (FormMode::Fields, "Tab/↓") => 4,
                (FormMode::Fields, "Ctrl-R") => 5,
                (FormMode::Fields, "Enter") => 6,
                (FormMode::Fields, "S-Tab/↑") => 7,
                (FormMode::Raw, "Ctrl-R") => 3,
                (FormMode::Raw, "Enter") => 4,
                _ => return None,
            };
            Some((k, what, prio))
        })
        .collect();
    if elicit {
        for key in keys.iter_mut() {
            if key.1 == "call" {
                key.1 = "accept";
            } else if key.1 == "next / call" {
                key.1 = "next / accept";
            }
        }
        keys.push(("Ctrl-D", "decline", 1));
    }
    let total = |keys: &[(&str, &str, u8)]| -> usize {
        keys.iter()
            .map(|(k, w, _)| width(k) + 1 + width(w))
            .sum::<usize>()
            + 2 * keys.len().saturating_sub(1)
    };
    while total(&keys) > max_width && !keys.is_empty() {
        let worst = keys
            .iter()
            .enumerate()
            .max_by_key(|(_, (_, _, p))| *p)
            .map_or(0, |(i, _)| i);
        keys.remove(worst);
    }
    let mut spans = vec![];
    for (i, (k, what, _)) in keys.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(k.to_string(), theme.title()));
        spans.push(Span::styled(format!(" {what}"), theme.muted()));
    }
    Line::from(spans)
}

#[path = "tool_form_input.rs"]
mod tool_form_input;
use tool_form_input::input;

#[path = "tool_form_raw.rs"]
mod tool_form_raw;
pub use tool_form_raw::raw_textarea;

#[cfg(test)]
#[path = "tool_form_tests.rs"]
mod tests;
