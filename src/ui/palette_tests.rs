use ratatui::style::{Color, Modifier};

use super::*;

fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |k| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_string())
    }
}

#[test]
fn every_shipped_theme_parses_under_its_file_name() {
    for (name, text) in BUILTIN {
        let t = Theme::from_toml(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(t.name, name);
        assert_eq!(load(name, None).map(|t| t.name), Ok(name.to_string()));
    }
}

#[test]
fn depth_follows_no_color_colorterm_and_term() {
    assert_eq!(
        Depth::detect(env(&[("NO_COLOR", "1"), ("COLORTERM", "truecolor")])),
        Depth::None
    );
    assert_eq!(
        Depth::detect(env(&[("NO_COLOR", ""), ("COLORTERM", "truecolor")])),
        Depth::TrueColor
    );
    assert_eq!(
        Depth::detect(env(&[("TERM", "xterm-256color")])),
        Depth::Ansi256
    );
    assert_eq!(Depth::detect(env(&[("TERM", "xterm")])), Depth::Ansi16);
    assert_eq!(
        Depth::detect(env(&[("TERM", "xterm"), ("COLORTERM", "24bit")])),
        Depth::TrueColor
    );
    // The Linux console shows 16 colours whatever COLORTERM claims.
    assert_eq!(Depth::detect(env(&[("TERM", "linux")])), Depth::Ansi16);
    assert_eq!(
        Depth::detect(env(&[("TERM", "linux"), ("COLORTERM", "truecolor")])),
        Depth::Ansi16
    );
    assert_eq!(
        Depth::detect(env(&[("TERM", "linux"), ("NO_COLOR", "1")])),
        Depth::None
    );
}

#[test]
fn no_color_gives_the_terminals_colours_and_reverse_video() {
    let t = fit(load("solarized-dark", None).expect("theme"), Depth::None);
    assert_eq!(t.name, "monochrome");
    assert_eq!(
        (t.ok, t.crit, t.title),
        (Color::Reset, Color::Reset, Color::Reset)
    );
    assert!(t.selected().add_modifier.contains(Modifier::REVERSED));
}

#[test]
fn sixteen_colour_terminals_get_the_nearest_ansi_colours() {
    let t = fit(load("solarized-dark", None).expect("theme"), Depth::Ansi16);
    for c in [t.text, t.muted, t.title, t.ok, t.warn, t.crit, t.bar] {
        assert!(!matches!(c, Color::Rgb(..) | Color::Indexed(_)), "{c:?}");
    }
    assert_eq!(to_16(Color::Rgb(220, 50, 47)), Color::Red);
    assert_eq!(to_16(Color::Rgb(250, 250, 250)), Color::White);
    assert_eq!(to_16(Color::Green), Color::Green, "named colours stay");
}

#[test]
fn two_fifty_six_colour_terminals_get_palette_indexes() {
    assert_eq!(to_256(Color::Rgb(0, 0, 0)), Color::Indexed(16));
    assert_eq!(to_256(Color::Rgb(255, 255, 255)), Color::Indexed(231));
    assert_eq!(to_256(Color::Rgb(128, 128, 128)), Color::Indexed(244));
    let t = fit(load("light", None).expect("theme"), Depth::Ansi256);
    assert!(!matches!(t.ok, Color::Rgb(..)), "{:?}", t.ok);
}

#[test]
fn every_theme_keeps_its_states_apart_on_every_terminal() {
    for (name, _) in BUILTIN {
        if name == "monochrome" {
            continue;
        }
        for depth in [Depth::TrueColor, Depth::Ansi256, Depth::Ansi16] {
            let t = fit(load(name, None).expect("theme"), depth);
            assert!(
                t.ok != t.warn && t.warn != t.crit && t.ok != t.crit,
                "{name} at {depth:?}: ok {:?} warn {:?} crit {:?}",
                t.ok,
                t.warn,
                t.crit
            );
            assert_ne!(t.text, t.muted, "{name} at {depth:?}: text and muted");
        }
    }
}
