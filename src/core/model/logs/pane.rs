//! What the log pane shows of a buffer: the filter's matches, follow or a cursor, pause,
//! wrap. Pure state, moved by keys, read by the renderer.

use std::collections::{BTreeMap, VecDeque};

use super::LogEntry;
use super::buffer::LogBuffer;
use super::filter::LogFilter;

/// Matching entries copied when the pane pauses, so that what is on screen stays there
/// while a flood pushes the buffer's oldest lines out (at 5,000 lines/s a 10,000-line
/// buffer turns over in 2 s).
pub const PINNED: usize = 1000;

/// The log pane's state for one buffer.
#[derive(Debug, Clone)]
pub struct LogPane {
    /// Stick to the newest line (the default); off once the cursor moves up.
    pub follow: bool,
    /// While paused, lines after this sequence number are kept but not shown.
    pub paused_at: Option<u64>,
    /// Selected entry (sequence number) when not following.
    pub cursor: u64,
    /// Rows shown below the cursor (keeps the window still while the cursor moves).
    pub below: usize,
    /// Long lines wrap instead of being cut.
    pub wrap: bool,
    /// The filter's text as typed (`~` prefix for a regex) and its compiled form.
    pub filter_text: String,
    filter: Option<LogFilter>,
    /// Sequence numbers of the kept entries that match, ascending.
    matches: VecDeque<u64>,
    /// Last sequence number looked at by [`LogPane::sync`].
    scanned: u64,
    /// While paused: the newest [`PINNED`] matches up to the pause, copied.
    pinned: BTreeMap<u64, LogEntry>,
}

impl Default for LogPane {
    fn default() -> Self {
        LogPane {
            follow: true,
            paused_at: None,
            cursor: 0,
            below: 0,
            wrap: false,
            filter_text: String::new(),
            filter: None,
            matches: VecDeque::new(),
            scanned: 0,
            pinned: BTreeMap::new(),
        }
    }
}

impl LogPane {
    /// Brings the matches up to date with `buf`: forgets dropped entries and tests the new
    /// ones against the filter. Costs O(new entries), so it can run every frame.
    pub fn sync(&mut self, buf: &LogBuffer) {
        let first = buf.first_seq();
        if self.pinned.is_empty() {
            while self.matches.front().is_some_and(|s| *s < first) {
                self.matches.pop_front();
            }
        } else {
            // Paused: the pinned copies stay; every other dropped entry goes, including the
            // ones that arrived after the pause and have left the buffer since.
            let pinned = &self.pinned;
            self.matches
                .retain(|s| *s >= first || pinned.contains_key(s));
        }
        if self.scanned > buf.last_seq() {
            // A different buffer: start over.
            self.matches.clear();
            self.scanned = 0;
        }
        for e in buf.after(self.scanned) {
            if self.filter.as_ref().is_none_or(|f| f.matches(&e.line)) {
                self.matches.push_back(e.seq);
            }
        }
        self.scanned = buf.last_seq();
    }

    /// Sets the filter from what was typed and recomputes the matches over `buf`. On a
    /// bad regex the previous filter stays and the error is returned.
    pub fn set_filter(&mut self, text: &str, buf: &LogBuffer) -> Result<(), String> {
        let filter = LogFilter::parse(text)?;
        self.filter_text = text.to_string();
        self.filter = filter;
        self.rescan(buf);
        Ok(())
    }

    /// Whether a filter is active.
    pub fn filtered(&self) -> bool {
        self.filter.is_some()
    }

    /// Forgets the matches and scans `buf` again (after a filter change or a source switch).
    pub fn rescan(&mut self, buf: &LogBuffer) {
        self.matches.clear();
        // While paused, the pinned copies the buffer no longer holds are filtered too.
        let first = buf.first_seq();
        for (seq, e) in self.pinned.range(..first) {
            if self.filter.as_ref().is_none_or(|f| f.matches(&e.line)) {
                self.matches.push_back(*seq);
            }
        }
        self.scanned = 0;
        self.sync(buf);
    }

    /// Leaves the pause (a new query, another source): the pinned copies are dropped.
    pub fn unpause(&mut self) {
        self.paused_at = None;
        self.pinned.clear();
    }

    /// Matching entries that may be shown: all of them, or those up to the pause.
    pub fn shown(&self) -> usize {
        match self.paused_at {
            Some(p) => self.matches.partition_point(|s| *s <= p),
            None => self.matches.len(),
        }
    }

    /// Matching entries that arrived since the pause.
    pub fn new_since_pause(&self) -> usize {
        self.matches.len() - self.shown()
    }

    /// All matching entries kept (filtered count).
    pub fn matched(&self) -> usize {
        self.matches.len()
    }

    /// Index (into the matches) of the selected entry, `None` when nothing is shown.
    pub fn selected_index(&self) -> Option<usize> {
        let shown = self.shown();
        if shown == 0 {
            return None;
        }
        if self.follow {
            return Some(shown - 1);
        }
        Some(
            self.matches
                .partition_point(|s| *s < self.cursor)
                .min(shown - 1),
        )
    }

    /// Sequence number of the selected entry.
    pub fn selected(&self) -> Option<u64> {
        self.selected_index()
            .and_then(|i| self.matches.get(i).copied())
    }

    /// The sequence numbers to draw in `rows` rows (one row per entry), oldest first, and
    /// which of them is selected.
    pub fn window(&self, rows: usize) -> (Vec<u64>, Option<usize>) {
        let Some(sel) = self.selected_index() else {
            return (Vec::new(), None);
        };
        let rows = rows.max(1);
        let shown = self.shown();
        let below = if self.follow {
            0
        } else {
            self.below.min(rows - 1)
        };
        let bottom = (sel + 1 + below).min(shown);
        let top = bottom.saturating_sub(rows);
        let seqs: Vec<u64> = self.matches.range(top..bottom).copied().collect();
        (seqs, Some(sel - top))
    }

    /// Moves the selection up by `n` entries (stops following); `rows` is the pane height.
    pub fn up(&mut self, n: usize, rows: usize) {
        let Some(sel) = self.selected_index() else {
            return;
        };
        let to = sel.saturating_sub(n);
        let was_following = self.follow;
        self.follow = false;
        if let Some(seq) = self.matches.get(to) {
            self.cursor = *seq;
        }
        let start_below = if was_following { 0 } else { self.below };
        self.below = (start_below + (sel - to)).min(rows.saturating_sub(1));
    }

    /// Moves the selection down by `n`; reaching the newest shown entry follows again.
    pub fn down(&mut self, n: usize) {
        if self.follow {
            return;
        }
        let Some(sel) = self.selected_index() else {
            return;
        };
        let to = sel + n;
        if to + 1 >= self.shown() {
            self.bottom();
            return;
        }
        if let Some(seq) = self.matches.get(to) {
            self.cursor = *seq;
        }
        self.below = self.below.saturating_sub(n);
    }

    /// Selects the oldest entry kept.
    pub fn top(&mut self, rows: usize) {
        if let Some(seq) = self.matches.front() {
            self.follow = false;
            self.cursor = *seq;
            self.below = rows.saturating_sub(1);
        }
    }

    /// Follows the newest entry again.
    pub fn bottom(&mut self) {
        self.follow = true;
        self.below = 0;
    }

    /// Pauses (lines keep arriving into the buffer, unseen) or resumes.
    pub fn toggle_pause(&mut self, buf: &LogBuffer) {
        self.paused_at = match self.paused_at {
            Some(_) => None,
            None => Some(buf.last_seq()),
        };
        self.pinned.clear();
        if self.paused_at.is_some() {
            for seq in self.matches.iter().rev().take(PINNED) {
                if let Some(e) = buf.get(*seq) {
                    self.pinned.insert(*seq, e.clone());
                }
            }
        } else {
            self.sync(buf);
        }
    }

    /// The entry `seq`: from the buffer, or from the copy pinned at the pause once the
    /// buffer has dropped it.
    pub fn entry<'a>(&'a self, buf: &'a LogBuffer, seq: u64) -> Option<&'a LogEntry> {
        buf.get(seq).or_else(|| self.pinned.get(&seq))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::model::logs::LogEntry;

    fn buffer(lines: &[&str]) -> LogBuffer {
        let mut b = LogBuffer::new(100, 1 << 20);
        for (i, l) in lines.iter().enumerate() {
            b.push(LogEntry::new(
                i as i64,
                l.to_string(),
                Arc::new(Vec::new()),
                Vec::new(),
            ));
        }
        b
    }

    #[test]
    fn a_paused_view_stays_while_a_flood_pushes_its_lines_out_of_the_buffer() {
        let texts: Vec<String> = (0..50).map(|i| format!("line {i}")).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut b = buffer(&refs);
        let mut p = LogPane::default();
        p.sync(&b);
        p.toggle_pause(&b);
        let before: Vec<String> = {
            let (seqs, _) = p.window(5);
            seqs.iter()
                .filter_map(|s| p.entry(&b, *s))
                .map(|e| e.line.clone())
                .collect()
        };
        assert_eq!(
            before,
            ["line 45", "line 46", "line 47", "line 48", "line 49"]
        );
        // 250 more lines through a 100-line buffer: every paused line is dropped from it.
        // Synced after each line, as frames do: lines that came after the pause and left
        // the buffer again are forgotten too.
        for i in 0..250 {
            b.push(LogEntry::new(
                100 + i,
                format!("new {i}"),
                Arc::new(Vec::new()),
                Vec::new(),
            ));
            p.sync(&b);
        }
        assert_eq!(
            p.matched(),
            50 + 100,
            "the 50 pinned and the 100 the buffer holds"
        );
        let (seqs, _) = p.window(5);
        assert!(
            seqs.iter().all(|s| b.get(*s).is_none()),
            "dropped from the buffer"
        );
        let after: Vec<String> = seqs
            .iter()
            .filter_map(|s| p.entry(&b, *s))
            .map(|e| e.line.clone())
            .collect();
        assert_eq!(after, before, "the paused view holds");
        assert_eq!(p.new_since_pause(), 100, "the new lines the buffer kept");
        // A filter typed while paused applies to the pinned copies too.
        p.set_filter("line 4", &b).expect("filter");
        let (seqs, _) = p.window(20);
        let shown: Vec<String> = seqs
            .iter()
            .filter_map(|s| p.entry(&b, *s))
            .map(|e| e.line.clone())
            .collect();
        assert_eq!(shown.len(), 11, "line 4 and lines 40-49: {shown:?}");
        p.set_filter("", &b).expect("filter cleared");
        // Resuming follows the buffer again; the copies are gone.
        p.toggle_pause(&b);
        let (seqs, _) = p.window(1);
        assert_eq!(lines(&b, &seqs), ["new 249"]);
        assert!(p.entry(&b, 49).is_none());
    }

    fn lines<'a>(b: &'a LogBuffer, seqs: &[u64]) -> Vec<&'a str> {
        seqs.iter()
            .filter_map(|s| b.get(*s))
            .map(|e| e.line.as_str())
            .collect()
    }

    #[test]
    fn follows_the_newest_lines_by_default() {
        let mut b = buffer(&["a", "b", "c", "d"]);
        let mut p = LogPane::default();
        p.sync(&b);
        let (seqs, sel) = p.window(2);
        assert_eq!(lines(&b, &seqs), vec!["c", "d"]);
        assert_eq!(sel, Some(1));
        b.push(LogEntry::new(
            9,
            "e".into(),
            Arc::new(Vec::new()),
            Vec::new(),
        ));
        p.sync(&b);
        assert_eq!(lines(&b, &p.window(2).0), vec!["d", "e"]);
    }

    #[test]
    fn moving_up_holds_the_view_while_lines_arrive() {
        let mut b = buffer(&["a", "b", "c", "d", "e"]);
        let mut p = LogPane::default();
        p.sync(&b);
        p.up(1, 3);
        assert!(!p.follow);
        let (seqs, sel) = p.window(3);
        assert_eq!(lines(&b, &seqs), vec!["c", "d", "e"]);
        assert_eq!(sel, Some(1));
        b.push(LogEntry::new(
            9,
            "f".into(),
            Arc::new(Vec::new()),
            Vec::new(),
        ));
        p.sync(&b);
        assert_eq!(lines(&b, &p.window(3).0), vec!["c", "d", "e"]);
        p.up(5, 3);
        let (seqs, sel) = p.window(3);
        assert_eq!(lines(&b, &seqs), vec!["a", "b", "c"]);
        assert_eq!(sel, Some(0));
        p.down(1);
        p.down(10);
        assert!(p.follow);
        assert_eq!(lines(&b, &p.window(3).0), vec!["d", "e", "f"]);
        p.top(3);
        assert_eq!(p.selected(), Some(1));
        p.bottom();
        assert_eq!(p.selected(), Some(6));
    }

    #[test]
    fn the_filter_applies_to_kept_and_new_lines() {
        let mut b = buffer(&["GET ok", "error: db", "GET ok", "error: auth"]);
        let mut p = LogPane::default();
        p.set_filter("error", &b).expect("filter");
        assert_eq!(p.matched(), 2);
        assert_eq!(lines(&b, &p.window(10).0), vec!["error: db", "error: auth"]);
        b.push(LogEntry::new(
            9,
            "another ERROR".into(),
            Arc::new(Vec::new()),
            Vec::new(),
        ));
        b.push(LogEntry::new(
            9,
            "fine".into(),
            Arc::new(Vec::new()),
            Vec::new(),
        ));
        p.sync(&b);
        assert_eq!(p.matched(), 3);
        assert!(p.set_filter("~(", &b).is_err());
        assert_eq!(p.filter_text, "error");
        p.set_filter("", &b).expect("clear");
        assert_eq!(p.matched(), 6);
    }

    #[test]
    fn pause_keeps_buffering_but_holds_the_view() {
        let mut b = buffer(&["a", "b"]);
        let mut p = LogPane::default();
        p.sync(&b);
        p.toggle_pause(&b);
        for l in ["c", "d", "e"] {
            b.push(LogEntry::new(9, l.into(), Arc::new(Vec::new()), Vec::new()));
        }
        p.sync(&b);
        assert_eq!(lines(&b, &p.window(5).0), vec!["a", "b"]);
        assert_eq!(p.new_since_pause(), 3);
        assert_eq!(b.len(), 5);
        p.toggle_pause(&b);
        assert_eq!(lines(&b, &p.window(5).0), vec!["a", "b", "c", "d", "e"]);
    }

    #[test]
    fn dropped_entries_leave_the_matches() {
        let mut b = LogBuffer::new(3, 1 << 20);
        let mut p = LogPane::default();
        for i in 0..10 {
            b.push(LogEntry::new(
                i,
                format!("l{i}"),
                Arc::new(Vec::new()),
                Vec::new(),
            ));
            p.sync(&b);
        }
        assert_eq!(p.matched(), 3);
        assert_eq!(lines(&b, &p.window(10).0), vec!["l7", "l8", "l9"]);
        // The cursor on a dropped entry lands on the oldest kept.
        p.top(3);
        for i in 10..12 {
            b.push(LogEntry::new(
                i,
                format!("l{i}"),
                Arc::new(Vec::new()),
                Vec::new(),
            ));
        }
        p.sync(&b);
        assert_eq!(p.selected(), Some(10));
    }
}
