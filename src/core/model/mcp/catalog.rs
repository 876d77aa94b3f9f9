//! What a server offers besides tools: its resources, resource templates and prompts, and
//! what reading one of them returned. Plain data (no rmcp type), filled by the source
//! (`sources::mcp::catalog`) and drawn by the tools screen's other lists.

use serde_json::{Map, Value};

use super::body::BodyLine;
use super::types::Content;

/// One entry of `resources/list`.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceInfo {
    pub uri: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `mimeType`, when given.
    pub mime: Option<String>,
    /// `size` in bytes of the raw content, when given.
    pub size: Option<u64>,
}

/// One entry of `resources/templates/list`.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateInfo {
    /// The RFC 6570 `uriTemplate`, e.g. `test://static/resource/{id}`.
    pub uri_template: String,
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub mime: Option<String>,
}

/// One argument of a prompt (prompt arguments are strings).
#[derive(Debug, Clone, PartialEq)]
pub struct PromptArg {
    pub name: String,
    pub description: Option<String>,
    pub required: bool,
}

/// One entry of `prompts/list`.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptInfo {
    pub name: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub arguments: Vec<PromptArg>,
}

/// One list of the catalog: `None` while not listed (or not offered), else the entries in
/// the server's order or why listing failed.
pub type Listed<T> = Option<Result<Vec<T>, super::error::McpError>>;

/// The entries of a list: empty while it is not listed or when listing failed.
pub fn entries<T>(l: &Listed<T>) -> &[T] {
    match l {
        Some(Ok(v)) => v,
        _ => &[],
    }
}

/// Resources, templates and prompts of one server, listed after its tools.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Catalog {
    /// `false` when the server did not declare the `resources` capability.
    pub offers_resources: bool,
    /// `false` when the server did not declare the `prompts` capability.
    pub offers_prompts: bool,
    /// The server declared `resources.subscribe`: `resources/subscribe` may be sent.
    pub can_subscribe: bool,
    pub resources: Listed<ResourceInfo>,
    pub templates: Listed<TemplateInfo>,
    pub prompts: Listed<PromptInfo>,
}

/// Identifies one read (`resources/read` or `prompts/get`), unique for the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FetchId(pub u64);

/// What to read.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchRequest {
    /// `resources/read` of a URI (a listed one, or a template filled in).
    Resource { uri: String },
    /// `prompts/get` with its (string) arguments.
    Prompt {
        name: String,
        arguments: Map<String, Value>,
    },
}

impl FetchRequest {
    /// The protocol method: `resources/read` or `prompts/get`.
    pub fn method(&self) -> &'static str {
        match self {
            FetchRequest::Resource { .. } => "resources/read",
            FetchRequest::Prompt { .. } => "prompts/get",
        }
    }

    /// The URI or the prompt's name.
    pub fn target(&self) -> &str {
        match self {
            FetchRequest::Resource { uri } => uri,
            FetchRequest::Prompt { name, .. } => name,
        }
    }
}

/// A message of a `prompts/get` result.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptMessage {
    /// `user` or `assistant`.
    pub role: String,
    pub content: Content,
}

/// Most blob bytes kept of one read to be saved on request (`w`): 8 MiB in all. Blobs past
/// that show by size and say they were not kept.
pub const MAX_KEPT_BLOB: usize = 8 << 20;

/// The decoded bytes of one blob of a `resources/read`, kept so the operator can save it.
#[derive(Debug, Clone, PartialEq)]
pub struct Blob {
    pub uri: String,
    pub mime: Option<String>,
    /// The decoded data; empty with `too_large` set when over [`MAX_KEPT_BLOB`].
    pub data: Vec<u8>,
    /// Its decoded size when it was too large to keep.
    pub too_large: Option<usize>,
}

/// What a read returned.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// The `contents` of `resources/read`, each as [`Content::Resource`] (text, or the
    /// decoded size of a blob), and the blobs' bytes in the same order.
    Resource {
        contents: Vec<Content>,
        blobs: Vec<Blob>,
    },
    /// `prompts/get`: its description and messages.
    Prompt {
        description: Option<String>,
        messages: Vec<PromptMessage>,
    },
}

/// One read, running or done, as the detail overlay shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchRecord {
    pub id: FetchId,
    pub server: super::ServerId,
    pub request: FetchRequest,
    /// Unix ms when it was sent.
    pub started_ms: i64,
    /// `None` while running; then `Ok(())` or the error text (masked in `body`).
    pub done: Option<Result<(), String>>,
    /// Milliseconds it took, once done.
    pub elapsed_ms: Option<u64>,
    /// What it shows, built once when it ends (masked and bounded, see `body`).
    pub body: Vec<BodyLine>,
    /// The blobs it returned, for `w` (kept for the newest reads only, see
    /// `state::BLOB_READS`).
    pub blobs: Vec<Blob>,
    /// Where `w` saved them, or why it could not.
    pub saved: Option<Result<Vec<String>, String>>,
}

/// The variable names of an RFC 6570 level-1 URI template, in order, each once:
/// `a://{x}/b/{y}` gives `["x", "y"]`. Operators of higher levels (`{+x}`, `{?x,y}`) are
/// stripped to their names, so such templates still get a field per variable.
pub fn template_vars(template: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            break;
        };
        let inner = after[..close].trim_start_matches(['+', '#', '.', '/', ';', '?', '&']);
        for name in inner.split(',') {
            let name = name.trim_end_matches('*');
            let name = name.split(':').next().unwrap_or(name);
            if !name.is_empty() && !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
        rest = &after[close + 1..];
    }
    out
}

/// Expands a level-1 URI template (RFC 6570 §3.2.2, simple string expansion): each
/// `{var}` becomes its value with every byte outside the unreserved set
/// (`A-Z a-z 0-9 - . _ ~`) percent-encoded; a variable without a value expands to nothing.
pub fn expand_template(template: &str, values: &Map<String, Value>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        let value = match values.get(name) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        out.push_str(&encode_unreserved(&value));
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

fn encode_unreserved(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A JSON Schema object with one string property per name (`required` as given), so that
/// a template's variables or a prompt's arguments are filled with the tool form.
pub fn string_schema<'a>(fields: impl Iterator<Item = (&'a str, Option<&'a str>, bool)>) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for (name, description, req) in fields {
        let mut p = Map::new();
        p.insert("type".into(), Value::String("string".into()));
        if let Some(d) = description {
            p.insert("description".into(), Value::String(d.to_string()));
        }
        props.insert(name.to_string(), Value::Object(p));
        if req {
            required.push(Value::String(name.to_string()));
        }
    }
    serde_json::json!({"type": "object", "properties": props, "required": required})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn template_variables_are_found_once_in_order() {
        assert_eq!(
            template_vars("demo://{kind}/items/{id}?again={kind}"),
            vec!["kind", "id"]
        );
        assert_eq!(
            template_vars("a://{+path}{?q,lang}"),
            vec!["path", "q", "lang"]
        );
        assert!(template_vars("a://plain").is_empty());
        assert!(template_vars("a://{broken").is_empty());
    }

    #[test]
    fn expansion_percent_encodes_reserved_characters() {
        let values = json!({"id": "a b/c", "n": 7})
            .as_object()
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            expand_template("demo://x/{id}/{n}/{missing}", &values),
            "demo://x/a%20b%2Fc/7/"
        );
        assert_eq!(expand_template("demo://{open", &values), "demo://{open");
        assert_eq!(
            expand_template(
                "u://{id}",
                &json!({"id": "é"}).as_object().cloned().unwrap_or_default()
            ),
            "u://%C3%A9"
        );
    }

    #[test]
    fn string_schema_marks_required_fields() {
        let s = string_schema([("city", Some("where"), true), ("unit", None, false)].into_iter());
        assert_eq!(s["properties"]["city"]["type"], "string");
        assert_eq!(s["properties"]["city"]["description"], "where");
        assert_eq!(s["required"], json!(["city"]));
    }
}
