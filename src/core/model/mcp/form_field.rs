//! One field of the tool-call form: what the schema says about it and what is typed in.

use serde_json::Value;
use tui_input::{Input, InputRequest};

use super::form_kind::FieldKind;
use super::form_schema::Spec;
use super::form_value;
use crate::action::{KeyCode, KeyPress, Mods};
use crate::inbound::one_line;
use crate::model::mcp::mask::is_secret_key;

/// One top-level property of the arguments object.
#[derive(Debug, Clone)]
pub struct Field {
    name: String,
    title: Option<String>,
    description: Option<String>,
    required: bool,
    nullable: bool,
    default: Option<Value>,
    /// The kind the schema gives.
    schema_kind: FieldKind,
    /// `schema_kind`, or [`FieldKind::Json`] after loading a value that does not fit it.
    kind: FieldKind,
    editor: Editor,
    /// Holds the schema's default, prefilled and not edited yet: the first key that types or
    /// deletes replaces it whole, as in a text field whose text is selected.
    pristine: bool,
}

/// What is typed in, by kind.
#[derive(Debug, Clone)]
enum Editor {
    Text(Input),
    /// A boolean; `None` = not set.
    Toggle(Option<bool>),
    /// An index into the enum options; `None` = not set.
    Choice(Option<usize>),
}

/// A field's current input, for drawing.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldInput<'a> {
    /// Text and the cursor position in display columns from its start.
    Text { text: &'a str, cursor: usize },
    /// A boolean, `None` when not set.
    Toggle(Option<bool>),
    /// The chosen option's label, `None` when not set; `index` of `count` options.
    Choice {
        label: Option<String>,
        index: Option<usize>,
        count: usize,
    },
}

impl Field {
    /// A field from a property schema, prefilled with its `default`.
    pub(super) fn new(name: &str, required: bool, spec: Spec) -> Field {
        let mut f = Field {
            name: name.to_string(),
            title: spec.title,
            description: spec.description,
            required,
            nullable: spec.nullable,
            default: spec.default,
            editor: empty_editor(&spec.kind),
            schema_kind: spec.kind.clone(),
            kind: spec.kind,
            pristine: false,
        };
        if let Some(d) = f.default.clone() {
            f.load(&d);
            f.pristine = true;
        }
        f
    }

    /// The property name (the key sent).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The schema's `title`, if any.
    pub fn title(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The schema's `description`, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Listed in the schema's `required`: left empty, it fails validation (or is sent as
    /// `null` when nullable).
    pub fn required(&self) -> bool {
        self.required
    }

    /// Accepts `null` (`type: [T, "null"]` and the like): an empty required nullable field
    /// sends `null`.
    pub fn nullable(&self) -> bool {
        self.nullable
    }

    /// The schema's `default`, prefilled when the form was built.
    pub fn default(&self) -> Option<&Value> {
        self.default.as_ref()
    }

    /// Whether the field shows the schema's default as prefilled, not edited yet (typing
    /// replaces it; moving the cursor, a preset or the raw JSON editor make it an ordinary
    /// value).
    pub fn is_default(&self) -> bool {
        self.pristine
    }

    /// How the field is edited now: the schema's kind, or [`FieldKind::Json`] when a
    /// loaded value did not fit it (see [`Field::edited_as_json`]).
    pub fn kind(&self) -> &FieldKind {
        &self.kind
    }

    /// The kind the schema gives.
    pub fn schema_kind(&self) -> &FieldKind {
        &self.schema_kind
    }

    /// Whether a loaded value (a preset, the raw JSON editor) did not fit the schema's
    /// kind, so the field is edited as JSON to keep it unchanged.
    pub fn edited_as_json(&self) -> bool {
        matches!(self.kind, FieldKind::Json) && !matches!(self.schema_kind, FieldKind::Json)
    }

    /// Whether the value should be hidden on screen: a secret name
    /// ([`is_secret_key`]) or `format: password`.
    pub fn is_secret(&self) -> bool {
        let password_format = matches!(&self.schema_kind, FieldKind::String(r) if r.format.as_deref() == Some("password"));
        password_format || is_secret_key(&self.name)
    }

    /// What is typed in now.
    pub fn input(&self) -> FieldInput<'_> {
        match (&self.editor, &self.kind) {
            (Editor::Text(i), _) => FieldInput::Text {
                text: i.value(),
                cursor: i.visual_cursor(),
            },
            (Editor::Toggle(b), _) => FieldInput::Toggle(*b),
            (Editor::Choice(i), FieldKind::Enum(options)) => FieldInput::Choice {
                label: i.and_then(|i| options.get(i)).map(|o| o.label()),
                index: *i,
                count: options.len(),
            },
            (Editor::Choice(i), _) => FieldInput::Choice {
                label: None,
                index: *i,
                count: 0,
            },
        }
    }

    /// One line describing what to enter: type and rules, default, title and the first
    /// line of the description, joined by ` · ` (the caller truncates it).
    pub fn hint(&self) -> String {
        let mut parts = vec![];
        let mut ty = if self.edited_as_json() {
            format!("JSON (schema: {})", self.schema_kind.type_name())
        } else {
            self.kind.type_name()
        };
        for rule in self.kind.rules_text() {
            ty.push_str(", ");
            ty.push_str(&rule);
        }
        if self.nullable && self.required {
            ty.push_str(", empty sends null");
        }
        parts.push(ty);
        if let Some(d) = &self.default {
            parts.push(format!("default {d}"));
        }
        let title = self
            .title
            .as_deref()
            .filter(|t| *t != self.name)
            .map(one_line);
        // The first line with text; a tab in it is a space, not deleted.
        let description = self
            .description
            .as_deref()
            .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
            .map(one_line);
        match (title, description) {
            (Some(t), Some(d)) => parts.push(format!("{t}: {d}")),
            (Some(t), None) => parts.push(t.into_owned()),
            (None, Some(d)) => parts.push(d.into_owned()),
            (None, None) => {}
        }
        parts.join(" · ")
    }

    /// The value to send: `Ok(None)` leaves the key out (an empty optional field).
    ///
    /// Errors: `required`, or what [`form_value::parse`] says about the text.
    pub(super) fn value(&self) -> Result<Option<Value>, String> {
        match &self.editor {
            Editor::Text(i) => {
                let text = i.value();
                let empty = match self.kind {
                    FieldKind::String(_) => text.is_empty(),
                    _ => text.trim().is_empty(),
                };
                if empty {
                    self.empty_value()
                } else {
                    form_value::parse(&self.kind, text).map(Some)
                }
            }
            Editor::Toggle(Some(b)) => Ok(Some(Value::Bool(*b))),
            Editor::Choice(Some(i)) => match &self.kind {
                FieldKind::Enum(options) => Ok(options.get(*i).map(|o| o.value.clone())),
                _ => self.empty_value(),
            },
            Editor::Toggle(None) | Editor::Choice(None) => self.empty_value(),
        }
    }

    fn empty_value(&self) -> Result<Option<Value>, String> {
        match (self.required, self.nullable) {
            (true, true) => Ok(Some(Value::Null)),
            (true, false) => Err("required".into()),
            (false, _) => Ok(None),
        }
    }

    /// The value for the raw JSON editor: [`Field::value`] when valid, otherwise the
    /// text as [`form_value::lenient`] reads it, so nothing typed is lost.
    pub(super) fn draft(&self) -> Option<Value> {
        match (self.value(), &self.editor) {
            (Ok(v), _) => v,
            (Err(_), Editor::Text(i)) if !i.value().trim().is_empty() => {
                Some(form_value::lenient(&self.kind, i.value()))
            }
            (Err(_), _) => None,
        }
    }

    /// Shows `v`: in the schema's kind when it fits (`null` on a required nullable field
    /// leaves it empty), else as JSON text (see [`Field::edited_as_json`]).
    pub(super) fn load(&mut self, v: &Value) {
        self.pristine = false;
        self.kind = self.schema_kind.clone();
        if v.is_null() && self.nullable && self.required {
            self.editor = empty_editor(&self.kind);
            return;
        }
        if !form_value::fits(&self.kind, v) {
            self.kind = FieldKind::Json;
        }
        self.editor = match &self.kind {
            FieldKind::Boolean => Editor::Toggle(v.as_bool()),
            FieldKind::Enum(options) => Editor::Choice(options.iter().position(|o| &o.value == v)),
            kind => Editor::Text(Input::new(form_value::to_text(kind, v))),
        };
    }

    /// Back to the schema's kind with nothing entered (not even the default).
    pub(super) fn clear(&mut self) {
        self.pristine = false;
        self.kind = self.schema_kind.clone();
        self.editor = empty_editor(&self.kind);
    }

    /// Edits with `press`: text edits for text fields ([`KeyPress::edit`], tui-input's
    /// bindings), Space and
    /// Left/Right for booleans and enums, a letter jumps to the next option starting with
    /// it. On a prefilled default ([`Field::is_default`]) a typed character replaces the
    /// text and a deleting key empties it. Returns whether the key was used.
    pub(super) fn on_key(&mut self, press: KeyPress) -> bool {
        let used = self.edit(press);
        if used {
            self.pristine = false;
        }
        used
    }

    fn edit(&mut self, press: KeyPress) -> bool {
        let key = press.key;
        let plain = key.modifiers.difference(Mods::SHIFT).is_empty();
        let cycle = self.required && !self.nullable;
        match &mut self.editor {
            Editor::Text(input) => match press.edit {
                Some(req) => {
                    if self.pristine {
                        match req {
                            InputRequest::InsertChar(_) | InputRequest::Yank => {
                                *input = Input::default();
                            }
                            InputRequest::DeletePrevChar
                            | InputRequest::DeleteNextChar
                            | InputRequest::DeletePrevWord
                            | InputRequest::DeleteNextWord
                            | InputRequest::DeleteLine
                            | InputRequest::DeleteTillEnd
                            | InputRequest::DeleteFromStart => {
                                *input = Input::default();
                                return true;
                            }
                            _ => {}
                        }
                    }
                    input.handle(req);
                    true
                }
                None => false,
            },
            // Space flips the value (unset or false → true, true → false), so a default
            // `false` becomes `true` at the first press; Backspace/Delete unsets an
            // optional one.
            Editor::Toggle(b) => match key.code {
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right if plain => {
                    *b = Some(*b != Some(true));
                    true
                }
                KeyCode::Backspace | KeyCode::Delete if plain && !cycle => {
                    *b = None;
                    true
                }
                _ => false,
            },
            Editor::Choice(i) => {
                let FieldKind::Enum(options) = &self.kind else {
                    return false;
                };
                let n = options.len();
                match key.code {
                    KeyCode::Right | KeyCode::Char(' ') if plain => {
                        *i = step(*i, n, true, cycle);
                        true
                    }
                    KeyCode::Left if plain => {
                        *i = step(*i, n, false, cycle);
                        true
                    }
                    KeyCode::Char(c) if plain => {
                        let start = i.map_or(0, |i| i + 1);
                        let c = c.to_lowercase().to_string();
                        let hit = (0..n)
                            .map(|k| (start + k) % n.max(1))
                            .find(|k| options[*k].label().to_lowercase().starts_with(&c));
                        match hit {
                            Some(k) => {
                                *i = Some(k);
                                true
                            }
                            None => false,
                        }
                    }
                    _ => false,
                }
            }
        }
    }
}

/// The next option index going forward or back; `None` (not set) is one of the stops
/// unless `required` (then it is only where a field starts).
fn step(i: Option<usize>, n: usize, forward: bool, required: bool) -> Option<usize> {
    if n == 0 {
        return None;
    }
    match (i, forward) {
        (None, true) => Some(0),
        (None, false) => Some(n - 1),
        (Some(i), true) if i + 1 < n => Some(i + 1),
        (Some(_), true) if required => Some(0),
        (Some(_), true) => None,
        (Some(0), false) if required => Some(n - 1),
        (Some(0), false) => None,
        (Some(i), false) => Some(i - 1),
    }
}

fn empty_editor(kind: &FieldKind) -> Editor {
    match kind {
        FieldKind::Boolean => Editor::Toggle(None),
        FieldKind::Enum(_) => Editor::Choice(None),
        _ => Editor::Text(Input::default()),
    }
}
