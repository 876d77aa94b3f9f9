//! One alert in detail (placeholder until drawn).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::View;
use crate::app::nav::AlertDetail;

pub fn render(_view: &View, _d: &AlertDetail, _area: Rect, _buf: &mut Buffer) {}
