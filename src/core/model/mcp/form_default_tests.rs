//! Prefilled defaults: typing replaces them, as in a text field whose text is selected
//! (issue: default `3` + `7` was sent as `37`).

use super::*;
use serde_json::json;

fn form(schema: Value) -> Form {
    Form::from_schema(&ToolInfo {
        name: "t".into(),
        title: None,
        description: None,
        input_schema: schema,
        output_schema: None,
        hints: crate::model::mcp::ToolHints::default(),
        task: Default::default(),
    })
}

use crate::action::testing::key;

fn type_text(f: &mut Form, text: &str) {
    for c in text.chars() {
        f.on_key(key(KeyCode::Char(c)));
    }
}

fn args(f: &Form) -> Value {
    Value::Object(f.arguments().expect("valid"))
}

fn defaults() -> Value {
    json!({"properties": {
        "count": {"type": "integer", "default": 3},
        "reason": {"type": "string", "default": "boom"},
        "deep": {"type": "boolean", "default": false},
        "mode": {"enum": ["fast", "slow"], "default": "fast"},
        "plain": {"type": "string"},
    }})
}

fn field<'a>(f: &'a Form, name: &str) -> &'a Field {
    f.fields()
        .iter()
        .find(|fl| fl.name() == name)
        .expect("field")
}

/// Focuses the field named `name`.
fn focus(f: &mut Form, name: &str) {
    while f.fields().get(f.focus()).map(Field::name) != Some(name) {
        f.on_key(key(KeyCode::Tab));
    }
}

#[test]
fn typing_into_a_default_replaces_it() {
    let mut f = form(defaults());
    focus(&mut f, "count");
    type_text(&mut f, "7");
    focus(&mut f, "reason");
    type_text(&mut f, "disk full");
    assert_eq!(
        args(&f),
        json!({"count": 7, "reason": "disk full", "deep": false, "mode": "fast"})
    );
    // Once edited, the next keys append as usual.
    focus(&mut f, "count");
    type_text(&mut f, "5");
    assert_eq!(args(&f)["count"], json!(75));
}

#[test]
fn defaults_are_marked_until_edited() {
    let mut f = form(defaults());
    for name in ["count", "reason", "deep", "mode"] {
        assert!(field(&f, name).is_default(), "{name}");
    }
    assert!(
        !field(&f, "plain").is_default(),
        "no default, nothing to mark"
    );
    focus(&mut f, "deep");
    f.on_key(key(KeyCode::Char(' ')));
    focus(&mut f, "mode");
    f.on_key(key(KeyCode::Right));
    assert!(!field(&f, "deep").is_default());
    assert!(!field(&f, "mode").is_default());
    assert!(
        field(&f, "count").is_default(),
        "moving past a field edits nothing"
    );
    assert_eq!(args(&f)["deep"], json!(true));
    assert_eq!(args(&f)["mode"], json!("slow"));
}

#[test]
fn backspace_on_a_default_empties_it_and_moving_the_cursor_keeps_it() {
    let mut f = form(defaults());
    focus(&mut f, "reason");
    f.on_key(key(KeyCode::Backspace));
    assert_eq!(
        field(&f, "reason").input(),
        FieldInput::Text {
            text: "",
            cursor: 0
        }
    );
    assert!(!field(&f, "reason").is_default());
    // The cursor moved into the default: it is edited in place from there.
    focus(&mut f, "count");
    f.on_key(key(KeyCode::Home));
    assert!(!field(&f, "count").is_default());
    type_text(&mut f, "1");
    assert_eq!(args(&f)["count"], json!(13));
}

#[test]
fn a_preset_value_is_not_a_default() {
    let mut f = form(defaults());
    f.with_values(&Map::from_iter([("count".to_string(), json!(4))]));
    assert!(!field(&f, "count").is_default());
    focus(&mut f, "count");
    type_text(&mut f, "2");
    assert_eq!(args(&f)["count"], json!(42));
}
