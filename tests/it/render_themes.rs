//! Each shipped theme on the same screen (80x24 overview), snapshotted as a colour map: every
//! cell replaced by a letter naming its foreground colour, with the legend, so a change of
//! where a colour lands shows in review.

use crate::support;

use std::collections::BTreeMap;

use mcptop::ui::palette::{self, BUILTIN};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use support::fixture;

/// The screen as letters of foreground colours (`.` for a blank cell), then the legend;
/// `*` marks bold or reversed cells in the legend's counts.
fn colour_map(theme: &str) -> String {
    let (mut app, now) = fixture::healthy_app();
    app.theme = palette::load(theme, None).expect("shipped theme");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal
        .draw(|f| mcptop::ui::draw(f, &app.view(now), &app.theme))
        .expect("draw");
    let buf = terminal.backend().buffer();
    let mut letters: BTreeMap<String, char> = BTreeMap::new();
    let mut emphasis: BTreeMap<char, usize> = BTreeMap::new();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if cell.symbol().trim().is_empty() {
                out.push('.');
                continue;
            }
            let key = format!("{:?}", cell.fg);
            let next = (b'a' + letters.len() as u8) as char;
            let c = *letters.entry(key).or_insert(next);
            if cell
                .modifier
                .intersects(Modifier::BOLD | Modifier::REVERSED)
            {
                *emphasis.entry(c).or_default() += 1;
            }
            out.push(c);
        }
        out.push('\n');
    }
    let mut legend: Vec<(char, String)> = letters.into_iter().map(|(k, c)| (c, k)).collect();
    legend.sort();
    for (c, colour) in legend {
        out.push_str(&format!(
            "{c} = {colour} ({} bold/reversed cells)\n",
            emphasis.get(&c).copied().unwrap_or(0)
        ));
    }
    out
}

#[test]
fn every_shipped_theme_snapshot() {
    for (name, _) in BUILTIN {
        insta::assert_snapshot!(format!("theme_{name}"), colour_map(name));
    }
}

#[test]
fn themes_differ_where_they_should() {
    let default = colour_map("default");
    let mono = colour_map("monochrome");
    assert!(mono.contains("a = Reset"), "{mono}");
    assert!(
        !mono.contains("b = "),
        "monochrome uses one colour:\n{mono}"
    );
    assert_ne!(default, colour_map("light"));
}

#[test]
fn user_themes_come_from_the_config_dir_and_unknown_names_list_the_known() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(dir.path().join("themes")).expect("dir");
    let mine = BUILTIN[0]
        .1
        .replace("name = \"default\"", "name = \"mine\"");
    std::fs::write(dir.path().join("themes/mine.toml"), mine).expect("write");
    // The file is read before the dashboard starts (the files module), parsed by the ui.
    let from_dir = |name: &str| {
        let user = mcptop::sources::files::read_theme(dir.path(), name).expect("readable");
        palette::load(name, user.as_ref().map(|(p, t)| (p.as_path(), t.as_str())))
    };
    assert_eq!(from_dir("mine").map(|t| t.name), Ok("mine".into()));
    std::fs::write(
        dir.path().join("themes/bad.toml"),
        "name = \"bad\"\n[colors]\ntext = 1\n",
    )
    .expect("write");
    let e = from_dir("bad").expect_err("bad theme");
    assert!(e.contains("bad.toml"), "{e}");
    let e = from_dir("nope").expect_err("unknown");
    assert!(
        e.contains("default, light, high-contrast, solarized-dark, monochrome"),
        "{e}"
    );
}
