//! The error summary beside the log pane: lines per level over the last 5 minutes and
//! hour (Loki's `count_over_time` when Loki is the source and a label holds the level,
//! else the kept lines, named with the span they really cover), notes saying what was
//! counted (wrapped whole), and the most frequent error messages.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::Scene;
use super::fit::{chunks, fit, pad_left};
use crate::model::logs::Level;
use crate::model::logs::summary::{FIVE_MIN_NS, LevelCounts};
use crate::screen::logs::LogSource;

/// A note under the figures and its colour.
enum Note {
    /// How the figures were counted.
    Info(String),
    /// Figures not what the title says (a failure, a fallback).
    Warn(String),
}

/// The figures to show, where they come from (the title) and the notes that say what
/// they count: Loki's counts by its level label; else the kept lines' levels, with Loki's
/// totals or its error.
fn figures<'a>(view: &'a Scene, source: LogSource) -> (&'a LevelCounts, &'static str, Vec<Note>) {
    let kept = &view.log_summary.counts;
    let loki_counts = match (source, view.loki) {
        (LogSource::Loki, Some(l)) => l.counts.as_ref(),
        _ => None,
    };
    let mut notes = Vec::new();
    let over = kept.span_ns.map_or_else(
        || "the last hour".to_string(),
        |s| format!("the last {}", span(s)),
    );
    let counts = match loki_counts {
        Some(Ok(c)) if c.level_by.is_some() => {
            let by = c.level_by.as_deref().unwrap_or("level");
            if by != "level" {
                notes.push(Note::Info(format!("levels by Loki's `{by}`")));
            }
            if c.unlabelled.1 > 0.0 {
                notes.push(Note::Info(format!(
                    "without `{by}`: 5m {} · 1h {}",
                    count(c.unlabelled.0),
                    n_lines(c.unlabelled.1)
                )));
            }
            return (c, "LogQL count_over_time", with_parser_note(c, notes));
        }
        Some(Ok(c)) => {
            notes.push(Note::Warn(format!(
                "no level label in Loki: levels from kept lines over {over}"
            )));
            notes.push(Note::Info(format!(
                "Loki counts 5m {} · 1h {}",
                count(c.unlabelled.0),
                n_lines(c.unlabelled.1)
            )));
            notes = with_parser_note(c, notes);
            kept
        }
        Some(Err(e)) => {
            notes.push(Note::Warn(format!("count_over_time failed: {e}")));
            notes.push(Note::Warn(format!("figures from kept lines over {over}")));
            kept
        }
        None => {
            if let Some(s) = kept.span_ns {
                notes.push(Note::Info(format!("kept lines reach back {}", span(s))));
            }
            kept
        }
    };
    (counts, "kept lines", notes)
}

fn with_parser_note(c: &LevelCounts, mut notes: Vec<Note>) -> Vec<Note> {
    if c.parse_errors_dropped {
        notes.push(Note::Info(
            "lines the parser rejects are not counted".to_string(),
        ));
    }
    notes
}

pub fn render(view: &Scene, source: LogSource, area: Rect, buf: &mut Buffer) {
    if area.height < 3 || area.width < 20 {
        return;
    }
    let t = view.theme;
    let (counts, origin, mut notes) = figures(view, source);
    // Kept lines without a level are counted apart, never as a level column.
    if let Some((_, m5, h1)) = counts.rows.iter().find(|(l, _, _)| l == "-") {
        notes.push(Note::Info(format!(
            "without a level: {}{}",
            if counts.span_ns.is_some_and(|s| s < FIVE_MIN_NS) {
                String::new()
            } else {
                format!("5m {} · ", count(*m5))
            },
            n_lines(*h1)
        )));
    }
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
        .filter(|(level, _, _)| level != "-")
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
    // The windows' names: what the kept lines really span when it is less (one row when
    // that is under 5 minutes: both figures are the same).
    let (five, hour) = match counts.span_ns {
        Some(s) if s < FIVE_MIN_NS => (None, span(s)),
        Some(s) => (Some("5m".to_string()), span(s)),
        None => (Some("5m".to_string()), "1h".to_string()),
    };
    let mut lines = Vec::new();
    if cols.is_empty() {
        lines.push(Line::styled(
            format!(
                "no lines in {}",
                if hour == "1h" {
                    "the last hour"
                } else {
                    "them"
                }
            ),
            t.muted(),
        ));
    } else {
        let mut head = vec![Span::styled(format!("{:<4}", ""), t.muted())];
        let mut m5_row = vec![Span::styled(
            format!("{:<4}", five.as_deref().unwrap_or("")),
            t.muted(),
        )];
        let mut h1_row = vec![Span::styled(format!("{hour:<4}"), t.muted())];
        for (name, style, m5, h1) in &cols {
            head.push(Span::styled(
                pad_left(name, 7),
                style.add_modifier(Modifier::BOLD),
            ));
            m5_row.push(Span::styled(format!("{:>7}", count(*m5)), *style));
            h1_row.push(Span::styled(format!("{:>7}", count(*h1)), *style));
        }
        lines.push(Line::from(head));
        if five.is_some() {
            lines.push(Line::from(m5_row));
        }
        lines.push(Line::from(h1_row));
    }
    // Notes whole, wrapped at the pane's width.
    for note in notes {
        let (text, style) = match note {
            Note::Info(n) => (n, t.muted()),
            Note::Warn(n) => (n, Style::new().fg(t.warn)),
        };
        for piece in wrap(&text, usize::from(inner.width)) {
            lines.push(Line::styled(piece, style));
        }
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

/// `1 line`, `1,380 lines`.
fn n_lines(v: f64) -> String {
    let n = count(v);
    if n == "1" {
        "1 line".to_string()
    } else {
        format!("{n} lines")
    }
}

/// A span as the windows' names are written: `45s`, `23m`.
fn span(ns: i64) -> String {
    let s = ns / 1_000_000_000;
    if s < 60 {
        format!("{}s", s.max(1))
    } else {
        format!("{}m", s / 60)
    }
}

/// `text` in lines of at most `width` columns, broken at spaces (a longer word is cut
/// where the line ends).
pub(super) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let used = super::fit::width(&line);
        let w = super::fit::width(word);
        if used > 0 && used + 1 + w <= width {
            line.push(' ');
            line.push_str(word);
            continue;
        }
        if used > 0 {
            out.push(std::mem::take(&mut line));
        }
        if w <= width {
            line.push_str(word);
        } else {
            let mut pieces = chunks(word, width);
            line = pieces.pop().unwrap_or_default();
            out.extend(pieces);
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// A whole count with thousands separators; `1.2M` from a million.
fn count(v: f64) -> String {
    if v >= 1_000_000.0 {
        format!("{:.1}M", v / 1_000_000.0)
    } else {
        super::logs::group(v.round().max(0.0) as usize)
    }
}
