//! MCP tasks (protocol 2025-11-25, SEP-1686) as the model sees them: whether a tool must be
//! called as a task, and where a task-augmented call's task stands.

/// A tool's `execution.taskSupport` (spec 2025-11-25, `Tool.execution`): whether a
/// `tools/call` of it may, must or must not carry a `task` to run as a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TaskSupport {
    /// `"forbidden"`, or not declared (the spec's default): an ordinary call.
    #[default]
    Forbidden,
    /// `"optional"`: either way; mcptop calls it the ordinary way.
    Optional,
    /// `"required"`: only as a task; mcptop sends it with `task: {ttl}` and polls.
    Required,
}

impl TaskSupport {
    /// The protocol's word (`"required"`, `"optional"`, `"forbidden"`); anything else,
    /// including a missing value, is `Forbidden` as the spec defaults it.
    pub fn parse(word: Option<&str>) -> Self {
        match word {
            Some("required") => TaskSupport::Required,
            Some("optional") => TaskSupport::Optional,
            _ => TaskSupport::Forbidden,
        }
    }
}

/// Where a task-augmented call's task stands, from the `tools/call` answer (`{task}`),
/// each `tasks/get`, or `tasks/cancel`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskState {
    /// `taskId`, as the server made it.
    pub id: String,
    /// `status`: `working`, `input_required`, `completed`, `failed` or `cancelled` (an
    /// unknown word is kept as sent).
    pub status: String,
    /// `statusMessage`, if the server gave one.
    pub message: Option<String>,
}

impl TaskState {
    /// One line for the call view: `task working: Analyzing content...`.
    pub fn line(&self) -> String {
        match &self.message {
            Some(m) if !m.is_empty() => format!("task {}: {m}", self.status),
            _ => format!("task {}", self.status),
        }
    }

    /// Whether the task has ended (`completed`, `failed`, `cancelled`).
    pub fn is_terminal(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "failed" | "cancelled")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_default_is_forbidden() {
        assert_eq!(TaskSupport::parse(Some("required")), TaskSupport::Required);
        assert_eq!(TaskSupport::parse(Some("optional")), TaskSupport::Optional);
        assert_eq!(
            TaskSupport::parse(Some("forbidden")),
            TaskSupport::Forbidden
        );
        assert_eq!(TaskSupport::parse(Some("REQUIRED")), TaskSupport::Forbidden);
        assert_eq!(TaskSupport::parse(None), TaskSupport::Forbidden);
    }

    #[test]
    fn a_status_line_names_status_and_message() {
        let mut s = TaskState {
            id: "t1".into(),
            status: "working".into(),
            message: Some("Analyzing content...".into()),
        };
        assert_eq!(s.line(), "task working: Analyzing content...");
        assert!(!s.is_terminal());
        s.message = None;
        s.status = "cancelled".into();
        assert_eq!(s.line(), "task cancelled");
        assert!(s.is_terminal());
    }
}
