//! STUB replaced by the form branch.
use crossterm::event::KeyEvent;
use serde_json::{Map, Value};

use super::ToolInfo;

#[derive(Debug)]
pub struct Form {
    values: Map<String, Value>,
}

pub enum FormEvent {
    Ignored,
    Changed,
    Submit(Map<String, Value>),
    Cancel,
}

impl Form {
    pub fn from_schema(_tool: &ToolInfo) -> Form {
        Form { values: Map::new() }
    }
    pub fn with_values(&mut self, args: &Map<String, Value>) {
        self.values = args.clone();
    }
    pub fn on_key(&mut self, key: KeyEvent) -> FormEvent {
        match key.code {
            crossterm::event::KeyCode::Esc => FormEvent::Cancel,
            crossterm::event::KeyCode::Enter => FormEvent::Submit(self.values.clone()),
            _ => FormEvent::Ignored,
        }
    }
    pub fn arguments(&self) -> Result<Map<String, Value>, Vec<FieldError>> {
        Ok(self.values.clone())
    }
    pub fn help() -> &'static [(&'static str, &'static str)] {
        &[("Esc", "cancel")]
    }
}

pub struct FieldError {
    pub field: String,
    pub message: String,
}
