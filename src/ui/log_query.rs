//! One-line editors at the bottom of the screen: the LogQL query of the logs screen, the
//! `:` command line and the paste line of an OAuth authorization.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};
use tui_input::Input;

use super::Scene;

/// The LogQL editor.
pub fn render(view: &Scene, input: &Input, area: Rect, buf: &mut Buffer) {
    line(
        view,
        " LogQL query · Enter runs it (the pane starts afresh) · Esc cancels ",
        input,
        area,
        buf,
    );
}

/// The `:` command line, k9s style.
pub fn command(view: &Scene, input: &Input, area: Rect, buf: &mut Buffer) {
    line(
        view,
        " : command · env NAME · fleet · overview · alerts · logs · q · Enter runs · Esc closes ",
        input,
        area,
        buf,
    );
}

/// The paste line of an OAuth authorization; the code in what was pasted shows as dots.
pub fn paste(view: &Scene, input: &Input, area: Rect, buf: &mut Buffer) {
    let shown = Input::new(super::authorize::masked_paste(input.value()));
    line(
        view,
        " paste the redirected URL (or the code) · Enter sends it · Esc closes ",
        &shown,
        area,
        buf,
    );
}

/// A bordered line titled `title` with `input` and a cursor.
fn line(view: &Scene, title: &str, input: &Input, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let popup = Rect {
        x: area.x,
        y: area.y + area.height.saturating_sub(3),
        width: area.width,
        height: area.height.min(3),
    };
    Clear.render(popup, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(Style::new().fg(t.accent))
        .title(Span::styled(title.to_string(), t.title()));
    let inner = block.inner(popup);
    block.render(popup, buf);
    let width = usize::from(inner.width.saturating_sub(1));
    let scroll = input.visual_scroll(width);
    let visible: String = input.value().chars().skip(scroll).collect();
    Paragraph::new(Line::from(vec![
        Span::styled(visible, t.text().add_modifier(Modifier::BOLD)),
        Span::styled("▏", Style::new().fg(t.accent)),
    ]))
    .render(inner, buf);
}
