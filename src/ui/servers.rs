//! The MCP servers panel: connection state, server name/version, protocol, capabilities,
//! ping round-trip, tool count and endpoint; the selected server is marked. A row too wide
//! for the panel leaves out its least useful parts first and ends with `…` when still cut.
//! Under a server, its connection error (wrapped, up to 3 lines), and one line each for its
//! failed tools/list and its tools whose input schema was cut for depth.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::Scene;
use super::fit::{fit, fit_spans, width};
use super::format;
use super::mcp_text::{conn, conn_error};
use super::theme::Theme;
use crate::model::mcp::state::{CUT_DEPTH, ServerState};

/// Lines a connection error may take under its server (it carries the remedy, e.g. the
/// legacy HTTP+SSE hint, which a single cut line could lose).
const CONN_ERROR_LINES: usize = 3;

/// Rows the panel wants in `width` columns: one per server plus its notes, within limits.
pub fn height(view: &Scene, width: u16) -> u16 {
    let text_w = (width as usize).saturating_sub(2 + 4);
    let rows: usize = view
        .mcp
        .servers
        .iter()
        .map(|s| {
            1 + notes(s, view.theme)
                .iter()
                .map(|n| note_lines(n, text_w).len())
                .sum::<usize>()
        })
        .sum();
    (rows.max(1) as u16 + 2).min(9)
}

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(" MCP servers ", t.title()));
    let panel_w = block.inner(area).width as usize;
    let mut lines = Vec::new();
    if view.mcp.servers.is_empty() {
        let text = "No MCP servers configured: add [mcp.servers.NAME] to the config, or pass --mcp URL or --mcp-config PATH.";
        lines.push(Line::styled(fit(text, panel_w), t.muted()));
    }
    for (i, s) in view.mcp.servers.iter().enumerate() {
        let selected = i == view.nav.server;
        lines.push(row(view, s, selected, panel_w));
        for note in notes(s, t) {
            for text in note_lines(&note, panel_w.saturating_sub(4)) {
                lines.push(Line::styled(
                    format!("    {text}"),
                    Style::new().fg(note.colour),
                ));
            }
        }
    }
    Paragraph::new(lines).block(block).render(area, buf);
}

/// One note under a server: masked, wrapped to `w` columns in at most its `lines` lines,
/// the last ending with `…` when the text goes on.
fn note_lines(note: &Note, w: usize) -> Vec<String> {
    let text = crate::model::mcp::mask::mask_text(&note.text);
    let mut wrapped = super::log_summary::wrap(&text, w.max(1));
    if wrapped.len() > note.lines {
        wrapped.truncate(note.lines);
        if let Some(last) = wrapped.last_mut() {
            *last = fit(&format!("{last} …"), w).into_owned();
        }
    }
    wrapped
}

/// One server's row in `w` columns: marker, name and connection state always; then the
/// endpoint, ping, tool count, server name and version, time in this state, protocol and
/// capabilities, each in this order of importance while it fits. What is still
/// too wide ends with `…` (a URL never stops mid-way without a mark).
fn row(view: &Scene, s: &ServerState, selected: bool, w: usize) -> Line<'static> {
    let t = view.theme;
    let name_style = if selected {
        t.selected()
    } else {
        t.text().add_modifier(Modifier::BOLD)
    };
    // (rank, text): a higher rank is left out sooner; 0 is always shown.
    let mut segments: Vec<(u8, Span<'static>)> = vec![
        (
            0,
            Span::styled(if selected { "▶ " } else { "  " }, t.title()),
        ),
        (0, Span::styled(s.name.clone(), name_style)),
        (0, conn(&s.conn, t)),
    ];
    if s.since_ms > 0 {
        let age = (view.now_ms - s.since_ms).max(0) as f64 / 1000.0;
        let text = format!("for {}", format::age(age));
        segments.push((5, Span::styled(text, t.muted())));
    }
    if let Some(info) = &s.info {
        let text = format!("{} {}", info.name, info.version);
        segments.push((4, Span::styled(text, t.text())));
        let text = format!("protocol {}", info.protocol_version);
        segments.push((6, Span::styled(text, t.muted())));
    }
    let ping = match &s.ping {
        Some(Ok(Some(rtt))) => Some(Span::styled(
            format!("ping {}", format::latency(rtt.as_secs_f64())),
            t.text(),
        )),
        Some(Ok(None)) => Some(Span::styled("ping n/a", t.muted())),
        Some(Err(e)) => Some(Span::styled(
            format!("ping ✖ {}", fit(e, 30)),
            Style::new().fg(t.crit),
        )),
        None => None,
    };
    segments.extend(ping.map(|p| (2, p)));
    let tools = format!("{} tools", s.tools.len());
    segments.push((3, Span::styled(tools, t.text())));
    if let Some(level) = &s.log_level {
        segments.push((3, Span::styled(format!("log {level}"), t.muted())));
    }
    if let Some(info) = s.info.as_ref().filter(|i| !i.capabilities.is_empty()) {
        segments.push((7, Span::styled(info.capabilities.join(", "), t.muted())));
    }
    segments.push((1, Span::styled(s.endpoint.clone(), t.muted())));
    // Segments join in rank order while they fit (a long one left out does not keep a
    // shorter one of a higher rank out); the marker joins the name, the others are two
    // spaces apart.
    let mut shown = vec![false; segments.len()];
    let mut used = 0;
    for rank in 0..=7 {
        for (i, (r, span)) in segments.iter().enumerate() {
            let gap = if i > 1 { 2 } else { 0 };
            let add = width(&span.content) + gap;
            if *r == rank && (rank == 0 || used + add <= w) {
                shown[i] = true;
                used += add;
            }
        }
    }
    let segments = segments
        .into_iter()
        .zip(shown)
        .filter_map(|(seg, on)| on.then_some(seg));
    let mut spans = Vec::new();
    for (i, (_, span)) in segments.enumerate() {
        if i > 1 {
            spans.push(Span::raw("  "));
        }
        spans.push(span);
    }
    fit_spans(&mut spans, w);
    Line::from(spans)
}

/// A line (or, for a connection error, up to [`CONN_ERROR_LINES`] lines) under a server.
struct Note {
    text: String,
    colour: Color,
    lines: usize,
}

/// The notes under a server: its connection error; while connected, why its last
/// tools/list failed and which tools' input schemas were cut for depth.
fn notes(s: &ServerState, t: &Theme) -> Vec<Note> {
    let mut out = Vec::new();
    let note = |text: String, colour: Color| Note {
        text,
        colour,
        lines: 1,
    };
    if let Some(e) = conn_error(&s.conn) {
        out.push(Note {
            lines: CONN_ERROR_LINES,
            ..note(format!("✖ {e}"), t.crit)
        });
    }
    if !s.is_connected() {
        return out;
    }
    if let Some(e) = &s.tools_error {
        out.push(note(format!("✖ {e}"), t.crit));
    }
    if !s.tools_cut.is_empty() {
        let (what, names) = match s.tools_cut.as_slice() {
            [one] => ("input schema of", one.clone()),
            many => ("input schemas of", many.join(", ")),
        };
        out.push(note(
            format!(
                "⚠ {what} {names} nested deeper than {CUT_DEPTH} levels: cut there, too deep to show; call it with raw JSON"
            ),
            t.warn,
        ));
    }
    out
}
