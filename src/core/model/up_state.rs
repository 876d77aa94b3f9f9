//! A fleet row's up/down and scrape error, when `up` and `/api/v1/targets` disagree.
//!
//! `up` comes from the query engine, which may answer "now" as of a while ago
//! (VictoriaMetrics' `-search.latencyOffset`, 30 s by default, without `nocache=1`); the
//! targets list is the scraper's live state. A row must never say `● up` beside a scrape
//! error, so the newer of the two decides: the `up` sample's own timestamp
//! (`timestamp(up{...})`) against the target's `lastScrape`. When either time is unknown
//! the targets list, which is never behind, decides.

/// What the row shows: up or down (`None` without an `up` series) and the scrape error
/// beside it (empty when none applies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpState {
    pub up: Option<bool>,
    pub last_error: String,
}

/// One instance's `up` as the engine answered it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UpSample {
    /// `up >= 1`.
    pub up: bool,
    /// The sample's own time, Unix ms, when known.
    pub at_ms: Option<i64>,
}

/// The instance's entry of the targets list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TargetSeen<'a> {
    /// `lastError`; empty after a good scrape.
    pub last_error: &'a str,
    /// `lastScrape`, Unix ms, when known.
    pub last_scrape_ms: Option<i64>,
}

/// Decides a row's state from its `up` sample and its target (rules in the module doc):
///
/// - no target entry: `up` as it is, no error;
/// - the target's scrape is newer (or a time is unknown): the target decides — down with
///   its error when the scrape failed, up when it succeeded;
/// - the `up` sample is newer: `up` decides, and an error older than a good sample is
///   dropped (it no longer applies).
pub fn reconcile(up: Option<UpSample>, target: Option<TargetSeen<'_>>) -> UpState {
    let Some(t) = target else {
        return UpState {
            up: up.map(|u| u.up),
            last_error: String::new(),
        };
    };
    let failed = !t.last_error.is_empty();
    let target_newer = match (up.and_then(|u| u.at_ms), t.last_scrape_ms) {
        (Some(sample), Some(scrape)) => scrape >= sample,
        _ => true,
    };
    match up {
        // No `up` series: the row exists from its request rate alone; the error still
        // says what the scraper sees.
        None => UpState {
            up: None,
            last_error: t.last_error.to_string(),
        },
        Some(_) if target_newer => UpState {
            up: Some(!failed),
            last_error: t.last_error.to_string(),
        },
        Some(u) => UpState {
            up: Some(u.up),
            last_error: if u.up {
                String::new()
            } else {
                t.last_error.to_string()
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(up: bool, at_ms: Option<i64>) -> Option<UpSample> {
        Some(UpSample { up, at_ms })
    }

    fn target(last_error: &str, last_scrape_ms: Option<i64>) -> Option<TargetSeen<'_>> {
        Some(TargetSeen {
            last_error,
            last_scrape_ms,
        })
    }

    #[test]
    fn a_stale_up_beside_a_newer_scrape_error_reads_down_with_the_error() {
        // VictoriaMetrics without nocache: `up` 1 of 30 s ago, the scrape 1 s ago failed.
        let s = reconcile(
            up(true, Some(1_000)),
            target("connection refused", Some(31_000)),
        );
        assert_eq!(s.up, Some(false));
        assert_eq!(s.last_error, "connection refused");
    }

    #[test]
    fn a_good_sample_newer_than_the_error_reads_up_without_it() {
        let s = reconcile(
            up(true, Some(31_000)),
            target("connection refused", Some(1_000)),
        );
        assert_eq!(s.up, Some(true));
        assert_eq!(s.last_error, "");
    }

    #[test]
    fn a_down_sample_keeps_the_error_and_a_newer_good_scrape_reads_up() {
        let s = reconcile(up(false, Some(5_000)), target("timeout", Some(4_000)));
        assert_eq!((s.up, s.last_error.as_str()), (Some(false), "timeout"));
        let s = reconcile(up(false, Some(5_000)), target("", Some(6_000)));
        assert_eq!((s.up, s.last_error.as_str()), (Some(true), ""));
    }

    #[test]
    fn unknown_times_let_the_live_targets_list_decide_and_no_target_keeps_up() {
        let s = reconcile(up(true, None), target("refused", Some(1)));
        assert_eq!(s.up, Some(false));
        let s = reconcile(up(true, Some(1)), target("refused", None));
        assert_eq!(s.up, Some(false));
        let s = reconcile(up(false, Some(1)), None);
        assert_eq!((s.up, s.last_error.as_str()), (Some(false), ""));
        let s = reconcile(None, target("refused", None));
        assert_eq!((s.up, s.last_error.as_str()), (None, "refused"));
    }
}
