//! Text made fit to show, with no I/O and no terminal: URLs without their credentials
//! ([`url`]), bodies judged binary or HTML ([`body`]), numbers, durations and sizes written
//! short ([`format`]), text measured, cut and padded in display columns ([`fit`]). Used by
//! the sources, the model, the config, the panels and the plain-text outputs alike.

pub mod body;
pub mod fit;
pub mod format;
pub mod url;
