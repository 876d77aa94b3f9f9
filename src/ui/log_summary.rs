//! The error summary beside the log pane: lines per level over the last 5 minutes and
//! hour (Loki's `count_over_time` when Loki is the source, else the kept lines), and the
//! most frequent error messages.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::View;
use super::fit::{fit, pad_left};
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
    // Levels across, windows down: fits beside the pane and below it alike.
    let cols: Vec<(String, Style, f64, f64)> = counts
        .rows
        .iter()
        .map(|(level, m5, h1)| {
            let parsed = Level::parse(level);
            let style = match parsed {
                Some(Level::Critical | Level::Error) => Style::new().fg(t.crit),
                Some(Level::Warn) => Style::new().fg(t.warn),
                _ => t.text(),
            };
            let name = parsed.map_or_else(|| fit(level, 6).into_owned(), |l| l.word().to_string());
            (name, style, *m5, *h1)
        })
        .collect();
    let mut lines = Vec::new();
    if cols.is_empty() {
        lines.push(Line::styled("no lines in the last hour", t.muted()));
    } else {
        let mut head = vec![Span::styled(format!("{:<4}", ""), t.muted())];
        let mut m5_row = vec![Span::styled(format!("{:<4}", "5m"), t.muted())];
        let mut h1_row = vec![Span::styled(format!("{:<4}", "1h"), t.muted())];
        for (name, style, m5, h1) in &cols {
            head.push(Span::styled(
                pad_left(name, 7),
                style.add_modifier(Modifier::BOLD),
            ));
            m5_row.push(Span::styled(format!("{:>7}", count(*m5)), *style));
            h1_row.push(Span::styled(format!("{:>7}", count(*h1)), *style));
        }
        lines.extend([Line::from(head), Line::from(m5_row), Line::from(h1_row)]);
    }
    if let Some(n) = note {
        lines.push(Line::styled(
            fit(&n, usize::from(inner.width)).into_owned(),
            Style::new().fg(t.warn),
        ));
    }
    lines.push(Line::styled(
        "Top errors (last hour, kept lines)",
        t.muted().add_modifier(Modifier::BOLD),
    ));
    if view.log_summary.top.is_empty() {
        lines.push(Line::styled("no error lines", t.muted()));
    }
    let width = usize::from(inner.width).saturating_sub(7);
    for e in &view.log_summary.top {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:>6} ", count(e.count as f64)),
                Style::new().fg(t.crit),
            ),
            Span::styled(fit(&e.message, width).into_owned(), t.text()),
        ]));
    }
    Paragraph::new(lines).render(inner, buf);
}

/// A whole count with thousands separators; `1.2M` from a million.
fn count(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else {
        super::logs::group(v.round().max(0.0) as usize)
    }
}
