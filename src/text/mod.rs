//! Text made fit to show from what came from outside, with no I/O and no terminal: URLs
//! without their credentials ([`url`]), bodies judged binary or HTML ([`body`]). Used by
//! the sources, the model, the config and the panels alike.

pub mod body;
pub mod url;
