//! Threshold levels of a number: one judgement for the tiles, the fleet table and the
//! incident report, so that they cannot disagree.

/// How a value compares with its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// No value, or one that is not a finite number (NaN, ±Inf: a ratio of zero requests,
    /// a quantile of an empty histogram).
    NoData,
    /// A value that is only a lower bound, below the warn level: it may be any level.
    Unknown,
    Ok,
    Warn,
    Crit,
}

impl Level {
    /// Level of `v` against `warn` and `crit`, in the value's unit: at or above `crit` is
    /// [`Level::Crit`], at or above `warn` [`Level::Warn`] (greater or equal breaches, as
    /// the thresholds of `[thresholds]` are documented); `None` and a value that is not
    /// finite are [`Level::NoData`].
    pub fn of(v: Option<f64>, warn: f64, crit: f64) -> Level {
        match v.filter(|v| v.is_finite()) {
            None => Level::NoData,
            Some(v) if v >= crit => Level::Crit,
            Some(v) if v >= warn => Level::Warn,
            Some(_) => Level::Ok,
        }
    }

    /// As [`Level::of`] for a value that may be only a lower bound (`lower_bound`: a
    /// quantile in the `+Inf` bucket): one at or above a level is at least that level, one
    /// below warn is [`Level::Unknown`] rather than `ok`.
    pub fn of_bound(v: Option<f64>, lower_bound: bool, warn: f64, crit: f64) -> Level {
        match Level::of(v, warn, crit) {
            Level::Ok if lower_bound => Level::Unknown,
            level => level,
        }
    }

    /// `✔`, `▲`, `✖`, `?` for unknown, or `·` without data.
    pub fn symbol(self) -> &'static str {
        match self {
            Level::NoData => "·",
            Level::Unknown => "?",
            Level::Ok => "✔",
            Level::Warn => "▲",
            Level::Crit => "✖",
        }
    }

    /// `no data`, `unknown`, `ok`, `warn`, `CRIT`.
    pub fn word(self) -> &'static str {
        match self {
            Level::NoData => "no data",
            Level::Unknown => "unknown",
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Crit => "CRIT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Level;

    #[test]
    fn thresholds_breach_at_or_above() {
        assert_eq!(Level::of(Some(0.0099), 0.01, 0.05), Level::Ok);
        assert_eq!(Level::of(Some(0.01), 0.01, 0.05), Level::Warn);
        assert_eq!(Level::of(Some(0.05), 0.01, 0.05), Level::Crit);
    }

    #[test]
    fn a_number_that_is_not_finite_is_no_data() {
        for v in [
            None,
            Some(f64::NAN),
            Some(f64::INFINITY),
            Some(f64::NEG_INFINITY),
        ] {
            assert_eq!(Level::of(v, 0.01, 0.05), Level::NoData, "{v:?}");
            assert_eq!(Level::of_bound(v, true, 0.01, 0.05), Level::NoData, "{v:?}");
        }
        assert_eq!(Level::NoData.word(), "no data");
    }

    #[test]
    fn a_lower_bound_below_warn_is_unknown_but_above_it_counts() {
        assert_eq!(Level::of_bound(Some(0.1), true, 0.5, 1.0), Level::Unknown);
        assert_eq!(Level::of_bound(Some(0.1), false, 0.5, 1.0), Level::Ok);
        assert_eq!(Level::of_bound(Some(0.7), true, 0.5, 1.0), Level::Warn);
        assert_eq!(Level::of_bound(Some(2.0), true, 0.5, 1.0), Level::Crit);
    }
}
