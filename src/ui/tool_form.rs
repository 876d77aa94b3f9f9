//! STUB replaced by the form branch.
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::theme::Theme;
use crate::model::mcp::form::Form;

pub struct FormHeader<'a> {
    pub server: &'a str,
    pub tool: &'a str,
    pub badges: &'a str,
    pub read_only_mode: bool,
}

pub fn render(_form: &Form, _header: &FormHeader, _theme: &Theme, _area: Rect, _buf: &mut Buffer) {}
