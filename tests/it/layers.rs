//! The panels' layer: `src/ui/**` draws a view the app builds, so it imports neither the app
//! and the sources (state and I/O), the terminal (`crate::tui`, crossterm), the input
//! handling, nor an async runtime or a network client. A file that does fails here with its
//! line, outside comments (doc comments may name them).

use std::path::{Path, PathBuf};

/// Modules of this crate the panels must not use, as paths from the crate root.
const FORBIDDEN_MODULES: &[&str] = &["app", "sources", "tui", "input"];

/// Crates the panels must not use (ratatui's re-export `ratatui::crossterm` included).
const FORBIDDEN_CRATES: &[&str] = &["crossterm", "tokio", "reqwest", "rmcp"];

/// `(file under src/ui, what it may still name)`: none.
const ALLOWED: &[(&str, &str)] = &[];

#[test]
fn the_panels_import_no_app_sources_terminal_or_runtime() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    let mut files = Vec::new();
    rust_files(&ui, &mut files);
    assert!(files.len() > 20, "src/ui has {} .rs files", files.len());
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("read a ui file");
        let rel = path.strip_prefix(&ui).expect("under src/ui");
        let rel = rel.to_string_lossy().replace('\\', "/");
        for (line, what) in offences(&text) {
            if !ALLOWED.contains(&(rel.as_str(), what.as_str())) {
                found.push(format!("src/ui/{rel}:{line}: {what}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "the panels draw the view; these belong in app/ or screen/:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_finds_imports_in_code_and_not_in_comments() {
    let text = r#"//! Uses no tokio, as crate::app does.
use crate::screen::View;
use crate::app::nav::Overlay;
const URL: &str = "http://example/"; use tokio::sync;
/* crossterm in a block comment
   over two lines */
use crate::{model::stats, sources::http};
use super::super::tui::init;
fn f() -> ratatui::crossterm::event::KeyCode { todo!() }
const Q: char = '"'; // reqwest
use crate::application::X;
"#;
    assert_eq!(
        offences(text),
        vec![
            (3, "crate::app".to_string()),
            (4, "tokio".to_string()),
            (7, "crate::sources".to_string()),
            (8, "crate::tui".to_string()),
            (9, "crossterm".to_string()),
        ]
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src/ui") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `(1-based line, what)` of each forbidden name in `text`'s code: `crate::<module>` (also
/// in a `crate::{…}` group, or reached with `super::`), or a forbidden crate's name as a
/// word.
fn offences(text: &str) -> Vec<(usize, String)> {
    let code = without_comments(text);
    let mut out = Vec::new();
    for (i, line) in code.lines().enumerate() {
        let words = words(line);
        for (w, word) in words.iter().enumerate() {
            if FORBIDDEN_CRATES.contains(&word.as_str()) {
                out.push((i + 1, word.clone()));
            }
            let root = word == "crate" || word == "super";
            if root
                && let Some(next) = words.get(w + 1)
                && FORBIDDEN_MODULES.contains(&next.as_str())
                && line.contains(&format!("::{next}"))
            {
                out.push((i + 1, format!("crate::{next}")));
            }
        }
    }
    // `use crate::{model, app::x}`: the group's items are paths from the crate root.
    for (start, _) in code.match_indices("crate::{") {
        let group = &code[start + "crate::{".len()..];
        let mut depth = 0;
        let mut item_start = true;
        for (at, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => item_start = true,
                c if c.is_whitespace() => {}
                _ if item_start => {
                    item_start = false;
                    let item: String = group[at..]
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if FORBIDDEN_MODULES.contains(&item.as_str()) {
                        let line = code[..start + "crate::{".len() + at].lines().count();
                        out.push((line, format!("crate::{item}")));
                    }
                }
                _ => {}
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The identifiers and keywords of `line`, in order.
fn words(line: &str) -> Vec<String> {
    line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `text` with every comment replaced by spaces (line breaks kept, so line numbers hold),
/// string and character literals left as they are.
fn without_comments(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == '"' {
            // A string (raw strings of these files hold no `"` before their end).
            out.push(c);
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' && i + 1 < chars.len() {
                    out.push(chars[i]);
                    i += 1;
                }
                out.push(chars[i]);
                i += 1;
            }
            if i < chars.len() {
                out.push('"');
                i += 1;
            }
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('"', '\''), not a lifetime.
            out.push(c);
            i += 1;
            if chars.get(i) == Some(&'\\') && i + 1 < chars.len() {
                out.push('\\');
                out.push(chars[i + 1]);
                i += 2;
            }
            while i < chars.len() {
                out.push(chars[i]);
                i += 1;
                if chars[i - 1] == '\'' {
                    break;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}
