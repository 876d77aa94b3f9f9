//! Asking before a silence write: what will be sent and which alerts it matches (create),
//! or which silence ends and what it mutes now (expire). Only `y` sends.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::Scene;
use super::alert_text::{compact_rows, utc};
use super::format;
use crate::model::alerts::{AlertRow, AmWrite, Matcher, short_id};

/// Alerts listed at most in the dialog.
const LISTED: usize = 8;

pub fn render(view: &Scene, w: &AmWrite, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let width = area.width.min(96);
    let inner_w = width.saturating_sub(2) as usize;
    let key = |k: &str| Span::styled(format!("{k:<10}"), t.muted());
    let bold = t.text().add_modifier(Modifier::BOLD);
    let endpoint = view
        .alerts
        .instances
        .first()
        .map_or(String::new(), |i| i.url.clone());
    let (title, mut lines, rows, verb): (&str, Vec<Line>, Vec<AlertRow>, &str) = match w {
        AmWrite::CreateSilence(d) => {
            let secs = (d.ends_at_ms - d.starts_at_ms).max(0) as u64 / 1000;
            let lines = vec![
                Line::styled(
                    format!("Create this silence in Alertmanager ({endpoint})?"),
                    bold,
                ),
                Line::from(vec![
                    key("matchers"),
                    Span::styled(Matcher::format_list(&d.matchers), bold),
                ]),
                Line::from(vec![
                    key("for"),
                    Span::styled(format::span(std::time::Duration::from_secs(secs)), bold),
                    Span::styled(
                        format!("   {} → {} UTC", utc(d.starts_at_ms), utc(d.ends_at_ms)),
                        t.text(),
                    ),
                ]),
                Line::from(vec![
                    key("author"),
                    Span::styled(d.created_by.clone(), t.text()),
                ]),
                Line::from(vec![
                    key("comment"),
                    Span::styled(d.comment.clone(), t.text()),
                ]),
                Line::raw(""),
            ];
            (
                " Confirm silence ",
                lines,
                view.alerts.matching(&d.matchers),
                "create",
            )
        }
        AmWrite::ExpireSilence { id } => {
            let silence = view.alerts.silences().into_iter().find(|s| &s.id == id);
            let mut lines = vec![Line::styled(
                format!(
                    "Expire silence {} in Alertmanager ({endpoint})?",
                    short_id(id)
                ),
                bold,
            )];
            if let Some(s) = silence {
                lines.push(Line::from(vec![
                    key("matchers"),
                    Span::styled(Matcher::format_list(&s.matchers), bold),
                ]));
                lines.push(Line::from(vec![
                    key("by"),
                    Span::styled(s.created_by.clone(), t.text()),
                ]));
                lines.push(Line::from(vec![
                    key("comment"),
                    Span::styled(s.comment.clone(), t.text()),
                ]));
            }
            lines.push(Line::raw(""));
            let rows = view
                .alerts
                .rows()
                .into_iter()
                .filter(|r| r.alert.silenced_by.iter().any(|s| s == id))
                .collect();
            (" Confirm expiry ", lines, rows, "expire")
        }
    };
    let head = match (w, rows.len()) {
        (AmWrite::CreateSilence(_), 0) => Line::styled(
            "⚠ It matches no alert now; it will silence alerts that match later.",
            Style::new().fg(t.warn),
        ),
        (AmWrite::CreateSilence(_), n) => {
            Line::styled(format!("It will silence {n} alert(s) now:"), t.text())
        }
        (AmWrite::ExpireSilence { .. }, 0) => Line::styled("It silences no alert now.", t.muted()),
        (AmWrite::ExpireSilence { .. }, n) => Line::styled(
            format!("These {n} alert(s) will notify again:"),
            Style::new().fg(t.warn),
        ),
    };
    lines.push(head);
    lines.extend(compact_rows(&rows, t, inner_w, LISTED));
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(" y ", Style::new().fg(t.ok).add_modifier(Modifier::BOLD)),
        Span::styled(format!("{verb}   "), t.text()),
        Span::styled(" n / Esc ", t.title()),
        Span::styled("cancel, nothing is sent", t.text()),
    ]));
    let rows_needed: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_w.max(1)))
        .sum();
    let popup = super::centered_fixed(area, width, (rows_needed as u16 + 2).min(area.height));
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(Style::new().fg(t.warn))
                .title(Span::styled(title, t.title()))
                .title_bottom(Span::styled(format!(" y {verb} · n cancel "), t.muted())),
        )
        .render(popup, buf);
}
