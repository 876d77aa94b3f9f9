//! Reconnect delays: 0.5 s doubling to 30 s, each with ±20 % jitter so many servers that
//! dropped together do not all come back at once.

use std::time::Duration;

use rand::Rng;

const FIRST: Duration = Duration::from_millis(500);
const MAX: Duration = Duration::from_secs(30);

/// The delay before the next attempt.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

impl Backoff {
    pub fn new() -> Self {
        Self { next: FIRST }
    }

    /// Back to the first delay (after a healthy session or an operator's reconnect).
    pub fn reset(&mut self) {
        self.next = FIRST;
    }

    /// The delay to wait now; the one after it is twice as long (up to 30 s).
    pub fn next_delay(&mut self) -> Duration {
        let base = self.next;
        self.next = (self.next * 2).min(MAX);
        base.mul_f64(rand::rng().random_range(0.8..1.2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_from_half_a_second_to_thirty_with_jitter() {
        let mut b = Backoff::new();
        let delays: Vec<Duration> = (0..10).map(|_| b.next_delay()).collect();
        let within = |d: Duration, base: f64| {
            d.as_secs_f64() >= base * 0.8 - 1e-9 && d.as_secs_f64() <= base * 1.2 + 1e-9
        };
        for (d, base) in delays
            .iter()
            .zip([0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0])
        {
            assert!(within(*d, base), "{d:?} vs {base}");
        }
        b.reset();
        assert!(within(b.next_delay(), 0.5));
    }
}
