//! rmcp's protocol types turned into mcptop's own (`model::mcp`), which carry no rmcp type.

use rmcp::model::{
    CallToolResult, ContentBlock, ResourceContents, ServerCapabilities, ServerPeerInfo, Tool,
};
use serde_json::Value;

use crate::model::mcp::{CallResult, Content, ServerInfo, ToolHints, ToolInfo};

/// What `initialize` returned (a server that gave no `serverInfo` has empty names).
pub(super) fn server_info(init: &ServerPeerInfo) -> ServerInfo {
    let implementation = init.server_info.as_ref();
    ServerInfo {
        name: implementation.map(|i| i.name.clone()).unwrap_or_default(),
        version: implementation
            .map(|i| i.version.clone())
            .unwrap_or_default(),
        title: implementation.and_then(|i| i.title.clone()),
        protocol_version: init.protocol_version.to_string(),
        capabilities: capabilities(&init.capabilities),
        instructions: init.instructions.clone(),
    }
}

/// Declared capabilities by protocol name, with their declared sub-features:
/// `tools (listChanged)`, `resources (subscribe, listChanged)`, `logging`, ...
pub(super) fn capabilities(caps: &ServerCapabilities) -> Vec<String> {
    fn named(name: &str, flags: &[(&str, Option<bool>)]) -> String {
        let on: Vec<&str> = flags
            .iter()
            .filter(|(_, v)| *v == Some(true))
            .map(|(n, _)| *n)
            .collect();
        if on.is_empty() {
            name.to_string()
        } else {
            format!("{name} ({})", on.join(", "))
        }
    }
    let mut out = Vec::new();
    if let Some(t) = &caps.tools {
        out.push(named("tools", &[("listChanged", t.list_changed)]));
    }
    if let Some(r) = &caps.resources {
        out.push(named(
            "resources",
            &[("subscribe", r.subscribe), ("listChanged", r.list_changed)],
        ));
    }
    if let Some(p) = &caps.prompts {
        out.push(named("prompts", &[("listChanged", p.list_changed)]));
    }
    if caps.logging.is_some() {
        out.push("logging".to_string());
    }
    if caps.completions.is_some() {
        out.push("completions".to_string());
    }
    if caps.experimental.as_ref().is_some_and(|e| !e.is_empty()) {
        out.push("experimental".to_string());
    }
    out
}

/// One tools/list entry.
pub(super) fn tool_info(tool: Tool) -> ToolInfo {
    let ann = tool.annotations.as_ref();
    ToolInfo {
        name: tool.name.to_string(),
        title: tool
            .title
            .clone()
            .or_else(|| ann.and_then(|a| a.title.clone())),
        description: tool.description.as_ref().map(|d| d.to_string()),
        input_schema: Value::Object((*tool.input_schema).clone()),
        output_schema: tool
            .output_schema
            .as_ref()
            .map(|s| Value::Object((**s).clone())),
        hints: ToolHints {
            read_only: ann.and_then(|a| a.read_only_hint),
            destructive: ann.and_then(|a| a.destructive_hint),
            idempotent: ann.and_then(|a| a.idempotent_hint),
            open_world: ann.and_then(|a| a.open_world_hint),
        },
        // Read off the raw answer by `task_tap`: rmcp drops `execution`.
        task: Default::default(),
    }
}

/// A tools/call result; binary data is reduced to its decoded size.
pub(super) fn call_result(result: CallToolResult) -> CallResult {
    CallResult {
        content: result.content.into_iter().map(content).collect(),
        structured: result.structured_content,
        is_error: result.is_error == Some(true),
    }
}

/// One content block.
pub(super) fn content(block: ContentBlock) -> Content {
    match block {
        ContentBlock::Text(t) => Content::Text(t.text),
        ContentBlock::Image(i) => Content::Image {
            bytes: base64_decoded_len(&i.data),
            mime: i.mime_type,
        },
        ContentBlock::Audio(a) => Content::Audio {
            bytes: base64_decoded_len(&a.data),
            mime: a.mime_type,
        },
        ContentBlock::ResourceLink(r) => Content::ResourceLink {
            uri: r.uri,
            name: Some(r.name).filter(|n| !n.is_empty()),
            mime: r.mime_type,
        },
        ContentBlock::Resource(e) => resource_contents(e.resource),
        other => Content::Other(serde_json::to_value(&other).unwrap_or(Value::Null)),
    }
}

/// A resource's contents (embedded in a result or read): its text, or a blob's decoded size.
pub(super) fn resource_contents(rc: ResourceContents) -> Content {
    match rc {
        ResourceContents::TextResourceContents {
            uri,
            mime_type,
            text,
            ..
        } => Content::Resource {
            uri,
            mime: mime_type,
            bytes: text.len(),
            text: Some(text),
        },
        ResourceContents::BlobResourceContents {
            uri,
            mime_type,
            blob,
            ..
        } => Content::Resource {
            uri,
            mime: mime_type,
            text: None,
            bytes: base64_decoded_len(&blob),
        },
        other => Content::Other(serde_json::to_value(&other).unwrap_or(Value::Null)),
    }
}

/// Bytes that a base64 text decodes to: every 4 data characters (whitespace and `=`
/// padding aside) make 3 bytes.
pub(super) fn base64_decoded_len(data: &str) -> usize {
    let chars = data
        .bytes()
        .filter(|b| !matches!(b, b'=' | b' ' | b'\n' | b'\r' | b'\t'))
        .count();
    chars * 3 / 4
}

/// Longest `notifications/message` text kept, in bytes (as for a stderr line).
const MAX_LOG_TEXT: usize = 8 * 1024;

/// A `notifications/message` payload as one line: strings as they are, other JSON compact;
/// cut to 8 KiB with a note of the size.
pub(super) fn log_text(data: &Value) -> String {
    let text = match data {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.len() <= MAX_LOG_TEXT {
        return text;
    }
    let mut end = MAX_LOG_TEXT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes in all)", &text[..end], text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_log_messages_are_cut() {
        let text = log_text(&Value::String("é".repeat(10_000)));
        assert!(text.len() < MAX_LOG_TEXT + 40, "{}", text.len());
        assert!(
            text.ends_with("(20000 bytes in all)"),
            "{}",
            &text[text.len() - 30..]
        );
        assert_eq!(log_text(&serde_json::json!({"a": 1})), r#"{"a":1}"#);
    }

    #[test]
    fn base64_sizes_match_the_decoded_bytes() {
        assert_eq!(base64_decoded_len(""), 0);
        assert_eq!(base64_decoded_len("TQ=="), 1);
        assert_eq!(base64_decoded_len("TWE="), 2);
        assert_eq!(base64_decoded_len("TWFu"), 3);
        assert_eq!(base64_decoded_len("TWFuTQ"), 4, "unpadded");
        assert_eq!(base64_decoded_len("TWFu\nTWFu"), 6);
    }

    #[test]
    fn log_data_is_a_string_or_compact_json() {
        assert_eq!(log_text(&Value::String("hi there".into())), "hi there");
        assert_eq!(
            log_text(&serde_json::json!({"a": 1, "b": [true]})),
            r#"{"a":1,"b":[true]}"#
        );
    }

    #[test]
    fn capabilities_carry_their_sub_features() {
        let caps: ServerCapabilities = serde_json::from_value(serde_json::json!({
            "tools": {"listChanged": true},
            "resources": {"subscribe": true, "listChanged": true},
            "prompts": {},
            "logging": {},
            "completions": {}
        }))
        .expect("capabilities");
        assert_eq!(
            capabilities(&caps),
            [
                "tools (listChanged)",
                "resources (subscribe, listChanged)",
                "prompts",
                "logging",
                "completions"
            ]
        );
    }

    #[test]
    fn images_keep_their_size_not_their_data() {
        let block: ContentBlock = serde_json::from_value(serde_json::json!({
            "type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"
        }))
        .expect("block");
        assert_eq!(
            content(block),
            Content::Image {
                mime: "image/png".into(),
                bytes: 8
            }
        );
    }
}
