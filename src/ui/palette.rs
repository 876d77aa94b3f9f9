//! Choosing a theme and fitting it to the terminal: the built-in themes (embedded), user
//! themes from the config dir, `NO_COLOR`, and terminals that show 16 or 256 colours only.

use std::path::Path;

use ratatui::style::Color;

use super::theme::Theme;

/// The shipped themes, embedded at build time: `(name, TOML)`.
pub const BUILTIN: [(&str, &str); 5] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    (
        "solarized-dark",
        include_str!("../../themes/solarized-dark.toml"),
    ),
    ("monochrome", include_str!("../../themes/monochrome.toml")),
];

/// How many colours the terminal shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// `NO_COLOR` is set: the terminal's own colours only.
    None,
    /// The 16 ANSI colours (no `COLORTERM`, `TERM` without `256color`).
    Ansi16,
    /// The xterm 256-colour palette.
    Ansi256,
    /// 24-bit colour (`COLORTERM=truecolor` or `24bit`).
    TrueColor,
}

impl Depth {
    /// From the environment: `NO_COLOR` (any non-empty value, no-color.org), `COLORTERM`,
    /// `TERM`. `var` reads a variable (the process environment, or a test's).
    /// `TERM=linux`, the Linux console, has a palette of 16 whatever `COLORTERM` says (one
    /// carried over SSH from a desktop terminal, say): the kernel maps 256-colour and RGB
    /// requests to its 16 by its own rule, which can merge two states the theme's 16-colour
    /// fitting keeps apart.
    pub fn detect(var: impl Fn(&str) -> Option<String>) -> Depth {
        if var("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return Depth::None;
        }
        if var("TERM").as_deref() == Some("linux") {
            return Depth::Ansi16;
        }
        let colorterm = var("COLORTERM").unwrap_or_default().to_ascii_lowercase();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return Depth::TrueColor;
        }
        let term = var("TERM").unwrap_or_default();
        if term.contains("256color") || term.contains("direct") {
            Depth::Ansi256
        } else {
            Depth::Ansi16
        }
    }
}

/// Whether `name` is a built-in theme (no file is read for it).
pub fn is_builtin(name: &str) -> bool {
    BUILTIN.iter().any(|(n, _)| *n == name)
}

/// The theme named `name`: a built-in one, else the user theme `user`: the path and text
/// of `<config dir>/themes/<name>.toml`, read by the caller before the dashboard starts
/// ([`crate::sources::files::read_theme`]; this module reads no file).
///
/// Errors: no such theme (the known names are listed), or a user theme that does not parse
/// (its path and the key).
pub fn load(name: &str, user: Option<(&Path, &str)>) -> Result<Theme, String> {
    if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
        return Theme::from_toml(text).map_err(|e| format!("built-in theme {name}: {e}"));
    }
    if let Some((path, text)) = user {
        return Theme::from_toml(text).map_err(|e| format!("{}: {e}", path.display()));
    }
    let known: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
    Err(format!(
        "no theme `{name}` (built in: {}; or a file themes/{name}.toml in the config dir)",
        known.join(", ")
    ))
}

/// `theme` as this terminal can show it: monochrome without colour, the nearest of the 16
/// ANSI colours or of the 256-colour palette for colours it cannot show.
pub fn fit(theme: Theme, depth: Depth) -> Theme {
    match depth {
        Depth::TrueColor => theme,
        Depth::None => BUILTIN
            .iter()
            .find(|(n, _)| *n == "monochrome")
            .and_then(|(_, t)| Theme::from_toml(t).ok())
            .unwrap_or(theme),
        Depth::Ansi256 => theme.map_colors(to_256),
        Depth::Ansi16 => match theme.ansi16.clone() {
            Some(own) => own.map_colors(to_16),
            None => theme.map_colors(to_16),
        },
    }
}

/// The 16 ANSI colours with the RGB xterm shows them in.
const ANSI16: [(Color, (u8, u8, u8)); 16] = [
    (Color::Black, (0, 0, 0)),
    (Color::Red, (205, 0, 0)),
    (Color::Green, (0, 205, 0)),
    (Color::Yellow, (205, 205, 0)),
    (Color::Blue, (0, 0, 238)),
    (Color::Magenta, (205, 0, 205)),
    (Color::Cyan, (0, 205, 205)),
    (Color::Gray, (229, 229, 229)),
    (Color::DarkGray, (127, 127, 127)),
    (Color::LightRed, (255, 0, 0)),
    (Color::LightGreen, (0, 255, 0)),
    (Color::LightYellow, (255, 255, 0)),
    (Color::LightBlue, (92, 92, 255)),
    (Color::LightMagenta, (255, 0, 255)),
    (Color::LightCyan, (0, 255, 255)),
    (Color::White, (255, 255, 255)),
];

/// The RGB of an indexed or RGB colour; `None` for named ones (already ANSI) and reset.
fn rgb(c: Color) -> Option<(u8, u8, u8)> {
    match c {
        Color::Rgb(r, g, b) => Some((r, g, b)),
        Color::Indexed(i) if i < 16 => Some(ANSI16[usize::from(i)].1),
        Color::Indexed(i) if i < 232 => {
            let i = i - 16;
            let level = |n: u8| if n == 0 { 0 } else { 55 + 40 * n };
            Some((level(i / 36), level((i / 6) % 6), level(i % 6)))
        }
        Color::Indexed(i) => {
            let v = 8 + 10 * (i - 232);
            Some((v, v, v))
        }
        _ => None,
    }
}

fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let d = |x: u8, y: u8| (i32::from(x) - i32::from(y)).unsigned_abs();
    d(a.0, b.0).pow(2) + d(a.1, b.1).pow(2) + d(a.2, b.2).pow(2)
}

/// The nearest of the 16 ANSI colours.
pub fn to_16(c: Color) -> Color {
    match rgb(c) {
        None => c,
        Some(x) => ANSI16
            .iter()
            .min_by_key(|(_, y)| distance(x, *y))
            .map_or(c, |(n, _)| *n),
    }
}

/// The nearest colour of the xterm 256 palette's cube and grey ramp.
pub fn to_256(c: Color) -> Color {
    let Color::Rgb(r, g, b) = c else {
        return c;
    };
    let step = |v: u8| -> u8 {
        match v {
            0..=47 => 0,
            48..=114 => 1,
            _ => (v - 35) / 40,
        }
    };
    let cube = 16 + 36 * step(r) + 6 * step(g) + step(b);
    let avg = ((u16::from(r) + u16::from(g) + u16::from(b)) / 3) as u8;
    let grey = 232 + (avg.saturating_sub(3) / 10).min(23);
    [cube, grey]
        .into_iter()
        .min_by_key(|i| rgb(Color::Indexed(*i)).map_or(u32::MAX, |x| distance(x, (r, g, b))))
        .map_or(c, Color::Indexed)
}

#[cfg(test)]
#[path = "palette_tests.rs"]
mod tests;
