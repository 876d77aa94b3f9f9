//! The fleet screen: one row per instance of query mode, or per target of a scraped fleet
//! (up/down, req/s, error %, P95, P99, last error), sorted by the column marked ▼/▲,
//! filtered with `/`; Enter drills into the selected one's overview.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};

use super::Scene;
use super::fit::{fit, fit_pad};
use super::format;
use super::level::{Level, LevelStyle};
use crate::model::fleet::{FleetColumn, InstanceRow};

/// Widths of the fixed columns; the instance and the last error share the rest.
const UP_W: usize = 7;
const NUM_W: usize = 9;

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let Some(q) = view.fleet else {
        Line::styled(format!(" {}", crate::action::FLEET_NEEDS), t.muted()).render(area, buf);
        return;
    };
    let rows = q.visible();
    let down = q.rows.iter().filter(|r| r.up == Some(false)).count();
    let mut title = vec![Span::styled(
        format!(
            " Fleet · {} ({} {}{}",
            q.title(),
            q.rows.len(),
            q.member_word(),
            if q.rows.len() == 1 { "" } else { "s" }
        ),
        t.title(),
    )];
    if down > 0 {
        title.push(Span::styled(", ", t.title()));
        title.push(Span::styled(
            format!("{down} down"),
            Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
        ));
    }
    title.push(Span::styled(") ", t.title()));
    if !q.order.filter.is_empty() || q.filtering {
        title.push(Span::styled(
            format!(" /{} ({} shown) ", q.order.filter, rows.len()),
            Style::new().fg(t.accent),
        ));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut top: Vec<Line> = Vec::new();
    if let Some(e) = view.dashboard.status.scrape.last_error.as_deref() {
        top.push(Line::styled(
            format!(" ✖ {}", fit(e, inner.width.saturating_sub(3) as usize)),
            Style::new().fg(t.crit),
        ));
    }
    if let Some(p) = &view.dashboard.profile_problem {
        top.push(Line::styled(format!(" ▲ {p}"), Style::new().fg(t.warn)));
    }
    if let Some(e) = &q.timeline_error {
        top.push(Line::styled(
            format!(
                " ▲ timeline: {}",
                fit(e, inner.width.saturating_sub(14) as usize)
            ),
            Style::new().fg(t.warn),
        ));
    }
    for w in q.warnings.iter().take(2) {
        // A store's failure (Thanos' partial response) says the numbers lack its data; a
        // scraped fleet's warnings (its targets file) are never about an API's answer.
        let what = match q.query().is_some() && crate::model::partial::is_partial(w) {
            true => "partial answer",
            false => "warning",
        };
        top.push(Line::styled(
            format!(
                " ▲ {what}: {}",
                fit(
                    w,
                    inner.width.saturating_sub(6 + what.len() as u16) as usize
                )
            ),
            Style::new().fg(t.warn),
        ));
    }
    let [notes, head, body] = Layout::vertical([
        Constraint::Length(top.len() as u16),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    for (i, line) in top.into_iter().enumerate() {
        line.render(Rect::new(notes.x, notes.y + i as u16, notes.width, 1), buf);
    }
    let w = inner.width as usize;
    Line::from(header(view, w)).render(head, buf);
    if rows.is_empty() {
        let text = if q.rows.is_empty() && q.scrape().is_some() {
            " no targets yet: waiting for the first scrape (or targets_file lists none)"
        } else if q.rows.is_empty() {
            " no instances yet: waiting for the first answer (or the selector matches nothing)"
        } else {
            " no instance matches the filter · Esc clears it"
        };
        Line::styled(text, t.muted()).render(body, buf);
        return;
    }
    let selected = q.row.min(rows.len() - 1);
    let height = body.height as usize;
    let offset = selected.saturating_sub(height.saturating_sub(1));
    for (n, r) in rows.iter().enumerate().skip(offset).take(height) {
        let area = Rect::new(body.x, body.y + (n - offset) as u16, body.width, 1);
        Line::from(row(view, r, w)).render(area, buf);
        if n == selected {
            // Over the row's own colours, so the selection reads in every theme.
            buf.set_style(area, t.selected());
        }
    }
}

/// `(instance width, last error width)` for a table `w` wide.
fn widths(w: usize) -> (usize, usize) {
    let rest = w.saturating_sub(1 + UP_W + 4 * NUM_W);
    let instance = (rest * 2 / 5).clamp(12.min(rest), 40);
    (instance, rest.saturating_sub(instance + 1))
}

fn header(view: &Scene, w: usize) -> Vec<Span<'static>> {
    let t = view.theme;
    let Some(q) = view.fleet else {
        return Vec::new();
    };
    let (iw, ew) = widths(w);
    let mut spans = vec![Span::raw(" ")];
    for c in FleetColumn::ALL {
        let mark = if c == q.order.column {
            if q.order.descending { "▼" } else { "▲" }
        } else {
            ""
        };
        let text = format!("{}{mark}", c.title());
        let cell = match c {
            FleetColumn::Instance => fit_pad(&text, iw + 1),
            FleetColumn::Up => fit_pad(&text, UP_W),
            FleetColumn::LastError => fit(&text, ew).into_owned(),
            _ => format!("{text:>width$} ", width = NUM_W - 1),
        };
        let style = if c == q.order.column {
            Style::new().fg(t.accent).add_modifier(Modifier::BOLD)
        } else {
            t.muted().add_modifier(Modifier::BOLD)
        };
        spans.push(Span::styled(cell, style));
    }
    spans
}

fn row(view: &Scene, r: &InstanceRow, w: usize) -> Vec<Span<'static>> {
    let t = view.theme;
    let th = view.thresholds;
    let (iw, ew) = widths(w);
    let (up_text, up_style) = match r.up {
        Some(true) => ("● up", Style::new().fg(t.ok)),
        Some(false) => (
            "✖ DOWN",
            Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
        ),
        None => ("? n/a", t.muted()),
    };
    let num = |text: String, style: Style| {
        Span::styled(format!("{text:>width$} ", width = NUM_W - 1), style)
    };
    let level = |v: Option<f64>, warn: f64, crit: f64| Level::of(v, warn, crit).style(t);
    let latency = |v: Option<f64>, lower: bool, warn: Duration, crit: Duration| {
        let text = match v {
            Some(x) if lower => format!(">{}", format::latency(x)),
            Some(x) => format::latency(x),
            None => "–".into(),
        };
        let style = Level::of_bound(v, lower, warn.as_secs_f64(), crit.as_secs_f64()).style(t);
        num(text, style)
    };
    vec![
        Span::raw(" "),
        Span::styled(fit_pad(&r.instance, iw + 1), t.text()),
        Span::styled(fit_pad(up_text, UP_W), up_style),
        num(r.req_per_sec.map_or("–".into(), format::number), t.text()),
        num(
            r.error_ratio.map_or("–".into(), format::percent),
            level(r.error_ratio, th.error_rate_warn, th.error_rate_crit),
        ),
        latency(r.p95, r.p95_lower_bound, th.p95_warn, th.p95_crit),
        latency(r.p99, r.p99_lower_bound, th.p99_warn, th.p99_crit),
        Span::styled(fit(&r.last_error, ew).into_owned(), Style::new().fg(t.crit)),
    ]
}
