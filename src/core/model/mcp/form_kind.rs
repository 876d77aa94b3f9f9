//! What a field of the tool-call form accepts: the [`FieldKind`] and its rules, as
//! read from the schema by `form_schema`.

use regex::Regex;
use serde_json::Value;

/// What a field accepts and how it is edited.
#[derive(Debug, Clone)]
pub enum FieldKind {
    /// `type: string`, edited as text.
    String(StringRules),
    /// `type: number`, edited as text (`1e3`, `-0.5`).
    Number(NumberRules),
    /// `type: integer`, edited as text.
    Integer(NumberRules),
    /// `type: boolean`, toggled.
    Boolean,
    /// `enum` of scalars, a `const`, or `oneOf`/`anyOf` of `const`s (with their `title`s);
    /// cycled through. `null` is never an option (it makes the field nullable instead).
    Enum(Vec<EnumOption>),
    /// `type: array` of one of the scalar kinds above, edited as comma-separated text.
    Array(ArrayRules),
    /// Anything else (objects, arrays of objects, `$ref`, unions, no type at all), edited
    /// as one line of JSON.
    Json,
}

/// `format` (a hint only) and the checked `minLength`, `maxLength`, `pattern`.
#[derive(Debug, Clone, Default)]
pub struct StringRules {
    pub format: Option<String>,
    /// In characters (Unicode scalar values), as JSON Schema counts them.
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<Pattern>,
}

/// A `pattern`: the schema's text and, when the `regex` crate accepts it, the compiled
/// expression. Patterns it cannot compile (look-around, back-references) are shown in
/// the hint but not checked.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub source: String,
    pub(super) regex: Option<Regex>,
}

impl Pattern {
    /// Whether `text` matches somewhere (JSON Schema patterns are not anchored); `true`
    /// when the pattern could not be compiled.
    pub fn matches(&self, text: &str) -> bool {
        self.regex.as_ref().is_none_or(|r| r.is_match(text))
    }
}

/// Bounds of a number or integer; draft-4 boolean `exclusiveMinimum`/`exclusiveMaximum`
/// are turned into the numeric form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberRules {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub exclusive_maximum: Option<f64>,
    pub multiple_of: Option<f64>,
}

/// One choice of an enum field: the value sent and the title shown, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumOption {
    pub value: Value,
    pub title: Option<String>,
}

impl EnumOption {
    /// The value as typed or listed: a string without quotes, other scalars as JSON.
    pub fn value_text(&self) -> String {
        match &self.value {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        }
    }

    /// What the form shows: the title when given, else [`EnumOption::value_text`].
    pub fn label(&self) -> String {
        self.title.clone().unwrap_or_else(|| self.value_text())
    }
}

/// Item kind (one of the scalar kinds) and the checked `minItems`, `maxItems`,
/// `uniqueItems`.
#[derive(Debug, Clone)]
pub struct ArrayRules {
    pub items: Box<FieldKind>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique: bool,
}

impl FieldKind {
    /// Whether this kind is edited as text (everything but booleans and enums).
    pub fn is_text(&self) -> bool {
        !matches!(self, FieldKind::Boolean | FieldKind::Enum(_))
    }

    /// Short type name for hints: `string (date-time)`, `integer`, `one of: a, b`,
    /// `list of string`, `JSON`.
    pub fn type_name(&self) -> String {
        match self {
            FieldKind::String(r) => match &r.format {
                Some(f) => format!("string ({f})"),
                None => "string".into(),
            },
            FieldKind::Number(_) => "number".into(),
            FieldKind::Integer(_) => "integer".into(),
            FieldKind::Boolean => "boolean".into(),
            FieldKind::Enum(options) => format!("one of: {}", option_list(options)),
            FieldKind::Array(a) => format!("list of {}, comma-separated", a.items.type_name()),
            FieldKind::Json => "JSON".into(),
        }
    }

    /// The rules in words (`≥ 1`, `≤ 64 chars`, `1–5 items`), empty when there are none.
    pub fn rules_text(&self) -> Vec<String> {
        match self {
            FieldKind::String(r) => {
                let mut out = vec![];
                match (r.min_length, r.max_length) {
                    (Some(a), Some(b)) => out.push(format!("{a}–{b} chars")),
                    (Some(a), None) => out.push(format!("≥ {a} char{}", plural(a))),
                    (None, Some(b)) => out.push(format!("≤ {b} char{}", plural(b))),
                    (None, None) => {}
                }
                if let Some(p) = &r.pattern {
                    out.push(format!("pattern {}", p.source));
                }
                out
            }
            FieldKind::Number(r) | FieldKind::Integer(r) => {
                let mut out = vec![];
                let parts = [
                    ("≥", r.minimum),
                    (">", r.exclusive_minimum),
                    ("≤", r.maximum),
                    ("<", r.exclusive_maximum),
                    ("multiple of", r.multiple_of),
                ];
                for (word, v) in parts {
                    if let Some(v) = v {
                        out.push(format!("{word} {v}"));
                    }
                }
                out
            }
            FieldKind::Array(a) => {
                let mut out = a.items.rules_text();
                match (a.min_items, a.max_items) {
                    (Some(x), Some(y)) => out.push(format!("{x}–{y} items")),
                    (Some(x), None) => out.push(format!("≥ {x} item{}", plural(x))),
                    (None, Some(y)) => out.push(format!("≤ {y} item{}", plural(y))),
                    (None, None) => {}
                }
                if a.unique {
                    out.push("unique".into());
                }
                out
            }
            FieldKind::Boolean | FieldKind::Enum(_) | FieldKind::Json => vec![],
        }
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `a, b, c` (at most eight, then `…`).
pub(super) fn option_list(options: &[EnumOption]) -> String {
    let mut names: Vec<String> = options.iter().take(8).map(|o| o.value_text()).collect();
    if options.len() > 8 {
        names.push("…".into());
    }
    names.join(", ")
}
