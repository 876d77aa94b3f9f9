//! Run-time knobs shared by the tools and the public handle: the error ratio, the latency
//! spread and the server's own count of `tools/call` requests.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::Rng;

/// Knobs that tests and the CLI can turn while the server runs.
#[derive(Debug)]
pub(crate) struct Knobs {
    /// `f64` bits of the error ratio, clamped to `0..=1`.
    error_ratio: AtomicU64,
    /// `(typical, max)` latency in milliseconds.
    latency_ms: Mutex<(u64, u64)>,
    /// `tools/call` requests handled (every outcome).
    calls_total: AtomicU64,
}

impl Knobs {
    pub(crate) fn new(error_ratio: f64, latency_ms: (u64, u64)) -> Self {
        let knobs = Self {
            error_ratio: AtomicU64::new(0),
            latency_ms: Mutex::new((0, 0)),
            calls_total: AtomicU64::new(0),
        };
        knobs.set_error_ratio(error_ratio);
        knobs.set_latency_ms(latency_ms.0, latency_ms.1);
        knobs
    }

    pub(crate) fn error_ratio(&self) -> f64 {
        f64::from_bits(self.error_ratio.load(Ordering::Relaxed))
    }

    pub(crate) fn set_error_ratio(&self, ratio: f64) {
        let ratio = if ratio.is_finite() {
            ratio.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.error_ratio.store(ratio.to_bits(), Ordering::Relaxed);
    }

    pub(crate) fn latency_ms(&self) -> (u64, u64) {
        match self.latency_ms.lock() {
            Ok(guard) => *guard,
            Err(poisoned) => *poisoned.into_inner(),
        }
    }

    /// A `max` below `typical` is raised to `typical`.
    pub(crate) fn set_latency_ms(&self, typical: u64, max: u64) {
        let value = (typical, max.max(typical));
        match self.latency_ms.lock() {
            Ok(mut guard) => *guard = value,
            Err(poisoned) => *poisoned.into_inner() = value,
        }
    }

    pub(crate) fn count_call(&self) {
        self.calls_total.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn calls_total(&self) -> u64 {
        self.calls_total.load(Ordering::Relaxed)
    }

    /// A simulated upstream latency: log-normal with its median at `typical * weight`, its
    /// 99.9th percentile near `max`, and never above `max`.
    pub(crate) fn sample_latency(&self, weight: f64) -> Duration {
        let (typical, max) = self.latency_ms();
        let z = standard_normal(&mut rand::rng());
        Duration::from_secs_f64(lognormal_ms(typical, max, weight, z) / 1000.0)
    }
}

/// The latency in milliseconds for a standard normal draw `z`.
pub(crate) fn lognormal_ms(typical: u64, max: u64, weight: f64, z: f64) -> f64 {
    let max = max as f64;
    let median = (typical as f64 * weight).clamp(0.0, max);
    if median <= 0.0 || max <= median {
        return median;
    }
    // z = 3.09 is the 99.9th percentile of the standard normal.
    let sigma = (max / median).ln() / 3.09;
    (median * (sigma * z).exp()).clamp(0.0, max)
}

/// Box-Muller: one standard normal sample.
pub(crate) fn standard_normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn knobs_clamp() {
        let knobs = Knobs::new(3.0, (100, 50));
        assert_eq!(knobs.error_ratio(), 1.0);
        assert_eq!(knobs.latency_ms(), (100, 100));
        knobs.set_error_ratio(f64::NAN);
        assert_eq!(knobs.error_ratio(), 0.0);
    }

    #[test]
    fn latency_shape() {
        assert_eq!(lognormal_ms(80, 2500, 1.0, 0.0), 80.0);
        assert!(lognormal_ms(80, 2500, 1.0, 10.0) <= 2500.0);
        let p999 = lognormal_ms(80, 2500, 1.0, 3.09);
        assert!((p999 - 2500.0).abs() < 1.0, "{p999}");
        assert!(lognormal_ms(80, 2500, 1.0, -3.0) > 0.0);
        assert_eq!(lognormal_ms(0, 0, 1.0, 1.0), 0.0);
    }
}
