//! crossterm key events as [`Key`]s and [`KeyPress`]es.

use crossterm::event::{
    Event, KeyCode as TermCode, KeyEvent, KeyEventKind, KeyModifiers as TermMods,
};
use tui_input::InputRequest;
use tui_input::backend::crossterm::to_input_request;

use crate::action::{Key, KeyCode, KeyPress, Mods};

/// The key of a terminal event, to compare with bound keys. Shift is dropped from
/// characters (`?` arrives as Shift+/ on some terminals, `G` as Shift+G on others) and
/// from BackTab (which is Shift+Tab); every other modifier is kept, so Alt-x is not `x`.
/// The event's kind (press, repeat, release) and state (Caps Lock, …) are not looked at:
/// callers that ignore releases check the kind first.
pub fn from_event(ev: &KeyEvent) -> Key {
    let code = code(ev.code);
    let mut modifiers = mods(ev.modifiers);
    if matches!(code, KeyCode::Char(_) | KeyCode::BackTab) {
        modifiers = modifiers.difference(Mods::SHIFT);
    }
    Key { code, modifiers }
}

/// The press a form takes: the key ([`from_event`]) and the text edit tui-input reads in
/// the event ([`edit`]). `None` for a key release, which forms ignore.
pub fn press(ev: &KeyEvent) -> Option<KeyPress> {
    (ev.kind != KeyEventKind::Release).then(|| KeyPress {
        key: from_event(ev),
        edit: edit(ev),
    })
}

/// The text edit of a key event, by tui-input's crossterm table (`to_input_request`):
/// characters insert (with Shift, or with Ctrl+Alt as AltGr sends them), Backspace,
/// Delete, Ctrl-W, Ctrl-U, Ctrl-K, Home/End, Ctrl-A/E, ←/→ and Ctrl-←/→ edit and move.
/// `None` for a release and for keys that edit nothing (Tab, Enter, Esc, F-keys, …).
pub fn edit(ev: &KeyEvent) -> Option<InputRequest> {
    to_input_request(&Event::Key(*ev))
}

fn code(code: TermCode) -> KeyCode {
    match code {
        TermCode::Backspace => KeyCode::Backspace,
        TermCode::Enter => KeyCode::Enter,
        TermCode::Left => KeyCode::Left,
        TermCode::Right => KeyCode::Right,
        TermCode::Up => KeyCode::Up,
        TermCode::Down => KeyCode::Down,
        TermCode::Home => KeyCode::Home,
        TermCode::End => KeyCode::End,
        TermCode::PageUp => KeyCode::PageUp,
        TermCode::PageDown => KeyCode::PageDown,
        TermCode::Tab => KeyCode::Tab,
        TermCode::BackTab => KeyCode::BackTab,
        TermCode::Delete => KeyCode::Delete,
        TermCode::Insert => KeyCode::Insert,
        TermCode::F(n) => KeyCode::F(n),
        TermCode::Char(c) => KeyCode::Char(c),
        TermCode::Esc => KeyCode::Esc,
        _ => KeyCode::Other,
    }
}

fn mods(m: TermMods) -> Mods {
    [
        (TermMods::SHIFT, Mods::SHIFT),
        (TermMods::CONTROL, Mods::CONTROL),
        (TermMods::ALT, Mods::ALT),
        (TermMods::SUPER, Mods::SUPER),
        (TermMods::HYPER, Mods::HYPER),
        (TermMods::META, Mods::META),
    ]
    .into_iter()
    .filter(|(t, _)| m.contains(*t))
    .fold(Mods::NONE, |acc, (_, ours)| acc | ours)
}

#[cfg(test)]
#[path = "key_tests.rs"]
mod tests;
