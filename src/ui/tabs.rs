//! The screen tabs under the header, with the MCP servers' state on the right.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::View;
use crate::action::{Action, Screen};
use crate::model::mcp::ConnState;

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let mut tabs: Vec<(String, String, Style, bool)> = Vec::new();
    for &s in Screen::all(view.query.is_some()) {
        let key = view
            .keymap
            .key_for(Action::Show(s))
            .map(|k| k.label())
            .unwrap_or_default();
        let firing: usize = view.alerts.counts().iter().sum();
        let count = match s {
            Screen::Tools => view
                .mcp
                .servers
                .get(view.nav.server)
                .map(|srv| format!(" ({})", srv.tools.len()))
                .unwrap_or_default(),
            Screen::Calls if view.mcp.running() > 0 => {
                format!(" ({} running)", view.mcp.running())
            }
            Screen::Alerts if firing > 0 => format!(" ({firing})"),
            _ => String::new(),
        };
        let selected = s == view.nav.screen;
        let style = if selected {
            Style::new()
                .fg(t.title)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            t.muted()
        };
        tabs.push((key, format!("{}{count}", s.title()), style, selected));
    }
    let mut right: Vec<Span> = Vec::new();
    if view.read_only || view.silences_read_only {
        right.push(Span::styled(
            "READ-ONLY ",
            Style::new().fg(t.warn).add_modifier(Modifier::BOLD),
        ));
    }
    if !view.mcp.servers.is_empty() {
        right.push(Span::styled("mcp ", t.muted()));
        for s in &view.mcp.servers {
            let (sym, color) = match s.conn {
                ConnState::Connected => ("●", t.ok),
                ConnState::Connecting => ("…", t.muted),
                ConnState::Reconnecting { .. } => ("↻", t.warn),
                ConnState::Failed(_) => ("✖", t.crit),
            };
            right.push(Span::styled(format!("{} ", s.name), t.text()));
            right.push(Span::styled(format!("{sym} "), Style::new().fg(color)));
        }
    }
    let right_w: usize = right.iter().map(Span::width).sum();
    // Narrow terminals: tighter gaps first, then titles only for the screen in view.
    let room = (area.width as usize).saturating_sub(right_w);
    let left = [(3, false), (2, false), (1, false), (1, true)]
        .into_iter()
        .map(|(gap, compact)| left_spans(&tabs, gap, compact))
        .find(|spans| spans.iter().map(Span::width).sum::<usize>() <= room)
        .unwrap_or_else(|| left_spans(&tabs, 1, true));
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_w as u16)]).areas(area);
    Line::from(left).render(l, buf);
    Line::from(right).render(r, buf);
}

/// The tabs as spans: `1 Overview   2 Tools (6)`; `compact` keeps only the key of the
/// screens not in view.
fn left_spans(
    tabs: &[(String, String, Style, bool)],
    gap: usize,
    compact: bool,
) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw(" ")];
    for (key, title, style, selected) in tabs {
        let text = if compact && !selected {
            key.clone()
        } else {
            format!("{key} {title}")
        };
        spans.push(Span::styled(text, *style));
        spans.push(Span::raw(" ".repeat(gap)));
    }
    spans
}
