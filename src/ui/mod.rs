//! Pure draw functions: each panel renders from a read-only [`View`]; none fetches or
//! mutates.

mod alert_detail;
mod alert_sources;
mod alert_text;
mod alerts;
mod authorize;
mod call_view;
mod calls;
mod catalog;
mod confirm;
mod fetch_view;
pub mod fit;
mod fleet;
mod guard;
mod header;
mod help;
pub mod level;
mod log_detail;
mod log_query;
mod log_summary;
pub mod logs;
pub mod mcp_text;
mod modules;
pub mod palette;
mod servers;
mod silence_confirm;
mod silence_form;
mod silences;
mod status_bar;
pub mod tabs;
pub mod theme;
mod tiles;
mod timeline;
pub mod tool_form;
mod tool_table;
mod tool_view;
mod tools;

/// The panels' number formatting ([`crate::text::format`], text with no terminal).
pub use crate::text::format;

use std::ops::Deref;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::action::Screen;
use crate::screen::View;
use crate::screen::catalog::FetchTarget;
use crate::screen::nav::Overlay;
use theme::Theme;

/// Smallest terminal the overview is drawn in.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// Widgets the app keeps from frame to frame and the panels draw as they are: ratatui
/// types, so they are not part of the [`View`].
#[derive(Clone, Copy, Default)]
pub struct Widgets<'a> {
    /// The editor of the form in view when it is in raw JSON mode (the form holds the
    /// text; the editor the cursor, selection and scroll), with the form's raw epoch it
    /// was made for ([`crate::model::mcp::form::Form::raw_epoch`]). With none, or one made
    /// for another form, the form's text is drawn in a fresh editor of the same look.
    pub raw_editor: Option<(u64, &'a ratatui_textarea::TextArea<'static>)>,
}

/// What the panels draw from: the app's [`View`] (read through `Deref`), the colours and
/// the app's widgets.
pub(crate) struct Scene<'a> {
    view: &'a View<'a>,
    pub theme: &'a Theme,
    pub raw_editor: Option<(u64, &'a ratatui_textarea::TextArea<'static>)>,
}

impl<'a> Scene<'a> {
    pub(crate) fn new(view: &'a View<'a>, theme: &'a Theme, widgets: Widgets<'a>) -> Scene<'a> {
        Scene {
            view,
            theme,
            raw_editor: widgets.raw_editor,
        }
    }
}

impl<'a> Deref for Scene<'a> {
    type Target = View<'a>;

    fn deref(&self) -> &View<'a> {
        self.view
    }
}

/// Draws one frame of `view` in the colours of `theme`, with no widget of the app's (see
/// [`draw_with`]).
pub fn draw(frame: &mut Frame, view: &View, theme: &Theme) {
    draw_with(frame, view, theme, Widgets::default());
}

/// Draws one frame of `view` in the colours of `theme`, with the app's `widgets`.
pub fn draw_with(frame: &mut Frame, view: &View, theme: &Theme, widgets: Widgets) {
    draw_screen(frame, &Scene::new(view, theme, widgets));
    guard::clean(frame.buffer_mut());
}

fn draw_screen(frame: &mut Frame, view: &Scene) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, view);
        return;
    }
    let [head, tabs_area, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(view, head, frame.buffer_mut());
    tabs::render(view, tabs_area, frame.buffer_mut());
    match view.nav.screen {
        Screen::Overview if view.no_target => no_target(frame, view, body),
        Screen::Overview => overview(frame, view, body),
        Screen::ToolStats => match &view.nav.tool_table.open {
            Some(name) => tool_view::render(view, name, body, frame.buffer_mut()),
            None => tool_table::render(view, body, frame.buffer_mut()),
        },
        Screen::Tools => {
            let [srv, rest] = Layout::vertical([
                Constraint::Length(servers::height(view, body.width)),
                Constraint::Min(0),
            ])
            .areas(body);
            servers::render(view, srv, frame.buffer_mut());
            tools::render(view, rest, frame.buffer_mut());
        }
        Screen::Calls => calls::render(view, body, frame.buffer_mut()),
        Screen::Logs => logs::render(view, body, frame.buffer_mut()),
        Screen::Alerts => alerts::render(view, body, frame.buffer_mut()),
        Screen::Silences => silences::render(view, body, frame.buffer_mut()),
        Screen::Fleet => fleet::render(view, body, frame.buffer_mut()),
    }
    status_bar::render(view, foot, frame.buffer_mut());
    match &view.nav.overlay {
        Some(Overlay::Form(f)) => {
            let server = view
                .mcp
                .servers
                .get(f.pending.server)
                .map_or("?", |s| s.name.as_str());
            let badges = mcp_text::badges_text(&f.pending.tool.hints, view.theme);
            let header = tool_form::FormHeader {
                server,
                tool: &f.pending.tool.name,
                badges: &badges,
                read_only_mode: view.read_only,
                asked: None,
            };
            tool_form::render(
                &f.form,
                view.raw_editor,
                &header,
                view.theme,
                body,
                frame.buffer_mut(),
            );
        }
        Some(Overlay::Elicit(e)) => {
            let server = view
                .mcp
                .servers
                .get(e.server)
                .map_or("?", |s| s.name.as_str());
            // The time left first (counting down with each frame); the message again, whole
            // where the title cuts it.
            let open_ms = (view.now_ms - e.opened_ms).max(0) as u64;
            let left_ms = (e.timeout.as_millis() as u64).saturating_sub(open_ms);
            let badges = format!("answer within {} s · {}", left_ms.div_ceil(1000), e.message);
            let header = tool_form::FormHeader {
                server,
                tool: "",
                badges: &badges,
                read_only_mode: false,
                asked: Some(&e.message),
            };
            tool_form::render(
                &e.form,
                view.raw_editor,
                &header,
                view.theme,
                body,
                frame.buffer_mut(),
            );
        }
        Some(Overlay::Confirm(c)) => confirm::render(view, c, body, frame.buffer_mut()),
        Some(Overlay::Call { id, scroll }) => {
            call_view::render(view, *id, *scroll, body, frame.buffer_mut())
        }
        Some(Overlay::FetchForm(f)) => {
            let server = view
                .mcp
                .servers
                .get(f.server)
                .map_or("?", |s| s.name.as_str());
            let (what, name) = match &f.target {
                FetchTarget::Template(t) => ("resources/read", t.name.as_str()),
                FetchTarget::Prompt(p) => ("prompts/get", p.name.as_str()),
            };
            let tool = format!("{what} {name}");
            let header = tool_form::FormHeader {
                server,
                tool: &tool,
                badges: "read-only",
                read_only_mode: view.read_only,
                asked: None,
            };
            tool_form::render(
                &f.form,
                view.raw_editor,
                &header,
                view.theme,
                body,
                frame.buffer_mut(),
            );
        }
        Some(Overlay::Fetch { id, scroll }) => {
            fetch_view::render(view, *id, *scroll, body, frame.buffer_mut())
        }
        Some(Overlay::AlertDetail(d)) => alert_detail::render(view, d, body, frame.buffer_mut()),
        Some(Overlay::SilenceForm(f)) => silence_form::render(view, f, body, frame.buffer_mut()),
        Some(Overlay::SilenceConfirm(w)) => {
            silence_confirm::render(view, w, body, frame.buffer_mut())
        }
        Some(Overlay::LogDetail { seq, scroll }) => {
            log_detail::render(view, *seq, *scroll, body, frame.buffer_mut())
        }
        Some(Overlay::LogQuery(input)) => log_query::render(view, input, body, frame.buffer_mut()),
        Some(Overlay::Command(input)) => log_query::command(view, input, body, frame.buffer_mut()),
        Some(Overlay::Authorize { input, .. }) => {
            log_query::paste(view, input, body, frame.buffer_mut())
        }
        None => {}
    }
    if view.show_help {
        help::render(view, area, frame.buffer_mut());
    }
}

/// The overview: error banner, tiles, timeline, tool calls by module.
fn overview(frame: &mut Frame, view: &Scene, area: Rect) {
    let banner = header::banner(view);
    let modules_height = modules::height(view, area.height + 3);
    let [banner_area, tiles_area, timeline_area, modules_area] = Layout::vertical([
        Constraint::Length(u16::from(banner.is_some())),
        Constraint::Length(tiles::height(view)),
        Constraint::Min(5),
        Constraint::Length(modules_height),
    ])
    .areas(area);
    if let Some(mut b) = banner {
        fit::fit_spans(&mut b.spans, usize::from(banner_area.width));
        frame.render_widget(Paragraph::new(b), banner_area);
    }
    tiles::render(view, tiles_area, frame.buffer_mut());
    timeline::render(view, timeline_area, frame.buffer_mut());
    modules::render(view, modules_area, frame.buffer_mut());
}

/// The overview without a target: what is missing and how to add it (mcptop runs as an MCP
/// client alone).
fn no_target(frame: &mut Frame, view: &Scene, area: Rect) {
    let t = view.theme;
    let lines = vec![
        Line::styled(
            " No target is configured: mcptop runs as an MCP client only (2 Tools, 3 Calls, 4 Logs).",
            t.title(),
        ),
        Line::styled(
            " For metrics, pass --target URL (scrape mode) or --prometheus URL (query mode), or set target.url or [prometheus] in the config.",
            t.muted(),
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}

/// A rectangle of `pct_w` x `pct_h` percent of `area`, centred.
pub(crate) fn centered(area: Rect, pct_w: u16, pct_h: u16) -> Rect {
    let w = (u32::from(area.width) * u32::from(pct_w) / 100) as u16;
    let h = (u32::from(area.height) * u32::from(pct_h) / 100) as u16;
    centered_fixed(area, w, h)
}

/// A rectangle of at most `w` x `h` cells, centred in `area`.
pub(crate) fn centered_fixed(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn too_small(frame: &mut Frame, area: Rect, view: &Scene) {
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
