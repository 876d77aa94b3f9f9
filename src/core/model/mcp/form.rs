//! The tool-call form: one field per top-level property of a tool's `inputSchema`,
//! validated into the `arguments` object of a tools/call, with a raw JSON mode for what
//! the fields cannot express. Pure model: keys in, [`FormEvent`]s out, no I/O. The raw
//! mode's text is held here; its editor (cursor, selection, undo) is the caller's, which
//! gives each edit back ([`Form::edit_raw`]).
//!
//! Field order: serde_json is built without `preserve_order` here, so the schema's
//! property order is lost by the time a schema reaches us. Fields come in the order of
//! the schema's `required` array (an array keeps its order, and servers usually list
//! required properties in declaration order), then the optional ones by name.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};

use super::ToolInfo;
use crate::action::{KeyCode, KeyPress, Mods};

#[path = "form_field.rs"]
mod form_field;
#[path = "form_kind.rs"]
mod form_kind;
#[path = "form_raw.rs"]
mod form_raw;
#[path = "form_schema.rs"]
mod form_schema;
#[path = "form_value.rs"]
mod form_value;

use super::mask::{MASK, is_secret_key};
pub use form_field::{Field, FieldInput};
pub use form_kind::{ArrayRules, EnumOption, FieldKind, NumberRules, Pattern, StringRules};
use form_raw::parse_raw;
pub use form_schema::resolve as resolve_refs;

/// A validation problem of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name; empty for the arguments object as a whole (raw JSON mode).
    pub field: String,
    /// Short and plain: `required`, `not an integer`, `must be ≥ 1`, `one of: a, b, c`,
    /// `line 3, column 5: trailing comma` (raw JSON mode).
    pub message: String,
}

/// What a key did to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum FormEvent {
    /// The key means nothing here; the caller may use it.
    Ignored,
    /// The form changed (text, focus, mode, errors): redraw.
    Changed,
    /// Call the tool with these arguments (validated).
    Submit(Map<String, Value>),
    /// Close the form without calling.
    Cancel,
}

/// Whether the form shows its fields or the whole arguments object as JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormMode {
    Fields,
    Raw,
}

/// The form for one tool.
#[derive(Debug, Clone)]
pub struct Form {
    tool: String,
    fields: Vec<Field>,
    /// Keys given by [`Form::with_values`] or the raw editor that no field holds; sent
    /// as they are.
    extra: Map<String, Value>,
    /// Index into `fields`; `fields.len()` is the `[ Call ]` row.
    focus: usize,
    errors: Vec<FieldError>,
    mode: FormMode,
    /// The raw JSON mode's text (meaningful in [`FormMode::Raw`]).
    raw: String,
    /// Names the text `raw` was last set to by the form itself; see [`Form::raw_epoch`].
    raw_epoch: u64,
    /// Secret values kept out of the raw editor's text (which is drawn as typed): the text
    /// holds [`MASK`] in their place and they are put back when it is read.
    hidden: Map<String, Value>,
}

impl Form {
    /// One field per top-level property of `tool.input_schema`, prefilled with defaults;
    /// required fields first (in `required` order), then the rest by name. A schema
    /// without `properties` (or not an object) gives an empty form that submits `{}`.
    pub fn from_schema(tool: &ToolInfo) -> Form {
        let schema = &tool.input_schema;
        let empty = Map::new();
        let props = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let mut required: Vec<&str> = vec![];
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if props.contains_key(name) && !required.contains(&name) {
                required.push(name);
            }
        }
        let mut optional: Vec<&str> = props
            .keys()
            .map(String::as_str)
            .filter(|k| !required.contains(k))
            .collect();
        optional.sort_unstable();
        let fields = required
            .iter()
            .map(|n| (*n, true))
            .chain(optional.iter().map(|n| (*n, false)))
            .filter_map(|(name, req)| {
                let spec = form_schema::spec(&form_schema::resolve(schema, props.get(name)?));
                Some(Field::new(name, req, spec))
            })
            .collect();
        Form {
            tool: tool.name.clone(),
            fields,
            extra: Map::new(),
            focus: 0,
            errors: vec![],
            mode: FormMode::Fields,
            raw: "{}".into(),
            raw_epoch: next_epoch(),
            hidden: Map::new(),
        }
    }

    /// Prefills from `args` (a key binding's preset arguments): each key that names a
    /// field is loaded into it (as JSON text when the value does not fit the field's
    /// kind); other keys are kept and sent as they are (the raw JSON mode shows them).
    /// In raw JSON mode the editor text is rebuilt from the fields.
    pub fn with_values(&mut self, args: &Map<String, Value>) {
        for (k, v) in args {
            match self.fields.iter_mut().find(|f| f.name() == k) {
                Some(f) => f.load(v),
                None => {
                    self.extra.insert(k.clone(), v.clone());
                }
            }
            self.errors.retain(|e| &e.field != k);
        }
        if self.mode == FormMode::Raw {
            self.set_raw();
        }
    }

    /// The arguments to send, validated: in field mode each field's value (empty optional
    /// fields left out, never sent as `""`) plus the extra keys; in raw mode the editor's
    /// text, which must be a JSON object (blank is `{}`).
    ///
    /// Errors: one [`FieldError`] per invalid field, in field order; in raw mode one with
    /// an empty `field` naming the line and column.
    pub fn arguments(&self) -> Result<Map<String, Value>, Vec<FieldError>> {
        if self.mode == FormMode::Raw {
            return self.raw_arguments().map_err(|message| {
                vec![FieldError {
                    field: String::new(),
                    message,
                }]
            });
        }
        let mut out = self.extra.clone();
        let mut errors = vec![];
        for f in &self.fields {
            match f.value() {
                Ok(Some(v)) => {
                    out.insert(f.name().to_string(), v);
                }
                Ok(None) => {}
                Err(message) => errors.push(FieldError {
                    field: f.name().to_string(),
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// Handles one key press; the keys are listed for the operator in
    /// `crate::action::mode` (the form's hints). In raw JSON mode only Esc, Ctrl-S and Ctrl-R
    /// are the form's: any other key is `Ignored` here, being the text editor's, whose
    /// edits come back through [`Form::edit_raw`].
    pub fn on_key(&mut self, press: KeyPress) -> FormEvent {
        let key = press.key;
        let ctrl = key.modifiers.contains(Mods::CONTROL);
        match key.code {
            KeyCode::Esc => return FormEvent::Cancel,
            KeyCode::Char('s') if ctrl => return self.submit(),
            KeyCode::Char('r') if ctrl => {
                match self.mode {
                    FormMode::Fields => self.enter_raw(),
                    FormMode::Raw => self.leave_raw(),
                }
                return FormEvent::Changed;
            }
            _ => {}
        }
        if self.mode == FormMode::Raw {
            return FormEvent::Ignored;
        }
        let last = self.fields.len();
        let on_call = self.focus == last;
        match key.code {
            KeyCode::Tab => self.focus = (self.focus + 1) % (last + 1),
            KeyCode::BackTab => self.focus = self.focus.checked_sub(1).unwrap_or(last),
            KeyCode::Down => self.focus = (self.focus + 1).min(last),
            KeyCode::Up => self.focus = self.focus.saturating_sub(1),
            KeyCode::Enter | KeyCode::Char(' ') if on_call => return self.submit(),
            KeyCode::Enter => self.focus += 1,
            _ => {
                let Some(f) = self.fields.get_mut(self.focus) else {
                    return FormEvent::Ignored;
                };
                if !f.on_key(press) {
                    return FormEvent::Ignored;
                }
                let name = f.name().to_string();
                self.errors.retain(|e| e.field != name);
            }
        }
        FormEvent::Changed
    }

    /// Validates and submits; on errors keeps the form open, shows them and focuses the
    /// first invalid field.
    fn submit(&mut self) -> FormEvent {
        match self.arguments() {
            Ok(args) => {
                self.errors.clear();
                FormEvent::Submit(args)
            }
            Err(errors) => {
                if let Some(i) = errors
                    .first()
                    .and_then(|e| self.fields.iter().position(|f| f.name() == e.field))
                {
                    self.focus = i;
                }
                self.errors = errors;
                FormEvent::Changed
            }
        }
    }

    /// The current values as an object (invalid text kept as best it can be), pretty, with
    /// secret values (by key name or a secret field) replaced by [`MASK`] and kept in
    /// `hidden`.
    fn draft_json(&mut self) -> String {
        let mut out = self.extra.clone();
        for f in &self.fields {
            if let Some(v) = f.draft() {
                out.insert(f.name().to_string(), v);
            }
        }
        self.hidden.clear();
        for (k, v) in out.iter_mut() {
            let secret =
                is_secret_key(k) || self.fields.iter().any(|f| f.name() == k && f.is_secret());
            if secret && v.as_str().is_some_and(|s| !s.is_empty()) {
                self.hidden
                    .insert(k.clone(), std::mem::replace(v, Value::String(MASK.into())));
            }
        }
        serde_json::to_string_pretty(&Value::Object(out)).unwrap_or_else(|_| "{}".into())
    }

    /// The raw editor's object with the hidden secrets put back where [`MASK`] still
    /// stands.
    fn raw_arguments(&self) -> Result<Map<String, Value>, String> {
        let mut args = parse_raw(&self.raw)?;
        for (k, v) in args.iter_mut() {
            if v.as_str() == Some(MASK)
                && let Some(secret) = self.hidden.get(k)
            {
                *v = secret.clone();
            }
        }
        Ok(args)
    }

    /// The raw text from the fields, in a new epoch.
    fn set_raw(&mut self) {
        self.raw = self.draft_json();
        self.raw_epoch = next_epoch();
    }

    fn enter_raw(&mut self) {
        self.set_raw();
        self.mode = FormMode::Raw;
        self.errors.clear();
    }

    /// Back to the fields, loaded from the raw text; stays in raw mode with an error when
    /// the text is not a JSON object.
    fn leave_raw(&mut self) {
        match self.raw_arguments() {
            Ok(args) => {
                self.fields.iter_mut().for_each(Field::clear);
                self.extra.clear();
                self.errors.clear();
                self.mode = FormMode::Fields;
                self.with_values(&args);
            }
            Err(message) => {
                self.errors = vec![FieldError {
                    field: String::new(),
                    message,
                }];
            }
        }
    }

    /// The tool's name.
    pub fn tool(&self) -> &str {
        &self.tool
    }

    /// The fields in display order.
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// The focused row: an index into [`Form::fields`], or `fields().len()` for the
    /// `[ Call ]` row.
    pub fn focus(&self) -> usize {
        self.focus
    }

    /// Whether the `[ Call ]` row is focused.
    pub fn call_focused(&self) -> bool {
        self.focus == self.fields.len()
    }

    /// Errors of the last failed submit (or raw JSON switch), cleared field by field as
    /// fields are edited.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The error messages of one field (`""` for the whole object in raw mode).
    pub fn errors_for<'a>(&'a self, field: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.errors
            .iter()
            .filter(move |e| e.field == field)
            .map(|e| e.message.as_str())
    }

    /// Fields or raw JSON.
    pub fn mode(&self) -> FormMode {
        self.mode
    }

    /// The raw JSON text (meaningful in [`FormMode::Raw`]): lines joined by `\n`, secret
    /// values shown as [`MASK`]. An editor starts from it (again when it changes other than
    /// by [`Form::edit_raw`]: entering raw mode, [`Form::with_values`]).
    pub fn raw_text(&self) -> &str {
        &self.raw
    }

    /// Changes each time the form sets its raw text itself (entering raw mode,
    /// [`Form::with_values`]), and differs between forms: an editor made for one epoch is
    /// stale in another, even over the same text.
    pub fn raw_epoch(&self) -> u64 {
        self.raw_epoch
    }

    /// The raw JSON text after an edit in the caller's editor; clears the errors (a failed
    /// submit's line and column no longer hold).
    pub fn edit_raw(&mut self, text: String) {
        self.raw = text;
        self.errors.clear();
    }

    /// Keys no field holds, sent as they are.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }
}

/// A number no form's raw text had before (process-wide).
fn next_epoch() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "form_default_tests.rs"]
mod default_tests;

#[cfg(test)]
#[path = "form_raw_tests.rs"]
mod raw_tests;
