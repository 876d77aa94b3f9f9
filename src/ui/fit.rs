//! Rows of styled spans fitted to terminal columns. The measuring, cutting and padding of
//! plain text is [`crate::text::fit`] (re-exported here); this part knows ratatui's `Span`.

use std::borrow::Cow;

use ratatui::text::Span;

pub use crate::text::fit::{ELLIPSIS, chunks, fit, fit_pad, head, marked, pad, pad_left, width};

/// A row of spans cut to at most `w` columns in all: spans past the edge are dropped and
/// the span at the edge is cut with `…` in its own style. Unchanged when the row fits.
pub fn fit_spans<'a>(spans: &mut Vec<Span<'a>>, w: usize) {
    // Spaces past the edge are not text cut off: the row counts up to its last mark.
    let visible = spans
        .iter()
        .rposition(|s| !s.content.trim_end().is_empty())
        .map_or(0, |last| {
            let before: usize = spans[..last].iter().map(|s| width(&s.content)).sum();
            before + width(spans[last].content.trim_end())
        });
    if visible <= w {
        return;
    }
    let mut used = 0;
    for i in 0..spans.len() {
        let sw = width(&spans[i].content);
        if used + sw <= w {
            used += sw;
            continue;
        }
        // This span crosses the edge; a later one would be cut off without a mark even if
        // this one is empty, so the mark goes here (or on the last span that fits).
        let room = w - used;
        if room == 0 {
            spans.truncate(i);
            mark_last(spans);
            return;
        }
        let cut = fit(&spans[i].content, room).into_owned();
        spans[i].content = Cow::Owned(cut);
        spans.truncate(i + 1);
        return;
    }
}

/// Replaces the last column of the last non-empty span with `…` (the row is full).
fn mark_last(spans: &mut [Span<'_>]) {
    if let Some(last) = spans.iter_mut().rev().find(|s| width(&s.content) > 0) {
        let w = width(&last.content);
        last.content = Cow::Owned(marked(&last.content, w - 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_of_spans_is_cut_at_the_edge_with_the_mark() {
        let mut row = vec![
            Span::raw("▶ prod  "),
            Span::raw("http://127.0.0.1:31000/mcp"),
        ];
        fit_spans(&mut row, 20);
        let text: String = row.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "▶ prod  http://127.…");
        assert_eq!(width(&text), 20);

        let mut whole = vec![Span::raw("ab"), Span::raw("cd"), Span::raw("  ")];
        fit_spans(&mut whole, 4);
        assert_eq!(whole.len(), 3, "spaces past the edge are no cut");
        assert_eq!(whole[1].content, "cd");

        // The edge falls between spans: the last visible one carries the mark.
        let mut row = vec![Span::raw("abcd"), Span::raw(""), Span::raw("ef")];
        fit_spans(&mut row, 4);
        let text: String = row.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "abc…");
    }
}
