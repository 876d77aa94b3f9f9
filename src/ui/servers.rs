//! The MCP servers panel: connection state, server name/version, protocol, capabilities,
//! ping round-trip and tool count; the selected server is marked. Under a server, one line
//! each for its connection error, its failed tools/list, and its tools whose input schema was
//! cut for depth.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::View;
use super::format;
use super::mcp_text::{conn, conn_error, cut};
use super::theme::Theme;
use crate::model::mcp::state::{CUT_DEPTH, ServerState};

/// Rows the panel wants: one per server plus its notes, within limits.
pub fn height(view: &View) -> u16 {
    let rows: usize = view
        .mcp
        .servers
        .iter()
        .map(|s| 1 + notes(s, view.theme).len())
        .sum();
    (rows.max(1) as u16 + 2).min(9)
}

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(" MCP servers ", t.title()));
    let width = block.inner(area).width as usize;
    let mut lines = Vec::new();
    if view.mcp.servers.is_empty() {
        lines.push(Line::styled(
            "No MCP servers configured: add [mcp.servers.NAME] to the config, or pass --mcp URL or --mcp-config PATH.",
            t.muted(),
        ));
    }
    for (i, s) in view.mcp.servers.iter().enumerate() {
        let selected = i == view.nav.server;
        let name_style = if selected {
            t.selected()
        } else {
            t.text().add_modifier(Modifier::BOLD)
        };
        let mut spans = vec![
            Span::styled(if selected { "▶ " } else { "  " }, t.title()),
            Span::styled(s.name.clone(), name_style),
            Span::raw("  "),
            conn(&s.conn, t),
            Span::raw("  "),
        ];
        let age = (view.now_ms - s.since_ms).max(0) as f64 / 1000.0;
        if s.since_ms > 0 {
            spans.push(Span::styled(
                format!("for {}  ", format::age(age)),
                t.muted(),
            ));
        }
        if let Some(info) = &s.info {
            spans.push(Span::styled(
                format!("{} {}  ", info.name, info.version),
                t.text(),
            ));
            spans.push(Span::styled(
                format!("protocol {}  ", info.protocol_version),
                t.muted(),
            ));
        }
        match &s.ping {
            Some(Ok(Some(rtt))) => spans.push(Span::styled(
                format!("ping {}  ", format::latency(rtt.as_secs_f64())),
                t.text(),
            )),
            Some(Ok(None)) => spans.push(Span::styled("ping n/a  ", t.muted())),
            Some(Err(e)) => spans.push(Span::styled(
                format!("ping ✖ {}  ", cut(e, 30)),
                Style::new().fg(t.crit),
            )),
            None => {}
        }
        spans.push(Span::styled(format!("{} tools  ", s.tools.len()), t.text()));
        if let Some(info) = &s.info {
            spans.push(Span::styled(info.capabilities.join(", "), t.muted()));
        }
        spans.push(Span::styled(format!("  {}", s.endpoint), t.muted()));
        lines.push(Line::from(spans));
        for (text, colour) in notes(s, t) {
            lines.push(Line::styled(
                format!(
                    "    {}",
                    cut(
                        &crate::model::mcp::mask::mask_text(&text),
                        width.saturating_sub(4)
                    )
                ),
                Style::new().fg(colour),
            ));
        }
    }
    Paragraph::new(lines).block(block).render(area, buf);
}

/// The lines under a server: its connection error; while connected, why its last tools/list
/// failed and which tools' input schemas were cut for depth.
fn notes(s: &ServerState, t: &Theme) -> Vec<(String, Color)> {
    let mut out = Vec::new();
    if let Some(e) = conn_error(&s.conn) {
        out.push((format!("✖ {e}"), t.crit));
    }
    if !s.is_connected() {
        return out;
    }
    if let Some(e) = &s.tools_error {
        out.push((format!("✖ {e}"), t.crit));
    }
    if !s.tools_cut.is_empty() {
        let (what, names) = match s.tools_cut.as_slice() {
            [one] => ("input schema of", one.clone()),
            many => ("input schemas of", many.join(", ")),
        };
        out.push((
            format!(
                "⚠ {what} {names} nested deeper than {CUT_DEPTH} levels: cut there, too deep to show; call it with raw JSON"
            ),
            t.warn,
        ));
    }
    out
}
