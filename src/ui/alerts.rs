//! The alerts screen: where alerts come from, then Alertmanager's and the local rules'
//! alerts grouped by priority (P0 first), the selected one highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::Scene;
use super::alert_sources;
use super::alert_text::{
    STATE_W, age_of, key_labels, origin_word, priority_style, state_style, state_text,
};
use super::fit::{fit, fit_pad, width};
use crate::model::alerts::{AlertRow, AlertState, Priority};

/// Summaries are shown when this many columns are left for labels and summary.
const SUMMARY_FROM: usize = 60;

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let sources = alert_sources::lines(view, area.width as usize);
    let [top, list] =
        Layout::vertical([Constraint::Length(sources.len() as u16), Constraint::Min(0)])
            .areas(area);
    Paragraph::new(sources).render(top, buf);
    let rows = view.alerts.rows();
    let firing: usize = view.alerts.counts().iter().sum();
    let title = if rows.is_empty() {
        " Alerts ".to_string()
    } else {
        format!(
            " Alerts ({}, {firing} firing; Enter shows one) ",
            rows.len()
        )
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(title, t.title()));
    let inner = block.inner(list);
    block.render(list, buf);
    if rows.is_empty() {
        empty(view, inner, buf);
        return;
    }
    let cols = Columns::of(&rows, view.now_ms, inner.width as usize);
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    cols.header(view).render(head, buf);
    let items = items(&rows);
    let selected = view.nav.alert.min(rows.len() - 1);
    let at = items
        .iter()
        .position(|i| *i == Item::Row(selected))
        .unwrap_or(0);
    let height = body.height as usize;
    // Keep the selected row in view, with its group's header when there is room.
    let group = items[..=at]
        .iter()
        .rposition(|i| matches!(i, Item::Group(_)))
        .unwrap_or(0);
    let mut offset = at.saturating_sub(height.saturating_sub(1));
    if offset > group && at - group < height {
        offset = group;
    }
    for (n, item) in items.iter().skip(offset).take(height).enumerate() {
        let r = Rect::new(body.x, body.y + n as u16, body.width, 1);
        match *item {
            Item::Group(p) => group_line(view, &rows, p).render(r, buf),
            Item::Row(i) => {
                if i == selected {
                    buf.set_style(r, t.selected());
                }
                cols.row(view, &rows[i], i == selected).render(r, buf);
            }
        }
    }
}

/// What the list shows line by line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Item {
    /// The header of a priority's group.
    Group(Priority),
    /// An index into the rows.
    Row(usize),
}

fn items(rows: &[AlertRow]) -> Vec<Item> {
    let mut out = Vec::new();
    let mut last = None;
    for (i, r) in rows.iter().enumerate() {
        if last != Some(r.priority) {
            out.push(Item::Group(r.priority));
            last = Some(r.priority);
        }
        out.push(Item::Row(i));
    }
    out
}

/// `P1 High · 2 firing · 1 silenced`.
fn group_line(view: &Scene, rows: &[AlertRow], p: Priority) -> Line<'static> {
    let t = view.theme;
    let mut spans = vec![Span::styled(
        format!(" {} {}", p.label(), p.name()),
        priority_style(p, t).add_modifier(Modifier::UNDERLINED),
    )];
    let states = [
        AlertState::Firing,
        AlertState::Pending,
        AlertState::Silenced,
        AlertState::Inhibited,
        AlertState::Resolved,
    ];
    for s in states {
        let n = rows
            .iter()
            .filter(|r| r.priority == p && r.alert.state == s)
            .count();
        if n > 0 {
            spans.push(Span::styled(format!(" · {n} {}", s.label()), t.muted()));
        }
    }
    Line::from(spans)
}

/// Column widths, fitted to the rows and the width.
struct Columns {
    name: usize,
    age: usize,
    labels: usize,
    /// 0 when summaries are not shown.
    summary: usize,
}

/// Marker, priority, state: `▶ P1 ● firing    `.
const LEAD: usize = 2 + 3 + STATE_W + 1;
const ORIGIN_W: usize = 5;

impl Columns {
    fn of(rows: &[AlertRow], now_ms: i64, w: usize) -> Columns {
        let name = rows
            .iter()
            .map(|r| width(r.alert.name()))
            .max()
            .unwrap_or(0)
            .clamp(9, 30)
            .min(w / 4);
        let age = rows
            .iter()
            .map(|r| width(&age_of(r.alert, now_ms)))
            .max()
            .unwrap_or(0)
            .max(3);
        let rest = w.saturating_sub(LEAD + name + 1 + age + 1 + ORIGIN_W + 1);
        let has_summary = rows.iter().any(|r| r.alert.annotation("summary").is_some());
        let widest_labels = rows
            .iter()
            .map(|r| width(&key_labels(r.alert)))
            .max()
            .unwrap_or(0)
            .max(6);
        let (labels, summary) = if has_summary && rest >= SUMMARY_FROM {
            let labels = widest_labels.min(rest / 2);
            (labels, rest - labels - 2)
        } else {
            (rest, 0)
        };
        Columns {
            name,
            age,
            labels,
            summary,
        }
    }

    fn header(&self, view: &Scene) -> Line<'static> {
        let mut text = format!(
            "  P  {}{} {:>age$} {}",
            fit_pad("state", STATE_W + 1),
            fit_pad("alertname", self.name),
            "age",
            fit_pad("from", ORIGIN_W + 1),
            age = self.age
        );
        if self.summary > 0 {
            text.push_str(&fit_pad("labels", self.labels + 2));
            text.push_str("summary");
        } else {
            text.push_str("labels");
        }
        Line::styled(text, view.theme.title())
    }

    fn row(&self, view: &Scene, row: &AlertRow, selected: bool) -> Line<'static> {
        let t = view.theme;
        let a = row.alert;
        let pick = |style: Style| if selected { t.selected() } else { style };
        let mut spans = vec![
            Span::styled(if selected { "▶ " } else { "  " }, pick(t.title())),
            Span::styled(
                format!("{} ", row.priority.label()),
                pick(priority_style(row.priority, t)),
            ),
            Span::styled(
                fit_pad(&state_text(a.state), STATE_W + 1),
                pick(state_style(a.state, t)),
            ),
            Span::styled(fit_pad(a.name(), self.name), pick(t.text())),
            Span::styled(
                format!(" {:>w$} ", age_of(a, view.now_ms), w = self.age),
                pick(t.text()),
            ),
            Span::styled(fit_pad(origin_word(a), ORIGIN_W + 1), pick(t.muted())),
        ];
        let labels = key_labels(a);
        if self.summary > 0 {
            spans.push(Span::styled(
                fit_pad(&labels, self.labels + 2),
                pick(t.muted()),
            ));
            let summary = a.annotation("summary").unwrap_or("");
            spans.push(Span::styled(
                fit(summary, self.summary).into_owned(),
                pick(t.text()),
            ));
        } else {
            spans.push(Span::styled(
                fit(&labels, self.labels).into_owned(),
                pick(t.muted()),
            ));
        }
        Line::from(spans)
    }
}

/// `no alerts`, and whether the sources behind that are fine.
fn empty(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let rules = view.rules;
    let (why, style) = if !view.alerts.has_alertmanager() {
        (
            format!("{rules} local rules evaluated; no Alertmanager configured"),
            t.muted(),
        )
    } else if alert_sources::all_ok(view) {
        (
            format!("Alertmanager answers and reports none; {rules} local rules evaluated"),
            t.muted(),
        )
    } else if alert_sources::none_failed(view) {
        (
            format!("waiting for Alertmanager's first answer; {rules} local rules evaluated"),
            t.muted(),
        )
    } else {
        (
            "but an Alertmanager is failing (see above): alerts may be missing".to_string(),
            Style::new().fg(t.warn),
        )
    };
    Paragraph::new(vec![
        Line::styled(
            "✔ no alerts",
            Style::new().fg(t.ok).add_modifier(Modifier::BOLD),
        ),
        Line::styled(why, style),
    ])
    .wrap(Wrap { trim: true })
    .render(area, buf);
}
