//! Pure draw functions: each panel renders from a read-only [`View`]; none fetches or
//! mutates.

pub mod format;
mod header;
mod help;
pub mod level;
mod modules;
mod status_bar;
pub mod theme;
mod tiles;
mod timeline;
pub mod tool_form;

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::action::Keymap;
use crate::config::Thresholds;
use crate::model::dashboard::Dashboard;
use theme::Theme;

/// Smallest terminal the overview is drawn in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Everything a frame shows, borrowed from the app.
pub struct View<'a> {
    /// Target name and URL.
    pub target_name: &'a str,
    pub target_url: &'a str,
    pub dashboard: &'a Dashboard,
    pub thresholds: &'a Thresholds,
    pub keymap: &'a Keymap,
    pub theme: &'a Theme,
    /// Wall clock of this frame, Unix ms (ages are measured against it).
    pub now_ms: i64,
    /// Rate window and timeline history.
    pub window: Duration,
    pub history: Duration,
    /// Data older than this is stale even if the last scrape has not failed yet (a scrape
    /// hanging until its timeout): two intervals plus the timeout.
    pub stale_after: Duration,
    pub show_help: bool,
}

impl View<'_> {
    /// Whether the numbers on screen are not current: the last scrape failed, or the last
    /// good one is older than [`View::stale_after`].
    pub fn stale(&self) -> bool {
        let scrape = &self.dashboard.status.scrape;
        !scrape.is_ok()
            || scrape
                .age_secs(self.now_ms)
                .is_some_and(|age| age > self.stale_after.as_secs_f64())
    }
}

/// Draws one frame.
pub fn draw(frame: &mut Frame, view: &View) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, view);
        return;
    }
    let banner = header::banner(view);
    let modules_height = modules::height(view, area.height);
    let [
        head,
        banner_area,
        tiles_area,
        timeline_area,
        modules_area,
        foot,
    ] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(u16::from(banner.is_some())),
        Constraint::Length(tiles::HEIGHT),
        Constraint::Min(6),
        Constraint::Length(modules_height),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(view, head, frame.buffer_mut());
    if let Some(b) = banner {
        frame.render_widget(Paragraph::new(b), banner_area);
    }
    tiles::render(view, tiles_area, frame.buffer_mut());
    timeline::render(view, timeline_area, frame.buffer_mut());
    modules::render(view, modules_area, frame.buffer_mut());
    status_bar::render(view, foot, frame.buffer_mut());
    if view.show_help {
        help::render(view, area, frame.buffer_mut());
    }
}

fn too_small(frame: &mut Frame, area: Rect, view: &View) {
    let text = vec![
        Line::styled("terminal too small", view.theme.title()),
        Line::styled(
            format!(
                "{}x{}: mcptop needs at least {MIN_WIDTH}x{MIN_HEIGHT}",
                area.width, area.height
            ),
            view.theme.text(),
        ),
        Line::styled("q quits", view.theme.muted()),
    ];
    frame.render_widget(
        Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}
