//! The footer: key hints of the input mode beneath the overlays (from its keymap), or a
//! toast, or a stalled audit log, and what the model holds. The counters on the right are
//! never overdrawn: a toast longer than
//! the room left of them ends with `…`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::Scene;
use super::fit::{fit_spans, width};
use crate::action::{Action, Hints};

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
    // A recording written or replayed is said before the counters, never cut.
    let right = match &view.tape {
        Some(tape) => format!(" {} · {right}", tape.text()),
        None => right,
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

/// Key hints of the mode beneath the overlays that fit in `room` cells, most important
/// first: the mode's hint list ([`crate::action::Mode::hints`]) with the keys its keymap
/// binds them to (an unbound action is left out), or the mode's fixed line.
fn hints(view: &Scene, room: usize) -> Vec<Span<'static>> {
    let t = view.theme;
    let actions = match view.mode.hints() {
        Hints::Text(text) => return vec![Span::styled(text, t.muted())],
        Hints::Keys(actions) => actions,
        // The forms' labels are drawn in their boxes, never beneath.
        Hints::Labels(_) => return Vec::new(),
    };
    let keymap = view.keymap.of_mode(view.mode);
    let mut spans = Vec::new();
    let mut used = 0;
    for &action in actions {
        // The LogQL query exists only with a Loki source.
        if action == Action::EditQuery && view.loki.is_none() {
            continue;
        }
        if let Some(k) = keymap.key_for(action) {
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
