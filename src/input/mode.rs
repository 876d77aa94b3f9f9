//! The input mode, derived from the app's state: what has the keyboard decides which
//! actions exist ([`crate::action::Action::in_mode`]), what the footer hints and what the
//! help lists. The flags it reads are checked in this order, top first: the help, an
//! overlay, a filter line (tools, tools by their numbers, logs, fleet), the drilled
//! overview, a tool's view, the screen.

pub use crate::action::mode::{FilterTarget, Hints, Mode, OverlayKind};

use crate::model::mcp::form::FormMode;
use crate::screen::fleet::FleetState;
use crate::screen::nav::{Nav, Overlay};

/// The mode that has the keyboard.
pub fn mode(show_help: bool, nav: &Nav, fleet: Option<&FleetState>) -> Mode {
    if show_help {
        return Mode::Help;
    }
    match &nav.overlay {
        Some(o) => Mode::Overlay(overlay_kind(o)),
        None => screen_mode(nav, fleet),
    }
}

/// The mode beneath the help and the overlays: a filter line, the drilled overview, or
/// the screen. The footer hints and the help list the keys of this one.
pub fn screen_mode(nav: &Nav, fleet: Option<&FleetState>) -> Mode {
    if nav.filtering {
        Mode::Filter(FilterTarget::Tools)
    } else if nav.tool_table.filtering {
        Mode::Filter(FilterTarget::ToolStats)
    } else if nav.log_filtering {
        Mode::Filter(FilterTarget::Logs)
    } else if fleet.is_some_and(|q| q.filtering) {
        Mode::Filter(FilterTarget::Fleet)
    } else if nav.screen == crate::action::Screen::Overview
        && fleet.is_some_and(|q| q.drilled.is_some())
    {
        Mode::Drilled
    } else if nav.screen == crate::action::Screen::ToolStats && nav.tool_table.open.is_some() {
        Mode::ToolView
    } else {
        Mode::Screen(nav.screen)
    }
}

/// The kind of an overlay.
pub fn overlay_kind(overlay: &Overlay) -> OverlayKind {
    use OverlayKind as K;
    match overlay {
        Overlay::Form(f) if f.form.mode() == FormMode::Raw => K::RawJson,
        Overlay::Form(_) => K::Form,
        Overlay::Confirm(_) => K::Confirm,
        Overlay::Call { .. } => K::Call,
        Overlay::FetchForm(_) => K::FetchForm,
        Overlay::Fetch { .. } => K::Fetch,
        Overlay::AlertDetail(_) => K::AlertDetail,
        Overlay::SilenceForm(_) => K::SilenceForm,
        Overlay::SilenceConfirm(_) => K::SilenceConfirm,
        Overlay::LogDetail { .. } => K::LogDetail,
        Overlay::LogQuery(_) => K::LogQuery,
        Overlay::Command(_) => K::Command,
        Overlay::Elicit(_) => K::Elicit,
        Overlay::Authorize { .. } => K::Authorize,
    }
}

#[cfg(test)]
#[path = "mode_tests.rs"]
mod tests;
