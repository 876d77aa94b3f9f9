//! Text fitted to terminal columns: measured in display columns (never in chars or bytes),
//! cut with a visible `…`, padded so that columns line up.
//!
//! A width is the sum of the widths of the text's extended grapheme clusters
//! (`unicode-segmentation`), each measured by `unicode-width` the way ratatui's buffer
//! draws it: an ASCII letter is 1 column, a CJK ideograph or an emoji 2, a ZWJ sequence such
//! as `👩‍💻` one cluster of 2, a combining mark nothing; control characters are not drawn
//! and count 0. Rust's `format!("{:<w$}")` pads by chars, which misaligns every row holding
//! a wide character; these functions are used instead for anything drawn in a column.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The mark that ends every cut text; it takes 1 column.
pub const ELLIPSIS: &str = "…";

/// Display columns of `s` (see the module's notes for how clusters are measured).
pub fn width(s: &str) -> usize {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return s.len();
    }
    s.graphemes(true).map(cluster_width).sum()
}

/// Columns of one grapheme cluster as the buffer draws it.
fn cluster_width(g: &str) -> usize {
    if g.contains(char::is_control) {
        0
    } else {
        g.width()
    }
}

/// `s` in at most `w` columns: unchanged when it fits, otherwise its longest head that
/// leaves room for `…`, then `…`. A wide character that would straddle the last column is
/// dropped (never half drawn); spaces before the mark are dropped so that it follows the
/// last visible character. `w == 0` gives the empty string.
pub fn fit(s: &str, w: usize) -> Cow<'_, str> {
    if width(s) <= w {
        return Cow::Borrowed(s);
    }
    if w == 0 {
        return Cow::Borrowed("");
    }
    Cow::Owned(marked(s, w - 1))
}

/// The longest head of `s` in `room` columns without its trailing spaces, then `…`: the
/// text [`fit`] gives when `s` needs cutting, with `room` one less than the width.
pub fn marked(s: &str, room: usize) -> String {
    let head = head(s, room).trim_end();
    let mut out = String::with_capacity(head.len() + ELLIPSIS.len());
    out.push_str(head);
    out.push_str(ELLIPSIS);
    out
}

/// The longest head of `s` in at most `w` columns, whole grapheme clusters only.
pub fn head(s: &str, w: usize) -> &str {
    let mut used = 0;
    let mut end = 0;
    for (i, g) in s.grapheme_indices(true) {
        let gw = cluster_width(g);
        if used + gw > w {
            break;
        }
        used += gw;
        end = i + g.len();
    }
    &s[..end]
}

/// `s` followed by spaces up to `w` columns (left-aligned); a wider `s` is left whole.
pub fn pad(s: &str, w: usize) -> String {
    let n = w.saturating_sub(width(s));
    let mut out = String::with_capacity(s.len() + n);
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', n));
    out
}

/// `s` preceded by spaces up to `w` columns (right-aligned); a wider `s` is left whole.
pub fn pad_left(s: &str, w: usize) -> String {
    let n = w.saturating_sub(width(s));
    let mut out = String::with_capacity(s.len() + n);
    out.extend(std::iter::repeat_n(' ', n));
    out.push_str(s);
    out
}

/// `s` in exactly `w` columns: cut with `…` ([`fit`]) or padded with spaces ([`pad`]).
pub fn fit_pad(s: &str, w: usize) -> String {
    pad(&fit(s, w), w)
}

/// `s` in pieces of at most `w` columns each (`w` at least 1), for text wrapped at a
/// column without regard to words; a grapheme cluster is never split, control characters
/// are left out. Empty text gives no piece.
pub fn chunks(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        if g.contains(char::is_control) {
            continue;
        }
        let gw = g.width();
        if used + gw > w && !piece.is_empty() {
            out.push(std::mem::take(&mut piece));
            used = 0;
        }
        piece.push_str(g);
        used += gw;
    }
    if !piece.is_empty() {
        out.push(piece);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_columns_not_chars() {
        assert_eq!(width("tool"), 4);
        assert_eq!(width("検索ツール"), 10);
        assert_eq!(width("数据库"), 6);
        assert_eq!(width("🔥tool"), 6);
        assert_eq!(width("👩‍💻"), 2, "a ZWJ sequence is one cluster of 2");
        assert_eq!(width("e\u{301}"), 1, "a combining mark adds nothing");
        assert_eq!(width("a\tb"), 2, "control characters are not drawn");
    }

    #[test]
    fn text_that_fits_is_borrowed_unchanged() {
        assert!(matches!(fit("検索", 4), Cow::Borrowed("検索")));
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(fit("", 0), "");
    }

    #[test]
    fn a_cut_ends_with_the_mark_within_the_width() {
        assert_eq!(
            fit("http://127.0.0.1:31000/mcp", 20),
            "http://127.0.0.1:31…"
        );
        assert_eq!(fit("abcdef", 1), "…");
        assert_eq!(fit("abcdef", 0), "");
        assert_eq!(fit("word and more", 6), "word…", "no space before the mark");
    }

    #[test]
    fn a_wide_char_at_the_edge_is_dropped_for_the_mark() {
        assert_eq!(fit("検索ツール", 0), "");
        assert_eq!(fit("検索ツール", 1), "…");
        assert_eq!(fit("検索ツール", 2), "…", "検 needs 2 columns, the mark 1");
        assert_eq!(fit("検索ツール", 3), "検…");
        assert_eq!(fit("検索ツール", 4), "検…");
        assert_eq!(width(&fit("検索ツール", 4)), 3);
        assert_eq!(fit("検索ツール", 9), "検索ツー…");
        assert_eq!(fit("検索ツール", 10), "検索ツール");
        for w in 0..12 {
            assert!(width(&fit("検索ツール🔥x", w)) <= w, "width {w}");
        }
    }

    #[test]
    fn zwj_sequences_are_never_split() {
        let dev = "👩‍💻👩‍💻";
        assert_eq!(fit(dev, 3), "👩‍💻…");
        assert_eq!(fit(dev, 2), "…");
        assert_eq!(fit(dev, 4), dev);
    }

    #[test]
    fn padding_is_by_columns() {
        assert_eq!(pad("数据库", 8), "数据库  ");
        assert_eq!(pad_left("🔥", 4), "  🔥");
        assert_eq!(pad("toolong", 3), "toolong", "pad never cuts");
        assert_eq!(fit_pad("検索ツール", 5), "検索…");
        assert_eq!(
            fit_pad("検索ツール", 6),
            "検索… ",
            "the dropped wide char leaves a space"
        );
        assert_eq!(width(&fit_pad("検索ツール", 6)), 6);
        assert_eq!(fit_pad("ab", 0), "");
    }

    #[test]
    fn chunks_wrap_by_columns() {
        assert_eq!(chunks("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(chunks("検索ツール", 5), ["検索", "ツー", "ル"]);
        assert_eq!(chunks("a\tb", 1), ["a", "b"]);
        assert!(chunks("", 4).is_empty());
    }
}
