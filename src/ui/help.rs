//! The help overlay, generated from the keymap of the mode it was opened over (the
//! screen's: what its keys do there) and the tool bindings; it flows into two columns
//! when one does not fit the height.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

use super::Scene;
use super::format;

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    // The replay's keys are listed in a replay only (elsewhere they only say so).
    let replaying = matches!(view.tape, Some(crate::screen::Tape::Replay { .. }));
    let replay_only = [
        crate::action::Action::ReplayPause,
        crate::action::Action::ReplayFaster,
        crate::action::Action::ReplaySlower,
    ]
    .map(crate::action::Action::description);
    let mut rows: Vec<(String, String)> = view
        .keymap
        .of_mode(view.mode)
        .help_rows()
        .into_iter()
        .filter(|(_, d)| replaying || !replay_only.contains(d))
        .map(|(k, d)| (k, d.to_string()))
        .collect();
    for b in view.bindings {
        let server = view
            .mcp
            .servers
            .get(b.server)
            .map_or("?", |s| s.name.as_str());
        let args = if b.args.is_empty() {
            String::new()
        } else {
            format!(" {}", super::mcp_text::args_inline(&b.args, 24))
        };
        rows.push((b.key.label(), format!("call {server}: {}{args}", b.tool)));
    }
    let key_w = rows
        .iter()
        .map(|(k, _)| super::fit::width(k))
        .max()
        .unwrap_or(0);
    let entry = |(keys, what): &(String, String)| {
        Line::from(vec![
            Span::styled(format!(" {}  ", super::fit::pad(keys, key_w)), t.title()),
            Span::styled(what.clone(), t.text()),
        ])
    };
    let footer = vec![
        Line::raw(""),
        Line::styled(
            format!(
                " Tiles: rate over [{}]; thresholds from the config.",
                format::span(view.window)
            ),
            t.muted(),
        ),
        Line::styled(" ✔ ok  ▲ warn  ✖ CRIT  · no data", t.muted()),
    ];
    let room = area.height.saturating_sub(2 + footer.len() as u16).max(1) as usize;
    let columns = if rows.len() > room { 2 } else { 1 };
    let per_col = rows.len().div_ceil(columns);
    let cols: Vec<Vec<Line>> = rows
        .chunks(per_col.max(1))
        .map(|c| c.iter().map(entry).collect())
        .collect();
    let col_w = cols
        .iter()
        .flatten()
        .map(|l| l.width() as u16)
        .max()
        .unwrap_or(20)
        + 2;
    let footer_w = footer.iter().map(|l| l.width() as u16).max().unwrap_or(0);
    let width = (col_w * cols.len() as u16)
        .max(footer_w)
        .saturating_add(2)
        .max(36);
    let height = per_col as u16 + footer.len() as u16 + 2;
    let [popup] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(popup);
    Clear.render(popup, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(" Help: keys ", t.title()));
    let inner = block.inner(popup);
    block.render(popup, buf);
    let [body, foot] = Layout::vertical([
        Constraint::Length(per_col as u16),
        Constraint::Length(footer.len() as u16),
    ])
    .areas(inner);
    let col_areas = Layout::horizontal(vec![Constraint::Length(col_w); cols.len()]).split(body);
    for (mut lines, a) in cols.into_iter().zip(col_areas.iter()) {
        // A terminal narrower than the help cuts its rows with `…`.
        for l in &mut lines {
            super::fit::fit_spans(&mut l.spans, usize::from(a.width));
        }
        Paragraph::new(lines).render(*a, buf);
    }
    Paragraph::new(footer).render(foot, buf);
}
