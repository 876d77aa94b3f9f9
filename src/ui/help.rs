//! The help overlay, generated from the keymap.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::View;
use super::format;

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let rows = view.keymap.help_rows();
    let key_w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(keys, what)| {
            Line::from(vec![
                Span::styled(format!("  {keys:<key_w$}  "), t.title()),
                Span::styled(what.to_string(), t.text()),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "  Tiles: rate over [{}]; thresholds from the config.",
            format::span(view.window)
        ),
        t.muted(),
    ));
    lines.push(Line::styled("  ✔ ok  ▲ warn  ✖ CRIT  · no data", t.muted()));
    let height = lines.len() as u16 + 2;
    let width = lines
        .iter()
        .map(|l| l.width() as u16)
        .max()
        .unwrap_or(20)
        .saturating_add(4)
        .max(36);
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(popup);
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(t.border())
                .title(Span::styled(" Help: keys ", t.title())),
        )
        .render(popup, buf);
}
