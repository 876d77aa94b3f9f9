//! One log line in full: time, level, stream labels, structured metadata, the labels a
//! parser stage extracted, the fields of a JSON or logfmt line (or the pairs inside a plain
//! one), and the whole text (JSON pretty-printed in its own key order), scrollable.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::Scene;
use crate::model::logs::fields::parse;

pub fn render(view: &Scene, seq: u64, scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let popup = super::centered(area, 90, 90);
    Clear.render(popup, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            " Log line (Esc closes, ↑↓ scroll) ",
            t.title(),
        ));
    let inner = block.inner(popup);
    block.render(popup, buf);
    let Some(e) = view.log_buffer.and_then(|b| view.nav.logs.entry(b, seq)) else {
        Paragraph::new(Line::styled(
            "this line has left the buffer (oldest lines are dropped at the cap)",
            t.muted(),
        ))
        .render(inner, buf);
        return;
    };
    let heading = |s: &str| Line::styled(s.to_string(), t.title().add_modifier(Modifier::BOLD));
    let pair = |k: &str, v: &str| {
        Line::from(vec![
            Span::styled(format!("  {k}: "), t.muted()),
            Span::styled(v.to_string(), t.text()),
        ])
    };
    let time = chrono::DateTime::from_timestamp_nanos(e.ts_ns)
        .format("%Y-%m-%dT%H:%M:%S%.9fZ")
        .to_string();
    let mut lines = vec![
        pair("time", &format!("{time} ({} ns)", e.ts_ns)),
        pair("level", e.level.word()),
        heading("Stream labels"),
    ];
    lines.extend(e.stream.iter().map(|(k, v)| pair(k, v)));
    if !e.metadata.is_empty() {
        lines.push(heading("Structured metadata"));
        lines.extend(e.metadata.iter().map(|(k, v)| pair(k, v)));
    }
    if !e.parsed.is_empty() {
        lines.push(heading("Parsed labels (the query's parser stage)"));
        lines.extend(e.parsed.iter().map(|(k, v)| pair(k, v)));
    }
    let f = parse(&e.line);
    if !f.fields.is_empty() {
        lines.push(heading(if f.structured() {
            "Fields"
        } else {
            "Pairs in the text"
        }));
        lines.extend(f.fields.iter().map(|(k, v)| pair(k, v)));
    }
    lines.push(heading("Line"));
    let pretty = serde_json::from_str::<serde_json::Value>(&e.line)
        .ok()
        .filter(|v| v.is_object())
        .and_then(|v| serde_json::to_string_pretty(&v).ok());
    let text = pretty.unwrap_or_else(|| e.line.clone());
    lines.extend(text.lines().map(|l| Line::styled(l.to_string(), t.text())));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
}
