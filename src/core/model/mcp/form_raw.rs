//! The raw JSON mode's parser.

use serde_json::{Map, Value};

/// The raw editor's text as an arguments object.
///
/// Errors: `line L, column C: <serde_json's message>`, or `arguments must be a JSON
/// object, not <kind>`.
pub(super) fn parse_raw(text: &str) -> Result<Map<String, Value>, String> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!(
            "arguments must be a JSON object, not {}",
            match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "an array",
                Value::Object(_) => "an object",
            }
        )),
        Err(e) => {
            let full = e.to_string();
            let message = full
                .rsplit_once(" at line ")
                .map_or(full.as_str(), |(m, _)| m);
            Err(format!(
                "line {}, column {}: {message}",
                e.line(),
                e.column()
            ))
        }
    }
}
