//! The screen tabs under the header, with the MCP servers' state on the right.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::Scene;
use super::fit::{self, fit_spans};
use super::theme::Theme;
use crate::action::{Action, Screen};
use crate::model::mcp::ConnState;
use crate::screen::View;

/// Widest an MCP server's name is drawn on the tab row.
const SERVER_NAME_W: usize = 16;

pub(crate) fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let (tabs, mut right) = parts(view);
    fit_spans(&mut right, usize::from(area.width));
    let right_w: usize = right.iter().map(Span::width).sum();
    let room = (area.width as usize).saturating_sub(right_w);
    let (left, _) = fit(&tabs, room);
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_w as u16)]).areas(area);
    Line::from(left).render(l, buf);
    Line::from(right).render(r, buf);
}

/// The screen whose tab is drawn at column `x` of a tab row `width` wide, if any, when
/// `view` is drawn in `theme`.
pub fn hit(view: &View, theme: &Theme, width: u16, x: u16) -> Option<Screen> {
    let (tabs, mut right) = parts(&Scene::new(view, theme, super::Widgets::default()));
    fit_spans(&mut right, usize::from(width));
    let right_w: usize = right.iter().map(Span::width).sum();
    let (_, hits) = fit(&tabs, usize::from(width).saturating_sub(right_w));
    hits.into_iter()
        .find(|(_, a, b)| (*a..*b).contains(&usize::from(x)))
        .map(|(s, _, _)| s)
}

/// The tabs, and the spans of the right side (read-only mode, MCP servers).
fn parts(view: &Scene) -> (Vec<Tab>, Vec<Span<'static>>) {
    let t = view.theme;
    let mut tabs: Vec<Tab> = Vec::new();
    for &s in Screen::all(view.fleet.is_some()) {
        let key = view
            .keymap
            .key_for(Action::show(s))
            .map(|k| k.label())
            .unwrap_or_default();
        let firing: usize = view.alerts.counts().iter().sum();
        let count = match s {
            Screen::Tools => view
                .mcp
                .servers
                .get(view.nav.server)
                .map(|srv| format!(" ({})", srv.tools.len()))
                .unwrap_or_default(),
            Screen::Calls if view.mcp.running() > 0 => {
                format!(" ({} running)", view.mcp.running())
            }
            Screen::Alerts if firing > 0 => format!(" ({firing})"),
            _ => String::new(),
        };
        let selected = s == view.nav.screen;
        let style = if selected {
            Style::new()
                .fg(t.title)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        } else {
            t.muted()
        };
        tabs.push(Tab {
            screen: s,
            key,
            title: format!("{}{count}", s.title()),
            style,
            selected,
        });
    }
    let mut right: Vec<Span<'static>> = Vec::new();
    if !view.unverified_tls.is_empty() {
        // Skipped verification is a choice made per endpoint; it stays in sight.
        right.push(Span::styled(
            format!("⚠ TLS UNVERIFIED: {} ", view.unverified_tls.join(", ")),
            Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
        ));
    }
    if view.read_only || view.silences_read_only {
        right.push(Span::styled(
            "READ-ONLY ",
            Style::new().fg(t.warn).add_modifier(Modifier::BOLD),
        ));
    }
    if !view.mcp.servers.is_empty() {
        right.push(Span::styled("mcp ", t.muted()));
        for s in &view.mcp.servers {
            let (sym, color) = match s.conn {
                ConnState::Connected => ("●", t.ok),
                ConnState::Connecting => ("…", t.muted),
                ConnState::Reconnecting { .. } => ("↻", t.warn),
                ConnState::Failed(_) => ("✖", t.crit),
                ConnState::Authorizing { .. } => ("⚿", t.warn),
            };
            let name = fit::fit(&s.name, SERVER_NAME_W);
            right.push(Span::styled(format!("{name} "), t.text()));
            right.push(Span::styled(format!("{sym} "), Style::new().fg(color)));
        }
    }
    (tabs, right)
}

/// One tab as drawn.
struct Tab {
    screen: Screen,
    key: String,
    title: String,
    style: Style,
    selected: bool,
}

/// The tabs that fit in `room` columns (narrow terminals: tighter gaps first, then titles
/// only for the screen in view), with each tab's columns `[start, end)`.
fn fit(tabs: &[Tab], room: usize) -> (Vec<Span<'static>>, Vec<(Screen, usize, usize)>) {
    [(3, false), (2, false), (1, false), (1, true)]
        .into_iter()
        .map(|(gap, compact)| left_spans(tabs, gap, compact))
        .find(|(spans, _)| spans.iter().map(Span::width).sum::<usize>() <= room)
        .unwrap_or_else(|| left_spans(tabs, 1, true))
}

/// The tabs as spans: `1 Overview   2 Tools (6)`; `compact` keeps only the key of the
/// screens not in view.
fn left_spans(
    tabs: &[Tab],
    gap: usize,
    compact: bool,
) -> (Vec<Span<'static>>, Vec<(Screen, usize, usize)>) {
    let mut spans = vec![Span::raw(" ")];
    let mut hits = Vec::new();
    let mut x = 1;
    for tab in tabs {
        let text = if compact && !tab.selected {
            tab.key.clone()
        } else {
            format!("{} {}", tab.key, tab.title)
        };
        let w = Span::raw(text.as_str()).width();
        hits.push((tab.screen, x, x + w));
        x += w + gap;
        spans.push(Span::styled(text, tab.style));
        spans.push(Span::raw(" ".repeat(gap)));
    }
    (spans, hits)
}
