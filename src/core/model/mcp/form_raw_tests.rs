//! The form's raw JSON mode and schemas with `$ref`s. The raw text is edited as the
//! caller's editor gives it back (`edit_raw`); typing it key by key in the editor is
//! tested with the editor, in `crate::input::form`.

use super::tests::{args, ctrl, error_of, form, key, kitchen_sink, set};
use super::*;
use serde_json::json;

#[test]
fn raw_mode_round_trip() {
    let mut f = form(kitchen_sink());
    f.with_values(
        json!({"query": "qq", "state": "all", "zzz": true})
            .as_object()
            .unwrap(),
    );
    set(&mut f, "limit", "abc");
    assert_eq!(f.on_key(ctrl('r')), FormEvent::Changed);
    assert_eq!(f.mode(), FormMode::Raw);
    let text = f.raw_text();
    let shown: Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        shown,
        json!({"query": "qq", "state": "all", "zzz": true, "limit": "abc"}),
        "invalid text is kept as a string"
    );
    // Replace everything with a new object.
    f.edit_raw("{\"query\": \"new\",\n\"verbose\": false, \"other\": [1]}".into());
    assert_eq!(
        args(&f),
        json!({"query": "new", "verbose": false, "other": [1]})
    );
    assert_eq!(f.on_key(ctrl('r')), FormEvent::Changed);
    assert_eq!(f.mode(), FormMode::Fields);
    let state = f.fields().iter().find(|x| x.name() == "state").unwrap();
    assert_eq!(
        state.input(),
        FieldInput::Choice {
            label: None,
            index: None,
            count: 3
        },
        "fields not in the raw object are cleared"
    );
    assert_eq!(f.extra().get("other"), Some(&json!([1])));
    assert_eq!(error_of(&f, "state").as_deref(), Some("required"));
}

#[test]
fn raw_mode_errors() {
    let mut f = form(json!({}));
    f.on_key(ctrl('r'));
    assert_eq!(f.raw_text(), "{}");
    assert_eq!(
        f.on_key(key(KeyCode::End)),
        FormEvent::Ignored,
        "editing keys are the editor's"
    );
    f.edit_raw("{\n\"a\": 1,}".into());
    assert_eq!(f.on_key(ctrl('s')), FormEvent::Changed);
    let errs = f.errors();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "");
    assert_eq!(errs[0].message, "line 2, column 8: trailing comma");
    // Switching back with invalid JSON stays in raw mode.
    f.on_key(ctrl('r'));
    assert_eq!(f.mode(), FormMode::Raw);
    assert_eq!(f.errors().len(), 1);
    f.edit_raw("{}".into());
    assert!(f.errors().is_empty(), "an edit clears the error");

    let mut g = form(json!({}));
    g.on_key(ctrl('r'));
    g.edit_raw("[1]".into());
    assert_eq!(
        g.arguments().unwrap_err()[0].message,
        "arguments must be a JSON object, not an array"
    );
    g.edit_raw(String::new());
    assert_eq!(
        g.on_key(ctrl('s')),
        FormEvent::Submit(Map::new()),
        "blank is {{}}"
    );
}

#[test]
fn local_refs_are_followed_so_generated_enums_are_choices() {
    // As schemars/pydantic write them: the enum lives in $defs, the property refers to it,
    // optionally through a nullable anyOf.
    let f = form(json!({
        "$defs": {
            "Module": {"type": "string", "enum": ["notion", "github", "all"]},
            "Loop": {"$ref": "#/$defs/Loop"}
        },
        "properties": {
            "module": {"anyOf": [{"$ref": "#/$defs/Module"}, {"type": "null"}],
                       "description": "which cache", "default": "all"},
            "direct": {"$ref": "#/$defs/Module"},
            "cycle": {"$ref": "#/$defs/Loop"},
            "remote": {"$ref": "https://example.com/schema.json"}
        }
    }));
    let kind = |name: &str| {
        f.fields()
            .iter()
            .find(|fl| fl.name() == name)
            .map(|fl| fl.kind().clone())
            .expect("field")
    };
    assert!(matches!(kind("module"), FieldKind::Enum(o) if o.len() == 3));
    assert!(matches!(kind("direct"), FieldKind::Enum(_)));
    assert!(
        matches!(kind("cycle"), FieldKind::Json),
        "a cycle stops and stays JSON"
    );
    assert!(matches!(kind("remote"), FieldKind::Json));
    let module = f
        .fields()
        .iter()
        .find(|fl| fl.name() == "module")
        .expect("module");
    assert_eq!(module.description(), Some("which cache"));
    assert!(module.nullable());
}

#[test]
fn recursive_and_branching_refs_stay_bounded() {
    // Five self-references per level: without a cycle check this grows as 5^depth.
    let schema = json!({
        "$defs": {"Node": {"type": "object", "properties": {
            "a": {"$ref": "#/$defs/Node"}, "b": {"$ref": "#/$defs/Node"},
            "c": {"$ref": "#/$defs/Node"}, "d": {"$ref": "#/$defs/Node"},
            "e": {"$ref": "#/$defs/Node"}}}},
        "properties": {"tree": {"$ref": "#/$defs/Node"}}
    });
    let resolved = super::resolve_refs(&schema, &schema);
    let size = resolved.to_string().len();
    assert!(size < 10_000, "{size} bytes");
    let f = form(schema);
    assert!(matches!(f.fields()[0].kind(), FieldKind::Json));
}

#[test]
fn raw_mode_keeps_secrets_out_of_its_text_and_sends_them() {
    let mut f = form(json!({"properties": {
        "password": {"type": "string"},
        "user": {"type": "string"},
    }}));
    set(&mut f, "password", "hunter2secret");
    set(&mut f, "user", "ops");
    f.on_key(ctrl('r'));
    let text = f.raw_text();
    assert!(!text.contains("hunter2secret"), "{text}");
    assert!(text.contains(MASK) && text.contains("\"ops\""), "{text}");
    assert_eq!(
        args(&f),
        json!({"password": "hunter2secret", "user": "ops"})
    );
    // Back to the fields: the secret is still there.
    f.on_key(ctrl('r'));
    assert_eq!(
        args(&f),
        json!({"password": "hunter2secret", "user": "ops"})
    );
}

#[test]
fn raw_epoch_changes_when_the_form_sets_the_text_itself() {
    let mut f = form(json!({"properties": {"a": {"type": "string"}}}));
    let mut g = form(json!({}));
    f.on_key(ctrl('r'));
    g.on_key(ctrl('r'));
    assert_ne!(f.raw_epoch(), g.raw_epoch(), "two forms");
    let epoch = f.raw_epoch();
    f.edit_raw("{\"a\": \"x\"}".into());
    assert_eq!(f.raw_epoch(), epoch, "an edit keeps the editor");
    f.with_values(json!({"a": "y"}).as_object().unwrap());
    assert_ne!(f.raw_epoch(), epoch, "new text from the fields");
    assert_eq!(args(&f), json!({"a": "y"}));
}
