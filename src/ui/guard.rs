//! The frame's last guard before it reaches the terminal: a cell whose symbol holds a
//! control or bidi character ([`crate::inbound::is_unsafe`]) is blanked. Outside text is
//! cleaned where it enters (`crate::inbound`) and ratatui already skips control characters
//! in `set_string`; this catches a bidi override or a symbol set directly on a cell by a
//! path that was missed, so the terminal never receives one.

use ratatui::buffer::Buffer;

/// Blanks every cell of `buf` whose symbol holds an unsafe character.
pub fn clean(buf: &mut Buffer) {
    for cell in &mut buf.content {
        if crate::inbound::has_unsafe(cell.symbol()) {
            cell.set_symbol(" ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    #[test]
    fn a_bidi_override_or_an_escape_in_a_cell_is_blanked() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 6, 1));
        buf.set_string(0, 0, "ab", ratatui::style::Style::default());
        buf[(2, 0)].set_symbol("\u{202e}");
        buf[(3, 0)].set_symbol("\u{1b}");
        buf[(4, 0)].set_symbol("é");
        clean(&mut buf);
        let symbols: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(symbols, ["a", "b", " ", " ", "é", " "]);
    }
}
