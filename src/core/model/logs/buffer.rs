//! The log lines kept in memory: bounded by count and by bytes, oldest dropped first.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use super::entry::{Labels, LogEntry};

/// Default cap on lines (`loki.max_lines`).
pub const DEFAULT_MAX_LINES: usize = 10_000;
/// Default cap on bytes (`loki.max_bytes`), 16 MiB, as counted by [`LogEntry::cost`].
pub const DEFAULT_MAX_BYTES: usize = 16 * 1024 * 1024;

/// The newest log entries, oldest first, within `max_lines` and `max_bytes`. Each pushed
/// entry gets the next sequence number, so entries are found by `seq` in O(1) and a
/// view can remember a position that survives drops at the front.
#[derive(Debug, Clone, PartialEq)]
pub struct LogBuffer {
    entries: VecDeque<LogEntry>,
    bytes: usize,
    max_lines: usize,
    max_bytes: usize,
    next_seq: u64,
    /// One label set per stream, shared by its kept entries; sets no entry holds any more
    /// are pruned whenever the set reaches `prune_at`.
    streams: HashSet<Arc<Labels>>,
    prune_at: usize,
    /// Entries dropped to stay within the caps since the start.
    pub dropped: u64,
}

/// Label sets kept before the first pruning of [`LogBuffer`]'s streams; after each, twice
/// the sets still in use (at least this many).
const MIN_PRUNE_AT: usize = 64;

impl LogBuffer {
    /// An empty buffer; caps below 1 line or 1 KiB are raised to those.
    pub fn new(max_lines: usize, max_bytes: usize) -> LogBuffer {
        LogBuffer {
            entries: VecDeque::new(),
            bytes: 0,
            max_lines: max_lines.max(1),
            max_bytes: max_bytes.max(1024),
            next_seq: 1,
            streams: HashSet::new(),
            prune_at: MIN_PRUNE_AT,
            dropped: 0,
        }
    }

    /// Appends an entry, giving it the next sequence number, and drops the oldest while
    /// either cap is exceeded (the newest entry itself is always kept).
    ///
    /// The entry's text is copied into memory allocated here, by the thread that keeps it
    /// for minutes, and the copy the source decoded is freed: the source tasks' threads
    /// then hold only short-lived buffers, which the allocator can reuse whole, instead of
    /// log lines scattered among them (glibc keeps one heap per thread; a long soak showed
    /// those heaps growing with the lines followed). Entries of the same stream share one
    /// label set.
    pub fn push(&mut self, entry: LogEntry) {
        let mut entry = LogEntry {
            line: entry.line.as_str().to_owned(),
            metadata: entry.metadata.clone(),
            parsed: entry.parsed.clone(),
            stream: self.shared_stream(&entry.stream),
            ..entry
        };
        entry.seq = self.next_seq;
        self.next_seq += 1;
        self.bytes += entry.cost();
        self.entries.push_back(entry);
        while self.entries.len() > 1
            && (self.entries.len() > self.max_lines || self.bytes > self.max_bytes)
        {
            if let Some(old) = self.entries.pop_front() {
                self.bytes -= old.cost();
                self.dropped += 1;
            }
        }
    }

    /// The kept label set equal to `stream`, or a copy of it, newly remembered. Sets held
    /// by no entry are dropped when the remembered ones reach `prune_at` (amortised O(1)),
    /// so there are at most about twice as many as the streams of the entries kept.
    fn shared_stream(&mut self, stream: &Arc<Labels>) -> Arc<Labels> {
        if let Some(known) = self.streams.get(stream.as_ref()) {
            return Arc::clone(known);
        }
        if self.streams.len() >= self.prune_at {
            self.streams.retain(|s| Arc::strong_count(s) > 1);
            self.prune_at = (2 * self.streams.len()).max(MIN_PRUNE_AT);
        }
        let copy = Arc::new(stream.as_ref().clone());
        self.streams.insert(Arc::clone(&copy));
        copy
    }

    /// Removes every entry (a new query starts afresh); sequence numbers keep growing.
    pub fn clear(&mut self) {
        self.dropped += self.entries.len() as u64;
        self.entries.clear();
        self.bytes = 0;
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogEntry> + ExactSizeIterator {
        self.entries.iter()
    }

    /// The entry with sequence number `seq`, if still kept.
    pub fn get(&self, seq: u64) -> Option<&LogEntry> {
        let first = self.entries.front()?.seq;
        let at = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.entries.get(at)
    }

    /// Entries after `seq` (exclusive), oldest first.
    pub fn after(&self, seq: u64) -> impl Iterator<Item = &LogEntry> {
        let first = self.entries.front().map_or(0, |e| e.seq);
        let skip = seq.saturating_add(1).saturating_sub(first) as usize;
        self.entries.iter().skip(skip)
    }

    /// Sequence number of the oldest entry kept, or the next one when empty.
    pub fn first_seq(&self) -> u64 {
        self.entries.front().map_or(self.next_seq, |e| e.seq)
    }

    /// Sequence number of the newest entry, or 0 when nothing was ever pushed.
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Bytes held, as counted by [`LogEntry::cost`].
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The caps: (lines, bytes).
    pub fn caps(&self) -> (usize, usize) {
        (self.max_lines, self.max_bytes)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn entry(ts: i64, line: &str) -> LogEntry {
        LogEntry::new(ts, line.to_string(), Arc::new(Vec::new()), Vec::new())
    }

    #[test]
    fn the_line_cap_drops_the_oldest_and_keeps_seq() {
        let mut b = LogBuffer::new(3, DEFAULT_MAX_BYTES);
        for i in 0..5 {
            b.push(entry(i, &format!("line {i}")));
        }
        assert_eq!(b.len(), 3);
        assert_eq!(b.dropped, 2);
        assert_eq!(b.first_seq(), 3);
        assert_eq!(b.last_seq(), 5);
        assert_eq!(b.get(4).map(|e| e.line.as_str()), Some("line 3"));
        assert_eq!(b.get(2), None);
        assert_eq!(b.get(6), None);
        let after: Vec<u64> = b.after(3).map(|e| e.seq).collect();
        assert_eq!(after, vec![4, 5]);
        assert_eq!(b.after(0).count(), 3);
    }

    #[test]
    fn the_byte_cap_holds_whatever_the_line_count() {
        let mut b = LogBuffer::new(1_000_000, 64 * 1024);
        let long = "x".repeat(1000);
        for i in 0..1000 {
            b.push(entry(i, &long));
            assert!(b.bytes() <= 64 * 1024, "over the cap at {i}");
        }
        assert!(b.len() < 70, "{}", b.len());
        assert_eq!(b.dropped as usize + b.len(), 1000);
        let counted: usize = b.iter().map(LogEntry::cost).sum();
        assert_eq!(counted, b.bytes());
    }

    #[test]
    fn kept_entries_are_copies_and_one_stream_is_one_label_set() {
        let labels = |app: &str| Arc::new(vec![("app".to_string(), app.to_string())]);
        let mut b = LogBuffer::new(100, DEFAULT_MAX_BYTES);
        let metadata = vec![("trace_id".to_string(), "abc".to_string())];
        let first = LogEntry::new(1, "one".into(), labels("a"), metadata.clone());
        let line_at = first.line.as_ptr();
        b.push(first);
        // Each frame decodes its own copy of a stream's labels.
        b.push(LogEntry::new(2, "two".into(), labels("b"), Vec::new()));
        b.push(LogEntry::new(3, "three".into(), labels("a"), Vec::new()));
        // Many streams interleaved, as Loki sorts one frame's entries by time.
        for i in 0..40 {
            b.push(LogEntry::new(
                4 + i,
                "x".into(),
                labels(&i.to_string()),
                Vec::new(),
            ));
        }
        b.push(LogEntry::new(99, "late".into(), labels("a"), Vec::new()));

        let e: Vec<&LogEntry> = b.iter().collect();
        assert_eq!(e[0].line, "one");
        assert_eq!(e[0].metadata, metadata);
        assert_ne!(e[0].line.as_ptr(), line_at, "the text is a copy");
        assert!(
            Arc::ptr_eq(&e[0].stream, &e[2].stream),
            "same stream, one set"
        );
        assert!(!Arc::ptr_eq(&e[0].stream, &e[1].stream));
        assert_eq!(*e[1].stream, *labels("b"));
        let late = e.last().expect("late");
        assert!(Arc::ptr_eq(&late.stream, &e[0].stream), "still shared");
    }

    #[test]
    fn label_sets_of_dropped_entries_are_forgotten() {
        let mut b = LogBuffer::new(10, DEFAULT_MAX_BYTES);
        for i in 0..10_000 {
            let stream = Arc::new(vec![("pod".to_string(), format!("p{i}"))]);
            b.push(LogEntry::new(i, "x".into(), stream, Vec::new()));
        }
        assert_eq!(b.len(), 10);
        assert!(b.streams.len() <= 2 * MIN_PRUNE_AT, "{}", b.streams.len());
    }

    #[test]
    fn one_entry_bigger_than_the_cap_is_still_kept() {
        let mut b = LogBuffer::new(10, 1024);
        b.push(entry(1, &"y".repeat(5000)));
        assert_eq!(b.len(), 1);
        b.push(entry(2, "small"));
        assert_eq!(b.len(), 1);
        assert_eq!(b.iter().next().map(|e| e.ts_ns), Some(2));
    }

    #[test]
    fn clear_keeps_the_sequence_growing() {
        let mut b = LogBuffer::new(10, DEFAULT_MAX_BYTES);
        b.push(entry(1, "a"));
        b.clear();
        assert!(b.is_empty());
        assert_eq!(b.bytes(), 0);
        b.push(entry(2, "b"));
        assert_eq!(b.first_seq(), 2);
    }
}
