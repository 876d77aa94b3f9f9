//! `query_range` in pages: the backfill (newest first, backward), the catch-up after a
//! reconnect and the refetch of lines Loki dropped from a tail (oldest first, forward).
//!
//! Loki refuses a `limit` over its `max_entries_limit_per_query` (5,000 by default) with
//! 400 `max entries limit per query exceeded, limit > max_entries_limit (N > M)`; the
//! follower then learns M and uses it as the page size of every later query.

use crate::model::source_error::SourceError;
use std::collections::HashMap;

use super::follow::{Closed, Follower, now_ns};
use crate::model::logs::dedup::OVERLAP_NS;
use crate::model::logs::{LogEntry, LokiUpdate};

/// Most lines one catch-up or refetch fetches (whatever the page size Loki allows); a
/// source further behind skips ahead and says which span it skipped.
const MAX_CATCH_UP_LINES: usize = 100_000;
/// Most pages of the backfill: a guard only, as every page takes lines or moves below a
/// timestamp (1,000 pages of Loki's smallest usual limit, 100, hold 100,000 lines).
const MAX_BACKFILL_PAGES: usize = 1000;

/// Loki's `max_entries_limit_per_query` M from its refusal text `... max entries limit per
/// query exceeded, limit > max_entries_limit (N > M)` (Loki's querier,
/// `validateMaxEntriesLimits`). `None` for any other text.
pub fn max_entries_limit(text: &str) -> Option<u32> {
    if !text.contains("max entries limit per query exceeded") {
        return None;
    }
    let open = text.rfind('(')?;
    let inner = text[open + 1..].split(')').next()?;
    let (_, m) = inner.split_once('>')?;
    m.trim().parse().ok().filter(|&m| m > 0)
}

/// Equal (timestamp, stream, line) entries, counted: the edge of a backward page.
type Edge = HashMap<(i64, std::sync::Arc<crate::model::logs::Labels>, String), usize>;

impl Follower<'_> {
    /// One page of at most `want` lines (and at most the page size); on Loki's
    /// entry-limit refusal, learns the limit and asks again. Returns the entries (oldest
    /// first) and the limit asked.
    async fn page(
        &mut self,
        start: i64,
        end: i64,
        want: usize,
        forward: bool,
    ) -> Result<(Vec<LogEntry>, usize), SourceError> {
        loop {
            let limit = want.clamp(1, self.page as usize);
            match self
                .client
                .query_range(self.query, start, end, limit as u32, forward)
                .await
            {
                Ok(entries) => return Ok((entries, limit)),
                // Loki's own refusal text says the limit.
                Err(e) => match e.kind() {
                    SourceError::ApiText { text, .. } => match max_entries_limit(text) {
                        Some(m) if (m as usize) < limit => {
                            tracing::info!(
                                "Loki's max_entries_limit_per_query is {m}: paging by it"
                            );
                            self.page = m;
                        }
                        _ => return Err(e),
                    },
                    _ => return Err(e),
                },
            }
        }
    }

    /// The newest lines of the backfill window (at most `backfill_lines`), fetched newest
    /// first in pages and sent oldest first. Returns where following starts.
    pub(super) async fn backfill(
        &mut self,
        cfg: &super::follow::Settings,
    ) -> Result<Result<i64, SourceError>, Closed> {
        let end = now_ns();
        let start = end.saturating_sub(cfg.backfill.as_nanos().min(i64::MAX as u128) as i64);
        let mut want = cfg.backfill_lines as usize;
        let mut pages: Vec<Vec<LogEntry>> = Vec::new();
        let mut upper = end;
        // Every entry taken at the oldest timestamp so far: the next page, which ends just
        // after that timestamp, brings them again.
        let mut edge = Edge::new();
        for n in 0..MAX_BACKFILL_PAGES {
            if want == 0 {
                break;
            }
            let ask = want + edge.values().sum::<usize>();
            let (entries, limit) = match self.page(start, upper, ask, false).await {
                Ok(r) => r,
                Err(e) if n == 0 => return Ok(Err(e)),
                Err(e) => {
                    tracing::warn!("Loki backfill stopped after {n} pages: {e}");
                    break;
                }
            };
            let full = entries.len() >= limit;
            let Some(oldest) = entries.first().map(|e| e.ts_ns) else {
                break;
            };
            let mut again = Edge::new();
            let mut fresh: Vec<LogEntry> = entries
                .into_iter()
                .filter(|e| {
                    let key = (e.ts_ns, e.stream.clone(), e.line.clone());
                    let taken = edge.get(&key).copied().unwrap_or(0);
                    let seen = again.entry(key).or_default();
                    *seen += 1;
                    *seen > taken
                })
                .collect();
            // Newest lines of this page first, as many as still wanted.
            fresh = fresh.split_off(fresh.len().saturating_sub(want));
            want -= fresh.len();
            let stuck = fresh.is_empty();
            if edge.keys().next().is_some_and(|k| k.0 != oldest) {
                edge.clear();
            }
            for e in fresh.iter().take_while(|e| e.ts_ns == oldest) {
                *edge
                    .entry((e.ts_ns, e.stream.clone(), e.line.clone()))
                    .or_default() += 1;
            }
            pages.push(fresh);
            if !full {
                break;
            }
            if stuck {
                // More lines of one timestamp than a page: go on below it.
                upper = oldest;
                edge.clear();
            } else {
                upper = oldest.saturating_add(1);
            }
        }
        let entries: Vec<LogEntry> = pages.into_iter().rev().flatten().collect();
        self.emit(entries).await?;
        Ok(Ok(self.resume(end - OVERLAP_NS)))
    }

    /// Everything from `from` (inclusive) to now, oldest first, page by page. Returns
    /// where following goes on.
    pub(super) async fn catch_up(&mut self, from: i64) -> Result<Result<i64, SourceError>, Closed> {
        let end = now_ns();
        if let Err(e) = self.forward(from, end).await? {
            return Ok(Err(e));
        }
        Ok(Ok(self.resume(end - OVERLAP_NS)))
    }

    /// `[from, end)` oldest first, page by page, de-duplicated. Gives up after
    /// [`MAX_CATCH_UP_LINES`], and goes on past a timestamp with more lines than a page
    /// holds (Loki pages by time only); either way it says which span it skipped.
    async fn forward(&mut self, from: i64, end: i64) -> Result<Result<(), SourceError>, Closed> {
        let mut start = from;
        let mut fetched = 0usize;
        while start < end {
            let (entries, limit) = match self.page(start, end, usize::MAX, true).await {
                Ok(r) => r,
                Err(e) => return Ok(Err(e)),
            };
            let full = entries.len() >= limit;
            fetched += entries.len();
            let last = entries.last().map(|e| e.ts_ns);
            self.emit(entries).await?;
            let Some(t) = last.filter(|_| full) else {
                return Ok(Ok(()));
            };
            if fetched >= MAX_CATCH_UP_LINES {
                tracing::warn!("Loki catch-up gave up after {fetched} lines");
                self.send(LokiUpdate::Skipped {
                    from_ns: t,
                    to_ns: end,
                })
                .await?;
                return Ok(Ok(()));
            }
            if t > start {
                // The next page starts at the last timestamp: lines sharing it that did
                // not fit come then, and the ones already sent are known to the dedup.
                start = t;
            } else {
                // A whole page of one timestamp: the rest of it cannot be paged.
                self.send(LokiUpdate::Skipped {
                    from_ns: t,
                    to_ns: t.saturating_add(1),
                })
                .await?;
                start = t.saturating_add(1);
            }
        }
        Ok(Ok(()))
    }

    /// Fetches again, over their time span, the entries Loki dropped from the tail; what
    /// the tail did send in that span is known to the dedup, which remembers back to
    /// [`crate::model::logs::dedup::Dedup::known_from`]: entries older than that cannot
    /// be told from the ones sent, and are reported lost. On failure they stay pending.
    pub(super) async fn refetch_dropped(&mut self) -> Result<(), Closed> {
        if !self.drops.pending() {
            return Ok(());
        }
        let known = self.dedup.known_from().unwrap_or(i64::MIN);
        let ts = &self.drops.timestamps_ns;
        let lost = self.drops.unreadable + ts.iter().filter(|&&t| t < known).count() as u64;
        let span = ts
            .iter()
            .filter(|&&t| t >= known)
            .fold(None, |acc: Option<(i64, i64)>, &t| {
                Some(acc.map_or((t, t), |(a, b)| (a.min(t), b.max(t))))
            });
        if let Some((min, max)) = span {
            match self.forward(min, max.saturating_add(1)).await? {
                Ok(()) => {}
                Err(e) if self.drops.failures + 1 < super::tail::REFETCH_TRIES => {
                    tracing::warn!("fetching the lines Loki dropped again: {e}");
                    // Tried again after a while, or after the next reconnect.
                    self.drops.failures += 1;
                    self.drops.since = Some(tokio::time::Instant::now());
                    return Ok(());
                }
                Err(e) => {
                    tracing::warn!("the lines Loki dropped could not be fetched again: {e}");
                    let all = self.drops.unreadable + self.drops.timestamps_ns.len() as u64;
                    self.drops = super::tail::Drops::default();
                    return self.send(LokiUpdate::Refetched { lost: all }).await;
                }
            }
        }
        self.drops = super::tail::Drops::default();
        self.send(LokiUpdate::Refetched { lost }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lokis_entry_limit_is_read_from_its_refusal() {
        assert_eq!(
            max_entries_limit(
                "HTTP 400: max entries limit per query exceeded, limit > max_entries_limit (10000 > 5000)"
            ),
            Some(5000)
        );
        assert_eq!(
            max_entries_limit(
                "max entries limit per query exceeded, limit > max_entries_limit (250 > 100)"
            ),
            Some(100)
        );
        assert_eq!(max_entries_limit("HTTP 400: parse error (a > b)"), None);
        assert_eq!(
            max_entries_limit("max entries limit per query exceeded, limit > x (9 > 0)"),
            None
        );
    }
}
