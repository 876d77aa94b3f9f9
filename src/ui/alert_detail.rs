//! One alert in detail: priority, state, times, every label and annotation, links, and
//! the runbook of its alertname rendered from Markdown; scrolled with ↑↓.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::Scene;
use super::alert_text::{origin_word, priority_style, relative, state_style, state_text, utc};
use crate::model::alerts::{AlertOrigin, AlertRow, short_id};
use crate::screen::nav::AlertDetail;

pub fn render(view: &Scene, d: &AlertDetail, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let popup = super::centered(area, 90, 94);
    Clear.render(popup, buf);
    let rows = view.alerts.rows();
    let row = rows.iter().find(|r| r.alert.fingerprint == d.fingerprint);
    let mut lines: Vec<Line> = match row {
        Some(r) => facts(view, r),
        None => vec![Line::styled(
            "this alert is no longer reported (it resolved or its source dropped it)",
            Style::new().fg(t.warn),
        )],
    };
    if let Some(rb) = &d.runbook {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "── runbook {} ",
                rb.path.file_name().map_or_else(
                    || rb.path.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
            t.title(),
        ));
        match &rb.text {
            Ok(text) => lines.extend(markdown(text)),
            Err(e) => lines.push(Line::styled(e.clone(), Style::new().fg(t.crit))),
        }
    }
    let name = row.map_or("alert", |r| r.alert.name());
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((d.scroll, 0))
        .block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(t.border())
                .title(Span::styled(format!(" {name} "), t.title()))
                .title_bottom(Span::styled(
                    " s silence · ↑↓ PgUp PgDn scroll · Esc close ",
                    t.muted(),
                )),
        )
        .render(popup, buf);
}

/// Everything Alertmanager (or the rule) says about the alert.
fn facts(view: &Scene, r: &AlertRow) -> Vec<Line<'static>> {
    let t = view.theme;
    let a = r.alert;
    let key = |k: &str| Span::styled(format!("{k:<13}"), t.muted());
    let mut lines = vec![
        Line::from(vec![
            key("priority"),
            Span::styled(
                format!("{} {}", r.priority.label(), r.priority.name()),
                priority_style(r.priority, t),
            ),
            Span::raw("   "),
            Span::styled(state_text(a.state), state_style(a.state, t)),
            Span::styled(format!("   from {}", origin_word(a)), t.muted()),
        ]),
        Line::from(vec![
            key("since"),
            Span::styled(
                format!(
                    "{} UTC ({})",
                    utc(a.starts_at_ms),
                    relative(view.now_ms, a.starts_at_ms)
                ),
                t.text(),
            ),
        ]),
    ];
    if let Some(end) = a.ends_at_ms {
        lines.push(Line::from(vec![
            key("ends"),
            Span::styled(
                format!("{} UTC ({})", utc(end), relative(view.now_ms, end)),
                t.text(),
            ),
        ]));
    }
    let list = |v: &[String], short: bool| {
        v.iter()
            .map(|s| {
                if short {
                    short_id(s).to_string()
                } else {
                    s.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !a.silenced_by.is_empty() {
        lines.push(Line::from(vec![
            key("silenced by"),
            Span::styled(list(&a.silenced_by, true), t.text()),
        ]));
    }
    if !a.inhibited_by.is_empty() {
        lines.push(Line::from(vec![
            key("inhibited by"),
            Span::styled(list(&a.inhibited_by, false), t.text()),
        ]));
    }
    if !a.receivers.is_empty() {
        lines.push(Line::from(vec![
            key("receivers"),
            Span::styled(list(&a.receivers, false), t.text()),
        ]));
    }
    if let AlertOrigin::Alertmanager { instances } = &a.origin {
        let urls: Vec<String> = instances
            .iter()
            .filter_map(|i| view.alerts.instances.get(*i).map(|x| x.url.clone()))
            .collect();
        lines.push(Line::from(vec![
            key("reported by"),
            Span::styled(urls.join(", "), t.text()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("labels", t.title()));
    for (k, v) in &a.labels {
        lines.push(Line::from(vec![
            Span::styled(format!("  {k}"), t.muted()),
            Span::styled(format!("=\"{v}\""), t.text()),
        ]));
    }
    lines.push(Line::styled("annotations", t.title()));
    // summary and description first, then the others by name.
    let order = ["summary", "description"];
    let mut keys: Vec<&String> = a.annotations.keys().collect();
    keys.sort_by_key(|k| (order.iter().position(|o| o == k).unwrap_or(order.len()), *k));
    if keys.is_empty() {
        lines.push(Line::styled("  (none)", t.muted()));
    }
    for k in keys {
        let v = &a.annotations[k];
        let style = if k == "summary" {
            t.text().add_modifier(Modifier::BOLD)
        } else {
            t.text()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {k}: "), t.muted()),
            Span::styled(v.clone(), style),
        ]));
    }
    if let Some(url) = &a.generator_url {
        lines.push(Line::from(vec![
            key("generator"),
            Span::styled(url.clone(), t.muted()),
        ]));
    }
    lines
}

/// The runbook's Markdown as styled lines (headings, lists, emphasis, code).
fn markdown(text: &str) -> Vec<Line<'static>> {
    let rendered: Text = tui_markdown::from_str(text);
    rendered
        .lines
        .into_iter()
        .map(|l| {
            Line::from(
                l.spans
                    .into_iter()
                    .map(|s| Span::styled(s.content.into_owned(), s.style))
                    .collect::<Vec<_>>(),
            )
            .style(l.style)
        })
        .collect()
}
