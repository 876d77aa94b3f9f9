//! The text a finished `resources/read` or `prompts/get` shows, built once when it ends
//! with the bounds and masking of call results ([`super::body`]): a resource's text (JSON
//! pretty-printed when it parses), a blob by its mime type and size, a prompt's messages
//! by role.

use super::body::{Body, BodyKind, BodyLine, content};
use super::catalog::Fetched;
use super::error::McpError;
use super::mask::{mask_json, mask_text};
use super::types::Content;

/// The lines of a finished read: what it returned, or `✖ <error>`.
pub fn build(outcome: &Result<Fetched, McpError>) -> Vec<BodyLine> {
    let mut b = Body::new();
    match outcome {
        Err(e) => b.push(BodyKind::Error, &format!("✖ {}", mask_text(&e.to_string()))),
        Ok(Fetched::Resource { contents, .. }) => {
            if contents.is_empty() {
                b.push(BodyKind::Note, "(no contents)");
            }
            for c in contents {
                resource(&mut b, c);
            }
        }
        Ok(Fetched::Prompt {
            description,
            messages,
        }) => {
            if let Some(d) = description {
                b.push_text(BodyKind::Note, d);
            }
            if messages.is_empty() {
                b.push(BodyKind::Note, "(no messages)");
            }
            for m in messages {
                b.push(BodyKind::Heading, &format!("{}:", m.role));
                content(&mut b, &m.content);
            }
        }
    }
    b.finish()
}

/// A resource's text, pretty-printed when its mime type says JSON and it parses.
fn resource(b: &mut Body, c: &Content) {
    if let Content::Resource {
        mime: Some(mime),
        text: Some(text),
        uri,
        bytes,
    } = c
        && is_json(mime)
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(text)
    {
        let head = Content::Resource {
            uri: uri.clone(),
            mime: Some(mime.clone()),
            text: None,
            bytes: *bytes,
        };
        content(b, &head);
        let pretty = serde_json::to_string_pretty(&mask_json(&v)).unwrap_or_default();
        b.push_text(BodyKind::Json, &pretty);
        return;
    }
    content(b, c);
}

/// `application/json`, `application/ld+json`, `text/json; charset=utf-8`, ...
fn is_json(mime: &str) -> bool {
    let essence = mime.split(';').next().unwrap_or("").trim();
    essence.ends_with("/json") || essence.ends_with("+json")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::mcp::catalog::PromptMessage;

    fn texts(lines: &[BodyLine]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn json_text_is_pretty_printed_and_masked() {
        let lines = build(&Ok(Fetched::Resource {
            contents: vec![Content::Resource {
                uri: "demo://config".into(),
                mime: Some("application/json".into()),
                text: Some(r#"{"password":"PLANTED","port":8080}"#.into()),
                bytes: 34,
            }],
            blobs: vec![],
        }));
        let all = texts(&lines).join("\n");
        assert!(all.contains("\"port\": 8080"), "{all}");
        assert!(!all.contains("PLANTED"), "{all}");
        assert_eq!(lines[0].kind, BodyKind::Media);
    }

    #[test]
    fn a_blob_is_shown_by_mime_type_and_size() {
        let lines = build(&Ok(Fetched::Resource {
            contents: vec![Content::Resource {
                uri: "demo://logo".into(),
                mime: Some("image/png".into()),
                text: None,
                bytes: 2048,
            }],
            blobs: vec![],
        }));
        assert_eq!(
            texts(&lines),
            vec!["[resource <demo://logo> image/png, 2.0 KiB]"]
        );
    }

    #[test]
    fn prompt_messages_show_their_role() {
        let lines = build(&Ok(Fetched::Prompt {
            description: None,
            messages: vec![PromptMessage {
                role: "user".into(),
                content: Content::Text("hello\nthere".into()),
            }],
        }));
        assert_eq!(texts(&lines), vec!["user:", "hello", "there"]);
        let unknown = McpError::Rpc {
            code: -32602,
            message: "unknown prompt".into(),
        };
        let err = build(&Err(unknown.of_request("prompts/get")));
        assert_eq!(err[0].kind, BodyKind::Error);
    }
}
