//! De-duplication of what a Loki source fetches more than once: a tail resumed (or a poll
//! repeated) from a little before the newest timestamp seen, and lines Loki dropped from a
//! tail fetched again with `query_range` over their span, which also holds lines the tail
//! did send. Entries are recognised by timestamp, stream and line.

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::entry::Labels;

/// How far before the newest timestamp a resumed query starts, ns (2 s): entries of other
/// streams that arrive slightly out of order are fetched again rather than lost.
pub const OVERLAP_NS: i64 = 2_000_000_000;

/// How far before the newest timestamp entries are remembered, ns (30 s): Loki names the
/// lines it dropped from a tail in a later frame, seconds after the lines around them.
pub const RECALL_NS: i64 = 30_000_000_000;

/// Most entries remembered (about 2.5 MB): under a flood the window remembered shrinks
/// below [`RECALL_NS`] rather than memory growing.
pub const MAX_REMEMBERED: usize = 100_000;

/// Remembers the entries of the last [`RECALL_NS`] before the newest timestamp seen (at
/// most [`MAX_REMEMBERED`]): every entry admitted at or after [`Dedup::known_from`] is
/// remembered, so a query over a span starting there is de-duplicated exactly.
#[derive(Debug, Clone, Default)]
pub struct Dedup {
    seen: BTreeSet<(i64, u64)>,
    newest: Option<i64>,
    /// Entries older than this are not remembered.
    known_from: Option<i64>,
}

impl Dedup {
    /// Whether an entry is new, recording it. Entries older than [`Dedup::known_from`]
    /// cannot be checked and are admitted without being recorded: callers never query
    /// again below it (a resumed query starts at [`Dedup::resume_from`], a refetch at
    /// `known_from` at the earliest).
    pub fn admit(&mut self, ts_ns: i64, stream: &Labels, line: &str) -> bool {
        if self.known_from.is_some_and(|f| ts_ns < f) {
            return true;
        }
        let mut h = DefaultHasher::new();
        stream.hash(&mut h);
        line.hash(&mut h);
        if !self.seen.insert((ts_ns, h.finish())) {
            return false;
        }
        if self.newest.is_none_or(|n| ts_ns > n) {
            self.newest = Some(ts_ns);
            self.raise_floor(ts_ns.saturating_sub(RECALL_NS));
        }
        while self.seen.len() > MAX_REMEMBERED {
            // Every entry of the oldest timestamp goes, so none of it is half-remembered.
            match self.seen.first() {
                Some(&(t, _)) => self.raise_floor(t.saturating_add(1)),
                None => break,
            }
        }
        true
    }

    /// Forgets entries before `floor`.
    fn raise_floor(&mut self, floor: i64) {
        if self.known_from.is_some_and(|f| f >= floor) {
            return;
        }
        self.known_from = Some(floor);
        while self.seen.first().is_some_and(|&(t, _)| t < floor) {
            self.seen.pop_first();
        }
    }

    /// Where a resumed tail or poll starts (inclusive), ns: the overlap before the newest
    /// timestamp seen. `None` before any entry.
    pub fn resume_from(&self) -> Option<i64> {
        self.newest.map(|n| n.saturating_sub(OVERLAP_NS))
    }

    /// The oldest timestamp from which every admitted entry is remembered, ns: a query
    /// starting at or after it is de-duplicated exactly. `None`: everything is.
    pub fn known_from(&self) -> Option<i64> {
        self.known_from
    }

    /// The newest timestamp seen, ns.
    pub fn newest(&self) -> Option<i64> {
        self.newest
    }

    /// Forgets everything (a new query).
    pub fn reset(&mut self) {
        *self = Dedup::default();
    }

    /// Entries remembered (bounded by [`RECALL_NS`] and [`MAX_REMEMBERED`]).
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn a_resend_in_the_overlap_is_dropped_and_new_lines_pass() {
        let s: Labels = vec![("app".into(), "x".into())];
        let other: Labels = vec![("app".into(), "y".into())];
        let mut d = Dedup::default();
        assert!(d.admit(100 * S, &s, "a"));
        assert!(d.admit(100 * S, &s, "b"));
        assert!(d.admit(100 * S, &other, "a"));
        assert!(!d.admit(100 * S, &s, "a"));
        assert_eq!(d.resume_from(), Some(98 * S));
        assert!(d.admit(101 * S, &s, "a"));
        assert!(!d.admit(100 * S, &s, "b"));
        // Older than what is remembered: cannot be checked, admitted.
        assert_eq!(d.known_from(), Some(71 * S));
        assert!(d.admit(1, &s, "old"));
        assert!(d.admit(1, &s, "old"));
    }

    /// The refetch of lines Loki dropped from a tail spans lines the tail sent, older than
    /// the overlap: those are known, the dropped ones pass, each once.
    #[test]
    fn a_refetch_of_dropped_lines_repeats_none_the_tail_sent() {
        let s: Labels = vec![("app".into(), "x".into())];
        let mut d = Dedup::default();
        // The tail sent the even seconds 0..=8 (then lines up to 20 s); Loki dropped the odd.
        for t in (0..=8).step_by(2).chain(9..=20) {
            assert!(d.admit(100 * S + t * S, &s, &format!("line {t}")));
        }
        // Refetch [1 s, 8 s + 1): the even ones were sent, the odd ones are new.
        let from = d.known_from().map_or(101 * S, |k| k.max(101 * S));
        assert_eq!(from, 101 * S, "the span is still remembered");
        let admitted: Vec<i64> = (1..=8)
            .filter(|t| d.admit(100 * S + t * S, &s, &format!("line {t}")))
            .collect();
        assert_eq!(admitted, vec![1, 3, 5, 7]);
        // A second refetch of the same span brings nothing.
        assert!((1..=8).all(|t| !d.admit(100 * S + t * S, &s, &format!("line {t}"))));
    }

    #[test]
    fn memory_stays_within_the_recall_window_and_the_cap() {
        let s: Labels = Vec::new();
        let mut d = Dedup::default();
        // 100 s of entries 1 ms apart: 30 s remembered.
        for i in 0..100_000i64 {
            assert!(d.admit(i * 1_000_000, &s, "line"));
        }
        assert!(d.remembered() <= 30_001, "{}", d.remembered());
        assert_eq!(d.known_from(), Some(99_999_000_000 - RECALL_NS));
        // A flood within one second: the cap holds, and what is forgotten is below
        // `known_from`, whole timestamps at a time.
        let mut d = Dedup::default();
        for i in 0..(MAX_REMEMBERED as i64 + 5_000) {
            assert!(d.admit(i / 2, &s, &format!("{i}")));
        }
        assert!(d.remembered() <= MAX_REMEMBERED, "{}", d.remembered());
        let floor = d.known_from().expect("a floor");
        assert!(!d.admit(floor, &s, &format!("{}", floor * 2)), "kept whole");
    }
}
