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
    let mut left = vec![Span::raw(" ")];
    for s in Screen::ALL {
        let key = view
            .keymap
            .key_for(Action::Show(s))
            .map(|k| k.label())
            .unwrap_or_default();
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
            _ => String::new(),
        };
        let style = if s == view.nav.screen {
            Style::new()
                .fg(t.title)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            t.muted()
        };
        left.push(Span::styled(format!("{key} {}{count}", s.title()), style));
        left.push(Span::raw("   "));
    }
    let mut right: Vec<Span> = Vec::new();
    if view.read_only {
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
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_w as u16)]).areas(area);
    Line::from(left).render(l, buf);
    Line::from(right).render(r, buf);
}
