//! The read overlay: one `resources/read` or `prompts/get`, "reading…" while it runs, then
//! what it returned (text, pretty JSON, a blob by mime type and size, a prompt's messages
//! by role) or what went wrong, as built once by [`crate::model::mcp::fetch_body`].

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::Scene;
use super::fit::fit;
use super::format;
use crate::inbound::one_line;
use crate::model::mcp::body::BodyKind;
use crate::model::mcp::catalog::{FetchId, FetchRecord, FetchRequest};
use crate::model::mcp::mask::{mask_map, mask_text};
use crate::model::mcp::subscription::{SubState, Subscription};

pub fn render(view: &Scene, id: FetchId, scroll: u16, area: Rect, buf: &mut Buffer) {
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
    let target = mask_text(&crate::text::url::redact(f.request.target())).into_owned();
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
        .title_bottom(Span::styled(keys_hint(view, f), t.muted()));
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
    lines.extend(follow_line(view, f));
    match &f.saved {
        Some(Ok(paths)) => lines.push(Line::styled(
            format!("saved to {}", paths.join(", ")),
            Style::new().fg(t.ok),
        )),
        Some(Err(e)) => lines.push(Line::styled(
            format!("✖ not saved: {e}"),
            Style::new().fg(t.crit),
        )),
        None => {}
    }
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

/// The keys of the overlay: `s` where the resource can be followed, `w` where there is
/// something to save.
fn keys_hint(view: &Scene, f: &FetchRecord) -> String {
    let mut keys = vec!["Esc close", "↑↓ PgUp PgDn scroll"];
    let followed = followed(view, f).is_some();
    let can_follow = matches!(f.request, FetchRequest::Resource { .. })
        && view
            .mcp
            .servers
            .get(f.server)
            .is_some_and(|s| s.catalog.can_subscribe);
    if followed {
        keys.push("s stop following");
    } else if can_follow {
        keys.push("s follow");
    }
    if !f.blobs.is_empty() {
        keys.push("w save");
    }
    format!(" {} ", keys.join(" · "))
}

/// The subscription of the shown resource, when the operator follows it.
fn followed<'a>(view: &'a Scene, f: &FetchRecord) -> Option<&'a Subscription> {
    let FetchRequest::Resource { uri } = &f.request else {
        return None;
    };
    view.mcp.servers.get(f.server)?.subscriptions.get(uri)
}

/// `◉ following · 3 updates, last 12:00:05 UTC`, `◌ subscribing…`, or why not followed.
fn follow_line(view: &Scene, f: &FetchRecord) -> Option<Line<'static>> {
    let t = view.theme;
    let sub = followed(view, f)?;
    Some(match &sub.state {
        SubState::Asking => Line::styled("◌ subscribing…", t.muted()),
        SubState::Failed(e) => {
            Line::styled(format!("✖ not followed: {e}"), Style::new().fg(t.crit))
        }
        SubState::On => {
            let last = sub
                .last_update_ms
                .and_then(chrono::DateTime::from_timestamp_millis)
                .map(|at| format!(", last {} UTC", at.format("%H:%M:%S")))
                .unwrap_or_default();
            let n = sub.updates;
            let updates = match n {
                0 => "no update yet".to_string(),
                1 => "1 update".to_string(),
                _ => format!("{n} updates"),
            };
            Line::styled(
                format!("◉ following: read again on each update · {updates}{last}"),
                Style::new().fg(t.accent),
            )
        }
    })
}
