//! Keys as the keymap, the config and the forms know them: a key code and a set of
//! modifiers, with no terminal library behind them (the terminal's events are turned into
//! these at the edge, in `crate::input::key`).

use std::ops::{BitOr, BitOrAssign};

use tui_input::InputRequest;

/// A key without its modifiers. The names are the terminal library's for the same keys;
/// keys no binding can name (Caps Lock, media keys, …) are all [`KeyCode::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Backspace,
    Enter,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    Tab,
    /// Shift+Tab, as terminals send it.
    BackTab,
    Delete,
    Insert,
    /// A function key, `F(1)` for F1.
    F(u8),
    /// A character as typed (`'A'` with Shift held, not `'a'`).
    Char(char),
    Esc,
    /// Any other key: never bound, never parsed.
    Other,
}

/// A set of held modifier keys (the bits are the terminal library's, for a one-to-one
/// translation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Mods(u8);

impl Mods {
    pub const NONE: Mods = Mods(0);
    pub const SHIFT: Mods = Mods(0b1);
    pub const CONTROL: Mods = Mods(0b10);
    pub const ALT: Mods = Mods(0b100);
    pub const SUPER: Mods = Mods(0b1000);
    pub const HYPER: Mods = Mods(0b1_0000);
    pub const META: Mods = Mods(0b10_0000);

    /// Whether every modifier of `other` is held.
    pub const fn contains(self, other: Mods) -> bool {
        self.0 & other.0 == other.0
    }

    /// These modifiers without those of `other`.
    pub const fn difference(self, other: Mods) -> Mods {
        Mods(self.0 & !other.0)
    }

    /// No modifier held.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl BitOr for Mods {
    type Output = Mods;
    fn bitor(self, rhs: Mods) -> Mods {
        Mods(self.0 | rhs.0)
    }
}

impl BitOrAssign for Mods {
    fn bitor_assign(&mut self, rhs: Mods) {
        self.0 |= rhs.0;
    }
}

/// A key with modifiers, as written in help (`q`, `?`, `Esc`, `Ctrl-C`).
///
/// A key pressed on the terminal equals a bound key when code and modifiers are equal;
/// the translation of terminal events drops Shift from characters (`?` arrives as Shift+/
/// on some terminals) and from BackTab (which is Shift+Tab), so a bound `?` or `G` is
/// pressed however the terminal reports Shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: Mods,
}

/// One key press as the forms take it: the key, and the text edit it makes in a text
/// field (tui-input's reading of the same press: `InsertChar` for a typed character,
/// `DeletePrevWord` for Ctrl-W, …), `None` when it edits no text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPress {
    pub key: Key,
    pub edit: Option<InputRequest>,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            modifiers: Mods::NONE,
        }
    }

    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            modifiers: Mods::CONTROL,
        }
    }

    /// Parses a key as config files write it: a single character (`x`, `?`), `F1`..`F12`,
    /// a named key (`Enter`, `Esc`, `Tab`, `Backspace`, `Delete`, `Insert`, `Home`, `End`,
    /// `PageUp`, `PageDown`, `Up`, `Down`, `Left`, `Right`, `Space`), optionally prefixed by
    /// `Ctrl-` or `Alt-` (case-insensitive: `ctrl-r`, `Ctrl-R`).
    ///
    /// Errors: the text, with what is accepted, when it names no key.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut rest = text.trim();
        let mut modifiers = Mods::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 2
                && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+"))
            {
                modifiers |= Mods::CONTROL;
                rest = &rest[5..];
            } else if rest.chars().count() > 2
                && (lower.starts_with("alt-") || lower.starts_with("alt+"))
            {
                modifiers |= Mods::ALT;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if modifiers.contains(Mods::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "shift-tab" | "shift+tab" | "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "space" => KeyCode::Char(' '),
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCode::F(n),
                    _ => return Err(bad_key(text)),
                },
                _ => return Err(bad_key(text)),
            },
        };
        Ok(Key { code, modifiers })
    }

    /// `Ctrl-C`, `Esc`, `q`, `F5`.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            // The variant's name: `Backspace`, `Delete`, `Home`, `Up`, ….
            other => format!("{other:?}"),
        };
        let base = if base == " " {
            "Space".to_string()
        } else {
            base
        };
        if self.modifiers.contains(Mods::CONTROL) {
            format!("Ctrl-{}", base.to_uppercase())
        } else if self.modifiers.contains(Mods::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }
}

fn bad_key(text: &str) -> String {
    format!(
        "`{text}` is not a key: use one character, F1..F24, Enter, Esc, Tab, Space, \
         Backspace, Delete, Insert, Home, End, PageUp, PageDown, Up, Down, Left, Right, \
         optionally with a Ctrl- or Alt- prefix"
    )
}

/// Key presses for the model's unit tests, which have no terminal: the text edit of each
/// is the one tui-input's terminal backend reads in the same key (its `to_input_request`
/// table, checked against it in `crate::input::key`'s tests), so the forms see what the
/// running program gives them. Built for this crate's tests and, with the `testing`
/// feature, for the app's.
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use super::{Key, KeyCode, KeyPress, Mods};
    use tui_input::InputRequest::{self, *};

    /// A press of `code` with no modifier.
    pub fn key(code: KeyCode) -> KeyPress {
        press(Key::plain(code))
    }

    /// A press of Ctrl and `c`.
    pub fn ctrl(c: char) -> KeyPress {
        press(Key::ctrl(c))
    }

    /// `key` with the text edit tui-input reads in it.
    pub fn press(key: Key) -> KeyPress {
        KeyPress {
            key,
            edit: edit(key),
        }
    }

    fn edit(key: Key) -> Option<InputRequest> {
        use KeyCode::*;
        const NONE: Mods = Mods::NONE;
        const CTRL: Mods = Mods::CONTROL;
        const META: Mods = Mods::META;
        Some(match (key.code, key.modifiers) {
            (Backspace, NONE) | (Char('h'), CTRL) => DeletePrevChar,
            (Delete, NONE) => DeleteNextChar,
            (Left, NONE) | (Char('b'), CTRL) => GoToPrevChar,
            (Left, CTRL) | (Char('b'), META) => GoToPrevWord,
            (Right, NONE) | (Char('f'), CTRL) => GoToNextChar,
            (Right, CTRL) | (Char('f'), META) => GoToNextWord,
            (Char('u'), CTRL) => DeleteLine,
            (Char('w'), CTRL) | (Char('d'), META) => DeletePrevWord,
            (Backspace, m) if m == META || m == Mods::ALT => DeletePrevWord,
            (Delete, CTRL) => DeleteNextWord,
            (Char('k'), CTRL) => DeleteTillEnd,
            (Char('y'), CTRL) => Yank,
            (Char('a'), CTRL) | (Home, NONE) => GoToStart,
            (Char('e'), CTRL) | (End, NONE) => GoToEnd,
            (Char(c), NONE) => InsertChar(c),
            (Char(c), m) if m == CTRL | Mods::ALT => InsertChar(c),
            _ => return None,
        })
    }
}
