//! The silence form (placeholder until drawn).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::View;
use crate::app::nav::SilenceFormOverlay;

pub fn render(_view: &View, _f: &SilenceFormOverlay, _area: Rect, _buf: &mut Buffer) {}
