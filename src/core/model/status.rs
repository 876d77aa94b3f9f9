//! Health of the target as seen by the scrape and health-check sources.

/// Which scrape target an update is about: numbered by scrape mode's targets task
/// (`sources::targets`), stable for as long as the target stays (a `targets_file` change
/// gives a changed target a new one).
pub type TargetId = u64;

/// The outcome history of one source (scrape or health check).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceStatus {
    /// Unix time (ms) of the last success.
    pub last_ok_ms: Option<i64>,
    /// Unix time (ms) of the last attempt, good or bad.
    pub last_attempt_ms: Option<i64>,
    /// Failures since the last success.
    pub consecutive_failures: u32,
    /// Text of the last failure; cleared by a success.
    pub last_error: Option<String>,
}

impl SourceStatus {
    pub fn record_ok(&mut self, t_ms: i64) {
        self.last_ok_ms = Some(t_ms);
        self.last_attempt_ms = Some(t_ms);
        self.consecutive_failures = 0;
        self.last_error = None;
    }

    pub fn record_err(&mut self, t_ms: i64, error: String) {
        self.last_attempt_ms = Some(t_ms);
        self.consecutive_failures = self.consecutive_failures.saturating_add(1);
        self.last_error = Some(error);
    }

    /// True once an attempt was made and the last one succeeded.
    pub fn is_ok(&self) -> bool {
        self.last_attempt_ms.is_some() && self.consecutive_failures == 0
    }

    /// Age of the last good data in seconds at `now_ms`; `None` when never good.
    pub fn age_secs(&self, now_ms: i64) -> Option<f64> {
        self.last_ok_ms
            .map(|t| (now_ms.saturating_sub(t)).max(0) as f64 / 1000.0)
    }
}

/// What `/health` answered last.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HealthInfo {
    /// `status` field, e.g. "ok".
    pub status: String,
    /// `version` field, when given.
    pub version: Option<String>,
}

/// Up/down as the header shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Up {
    /// No answer yet.
    Unknown,
    Up,
    Down,
}

/// Combined state of the target: up when both the last scrape and the last health check
/// succeeded; down when either failed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetStatus {
    pub scrape: SourceStatus,
    pub health: SourceStatus,
    /// Last good `/health` answer.
    pub health_info: Option<HealthInfo>,
    /// Duration of the last good scrape, seconds.
    pub scrape_duration_secs: Option<f64>,
    /// Bytes of the last good `/metrics` body.
    pub scrape_bytes: Option<usize>,
}

impl TargetStatus {
    pub fn up(&self) -> Up {
        let attempted =
            self.scrape.last_attempt_ms.is_some() || self.health.last_attempt_ms.is_some();
        if !attempted {
            Up::Unknown
        } else if self.scrape.consecutive_failures > 0 || self.health.consecutive_failures > 0 {
            Up::Down
        } else {
            Up::Up
        }
    }

    /// Largest run of consecutive failures of either source.
    pub fn consecutive_failures(&self) -> u32 {
        self.scrape
            .consecutive_failures
            .max(self.health.consecutive_failures)
    }

    /// The error to show: the scrape's first (it feeds every number), else the health check's.
    pub fn error(&self) -> Option<&str> {
        self.scrape
            .last_error
            .as_deref()
            .or(self.health.last_error.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_count_and_reset() {
        let mut t = TargetStatus::default();
        assert_eq!(t.up(), Up::Unknown);
        t.scrape.record_ok(1_000);
        assert_eq!(t.up(), Up::Up);
        t.scrape.record_err(3_000, "connection refused".into());
        t.scrape.record_err(5_000, "connection refused".into());
        assert_eq!(t.up(), Up::Down);
        assert_eq!(t.consecutive_failures(), 2);
        assert_eq!(t.scrape.age_secs(6_000), Some(5.0));
        assert_eq!(t.error(), Some("connection refused"));
        t.scrape.record_ok(7_000);
        assert_eq!(t.up(), Up::Up);
        assert_eq!(t.error(), None);
    }
}
