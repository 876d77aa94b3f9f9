//! STUB replaced by the form branch.
use std::borrow::Cow;

use serde_json::{Map, Value};

pub const MASK: &str = "••••••";

pub fn mask_map(m: &Map<String, Value>) -> Map<String, Value> {
    m.clone()
}

pub fn mask_json(v: &Value) -> Value {
    v.clone()
}

pub fn mask_text(s: &str) -> Cow<'_, str> {
    Cow::Borrowed(s)
}
