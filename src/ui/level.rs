//! Threshold levels in colour: each [`Level`] (from the model) drawn with a symbol and a
//! word as well, never colour alone.

use ratatui::style::{Color, Modifier, Style};

pub use crate::model::level::Level;

use super::theme::Theme;

/// The colours of a [`Level`] in a theme.
pub trait LevelStyle {
    /// Muted without data, the theme's ok, warn or crit colour (warn for unknown).
    fn color(self, theme: &Theme) -> Color;
    /// [`LevelStyle::color`] as foreground, bold for crit.
    fn style(self, theme: &Theme) -> Style;
}

impl LevelStyle for Level {
    fn color(self, theme: &Theme) -> Color {
        match self {
            Level::NoData => theme.muted,
            Level::Unknown => theme.warn,
            Level::Ok => theme.ok,
            Level::Warn => theme.warn,
            Level::Crit => theme.crit,
        }
    }

    fn style(self, theme: &Theme) -> Style {
        let s = Style::new().fg(self.color(theme));
        if self == Level::Crit {
            s.add_modifier(Modifier::BOLD)
        } else {
            s
        }
    }
}
