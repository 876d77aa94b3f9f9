//! The silences screen (placeholder until drawn).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::View;

pub fn render(_view: &View, _area: Rect, _buf: &mut Buffer) {}
