//! Threshold levels of a value: colour plus a symbol and a word, never colour alone.

use ratatui::style::{Color, Modifier, Style};

use super::theme::Theme;

/// How a value compares with its thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    NoData,
    /// A value that is only a lower bound, below the warn level: it may be any level.
    Unknown,
    Ok,
    Warn,
    Crit,
}

impl Level {
    /// Level of `v` against `warn` and `crit` (greater or equal breaches).
    pub fn of(v: Option<f64>, warn: f64, crit: f64) -> Level {
        match v.filter(|v| v.is_finite()) {
            None => Level::NoData,
            Some(v) if v >= crit => Level::Crit,
            Some(v) if v >= warn => Level::Warn,
            Some(_) => Level::Ok,
        }
    }

    /// As [`Level::of`] for a value that may be only a lower bound (`lower_bound`): one
    /// at or above a level is at least that level, one below warn is [`Level::Unknown`]
    /// rather than `ok`.
    pub fn of_bound(v: Option<f64>, lower_bound: bool, warn: f64, crit: f64) -> Level {
        match Level::of(v, warn, crit) {
            Level::Ok if lower_bound => Level::Unknown,
            level => level,
        }
    }

    /// `✔`, `▲`, `✖`, or `·` without data.
    pub fn symbol(self) -> &'static str {
        match self {
            Level::NoData => "·",
            Level::Unknown => "?",
            Level::Ok => "✔",
            Level::Warn => "▲",
            Level::Crit => "✖",
        }
    }

    /// `ok`, `warn`, `CRIT`.
    pub fn word(self) -> &'static str {
        match self {
            Level::NoData => "no data",
            Level::Unknown => "unknown",
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Crit => "CRIT",
        }
    }

    pub fn color(self, theme: &Theme) -> Color {
        match self {
            Level::NoData => theme.muted,
            Level::Unknown => theme.warn,
            Level::Ok => theme.ok,
            Level::Warn => theme.warn,
            Level::Crit => theme.crit,
        }
    }

    pub fn style(self, theme: &Theme) -> Style {
        let s = Style::new().fg(self.color(theme));
        if self == Level::Crit {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }
}
