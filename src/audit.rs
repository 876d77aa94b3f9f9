//! STUB replaced by the form branch.
use std::path::PathBuf;

use serde_json::Value;

pub struct AuditEntry {
    pub time: String,
    pub user: String,
    pub action: String,
    pub endpoint: String,
    pub target: String,
    pub arguments: Value,
    pub outcome: String,
    pub detail: Option<String>,
    pub duration_ms: Option<u64>,
}

pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }
    pub fn default_path() -> Option<PathBuf> {
        None
    }
    pub fn append(&self, _entry: &AuditEntry) -> std::io::Result<()> {
        let _ = &self.path;
        Ok(())
    }
    pub fn user(configured: Option<&str>) -> String {
        configured.unwrap_or("unknown").to_string()
    }
}

pub fn outcome_label(_o: &crate::model::mcp::CallOutcome) -> &'static str {
    "ok"
}
