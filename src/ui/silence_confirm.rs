//! Confirmation of a silence write (placeholder until drawn).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::View;
use crate::model::alerts::AmWrite;

pub fn render(_view: &View, _w: &AmWrite, _area: Rect, _buf: &mut Buffer) {}
