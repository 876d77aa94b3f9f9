//! `[keys]`: rebinding the dashboard's actions (`silence = "S"`, `quit = ["q", "F10"]`),
//! checked where they are written.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::ConfigError;
use super::error::Source;
use crate::action::{Action, Key, Keymap};

/// One action's keys as written: one key or a list.
#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum RawKeys {
    One(String),
    Many(Vec<String>),
}

/// `[keys]` as written: action name -> keys.
pub(super) type RawKeyTable = BTreeMap<Spanned<String>, Spanned<RawKeys>>;

/// Converts `[keys]` into overrides of the default keymap, in file order.
///
/// Errors (file, line, `keys.<action>`): an unknown action, a key that names no key, a
/// key left bound to two actions of one mode (the action table says which modes each
/// action lives in), or Ctrl-C given to another action than quit.
pub(super) fn convert(
    src: &Source,
    raw: RawKeyTable,
) -> Result<Vec<(Action, Vec<Key>)>, ConfigError> {
    let mut entries: Vec<_> = raw.into_iter().collect();
    entries.sort_by_key(|(name, _)| name.span().start);
    let mut out: Vec<(Action, Vec<Key>)> = Vec::new();
    for (name, keys) in entries {
        let field = format!("keys.{}", name.get_ref());
        let action = Action::from_name(name.get_ref())
            .map_err(|m| src.error(name.span(), field.clone(), m))?;
        let texts = match keys.get_ref() {
            RawKeys::One(k) => vec![k.clone()],
            RawKeys::Many(ks) => ks.clone(),
        };
        let parsed = texts
            .iter()
            .map(|t| Key::parse(t))
            .collect::<Result<Vec<Key>, String>>()
            .map_err(|m| src.error(keys.span(), field.clone(), m))?;
        out.push((action, parsed));
        // Checked as each entry is added, so a clash points at the entry that made it.
        Keymap::with(&out).map_err(|m| src.error(keys.span(), field.clone(), m))?;
    }
    Ok(out)
}
