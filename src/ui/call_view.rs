//! The call overlay: one tools/call with its arguments, progress bar while it runs (and the
//! status of its task, for a task-augmented call), and its result (or what went wrong) when
//! done.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::Scene;
use super::fit::fit;
use super::format;
use super::mcp_text::{args_inline, outcome, progress_bar, result_lines, retry_line};
use crate::model::mcp::CallId;

pub fn render(view: &Scene, id: CallId, scroll: u16, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let popup = super::centered(area, 90, 80);
    Clear.render(popup, buf);
    let Some(call) = view.mcp.call(id) else {
        return;
    };
    let server = view
        .mcp
        .servers
        .get(call.server)
        .map_or("?", |s| s.name.as_str());
    let hint = if call.is_running() {
        " Esc cancel · b hide (keeps running) "
    } else {
        " Esc close · ↑↓ PgUp PgDn scroll "
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            fit(
                &format!(" tools/call {} on {server} ", call.tool),
                popup.width.saturating_sub(2) as usize,
            )
            .into_owned(),
            t.title(),
        ))
        .title_bottom(Span::styled(hint, t.muted()));
    let inner = block.inner(popup);
    let (word, color) = outcome(call, t);
    let elapsed = match call.elapsed {
        Some(d) => format!(" in {}", format::latency(d.as_secs_f64())),
        None => format!(
            " for {}",
            format::age((view.now_ms - call.started_ms).max(0) as f64 / 1000.0)
        ),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled("arguments ", t.muted()),
            Span::styled(
                args_inline(&call.arguments, inner.width.saturating_sub(10) as usize),
                t.text(),
            ),
        ]),
        Line::from(vec![
            Span::styled(word, Style::new().fg(color)),
            Span::styled(elapsed, t.muted()),
        ]),
    ];
    if let Some(text) = retry_line(call) {
        lines.push(Line::styled(text, Style::new().fg(t.warn)));
    }
    if let Some(task) = &call.task {
        lines.push(Line::from(vec![
            Span::styled(task.line(), Style::new().fg(t.accent)),
            Span::styled(format!("  (task {})", task.id), t.muted()),
        ]));
    }
    if let Some(p) = &call.progress {
        let bar_w = (inner.width as usize).saturating_sub(30).clamp(5, 40);
        lines.push(Line::styled(
            progress_bar(p, bar_w),
            Style::new().fg(t.accent),
        ));
    }
    lines.push(Line::raw(""));
    let body = result_lines(call, t);
    lines.extend(body);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .block(block)
        .render(popup, buf);
}
