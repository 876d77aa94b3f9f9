//! The error summary beside the log pane: lines per level over the last 5 minutes and
//! hour (Loki's `count_over_time` when Loki is the source, else the kept lines), and the
//! most frequent error messages.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::View;
use super::format;
use crate::app::LogSource;
use crate::model::logs::Level;
use crate::model::logs::summary::LevelCounts;

pub fn render(view: &View, source: LogSource, area: Rect, buf: &mut Buffer) {
    if area.height < 3 || area.width < 20 {
        return;
    }
    let t = view.theme;
    let loki_counts = match (source, view.loki) {
        (LogSource::Loki, Some(l)) => l.counts.as_ref(),
        _ => None,
    };
    let (counts, note): (&LevelCounts, Option<String>) = match loki_counts {
        Some(Ok(c)) => (c, None),
        Some(Err(e)) => (
            &view.log_summary.counts,
            Some(format!("count_over_time failed: {e}; counting kept lines")),
        ),
        None => (&view.log_summary.counts, None),
    };
    let origin = if counts.origin == "loki" {
        "LogQL count_over_time"
    } else {
        "kept lines"
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(format!(" Errors · {origin} "), t.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines = vec![Line::styled(
        format!("{:<8}{:>10}{:>10}", "LEVEL", "5m", "1h"),
        t.muted().add_modifier(Modifier::BOLD),
    )];
    if counts.rows.is_empty() {
        lines.push(Line::styled("no lines in the last hour", t.muted()));
    }
    for (level, m5, h1) in &counts.rows {
        let style = match Level::parse(level) {
            Some(Level::Critical | Level::Error) => Style::new().fg(t.crit),
            Some(Level::Warn) => Style::new().fg(t.warn),
            _ => t.text(),
        };
        lines.push(Line::styled(
            format!(
                "{:<8}{:>10}{:>10}",
                fit(level, 8),
                format::number(*m5),
                format::number(*h1)
            ),
            style,
        ));
    }
    if let Some(n) = note {
        lines.push(Line::styled(n, Style::new().fg(t.warn)));
    }
    lines.push(Line::styled(
        "Top errors, last hour of kept lines",
        t.muted().add_modifier(Modifier::BOLD),
    ));
    if view.log_summary.top.is_empty() {
        lines.push(Line::styled("no error lines", t.muted()));
    }
    for e in &view.log_summary.top {
        lines.push(Line::from(vec![
            Span::styled(format!("{:>6} ", e.count), Style::new().fg(t.crit)),
            Span::styled(e.message.clone(), t.text()),
        ]));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

fn fit(text: &str, w: usize) -> String {
    text.chars().take(w).collect()
}
