//! The footer: key hints for the screen in view (from the keymap), or a toast, or a
//! stalled audit log, and what the model holds. The counters on the right are never overdrawn: a toast longer than
//! the room left of them ends with `…`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::Scene;
use super::fit::{fit_spans, width};
use crate::action::{Action, Screen};

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let right = match view.fleet {
        Some(q) if q.query().is_some() => format!("{} instances · query mode ", q.rows.len()),
        Some(q) => format!(
            "{} targets · {} series ",
            q.rows.len(),
            q.instances
                .values()
                .map(|d| d.series_count())
                .sum::<usize>()
        ),
        None => format!(
            "{} series · {} samples ",
            view.dashboard.series_count(),
            view.dashboard.sample_count()
        ),
    };
    // The counters get their width first; the message or the hints fit into the rest,
    // two columns short of them, a message cut with `…`.
    let right_w = width(&right).min(usize::from(area.width)) as u16;
    let [left_area, _, right_area] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(2),
        Constraint::Length(right_w),
    ])
    .areas(area);
    if let Some(toast) = view.nav.toast.as_ref().filter(|t| t.until_ms > view.now_ms) {
        let (sym, color) = if toast.error {
            ("✖ ", t.crit)
        } else {
            ("✔ ", t.ok)
        };
        let mut spans = vec![
            Span::styled(format!(" {sym}"), Style::new().fg(color)),
            Span::styled(toast.text.as_str(), Style::new().fg(color)),
        ];
        fit_spans(&mut spans, usize::from(left_area.width));
        Line::from(spans).render(left_area, buf);
    } else if let Some(stall) = view.audit_stall {
        // Lines the operator's actions left for the audit log and that the file system
        // has not taken: in sight until it does.
        let mut spans = vec![Span::styled(
            format!(" ⚠ audit log stalled: {stall}"),
            Style::new().fg(t.crit),
        )];
        fit_spans(&mut spans, usize::from(left_area.width));
        Line::from(spans).render(left_area, buf);
    } else {
        Line::from(hints(view, left_area.width as usize)).render(left_area, buf);
    }
    Line::styled(right, t.muted()).render(right_area, buf);
}

/// Key hints that fit in `room` cells, most important first.
fn hints(view: &Scene, room: usize) -> Vec<Span<'static>> {
    let t = view.theme;
    let mut actions = vec![Action::ToggleHelp, Action::Quit, Action::NextScreen];
    match view.nav.screen {
        Screen::Tools if view.nav.filtering => {
            return vec![Span::styled(
                " filter: type to narrow the list · Enter keep · Esc clear",
                t.muted(),
            )];
        }
        Screen::Tools => actions.extend([
            Action::Open,
            Action::NextList,
            Action::Filter,
            Action::NextServer,
            Action::Refresh,
            Action::Reconnect,
        ]),
        Screen::Calls => actions.extend([Action::Open, Action::Down]),
        Screen::Logs if view.nav.log_filtering => {
            return vec![Span::styled(
                " filter: type a substring (~ for a regex), applied as you type · Enter keep · \
                 Esc clear",
                t.muted(),
            )];
        }
        Screen::Logs => {
            actions.extend([Action::Filter, Action::Pause, Action::Open, Action::Wrap]);
            if view.loki.is_some() {
                actions.push(Action::EditQuery);
            }
            actions.extend([Action::NextServer, Action::Bottom]);
        }
        Screen::Alerts => actions.extend([Action::Open, Action::Silence, Action::Down]),
        Screen::Silences => actions.extend([Action::Silence, Action::Expire, Action::Down]),
        Screen::Fleet if view.fleet.is_some_and(|q| q.filtering) => {
            return vec![Span::styled(
                " filter: type part of an instance, job or error · Enter keep · Esc clear",
                t.muted(),
            )];
        }
        Screen::Fleet => actions.extend([
            Action::Open,
            Action::Filter,
            Action::Sort,
            Action::SortReverse,
            Action::Command,
        ]),
        Screen::Overview if view.fleet.is_some_and(|q| q.drilled.is_some()) => {
            actions.extend([Action::Back, Action::Command]);
        }
        Screen::Overview => {}
    }
    let mut spans = Vec::new();
    let mut used = 0;
    for action in actions {
        if let Some(k) = view.keymap.key_for(action) {
            let w = width(&k.label()) + width(action.short()) + 5;
            if used + w > room {
                break;
            }
            used += w;
            spans.push(Span::styled(format!(" {} ", k.label()), t.key()));
            spans.push(Span::styled(format!(" {}  ", action.short()), t.muted()));
        }
    }
    spans
}
