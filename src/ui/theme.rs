//! Colours, loaded from `themes/*.toml` (embedded at build time).

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const DEFAULT: &str = include_str!("../../themes/default.toml");

/// Every colour the panels use.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    pub text: Color,
    pub muted: Color,
    pub border: Color,
    pub title: Color,
    pub accent: Color,
    pub ok: Color,
    pub warn: Color,
    pub crit: Color,
    pub requests: Color,
    pub errors: Color,
    pub bar: Color,
    /// The colours to use on a 16-colour terminal, when the file gives them (`[ansi16]`):
    /// nearest-colour fitting can merge two states (solarized's green and yellow both
    /// become yellow).
    pub ansi16: Option<Box<Theme>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    colors: Colors,
    ansi16: Option<Colors>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Colors {
    text: String,
    muted: String,
    border: String,
    title: String,
    accent: String,
    ok: String,
    warn: String,
    crit: String,
    requests: String,
    errors: String,
    bar: String,
}

impl Theme {
    /// Parses a theme file.
    ///
    /// Errors: TOML or schema errors, or a colour ratatui cannot parse (named in the text).
    pub fn from_toml(text: &str) -> Result<Theme, String> {
        let f: ThemeFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let ansi16 = match &f.ansi16 {
            Some(k) => Some(Box::new(Theme::from_colors(
                f.name.clone(),
                k,
                "ansi16",
                None,
            )?)),
            None => None,
        };
        Theme::from_colors(f.name, &f.colors, "colors", ansi16)
    }

    fn from_colors(
        name: String,
        k: &Colors,
        table: &str,
        ansi16: Option<Box<Theme>>,
    ) -> Result<Theme, String> {
        let c = |key: &str, v: &str| {
            Color::from_str(v).map_err(|_| format!("{table}.{key}: unknown colour `{v}`"))
        };
        Ok(Theme {
            name,
            ansi16,
            text: c("text", &k.text)?,
            muted: c("muted", &k.muted)?,
            border: c("border", &k.border)?,
            title: c("title", &k.title)?,
            accent: c("accent", &k.accent)?,
            ok: c("ok", &k.ok)?,
            warn: c("warn", &k.warn)?,
            crit: c("crit", &k.crit)?,
            requests: c("requests", &k.requests)?,
            errors: c("errors", &k.errors)?,
            bar: c("bar", &k.bar)?,
        })
    }

    pub fn text(&self) -> Style {
        Style::new().fg(self.text)
    }

    pub fn muted(&self) -> Style {
        Style::new().fg(self.muted)
    }

    pub fn border(&self) -> Style {
        Style::new().fg(self.border)
    }

    pub fn title(&self) -> Style {
        Style::new().fg(self.title).add_modifier(Modifier::BOLD)
    }

    /// Whether the theme has no colours of its own (monochrome, `NO_COLOR`): emphasis is
    /// then bold and reversed text.
    pub fn colourless(&self) -> bool {
        self.title == Color::Reset
    }

    /// The selected row: explicit colours rather than reverse video, which some terminals
    /// and captures drop; reverse video only when the theme has no colours.
    pub fn selected(&self) -> Style {
        if self.colourless() {
            return Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD);
        }
        Style::new()
            .fg(Color::Black)
            .bg(self.title)
            .add_modifier(Modifier::BOLD)
    }

    /// A key in the footer's hints: like the selected row.
    pub fn key(&self) -> Style {
        self.selected()
    }

    /// Every colour passed through `f` (fitting the theme to the terminal).
    #[must_use]
    pub fn map_colors(mut self, f: fn(Color) -> Color) -> Theme {
        for c in [
            &mut self.text,
            &mut self.muted,
            &mut self.border,
            &mut self.title,
            &mut self.accent,
            &mut self.ok,
            &mut self.warn,
            &mut self.crit,
            &mut self.requests,
            &mut self.errors,
            &mut self.bar,
        ] {
            *c = f(*c);
        }
        self
    }
}

impl Default for Theme {
    /// The embedded `themes/default.toml` (a test proves it parses).
    fn default() -> Self {
        Theme::from_toml(DEFAULT).unwrap_or_else(|e| panic!("embedded default theme: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_default_theme_parses() {
        let t = Theme::from_toml(DEFAULT).expect("parses");
        assert_eq!(t.name, "default");
        assert_eq!(t.ok, Color::Green);
    }

    #[test]
    fn bad_colour_is_named() {
        let bad = DEFAULT.replace("ok = \"green\"", "ok = \"greenish\"");
        let err = Theme::from_toml(&bad).unwrap_err();
        assert!(err.contains("colors.ok"), "{err}");
    }
}
