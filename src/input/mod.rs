//! The terminal's input turned into what the model and the keymap take: crossterm key
//! events become [`crate::action::Key`]s and tui-input text edits ([`key`]), and the raw
//! JSON mode of the tool-call forms edits its text in a ratatui-textarea editor held here
//! ([`raw_editor`], [`form`]). [`mode`] says which input mode has the keyboard.

pub mod form;
pub mod key;
pub mod mode;
pub mod raw_editor;
