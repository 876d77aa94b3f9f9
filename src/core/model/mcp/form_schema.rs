//! Reads one property of a tool's `inputSchema` (JSON Schema) into the field's
//! [`FieldKind`], title, description, default and nullability.

use regex::Regex;
use serde_json::{Map, Value};

use super::form_kind::{ArrayRules, EnumOption, FieldKind, NumberRules, Pattern, StringRules};

/// What one property's schema says about its field.
#[derive(Debug, Clone)]
pub(super) struct Spec {
    pub title: Option<String>,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub nullable: bool,
    pub kind: FieldKind,
}

/// Most schema nodes one resolution may produce; beyond it references stay as they are.
const NODE_BUDGET: usize = 10_000;

/// `schema` with local references (`{"$ref": "#/$defs/Module"}`, also `#/definitions/..`)
/// replaced by what they point at in `root`, at any depth (inside `anyOf`, `items`, ...).
/// Keywords beside a `$ref` (a description, a default) win over the target's. Generators
/// such as schemars and pydantic put enums and nested types in `$defs`, so without this most
/// of their enums would be edited as raw JSON. A reference already being expanded on the
/// current path (a recursive type), a remote or unresolvable one, and any past a budget of
/// 10 000 nodes are kept as they are (such fields are edited as JSON).
pub fn resolve(root: &Value, schema: &Value) -> Value {
    let mut budget = NODE_BUDGET;
    resolve_at(root, schema, &mut Vec::new(), &mut budget)
}

fn resolve_at(root: &Value, schema: &Value, path: &mut Vec<String>, budget: &mut usize) -> Value {
    if *budget == 0 {
        return schema.clone();
    }
    *budget -= 1;
    match schema {
        Value::Object(m) => {
            let reference = m
                .get("$ref")
                .and_then(Value::as_str)
                .filter(|r| r.starts_with("#/") && !path.iter().any(|p| p == r));
            if let Some(r) = reference
                && let Some(Value::Object(target)) = root.pointer(&r[1..])
            {
                let mut merged = target.clone();
                for (k, v) in m {
                    if k != "$ref" {
                        merged.insert(k.clone(), v.clone());
                    }
                }
                path.push(r.to_string());
                let out = resolve_at(root, &Value::Object(merged), path, budget);
                path.pop();
                return out;
            }
            let mut out = Map::new();
            for (k, v) in m {
                out.insert(k.clone(), resolve_at(root, v, path, budget));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| resolve_at(root, v, path, budget))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Reads one property schema. A schema that is not an object (`true`) is [`FieldKind::Json`].
pub(super) fn spec(schema: &Value) -> Spec {
    let Some(outer) = schema.as_object() else {
        return Spec {
            title: None,
            description: None,
            default: None,
            nullable: false,
            kind: FieldKind::Json,
        };
    };
    let (inner, nullable) = strip_null(outer);
    let text = |key: &str| {
        outer
            .get(key)
            .or_else(|| inner.get(key))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    Spec {
        title: text("title"),
        description: text("description"),
        default: outer
            .get("default")
            .or_else(|| inner.get("default"))
            .cloned(),
        nullable,
        kind: kind_of(&inner),
    }
}

/// The schema without its `null` alternative, and whether there was one: `type: [T,
/// "null"]`, `anyOf`/`oneOf` `[S, {type: null}]`, `nullable: true` (OpenAPI), `null` in
/// an `enum`.
fn strip_null(m: &Map<String, Value>) -> (Map<String, Value>, bool) {
    let mut inner = m.clone();
    let mut nullable = m.get("nullable") == Some(&Value::Bool(true));
    if let Some(Value::Array(types)) = m.get("type") {
        let non_null: Vec<&Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .collect();
        if non_null.len() < types.len() {
            nullable = true;
        }
        if let [only] = non_null.as_slice() {
            inner.insert("type".into(), (*only).clone());
        }
    }
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(alts)) = m.get(key) else {
            continue;
        };
        let non_null: Vec<&Value> = alts.iter().filter(|a| !is_null_schema(a)).collect();
        if non_null.len() == alts.len() {
            continue;
        }
        nullable = true;
        if let [Value::Object(only)] = non_null.as_slice() {
            inner.remove(key);
            for (k, v) in only {
                inner.entry(k.clone()).or_insert_with(|| v.clone());
            }
        } else {
            let rest: Vec<Value> = non_null.into_iter().cloned().collect();
            inner.insert(key.into(), Value::Array(rest));
        }
    }
    if let Some(Value::Array(values)) = m.get("enum")
        && values.iter().any(Value::is_null)
    {
        nullable = true;
        let rest: Vec<Value> = values.iter().filter(|v| !v.is_null()).cloned().collect();
        inner.insert("enum".into(), Value::Array(rest));
    }
    (inner, nullable)
}

fn is_null_schema(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("null")
        || s.get("const") == Some(&Value::Null)
        || s.get("enum") == Some(&Value::Array(vec![Value::Null]))
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// The kind of a schema already stripped of its `null` alternative.
fn kind_of(m: &Map<String, Value>) -> FieldKind {
    if m.contains_key("$ref") {
        return FieldKind::Json;
    }
    if let Some(Value::Array(values)) = m.get("enum") {
        if !values.is_empty() && values.iter().all(is_scalar) {
            return FieldKind::Enum(
                values
                    .iter()
                    .map(|v| EnumOption {
                        value: v.clone(),
                        title: None,
                    })
                    .collect(),
            );
        }
        return FieldKind::Json;
    }
    if let Some(c) = m.get("const") {
        if is_scalar(c) {
            return FieldKind::Enum(vec![EnumOption {
                value: c.clone(),
                title: m.get("title").and_then(Value::as_str).map(str::to_string),
            }]);
        }
        return FieldKind::Json;
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = m.get(key) {
            return const_options(alts).map_or(FieldKind::Json, FieldKind::Enum);
        }
    }
    if ["allOf", "not", "if"].iter().any(|k| m.contains_key(*k)) {
        return FieldKind::Json;
    }
    match m.get("type").and_then(Value::as_str) {
        Some("string") => FieldKind::String(string_rules(m)),
        Some("number") => FieldKind::Number(number_rules(m)),
        Some("integer") => FieldKind::Integer(number_rules(m)),
        Some("boolean") => FieldKind::Boolean,
        Some("array") => array_kind(m),
        None if ["minLength", "maxLength", "pattern", "format"]
            .iter()
            .any(|k| m.contains_key(*k)) =>
        {
            FieldKind::String(string_rules(m))
        }
        _ => FieldKind::Json,
    }
}

/// Options of a `oneOf`/`anyOf` whose every alternative is a scalar `const`.
fn const_options(alts: &Value) -> Option<Vec<EnumOption>> {
    let alts = alts.as_array().filter(|a| !a.is_empty())?;
    alts.iter()
        .map(|alt| {
            let value = alt.get("const").filter(|c| is_scalar(c))?.clone();
            let title = alt.get("title").and_then(Value::as_str).map(str::to_string);
            Some(EnumOption { value, title })
        })
        .collect()
}

fn array_kind(m: &Map<String, Value>) -> FieldKind {
    let Some(items) = m.get("items").and_then(Value::as_object) else {
        return FieldKind::Json;
    };
    let (items, nullable) = strip_null(items);
    let item = kind_of(&items);
    if nullable || matches!(item, FieldKind::Array(_) | FieldKind::Json) {
        return FieldKind::Json;
    }
    FieldKind::Array(ArrayRules {
        items: Box::new(item),
        min_items: count(m, "minItems"),
        max_items: count(m, "maxItems"),
        unique: m.get("uniqueItems") == Some(&Value::Bool(true)),
    })
}

fn count(m: &Map<String, Value>, key: &str) -> Option<u64> {
    let v = m.get(key)?;
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 2f64.powi(53))
            .map(|f| f as u64)
    })
}

fn string_rules(m: &Map<String, Value>) -> StringRules {
    StringRules {
        format: m.get("format").and_then(Value::as_str).map(str::to_string),
        min_length: count(m, "minLength"),
        max_length: count(m, "maxLength"),
        pattern: m.get("pattern").and_then(Value::as_str).map(|p| Pattern {
            source: p.to_string(),
            regex: Regex::new(p).ok(),
        }),
    }
}

fn number_rules(m: &Map<String, Value>) -> NumberRules {
    let num = |key: &str| m.get(key).and_then(Value::as_f64);
    let mut r = NumberRules {
        minimum: num("minimum"),
        maximum: num("maximum"),
        exclusive_minimum: num("exclusiveMinimum"),
        exclusive_maximum: num("exclusiveMaximum"),
        multiple_of: num("multipleOf").filter(|m| *m > 0.0),
    };
    if m.get("exclusiveMinimum") == Some(&Value::Bool(true)) {
        r.exclusive_minimum = r.minimum.take();
    }
    if m.get("exclusiveMaximum") == Some(&Value::Bool(true)) {
        r.exclusive_maximum = r.maximum.take();
    }
    r
}
