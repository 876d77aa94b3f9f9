//! Text ⇄ JSON for the form's fields: parsing what was typed by the field's kind (with
//! its rules checked), and writing a value back as text.

use serde_json::{Number, Value};

use super::form_kind::{ArrayRules, FieldKind, NumberRules, StringRules, option_list};

/// Parses the (non-empty) text of a field or array item of `kind`, checking its rules.
///
/// Errors are short and plain: `not an integer`, `must be ≥ 1`, `one of: a, b`.
pub(super) fn parse(kind: &FieldKind, text: &str) -> Result<Value, String> {
    match kind {
        FieldKind::String(rules) => check_string(rules, text).map(|()| Value::String(text.into())),
        FieldKind::Number(rules) => {
            let n = parse_number(text).ok_or("not a number")?;
            check_bounds(rules, &n)?;
            Ok(Value::Number(n))
        }
        FieldKind::Integer(rules) => {
            let n = parse_integer(text).ok_or("not an integer")?;
            check_bounds(rules, &n)?;
            Ok(Value::Number(n))
        }
        FieldKind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Bool(true)),
            "false" => Ok(Value::Bool(false)),
            _ => Err("true or false".into()),
        },
        FieldKind::Enum(options) => {
            let t = text.trim();
            options
                .iter()
                .find(|o| o.value_text() == t || o.title.as_deref() == Some(t))
                .map(|o| o.value.clone())
                .ok_or_else(|| format!("one of: {}", option_list(options)))
        }
        FieldKind::Array(rules) => parse_array(rules, text),
        FieldKind::Json => serde_json::from_str(text.trim())
            .map_err(|e| format!("invalid JSON at column {}", e.column())),
    }
}

/// Best-effort value of text that failed [`parse`], for prefilling the raw JSON editor so
/// nothing typed is lost: numbers and JSON as parsed without their rules, arrays item by
/// item, anything else as a string.
pub(super) fn lenient(kind: &FieldKind, text: &str) -> Value {
    match kind {
        FieldKind::Array(rules) => match split_items(text) {
            Ok(items) => Value::Array(
                items
                    .iter()
                    .map(|i| parse(&rules.items, i).unwrap_or_else(|_| lenient(&rules.items, i)))
                    .collect(),
            ),
            Err(_) => Value::String(text.into()),
        },
        FieldKind::String(_) | FieldKind::Enum(_) => Value::String(text.into()),
        _ => serde_json::from_str(text.trim()).unwrap_or_else(|_| Value::String(text.into())),
    }
}

/// Whether `v` can be shown in a field of `kind` without changing it (rules are not
/// checked: a value out of bounds is loaded and flagged on submit).
pub(super) fn fits(kind: &FieldKind, v: &Value) -> bool {
    match kind {
        FieldKind::String(_) => v.is_string(),
        FieldKind::Number(_) => v.is_number(),
        FieldKind::Integer(_) => v.as_number().and_then(as_integer).is_some(),
        FieldKind::Boolean => v.is_boolean(),
        FieldKind::Enum(options) => options.iter().any(|o| &o.value == v),
        FieldKind::Array(rules) => v
            .as_array()
            .is_some_and(|items| items.iter().all(|i| fits(&rules.items, i))),
        FieldKind::Json => true,
    }
}

/// The text a text-edited field shows for `v` (which [`fits`] its kind): strings as
/// they are, arrays comma-separated with quotes where needed, the rest as compact JSON.
pub(super) fn to_text(kind: &FieldKind, v: &Value) -> String {
    match (kind, v) {
        (FieldKind::String(_), Value::String(s)) => s.clone(),
        (FieldKind::Integer(_), Value::Number(n)) => as_integer(n).unwrap_or(n.clone()).to_string(),
        (FieldKind::Array(_), Value::Array(items)) => {
            items.iter().map(item_text).collect::<Vec<_>>().join(", ")
        }
        _ => v.to_string(),
    }
}

/// One array item as text: strings quoted when they are empty, contain `,` or `"`, or
/// have surrounding spaces (`"a, b"`, with `\"` and `\\` escapes inside).
fn item_text(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let plain = !s.is_empty() && !s.contains([',', '"']) && s.trim() == s;
            if plain {
                s.clone()
            } else {
                let escaped = s.replace('\\', "\\\\").replace('"', "\\\"");
                format!("\"{escaped}\"")
            }
        }
        other => other.to_string(),
    }
}

/// Splits comma-separated items: each trimmed, or `"quoted"` to keep commas, quotes
/// (`\"`) and surrounding spaces.
///
/// Errors: an empty item (`a,,b`, a trailing comma), an unclosed quote, text after a
/// closing quote.
pub(super) fn split_items(text: &str) -> Result<Vec<String>, String> {
    let mut items = vec![];
    let mut chars = text.chars().peekable();
    loop {
        let n = items.len() + 1;
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next_if_eq(&'"').is_some() {
            let mut item = String::new();
            loop {
                match chars.next() {
                    None => return Err(format!("item {n}: unclosed quote")),
                    Some('\\') => item.extend(chars.next()),
                    Some('"') => break,
                    Some(c) => item.push(c),
                }
            }
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            items.push(item);
            match chars.next() {
                None => return Ok(items),
                Some(',') => continue,
                Some(_) => return Err(format!("item {n}: text after the closing quote")),
            }
        }
        let mut item = String::new();
        let mut more = false;
        for c in chars.by_ref() {
            if c == ',' {
                more = true;
                break;
            }
            item.push(c);
        }
        let item = item.trim();
        if item.is_empty() {
            return Err(format!("item {n} is empty"));
        }
        items.push(item.to_string());
        if !more {
            return Ok(items);
        }
    }
}

fn parse_array(rules: &ArrayRules, text: &str) -> Result<Value, String> {
    let items = split_items(text)?;
    let values = items
        .iter()
        .enumerate()
        .map(|(i, t)| parse(&rules.items, t).map_err(|e| format!("item {}: {e}", i + 1)))
        .collect::<Result<Vec<Value>, String>>()?;
    let n = values.len() as u64;
    if let Some(min) = rules.min_items.filter(|m| n < *m) {
        return Err(format!("at least {min} item{}", plural(min)));
    }
    if let Some(max) = rules.max_items.filter(|m| n > *m) {
        return Err(format!("at most {max} item{}", plural(max)));
    }
    if rules.unique
        && values
            .iter()
            .enumerate()
            .any(|(i, v)| values[..i].contains(v))
    {
        return Err("items must be unique".into());
    }
    Ok(Value::Array(values))
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn check_string(rules: &StringRules, text: &str) -> Result<(), String> {
    let len = text.chars().count() as u64;
    if let Some(min) = rules.min_length.filter(|m| len < *m) {
        return Err(format!("at least {min} character{}", plural(min)));
    }
    if let Some(max) = rules.max_length.filter(|m| len > *m) {
        return Err(format!("at most {max} character{}", plural(max)));
    }
    if let Some(p) = rules.pattern.as_ref().filter(|p| !p.matches(text)) {
        return Err(format!("must match {}", p.source));
    }
    Ok(())
}

/// A JSON number (`1e3`, `-0.5`), or a finite float Rust reads (`.5`, `+1`).
fn parse_number(text: &str) -> Option<Number> {
    let t = text.trim();
    if let Ok(Value::Number(n)) = serde_json::from_str::<Value>(t) {
        return Some(n);
    }
    t.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .and_then(Number::from_f64)
}

/// An integer, also written as a number without a fraction (`1e3`, `2.0`); not `1.5`.
fn parse_integer(text: &str) -> Option<Number> {
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Some(i.into());
    }
    if let Ok(u) = t.parse::<u64>() {
        return Some(u.into());
    }
    as_integer(&parse_number(t)?)
}

/// `n` as an integer number: itself when it is one, else a float without a fraction
/// (`1e3` → `1000`); floats beyond 2^53 are refused (they are not exact).
fn as_integer(n: &Number) -> Option<Number> {
    if n.is_i64() || n.is_u64() {
        return Some(n.clone());
    }
    n.as_f64()
        .filter(|f| f.fract() == 0.0 && f.abs() < 2f64.powi(53))
        .map(|f| Number::from(f as i64))
}

fn check_bounds(rules: &NumberRules, n: &Number) -> Result<(), String> {
    let Some(v) = n.as_f64() else {
        return Ok(());
    };
    if let Some(m) = rules.minimum.filter(|m| v < *m) {
        return Err(format!("must be ≥ {m}"));
    }
    if let Some(m) = rules.exclusive_minimum.filter(|m| v <= *m) {
        return Err(format!("must be > {m}"));
    }
    if let Some(m) = rules.maximum.filter(|m| v > *m) {
        return Err(format!("must be ≤ {m}"));
    }
    if let Some(m) = rules.exclusive_maximum.filter(|m| v >= *m) {
        return Err(format!("must be < {m}"));
    }
    if let Some(m) = rules.multiple_of {
        let q = v / m;
        if (q - q.round()).abs() > 1e-9 {
            return Err(format!("must be a multiple of {m}"));
        }
    }
    Ok(())
}
