//! Forms driven by terminal key events: what the translation and the raw JSON editor add
//! to the model's own tests.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEventKind, KeyEventState, KeyModifiers};
use serde_json::{Map, Value, json};

use super::*;
use crate::model::alerts::Labels;
use crate::model::alerts::silence_form::SilenceField;
use crate::model::mcp::form::FieldInput;
use crate::model::mcp::{ToolHints, ToolInfo};

fn form(schema: Value) -> Form {
    Form::from_schema(&ToolInfo {
        name: "t".into(),
        title: None,
        description: None,
        input_schema: schema,
        output_schema: None,
        hints: ToolHints::default(),
        task: Default::default(),
    })
}

fn kitchen_sink() -> Value {
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

/// A form and its raw editor slot, as the app holds them.
struct Open {
    form: Form,
    raw: Option<RawEditor>,
}

impl Open {
    fn new(schema: Value) -> Open {
        Open {
            form: form(schema),
            raw: None,
        }
    }

    fn ev(&mut self, ev: KeyEvent) -> FormEvent {
        form_key(&mut self.form, &mut self.raw, &ev)
    }

    fn key(&mut self, code: KeyCode) -> FormEvent {
        self.ev(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ctrl(&mut self, c: char) -> FormEvent {
        self.ev(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            self.key(code);
        }
    }

    fn set(&mut self, name: &str, text: &str) {
        while self.form.fields().get(self.form.focus()).map(|f| f.name()) != Some(name) {
            self.key(KeyCode::Tab);
        }
        self.ctrl('u');
        self.type_text(text);
    }

    fn args(&self) -> Value {
        Value::Object(self.form.arguments().expect("valid"))
    }
}

#[test]
fn releases_are_ignored() {
    let mut f = Open::new(kitchen_sink());
    let release = KeyEvent {
        kind: KeyEventKind::Release,
        ..KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)
    };
    assert_eq!(f.ev(release), FormEvent::Ignored);
    assert_eq!(
        f.form.fields()[0].input(),
        FieldInput::Text {
            text: "",
            cursor: 0
        }
    );
}

#[test]
fn key_state_does_not_matter() {
    let mut f = Open::new(json!({"properties": {"s": {"type": "string"}}}));
    let mut k = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    k.state = KeyEventState::CAPS_LOCK;
    assert_eq!(f.ev(k), FormEvent::Changed);
    assert_eq!(f.args(), json!({"s": "a"}));
}

#[test]
fn text_editing_uses_tui_input_keys() {
    let mut f = Open::new(json!({"properties": {"s": {"type": "string"}}}));
    f.type_text("hello world");
    f.ctrl('w');
    f.key(KeyCode::Home);
    f.key(KeyCode::Delete);
    assert_eq!(f.args(), json!({"s": "ello "}));
    assert_eq!(
        f.form.fields()[0].input(),
        FieldInput::Text {
            text: "ello ",
            cursor: 0
        }
    );
    // A capital arrives with Shift; it is typed, not dropped.
    f.ev(KeyEvent::new(KeyCode::Char('H'), KeyModifiers::SHIFT));
    assert_eq!(f.args(), json!({"s": "Hello "}));
}

#[test]
fn raw_mode_round_trip() {
    let mut f = Open::new(kitchen_sink());
    f.form.with_values(
        json!({"query": "qq", "state": "all", "zzz": true})
            .as_object()
            .expect("object"),
    );
    f.set("limit", "abc");
    assert_eq!(f.ctrl('r'), FormEvent::Changed);
    assert_eq!(f.form.mode(), FormMode::Raw);
    let text = f.raw.as_ref().expect("an editor").text();
    assert_eq!(text, f.form.raw_text());
    let shown: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(
        shown,
        json!({"query": "qq", "state": "all", "zzz": true, "limit": "abc"}),
        "invalid text is kept as a string"
    );
    // Replace everything with a new object.
    f.ctrl('a');
    for _ in 0..20 {
        f.ctrl('k');
        f.key(KeyCode::Delete);
    }
    f.type_text("{\"query\": \"new\",\n\"verbose\": false, \"other\": [1]}");
    assert_eq!(
        f.args(),
        json!({"query": "new", "verbose": false, "other": [1]})
    );
    assert_eq!(f.ctrl('r'), FormEvent::Changed);
    assert_eq!(f.form.mode(), FormMode::Fields);
    assert!(f.raw.is_none(), "the editor goes with raw mode");
    let state = f
        .form
        .fields()
        .iter()
        .find(|x| x.name() == "state")
        .expect("state");
    assert_eq!(
        state.input(),
        FieldInput::Choice {
            label: None,
            index: None,
            count: 3
        },
        "fields not in the raw object are cleared"
    );
    assert_eq!(f.form.extra().get("other"), Some(&json!([1])));
}

#[test]
fn raw_mode_errors() {
    let mut f = Open::new(json!({}));
    f.ctrl('r');
    assert_eq!(f.raw.as_ref().expect("editor").textarea().lines(), ["{}"]);
    f.key(KeyCode::End);
    f.key(KeyCode::Left);
    f.type_text("\n\"a\": 1,");
    assert_eq!(f.ctrl('s'), FormEvent::Changed);
    let errs = f.form.errors();
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "");
    assert_eq!(errs[0].message, "line 2, column 8: trailing comma");
    // Switching back with invalid JSON stays in raw mode, the editor too.
    f.ctrl('r');
    assert_eq!(f.form.mode(), FormMode::Raw);
    assert_eq!(f.form.errors().len(), 1);
    assert!(f.raw.is_some());
    assert_eq!(
        f.key(KeyCode::Insert),
        FormEvent::Ignored,
        "a key the editor has no use for"
    );
    assert_eq!(f.form.errors().len(), 1, "nothing edited, the error stays");

    let mut g = Open::new(json!({}));
    g.ctrl('r');
    g.ctrl('a');
    g.ctrl('k');
    g.type_text("[1]");
    assert_eq!(
        g.form.arguments().unwrap_err()[0].message,
        "arguments must be a JSON object, not an array"
    );
    g.ctrl('a');
    g.ctrl('k');
    assert_eq!(g.ctrl('s'), FormEvent::Submit(Map::new()), "blank is {{}}");
    assert!(g.raw.is_none(), "a submitted form's editor is dropped");
}

#[test]
fn an_editor_serves_one_form() {
    let mut slot = None;
    let mut a = form(json!({}));
    let mut b = form(json!({}));
    let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
    form_key(&mut a, &mut slot, &ctrl_r);
    form_key(
        &mut a,
        &mut slot,
        &KeyEvent::new(KeyCode::End, KeyModifiers::NONE),
    );
    let epoch_a = slot.as_ref().map(RawEditor::epoch);
    assert_eq!(epoch_a, Some(a.raw_epoch()));
    // Another form over the same text gets an editor of its own (cursor at the start).
    form_key(&mut b, &mut slot, &ctrl_r);
    assert_eq!(slot.as_ref().map(RawEditor::epoch), Some(b.raw_epoch()));
    form_key(
        &mut b,
        &mut slot,
        &KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE),
    );
    assert_eq!(b.raw_text(), "x{}");
    assert_eq!(
        form_key(
            &mut b,
            &mut slot,
            &KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)
        ),
        FormEvent::Cancel
    );
    assert!(slot.is_none(), "a cancelled form's editor is dropped");
}

#[test]
fn silence_form_takes_terminal_keys() {
    let mut f = SilenceForm::new(&Labels::new(), Duration::from_secs(60), "bob");
    let k = |code| KeyEvent::new(code, KeyModifiers::NONE);
    let mut release = k(KeyCode::Tab);
    release.kind = KeyEventKind::Release;
    assert_eq!(silence_key(&mut f, &release, 0), SilenceFormEvent::Ignored);
    assert_eq!(f.focus, SilenceField::Comment);
    for c in "Deploy".chars() {
        let mods = if c.is_uppercase() {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        silence_key(&mut f, &KeyEvent::new(KeyCode::Char(c), mods), 0);
    }
    assert_eq!(f.comment.value(), "Deploy");
    let ctrl_w = KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert_eq!(silence_key(&mut f, &ctrl_w, 0), SilenceFormEvent::Changed);
    assert_eq!(f.comment.value(), "");
    silence_key(&mut f, &k(KeyCode::BackTab), 0);
    silence_key(&mut f, &k(KeyCode::BackTab), 0);
    assert_eq!(f.focus, SilenceField::Matchers);
    for c in "env=prod".chars() {
        silence_key(&mut f, &k(KeyCode::Char(c)), 0);
    }
    silence_key(&mut f, &k(KeyCode::Down), 0);
    silence_key(&mut f, &k(KeyCode::Down), 0);
    for c in "x".chars() {
        silence_key(&mut f, &k(KeyCode::Char(c)), 0);
    }
    let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
    match silence_key(&mut f, &ctrl_s, 1_000) {
        SilenceFormEvent::Submit(d) => {
            assert_eq!(d.comment, "x");
            assert_eq!(d.ends_at_ms - d.starts_at_ms, 60_000);
        }
        other => panic!("Ctrl-S submits: {other:?}"),
    }
}
