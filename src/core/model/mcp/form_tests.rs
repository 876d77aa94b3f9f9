use super::*;
use crate::model::mcp::ToolHints;
use serde_json::json;

pub(super) fn tool(schema: Value) -> ToolInfo {
    ToolInfo {
        name: "t".into(),
        title: None,
        description: None,
        input_schema: schema,
        output_schema: None,
        hints: ToolHints::default(),
        task: Default::default(),
    }
}

pub(super) fn form(schema: Value) -> Form {
    Form::from_schema(&tool(schema))
}

pub(super) use crate::action::testing::{ctrl, key};

pub(super) fn type_text(f: &mut Form, text: &str) {
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        f.on_key(key(code));
    }
}

/// Focuses the field named `name`.
pub(super) fn focus(f: &mut Form, name: &str) {
    while f.fields().get(f.focus()).map(Field::name) != Some(name) {
        f.on_key(key(KeyCode::Tab));
    }
}

pub(super) fn set(f: &mut Form, name: &str, text: &str) {
    focus(f, name);
    f.on_key(ctrl('u'));
    type_text(f, text);
}

pub(super) fn args(f: &Form) -> Value {
    Value::Object(f.arguments().expect("valid"))
}

pub(super) fn error_of(f: &Form, name: &str) -> Option<String> {
    match f.arguments() {
        Ok(_) => None,
        Err(errs) => errs
            .into_iter()
            .find(|e| e.field == name)
            .map(|e| e.message),
    }
}

pub(super) fn names(f: &Form) -> Vec<&str> {
    f.fields().iter().map(Field::name).collect()
}

pub(super) fn kitchen_sink() -> Value {
    json!({
        "type": "object",
        "properties": {
            "query": {"type": "string", "minLength": 2, "description": "Search text"},
            "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10},
            "verbose": {"type": "boolean"},
            "state": {"type": "string", "enum": ["open", "closed", "all"]},
            "labels": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
            "filter": {"type": "object", "properties": {"a": {"type": "string"}}},
        },
        "required": ["query", "state"],
    })
}

#[test]
fn required_fields_first_in_required_order_then_by_name() {
    let f = form(kitchen_sink());
    assert_eq!(
        names(&f),
        ["query", "state", "filter", "labels", "limit", "verbose"]
    );
    assert!(f.fields()[0].required());
    assert!(!f.fields()[2].required());
}

#[test]
fn kinds_from_the_schema() {
    let f = form(kitchen_sink());
    let kind = |n: &str| {
        f.fields()
            .iter()
            .find(|x| x.name() == n)
            .map(|x| x.kind().clone())
            .unwrap()
    };
    assert!(matches!(kind("query"), FieldKind::String(r) if r.min_length == Some(2)));
    assert!(matches!(kind("limit"), FieldKind::Integer(r) if r.minimum == Some(1.0)));
    assert!(matches!(kind("verbose"), FieldKind::Boolean));
    assert!(matches!(kind("state"), FieldKind::Enum(o) if o.len() == 3));
    assert!(matches!(kind("labels"), FieldKind::Array(a) if a.max_items == Some(3)));
    assert!(matches!(kind("filter"), FieldKind::Json));
}

#[test]
fn unusual_schemas_fall_back_to_json() {
    let f = form(json!({"properties": {
        "r": {"$ref": "#/$defs/x"},
        "objs": {"type": "array", "items": {"type": "object"}},
        "u": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "multi": {"type": ["string", "integer"]},
        "any": {},
        "t": true,
    }}));
    for field in f.fields() {
        assert!(
            matches!(field.kind(), FieldKind::Json),
            "{} is {:?}",
            field.name(),
            field.kind()
        );
    }
}

#[test]
fn nullable_forms() {
    let f = form(json!({"properties": {
        "a": {"type": ["string", "null"]},
        "b": {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}], "description": "B"},
        "c": {"enum": ["x", null]},
        "d": {"type": "string", "nullable": true},
    }, "required": ["a", "b", "c", "d"]}));
    for field in f.fields() {
        assert!(field.nullable(), "{}", field.name());
    }
    assert!(matches!(f.fields()[0].kind(), FieldKind::String(_)));
    assert!(matches!(f.fields()[1].kind(), FieldKind::Integer(r) if r.minimum == Some(0.0)));
    assert_eq!(f.fields()[1].description(), Some("B"));
    assert!(matches!(f.fields()[2].kind(), FieldKind::Enum(o) if o.len() == 1));
    // Required and nullable: empty sends null.
    assert_eq!(
        args(&f),
        json!({"a": null, "b": null, "c": null, "d": null})
    );
}

#[test]
fn one_of_consts_become_an_enum_with_titles() {
    let mut f = form(json!({"properties": {"p": {"oneOf": [
        {"const": "lo", "title": "Low"},
        {"const": "hi", "title": "High"},
    ]}}, "required": ["p"]}));
    assert!(matches!(f.fields()[0].kind(), FieldKind::Enum(o) if o[1].label() == "High"));
    assert_eq!(error_of(&f, "p").as_deref(), Some("required"));
    f.on_key(key(KeyCode::Right));
    f.on_key(key(KeyCode::Right));
    assert!(matches!(
        f.fields()[0].input(),
        FieldInput::Choice { label: Some(ref l), index: Some(1), count: 2 } if l == "High"
    ));
    assert_eq!(args(&f), json!({"p": "hi"}));
    // Required: wraps around without passing "not set".
    f.on_key(key(KeyCode::Right));
    assert_eq!(args(&f), json!({"p": "lo"}));
    // A letter jumps to the option starting with it.
    f.on_key(key(KeyCode::Char('h')));
    assert_eq!(args(&f), json!({"p": "hi"}));
}

#[test]
fn optional_enum_cycles_through_not_set() {
    let mut f = form(json!({"properties": {"s": {"enum": ["a", "b"]}}}));
    assert_eq!(args(&f), json!({}));
    f.on_key(key(KeyCode::Left));
    assert_eq!(args(&f), json!({"s": "b"}));
    f.on_key(key(KeyCode::Right));
    assert_eq!(args(&f), json!({}), "past the last option is not set");
}

#[test]
fn empty_schema_submits_empty_object() {
    for schema in [json!({"type": "object"}), json!({}), json!(null)] {
        let mut f = form(schema);
        assert!(f.fields().is_empty());
        assert!(f.call_focused());
        assert_eq!(f.on_key(key(KeyCode::Enter)), FormEvent::Submit(Map::new()));
    }
}

#[test]
fn defaults_are_prefilled_and_empty_optionals_omitted() {
    let mut f = form(kitchen_sink());
    set(&mut f, "query", "rust");
    focus(&mut f, "state");
    f.on_key(key(KeyCode::Right));
    assert_eq!(
        args(&f),
        json!({"query": "rust", "state": "open", "limit": 10})
    );
    assert_eq!(
        f.fields()[4].input(),
        FieldInput::Text {
            text: "10",
            cursor: 2
        }
    );
}

#[test]
fn required_missing_is_an_error() {
    let f = form(kitchen_sink());
    let errs = f.arguments().unwrap_err();
    assert_eq!(
        errs,
        vec![
            FieldError {
                field: "query".into(),
                message: "required".into()
            },
            FieldError {
                field: "state".into(),
                message: "required".into()
            },
        ]
    );
}

#[test]
fn string_rules() {
    let mut f = form(json!({"properties": {
        "s": {"type": "string", "minLength": 2, "maxLength": 4, "pattern": "^[a-z]+$"},
        "u": {"type": "string", "maxLength": 3},
    }}));
    set(&mut f, "s", "a");
    assert_eq!(error_of(&f, "s").as_deref(), Some("at least 2 characters"));
    set(&mut f, "s", "abcde");
    assert_eq!(error_of(&f, "s").as_deref(), Some("at most 4 characters"));
    set(&mut f, "s", "ab1");
    assert_eq!(error_of(&f, "s").as_deref(), Some("must match ^[a-z]+$"));
    set(&mut f, "s", "abcd");
    set(&mut f, "u", "héé");
    assert_eq!(
        args(&f),
        json!({"s": "abcd", "u": "héé"}),
        "length counts characters"
    );
}

#[test]
fn unsupported_pattern_is_not_checked() {
    let mut f = form(json!({"properties": {"s": {"type": "string", "pattern": "^(?!x)"}}}));
    set(&mut f, "s", "xyz");
    assert_eq!(args(&f), json!({"s": "xyz"}));
}

#[test]
fn integers() {
    let mut f = form(json!({"properties": {
        "n": {"type": "integer", "minimum": 1, "exclusiveMaximum": 10},
    }}));
    set(&mut f, "n", "1.5");
    assert_eq!(error_of(&f, "n").as_deref(), Some("not an integer"));
    set(&mut f, "n", "abc");
    assert_eq!(error_of(&f, "n").as_deref(), Some("not an integer"));
    set(&mut f, "n", "0");
    assert_eq!(error_of(&f, "n").as_deref(), Some("must be ≥ 1"));
    set(&mut f, "n", "10");
    assert_eq!(error_of(&f, "n").as_deref(), Some("must be < 10"));
    set(&mut f, "n", " 7 ");
    assert_eq!(args(&f), json!({"n": 7}));
    set(&mut f, "n", "5e0");
    assert_eq!(args(&f), json!({"n": 5}));
}

#[test]
fn numbers() {
    let mut f = form(json!({"properties": {
        "x": {"type": "number", "exclusiveMinimum": -1, "multipleOf": 0.5},
        "old": {"type": "number", "minimum": 0, "exclusiveMinimum": true},
    }}));
    set(&mut f, "x", "1e3");
    assert_eq!(args(&f), json!({"x": 1000.0}));
    set(&mut f, "x", "-0.5");
    assert_eq!(args(&f), json!({"x": -0.5}));
    set(&mut f, "x", "-1");
    assert_eq!(error_of(&f, "x").as_deref(), Some("must be > -1"));
    set(&mut f, "x", "0.3");
    assert_eq!(
        error_of(&f, "x").as_deref(),
        Some("must be a multiple of 0.5")
    );
    set(&mut f, "x", "NaN");
    assert_eq!(error_of(&f, "x").as_deref(), Some("not a number"));
    set(&mut f, "x", "");
    set(&mut f, "old", "0");
    assert_eq!(
        error_of(&f, "old").as_deref(),
        Some("must be > 0"),
        "draft-4 boolean exclusiveMinimum"
    );
}

#[test]
fn boolean_toggle() {
    let mut f = form(json!({"properties": {
        "opt": {"type": "boolean"},
        "req": {"type": "boolean"},
    }, "required": ["req"]}));
    assert_eq!(error_of(&f, "req").as_deref(), Some("required"));
    focus(&mut f, "req");
    f.on_key(key(KeyCode::Char(' ')));
    focus(&mut f, "opt");
    f.on_key(key(KeyCode::Char(' ')));
    assert_eq!(args(&f), json!({"req": true, "opt": true}));
    f.on_key(key(KeyCode::Char(' ')));
    assert_eq!(args(&f), json!({"req": true, "opt": false}));
    f.on_key(key(KeyCode::Delete));
    assert_eq!(
        args(&f),
        json!({"req": true}),
        "Delete sets an optional one back to not set"
    );
    focus(&mut f, "req");
    f.on_key(key(KeyCode::Char(' ')));
    f.on_key(key(KeyCode::Char(' ')));
    assert_eq!(f.fields()[0].input(), FieldInput::Toggle(Some(true)));
}

#[test]
fn a_default_false_becomes_true_at_the_first_space() {
    let mut f = form(json!({"properties": {"deep": {"type": "boolean", "default": false}}}));
    f.on_key(key(KeyCode::Char(' ')));
    assert_eq!(args(&f), json!({"deep": true}));
}

#[test]
fn arrays() {
    let mut f = form(json!({"properties": {
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
        "ids": {"type": "array", "items": {"type": "integer"}, "uniqueItems": true},
        "st": {"type": "array", "items": {"enum": ["a", "b"]}},
        "flags": {"type": "array", "items": {"type": "boolean"}},
    }}));
    set(&mut f, "tags", r#"x, "a, b" , "say \"hi\"""#);
    set(&mut f, "ids", "1, 2,3");
    set(&mut f, "st", "b,a");
    set(&mut f, "flags", "true, false");
    assert_eq!(
        args(&f),
        json!({
            "tags": ["x", "a, b", "say \"hi\""],
            "ids": [1, 2, 3],
            "st": ["b", "a"],
            "flags": [true, false],
        })
    );
    set(&mut f, "ids", "1, 1.5");
    assert_eq!(
        error_of(&f, "ids").as_deref(),
        Some("item 2: not an integer")
    );
    set(&mut f, "ids", "1, 1");
    assert_eq!(error_of(&f, "ids").as_deref(), Some("items must be unique"));
    set(&mut f, "ids", "");
    set(&mut f, "tags", "a,b,c,d");
    assert_eq!(error_of(&f, "tags").as_deref(), Some("at most 3 items"));
    set(&mut f, "tags", "a,,b");
    assert_eq!(error_of(&f, "tags").as_deref(), Some("item 2 is empty"));
    set(&mut f, "tags", r#""open"#);
    assert_eq!(
        error_of(&f, "tags").as_deref(),
        Some("item 1: unclosed quote")
    );
    set(&mut f, "tags", "");
    set(&mut f, "st", "a, c");
    assert_eq!(error_of(&f, "st").as_deref(), Some("item 2: one of: a, b"));
}

#[test]
fn json_field() {
    let mut f = form(json!({"properties": {"filter": {"type": "object"}}}));
    set(&mut f, "filter", r#"{"a": [1, 2]}"#);
    assert_eq!(args(&f), json!({"filter": {"a": [1, 2]}}));
    set(&mut f, "filter", "{oops");
    assert_eq!(
        error_of(&f, "filter").as_deref(),
        Some("invalid JSON at column 2")
    );
}

#[test]
fn with_values_prefills_and_keeps_unknown_keys() {
    let mut f = form(kitchen_sink());
    let preset = json!({
        "query": "is:open",
        "state": "closed",
        "labels": ["bug", "p1, urgent"],
        "limit": 5,
        "verbose": true,
        "filter": {"a": "b"},
        "extra_flag": 1,
    });
    f.with_values(preset.as_object().unwrap());
    assert_eq!(args(&f), preset);
    let labels = f.fields().iter().find(|x| x.name() == "labels").unwrap();
    assert_eq!(
        labels.input(),
        FieldInput::Text {
            text: r#"bug, "p1, urgent""#,
            cursor: 17
        }
    );
    assert_eq!(f.extra().get("extra_flag"), Some(&json!(1)));
}

#[test]
fn a_value_that_does_not_fit_is_edited_as_json() {
    let mut f = form(kitchen_sink());
    f.with_values(
        json!({"limit": "ten", "state": "weird", "query": "qq"})
            .as_object()
            .unwrap(),
    );
    let limit = f.fields().iter().find(|x| x.name() == "limit").unwrap();
    assert!(limit.edited_as_json());
    assert!(
        limit.hint().starts_with("JSON (schema: integer)"),
        "{}",
        limit.hint()
    );
    assert_eq!(
        args(&f),
        json!({"limit": "ten", "state": "weird", "query": "qq"})
    );
}

#[test]
fn enter_moves_on_and_calls_on_the_last_row() {
    let mut f = form(json!({"properties": {"a": {"type": "string"}, "b": {"type": "string"}}}));
    assert_eq!(f.on_key(key(KeyCode::Enter)), FormEvent::Changed);
    assert_eq!(f.focus(), 1);
    f.on_key(key(KeyCode::Enter));
    assert!(f.call_focused());
    assert_eq!(f.on_key(key(KeyCode::Enter)), FormEvent::Submit(Map::new()));
}

#[test]
fn navigation() {
    let mut f = form(kitchen_sink());
    let n = f.fields().len();
    f.on_key(key(KeyCode::Up));
    assert_eq!(f.focus(), 0, "Up stops at the top");
    f.on_key(key(KeyCode::BackTab));
    assert_eq!(f.focus(), n, "BackTab wraps to [ Call ]");
    f.on_key(key(KeyCode::Down));
    assert_eq!(f.focus(), n, "Down stops at [ Call ]");
    f.on_key(key(KeyCode::Tab));
    assert_eq!(f.focus(), 0, "Tab wraps");
    assert_eq!(f.on_key(key(KeyCode::Esc)), FormEvent::Cancel);
    assert_eq!(f.on_key(key(KeyCode::F(5))), FormEvent::Ignored);
}

#[test]
fn failed_submit_shows_errors_and_focuses_the_first_invalid_field() {
    let mut f = form(kitchen_sink());
    focus(&mut f, "limit");
    assert_eq!(f.on_key(ctrl('s')), FormEvent::Changed);
    assert_eq!(f.fields()[f.focus()].name(), "query");
    assert_eq!(f.errors_for("query").collect::<Vec<_>>(), ["required"]);
    assert_eq!(f.errors().len(), 2);
    type_text(&mut f, "x");
    assert_eq!(
        f.errors_for("query").count(),
        0,
        "editing clears the field's error"
    );
    assert_eq!(f.errors().len(), 1);
}

#[test]
fn ctrl_s_submits_valid_arguments() {
    let mut f = form(kitchen_sink());
    set(&mut f, "query", "hi");
    focus(&mut f, "state");
    f.on_key(key(KeyCode::Char('c')));
    match f.on_key(ctrl('s')) {
        FormEvent::Submit(m) => {
            assert_eq!(
                Value::Object(m),
                json!({"query": "hi", "state": "closed", "limit": 10})
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn text_editing_uses_tui_input_keys() {
    let mut f = form(json!({"properties": {"s": {"type": "string"}}}));
    type_text(&mut f, "hello world");
    f.on_key(ctrl('w'));
    f.on_key(key(KeyCode::Home));
    f.on_key(key(KeyCode::Delete));
    assert_eq!(args(&f), json!({"s": "ello "}));
    assert_eq!(
        f.fields()[0].input(),
        FieldInput::Text {
            text: "ello ",
            cursor: 0
        }
    );
}

#[test]
fn hint_lists_type_rules_default_and_description() {
    let f = form(kitchen_sink());
    let hint = |n: &str| f.fields().iter().find(|x| x.name() == n).unwrap().hint();
    assert_eq!(hint("query"), "string, ≥ 2 chars · Search text");
    assert_eq!(hint("limit"), "integer, ≥ 1, ≤ 100 · default 10");
    assert_eq!(hint("state"), "one of: open, closed, all");
    assert_eq!(hint("labels"), "list of string, comma-separated, ≤ 3 items");
}

#[test]
fn secret_fields_are_flagged() {
    let f = form(json!({"properties": {
        "api_key": {"type": "string"},
        "pin": {"type": "string", "format": "password"},
        "name": {"type": "string"},
    }}));
    let secret: Vec<bool> = f.fields().iter().map(Field::is_secret).collect();
    assert_eq!(secret, [true, false, true], "{:?}", names(&f));
}
