//! The logs screen: the selected MCP server's stderr (stdio servers), its
//! `notifications/message` and the client's own connection notes, newest at the bottom.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::View;
use crate::model::mcp::state::log_level;

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let Some(server) = view.mcp.servers.get(view.nav.server) else {
        Paragraph::new(Line::styled("no MCP server configured", t.muted())).render(area, buf);
        return;
    };
    let logs = &server.logs;
    let follow = if view.nav.log_scroll == 0 {
        "following".to_string()
    } else {
        format!("{} lines up; End follows", view.nav.log_scroll)
    };
    let dropped = if logs.dropped > 0 {
        format!(", {} oldest dropped", logs.dropped)
    } else {
        String::new()
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            format!(
                " Logs of {} ({} lines{dropped}; {follow}; [ ] other server) ",
                server.name,
                logs.len()
            ),
            t.title(),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    if logs.is_empty() {
        Paragraph::new(Line::styled(
            "no log lines yet (stderr of stdio servers, notifications/message after logging/setLevel)",
            t.muted(),
        ))
        .render(inner, buf);
        return;
    }
    let rows = inner.height as usize;
    let end = logs.len().saturating_sub(view.nav.log_scroll);
    let start = end.saturating_sub(rows);
    let lines: Vec<Line> = logs
        .lines()
        .skip(start)
        .take(end - start)
        .map(|l| {
            let level = log_level(l);
            let color = match level {
                "emergency" | "alert" | "critical" | "error" => t.crit,
                "warning" => t.warn,
                "stderr" => t.text,
                "client" => t.accent,
                _ => t.muted,
            };
            let time = chrono::DateTime::from_timestamp_millis(l.t_ms)
                .map(|d| d.format("%H:%M:%S").to_string())
                .unwrap_or_default();
            Line::from(vec![
                Span::styled(format!("{time} "), t.muted()),
                Span::styled(format!("{level:<9} "), Style::new().fg(color)),
                Span::styled(l.text.clone(), t.text()),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
