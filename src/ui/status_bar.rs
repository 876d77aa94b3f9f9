//! The footer: key hints from the keymap and what the model holds.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::View;
use crate::action::Action;

pub fn render(view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let mut spans = Vec::new();
    for action in [Action::ToggleHelp, Action::Quit] {
        if let Some(k) = view.keymap.key_for(action) {
            spans.push(Span::styled(
                format!(" {} ", k.label()),
                Style::new()
                    .fg(Color::Black)
                    .bg(t.title)
                    .add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::styled(format!(" {}  ", action.short()), t.muted()));
        }
    }
    let right = format!(
        "{} series · {} samples ",
        view.dashboard.series_count(),
        view.dashboard.sample_count()
    );
    let [left_area, right_area] = Layout::horizontal([
        Constraint::Min(0),
        Constraint::Length(right.chars().count() as u16),
    ])
    .areas(area);
    Line::from(spans).render(left_area, buf);
    Line::styled(right, t.muted()).render(right_area, buf);
}

