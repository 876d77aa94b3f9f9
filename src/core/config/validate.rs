//! Checks of a merged [`Config`] that span keys: run once defaults, file, flags and imports
//! are merged, so each error names the key whichever of them set it.

use std::time::Duration;

use super::file::MAX_DURATION;
use super::{Config, ConfigError, Thresholds};
use crate::model::profile::ProfileChoice;

/// The longest `window.history`: 24 hours. The timeline keeps 360 points over it, each a
/// rate over one step (history / 360), so the counters' samples grow with the history.
pub const MAX_HISTORY: Duration = Duration::from_secs(24 * 3600);

impl Config {
    /// Checks what a single key cannot: the intervals and windows against each other,
    /// the thresholds, the modules pattern and the custom profile.
    ///
    /// Errors name the key (and its flag) that must change.
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.scrape.interval < Duration::from_millis(100) {
            return Err(ConfigError::invalid(
                "scrape.interval (--interval)",
                "must be at least 100ms",
            ));
        }
        if self.scrape.timeout() > self.scrape.interval {
            return Err(ConfigError::invalid(
                "scrape.timeout (--timeout)",
                "must not exceed scrape.interval (--interval), as in Prometheus",
            ));
        }
        // The file or --interval may give an interval so long that twice it overflows a
        // Duration (a panic with `*`); no range is that long.
        let twice = self.scrape.interval.checked_mul(2);
        if twice.is_none_or(|twice| self.window.range < twice) {
            return Err(ConfigError::invalid(
                "window.range (--window)",
                "must be at least twice scrape.interval (rate needs two samples)",
            ));
        }
        if self.window.history > MAX_HISTORY {
            return Err(ConfigError::invalid(
                "window.history (--history)",
                "must be at most 24h: a longer view belongs to Prometheus and Grafana, and \
                 the samples kept for each timeline point grow with it",
            ));
        }
        if self.window.history < self.window.range {
            return Err(ConfigError::invalid(
                "window.history (--history)",
                "must be at least window.range (--window)",
            ));
        }
        self.thresholds.validate()?;
        if regex::Regex::new(&self.modules.pattern).is_err() {
            return Err(ConfigError::invalid(
                "modules.pattern",
                "is not a valid regex",
            ));
        }
        if self.target.profile == ProfileChoice::Custom && self.custom_profile.is_none() {
            return Err(ConfigError::invalid(
                "target.profile",
                "is \"custom\" but the config has no [custom_profile] table",
            ));
        }
        Ok(())
    }
}

impl Thresholds {
    /// Errors: a ratio outside (0, 1], a latency level over 365 days, or a warn level
    /// above its critical level.
    fn validate(&self) -> Result<(), ConfigError> {
        let latencies = [
            ("thresholds.p95_warn", self.p95_warn),
            ("thresholds.p95_crit", self.p95_crit),
            ("thresholds.p99_warn", self.p99_warn),
            ("thresholds.p99_crit", self.p99_crit),
        ];
        if let Some((key, _)) = latencies.iter().find(|(_, d)| *d > MAX_DURATION) {
            return Err(ConfigError::invalid(key, "must be at most 365d"));
        }
        let ratio = |v: f64| v > 0.0 && v <= 1.0;
        if !ratio(self.error_rate_warn) || !ratio(self.error_rate_crit) {
            return Err(ConfigError::invalid(
                "thresholds.error_rate_warn/error_rate_crit",
                "are ratios between 0 and 1 (0.05 means 5%)",
            ));
        }
        let pairs = [
            (
                "thresholds.error_rate_warn",
                self.error_rate_warn <= self.error_rate_crit,
            ),
            ("thresholds.p95_warn", self.p95_warn <= self.p95_crit),
            ("thresholds.p99_warn", self.p99_warn <= self.p99_crit),
        ];
        match pairs.iter().find(|(_, ok)| !ok) {
            Some((key, _)) => Err(ConfigError::invalid(key, "must not exceed its _crit level")),
            None => Ok(()),
        }
    }
}
