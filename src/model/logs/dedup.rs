//! De-duplication across a reconnect: a tail resumed (or a poll repeated) from a little
//! before the newest timestamp seen gets some entries again; they are recognised by
//! timestamp, stream and line.

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::entry::Labels;

/// How far before the newest timestamp a resumed query starts, ns (2 s): entries of other
/// streams that arrive slightly out of order are fetched again rather than lost.
pub const OVERLAP_NS: i64 = 2_000_000_000;

/// Remembers the entries of the last [`OVERLAP_NS`] before the newest timestamp seen.
#[derive(Debug, Clone, Default)]
pub struct Dedup {
    seen: BTreeSet<(i64, u64)>,
    newest: Option<i64>,
}

impl Dedup {
    /// Whether an entry is new, recording it. Entries older than the overlap before the
    /// newest seen cannot be a resend (resumed queries start at [`Dedup::resume_from`])
    /// and are admitted without being recorded.
    pub fn admit(&mut self, ts_ns: i64, stream: &Labels, line: &str) -> bool {
        let floor = self.floor();
        if floor.is_some_and(|f| ts_ns < f) {
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
            if let Some(f) = self.floor() {
                self.seen = self.seen.split_off(&(f, 0));
            }
        }
        true
    }

    /// Where a resumed tail or poll starts (inclusive), ns: the overlap before the newest
    /// timestamp seen. `None` before any entry.
    pub fn resume_from(&self) -> Option<i64> {
        self.floor()
    }

    /// The newest timestamp seen, ns.
    pub fn newest(&self) -> Option<i64> {
        self.newest
    }

    /// Forgets everything (a new query).
    pub fn reset(&mut self) {
        *self = Dedup::default();
    }

    fn floor(&self) -> Option<i64> {
        self.newest.map(|n| n.saturating_sub(OVERLAP_NS))
    }

    /// Entries remembered (bounded by the overlap window).
    pub fn remembered(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resend_in_the_overlap_is_dropped_and_new_lines_pass() {
        let s: Labels = vec![("app".into(), "x".into())];
        let other: Labels = vec![("app".into(), "y".into())];
        let mut d = Dedup::default();
        assert!(d.admit(10_000_000_000, &s, "a"));
        assert!(d.admit(10_000_000_000, &s, "b"));
        assert!(d.admit(10_000_000_000, &other, "a"));
        assert!(!d.admit(10_000_000_000, &s, "a"));
        assert_eq!(d.resume_from(), Some(8_000_000_000));
        assert!(d.admit(11_000_000_000, &s, "a"));
        assert!(!d.admit(10_000_000_000, &s, "b"));
        // Older than the overlap: not a resend.
        assert!(d.admit(1, &s, "old"));
        assert!(d.admit(1, &s, "old"));
    }

    #[test]
    fn memory_stays_within_the_overlap() {
        let s: Labels = Vec::new();
        let mut d = Dedup::default();
        for i in 0..100_000i64 {
            assert!(d.admit(i * 1_000_000, &s, "line"));
        }
        // 2 s of entries 1 ms apart.
        assert!(d.remembered() <= 2001, "{}", d.remembered());
    }
}
