//! The silences screen: where silences come from, then Alertmanager's silences (active,
//! pending, expired), the selected one highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::Scene;
use super::alert_sources;
use super::alert_text::{silence_style, silence_when};
use super::fit::{fit, fit_pad};
use crate::model::alerts::{Matcher, Silence, short_id};

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let mut top = alert_sources::lines(view, area.width as usize);
    if view.silences_read_only {
        top.push(Line::styled(
            " read-only mode: silences cannot be created or expired (--read-only / alerts.read_only)",
            Style::new().fg(t.warn),
        ));
    }
    let [top_area, list] =
        Layout::vertical([Constraint::Length(top.len() as u16), Constraint::Min(0)]).areas(area);
    Paragraph::new(top).render(top_area, buf);
    let silences = view.alerts.silences();
    let active = silences
        .iter()
        .filter(|s| s.state == crate::model::alerts::SilenceState::Active)
        .count();
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            format!(" Silences ({}, {active} active) ", silences.len()),
            t.title(),
        ));
    let inner = block.inner(list);
    block.render(list, buf);
    if silences.is_empty() {
        let text = if view.alerts.has_alertmanager() {
            " no silences · s writes one"
        } else {
            " silences live in Alertmanager: start mcptop with --alertmanager URL"
        };
        Line::styled(text, t.muted()).render(inner, buf);
        return;
    }
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let w = inner.width as usize;
    Line::styled(header(w), t.muted().add_modifier(Modifier::BOLD)).render(head, buf);
    let selected = view.nav.silence.min(silences.len() - 1);
    let height = body.height as usize;
    let offset = selected.saturating_sub(height.saturating_sub(1));
    for (n, s) in silences.iter().enumerate().skip(offset).take(height) {
        let r = Rect::new(body.x, body.y + (n - offset) as u16, body.width, 1);
        if n == selected {
            buf.set_style(r, t.selected());
        }
        row(view, s, w, n == selected).render(r, buf);
    }
}

/// Columns: state 8, id 9, when 20, author 12, then matchers and comment share the rest.
const STATE_W: usize = 9;
const ID_W: usize = 10;
const WHEN_W: usize = 20;
const BY_W: usize = 12;

fn rest_w(w: usize) -> (usize, usize) {
    let rest = w.saturating_sub(STATE_W + ID_W + WHEN_W + BY_W + 2);
    let matchers = (rest * 3 / 5).max(10);
    (matchers, rest.saturating_sub(matchers))
}

fn header(w: usize) -> String {
    let (m, c) = rest_w(w);
    format!(
        " {}{}{}{}{}{}",
        fit_pad("STATE", STATE_W),
        fit_pad("ID", ID_W),
        fit_pad("WHEN", WHEN_W),
        fit_pad("MATCHERS", m),
        fit_pad("BY", BY_W),
        fit_pad("COMMENT", c)
    )
}

fn row(view: &Scene, s: &Silence, w: usize, selected: bool) -> Line<'static> {
    let t = view.theme;
    let (m, c) = rest_w(w);
    let base = if selected { t.selected() } else { t.text() };
    let state = if selected {
        base
    } else {
        silence_style(s.state, t)
    };
    Line::from(vec![
        Span::styled(" ", base),
        Span::styled(fit_pad(s.state.label(), STATE_W), state),
        Span::styled(fit_pad(short_id(&s.id), ID_W), base),
        Span::styled(fit_pad(&silence_when(s, view.now_ms), WHEN_W), base),
        Span::styled(fit_pad(&Matcher::format_list(&s.matchers), m), base),
        Span::styled(fit_pad(&s.created_by, BY_W), base),
        Span::styled(fit(&s.comment.replace('\n', " "), c).into_owned(), base),
    ])
}
