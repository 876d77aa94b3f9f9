//! The read overlay: one `resources/read` or `prompts/get`, "reading…" while it runs, then
//! what it returned (text, pretty JSON, a blob by mime type and size, a prompt's messages
//! by role) or what went wrong, as built once by [`crate::model::mcp::fetch_body`].

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::View;
use super::fit::fit;
use super::format;
use crate::inbound::one_line;
use crate::model::mcp::body::BodyKind;
use crate::model::mcp::catalog::{FetchId, FetchRequest};
use crate::model::mcp::mask::{mask_map, mask_text};

pub fn render(view: &View, id: FetchId, scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let popup = super::centered(area, 90, 80);
    Clear.render(popup, buf);
    let Some(f) = view.mcp.fetch(id) else {
        return;
    };
    let server = view
        .mcp
        .servers
        .get(f.server)
        .map_or("?", |s| s.name.as_str());
    let target = mask_text(&crate::sources::http::redact(f.request.target())).into_owned();
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            fit(
                &format!(" {} {} on {server} ", f.request.method(), one_line(&target)),
                popup.width.saturating_sub(2) as usize,
            )
            .into_owned(),
            t.title(),
        ))
        .title_bottom(Span::styled(" Esc close · ↑↓ PgUp PgDn scroll ", t.muted()));
    let mut lines = Vec::new();
    if let FetchRequest::Prompt { arguments, .. } = &f.request
        && !arguments.is_empty()
    {
        let args = serde_json::Value::Object(mask_map(arguments)).to_string();
        lines.push(Line::from(vec![
            Span::styled("arguments ", t.muted()),
            Span::styled(one_line(&args).into_owned(), t.text()),
        ]));
    }
    let status = match (&f.done, f.elapsed_ms) {
        (None, _) => Line::styled(
            format!(
                "reading… for {}",
                format::age((view.now_ms - f.started_ms).max(0) as f64 / 1000.0)
            ),
            t.muted(),
        ),
        (Some(Ok(())), ms) => Line::styled(
            format!(
                "✔ {} in {}",
                match f.request {
                    FetchRequest::Resource { .. } => "read",
                    FetchRequest::Prompt { .. } => "got",
                },
                format::latency(ms.unwrap_or(0) as f64 / 1000.0)
            ),
            Style::new().fg(t.ok),
        ),
        (Some(Err(_)), _) => Line::styled("✖ failed", Style::new().fg(t.crit)),
    };
    lines.push(status);
    lines.push(Line::raw(""));
    lines.extend(f.body.iter().map(|l| {
        let style = match l.kind {
            BodyKind::Text | BodyKind::Json => t.text(),
            BodyKind::Error => Style::new().fg(t.crit),
            BodyKind::Note => t.muted(),
            BodyKind::Media => Style::new().fg(t.accent),
            BodyKind::Heading => t.title(),
        };
        Line::styled(l.text.clone(), style)
    }));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .block(block)
        .render(popup, buf);
}
