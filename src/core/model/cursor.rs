//! The time cursor: live, or an instant in the past at which the tiles, the modules and
//! the tools are evaluated (over the rate window ending there), as Grafana's time picker
//! moves a dashboard's "to" back.
//!
//! The cursor holds an absolute Unix ms instant, so it stays on the moment the operator
//! chose while live time moves on (its distance from now grows). It moves in steps of the
//! timeline's spacing; a key held down (repeats arriving closer than [`HELD_MS`]) doubles
//! the step every [`REPEATS_PER_DOUBLING`] repeats, up to [`MAX_FACTOR`] times, as btop's
//! and less's accelerated scrolling does. It is kept within the reach the source reports:
//! in scrape mode from the oldest instant with a full window of samples before it to the
//! newest scrape; in query mode as far back as the engine's retention.

use chrono::{DateTime, FixedOffset};

/// Two steps in one direction closer than this (ms, by the clock passed in) are one held
/// key.
pub const HELD_MS: i64 = 250;
/// Repeats of a held key before its step doubles.
pub const REPEATS_PER_DOUBLING: u32 = 4;
/// The largest multiple of the base step a held key reaches.
pub const MAX_FACTOR: i64 = 64;

/// Where the cursor is and how a held key has moved it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimeCursor {
    /// The instant in view, Unix ms; `None` is live (the newest data).
    at_ms: Option<i64>,
    /// Consecutive steps of a held key, and the direction and clock time of the last one.
    repeats: u32,
    last: Option<(i8, i64)>,
}

/// The instants the cursor may take, Unix ms, inclusive: `earliest` is the oldest instant
/// with data for a whole window before it, `latest` the newest data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub earliest_ms: i64,
    pub latest_ms: i64,
}

impl TimeCursor {
    /// The instant in view, Unix ms; `None` when live.
    pub fn at_ms(&self) -> Option<i64> {
        self.at_ms
    }

    /// Whether the cursor is live (no past instant chosen).
    pub fn is_live(&self) -> bool {
        self.at_ms.is_none()
    }

    /// The instant the numbers are evaluated at: the cursor's, or `live_ms`.
    pub fn eval_ms(&self, live_ms: i64) -> i64 {
        self.at_ms.unwrap_or(live_ms)
    }

    /// Back to live (`End`, Esc).
    pub fn go_live(&mut self) {
        *self = TimeCursor::default();
    }

    /// To the oldest reachable instant (`Home`); nothing without a reach.
    pub fn go_earliest(&mut self, reach: Option<Reach>) {
        if let Some(r) = reach {
            self.at_ms = Some(r.earliest_ms);
            self.last = None;
            self.repeats = 0;
        }
    }

    /// One step back (`dir` < 0, `←`) or forward (`dir` > 0, `→`) of `step_ms`, grown
    /// while the key is held (`clock_ms`: when the key arrived, any monotonic-enough clock
    /// in ms), then settled on an instant the source holds numbers for (`settle(t, dir)`:
    /// the nearest such instant at or before `t` going back, at or after it going
    /// forward, e.g. [`super::past::PastStats::settle`]; `None` keeps `t`). From live,
    /// the first step back lands one step before `reach.latest_ms`; a step forward past
    /// `latest_ms` stays there (live is `End`). Nothing happens without a reach (no data
    /// yet) or with a `step_ms` of 0 or less.
    pub fn step(
        &mut self,
        dir: i8,
        step_ms: i64,
        clock_ms: i64,
        reach: Option<Reach>,
        settle: impl Fn(i64, i8) -> Option<i64>,
    ) {
        let Some(r) = reach else { return };
        if step_ms <= 0 || dir == 0 {
            return;
        }
        let dir = dir.signum();
        let held = matches!(self.last, Some((d, t)) if d == dir && clock_ms.saturating_sub(t) < HELD_MS && clock_ms >= t);
        self.repeats = if held {
            self.repeats.saturating_add(1)
        } else {
            0
        };
        self.last = Some((dir, clock_ms));
        let doublings = self.repeats / REPEATS_PER_DOUBLING;
        let factor = 1i64
            .checked_shl(doublings.min(62))
            .unwrap_or(MAX_FACTOR)
            .min(MAX_FACTOR);
        let from = self.at_ms.unwrap_or(r.latest_ms);
        let to = from.saturating_add(i64::from(dir).saturating_mul(step_ms.saturating_mul(factor)));
        let to = clamp(to, r);
        self.at_ms = Some(settle(to, dir).map_or(to, |t| clamp(t, r)));
    }

    /// Moves to the nearest of `marks` (Unix ms, any order) strictly before (`dir` < 0) or
    /// after (`dir` > 0) the cursor (from live: before the newest data), within the reach;
    /// stays where it is when there is none.
    pub fn snap(&mut self, dir: i8, marks: &[i64], reach: Option<Reach>) {
        let Some(r) = reach else { return };
        let from = self.at_ms.unwrap_or(r.latest_ms.saturating_add(1));
        let inside = marks
            .iter()
            .copied()
            .filter(|t| (r.earliest_ms..=r.latest_ms).contains(t));
        let target = if dir < 0 {
            inside.filter(|t| *t < from).max()
        } else {
            inside.filter(|t| *t > from).min()
        };
        if let Some(t) = target {
            self.at_ms = Some(t);
            self.last = None;
            self.repeats = 0;
        }
    }

    /// Keeps a past cursor inside `reach` as data ages out (the oldest samples trimmed);
    /// a live cursor stays live.
    pub fn keep_within(&mut self, reach: Option<Reach>) {
        if let (Some(at), Some(r)) = (self.at_ms, reach) {
            self.at_ms = Some(clamp(at, r));
        }
    }

    /// The header's words for a past cursor: `at 03:12:40 (-14m) · 02:12:40 UTC`, the
    /// first time in `local` (the operator's offset from UTC), the distance from
    /// `now_ms` in the largest whole unit (s, m, h, d); the date is added when it is not
    /// `now_ms`'s date in `local`. `None` when live.
    pub fn label(&self, now_ms: i64, local: FixedOffset) -> Option<String> {
        let at = self.at_ms?;
        let at_local = DateTime::from_timestamp_millis(at)?.with_timezone(&local);
        let now_local = DateTime::from_timestamp_millis(now_ms)?.with_timezone(&local);
        let at_utc = DateTime::from_timestamp_millis(at)?;
        let same_day = at_local.date_naive() == now_local.date_naive();
        let (local_fmt, utc_fmt) = if same_day {
            ("%H:%M:%S", "%H:%M:%S UTC")
        } else {
            ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S UTC")
        };
        let ago = ago(now_ms.saturating_sub(at));
        let local_text = at_local.format(local_fmt);
        if local.local_minus_utc() == 0 {
            return Some(format!("at {local_text} UTC ({ago})"));
        }
        Some(format!(
            "at {local_text} ({ago}) · {}",
            at_utc.format(utc_fmt)
        ))
    }
}

/// `t` inside `r` (an inverted reach gives its latest).
fn clamp(t: i64, r: Reach) -> i64 {
    if r.earliest_ms > r.latest_ms {
        return r.latest_ms;
    }
    t.clamp(r.earliest_ms, r.latest_ms)
}

/// A distance into the past in the largest whole unit: `-14m`, `-2h`, `-40s`, `-3d`;
/// `now` for less than a second, `+5s` for an instant ahead of now.
pub fn ago(ms: i64) -> String {
    let (sign, ms) = if ms < 0 { ('+', -ms) } else { ('-', ms) };
    let s = ms / 1000;
    if s == 0 {
        return "now".into();
    }
    let (n, unit) = if s >= 86_400 {
        (s / 86_400, 'd')
    } else if s >= 3600 {
        (s / 3600, 'h')
    } else if s >= 60 {
        (s / 60, 'm')
    } else {
        (s, 's')
    };
    format!("{sign}{n}{unit}")
}

#[cfg(test)]
#[path = "cursor_tests.rs"]
mod tests;
