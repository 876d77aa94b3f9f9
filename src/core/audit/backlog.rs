//! The audit lines handed to the files task and not written yet, counted so that a stalled
//! file system shows on screen instead of lines vanishing: the writer works through them in
//! order, one answer per line, so the oldest line waiting is the one at the front.

use std::collections::VecDeque;

/// How many audit lines may wait for the file at most; past that a line is not written,
/// and counted in [`Stall::dropped`]. At a few hundred bytes a line this is well under a
/// megabyte, and more lines than an operator makes in a long session of tool calls.
pub const MAX_WAITING: usize = 1000;

/// How long the oldest line may wait before the log counts as stalled (ms): a local file
/// takes microseconds, so a second is a file system that does not answer.
pub const STALL_AFTER_MS: i64 = 1000;

/// Lines queued for the audit log, oldest first, and lines given up.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Backlog {
    /// When each waiting line was queued, Unix ms, oldest first.
    queued_ms: VecDeque<i64>,
    /// Lines not written because the queue was full or the files task had stopped.
    dropped: u64,
}

/// What the header shows while the audit log is behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stall {
    /// Lines waiting for the file.
    pub waiting: usize,
    /// Lines given up since mcptop started (the queue was full).
    pub dropped: u64,
}

impl Backlog {
    /// A line was handed to the writer at `now_ms`.
    pub fn queued(&mut self, now_ms: i64) {
        self.queued_ms.push_back(now_ms);
    }

    /// The writer answered for the oldest line (written or failed).
    pub fn answered(&mut self) {
        self.queued_ms.pop_front();
    }

    /// A line could not be handed to the writer: it is not written.
    pub fn dropped(&mut self) {
        self.dropped += 1;
    }

    /// Lines waiting for the file.
    pub fn waiting(&self) -> usize {
        self.queued_ms.len()
    }

    /// `Some` when lines were given up, or the oldest line has waited at least
    /// [`STALL_AFTER_MS`] at `now_ms`.
    pub fn stall(&self, now_ms: i64) -> Option<Stall> {
        let late = self
            .queued_ms
            .front()
            .is_some_and(|&t| now_ms.saturating_sub(t) >= STALL_AFTER_MS);
        (late || self.dropped > 0).then_some(Stall {
            waiting: self.waiting(),
            dropped: self.dropped,
        })
    }
}

impl std::fmt::Display for Stall {
    /// `3 lines waiting`, `1 line waiting, 2 not written`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = if self.waiting == 1 { "" } else { "s" };
        write!(f, "{} line{s} waiting", self.waiting)?;
        if self.dropped > 0 {
            write!(f, ", {} not written", self.dropped)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_answered_quickly_is_no_stall() {
        let mut b = Backlog::default();
        b.queued(1000);
        assert_eq!(b.stall(1000 + STALL_AFTER_MS - 1), None);
        b.answered();
        assert_eq!(b.waiting(), 0);
        assert_eq!(b.stall(1_000_000), None);
    }

    #[test]
    fn the_oldest_line_waiting_a_second_is_a_stall_counting_all_waiting() {
        let mut b = Backlog::default();
        b.queued(1000);
        b.queued(1900);
        let stall = b.stall(2000).expect("stalled");
        assert_eq!(stall.waiting, 2);
        assert_eq!(stall.to_string(), "2 lines waiting");
        b.answered();
        assert_eq!(b.stall(2000), None, "the line of 1900 waited 100 ms only");
        assert_eq!(
            b.stall(2900).map(|s| s.to_string()).as_deref(),
            Some("1 line waiting")
        );
    }

    #[test]
    fn lines_given_up_stay_in_sight() {
        let mut b = Backlog::default();
        b.dropped();
        b.dropped();
        let stall = b.stall(0).expect("shown");
        assert_eq!(stall.to_string(), "0 lines waiting, 2 not written");
    }
}
