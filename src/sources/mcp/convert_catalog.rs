//! rmcp's resource, template, prompt and read-result types to the model's
//! ([`crate::model::mcp::catalog`]), which carry no rmcp type.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rmcp::model::{
    GetPromptResult, Prompt, ReadResourceResult, Resource, ResourceContents, ResourceTemplate, Role,
};

use super::convert::{base64_decoded_len, content, resource_contents};
use crate::model::mcp::catalog::{
    Blob, Fetched, MAX_KEPT_BLOB, PromptArg, PromptInfo, PromptMessage, ResourceInfo, TemplateInfo,
};

/// One `resources/list` entry.
pub(super) fn resource_info(r: Resource) -> ResourceInfo {
    ResourceInfo {
        uri: r.uri,
        name: r.name,
        title: r.title,
        description: r.description,
        mime: r.mime_type,
        size: r.size,
    }
}

/// One `resources/templates/list` entry.
pub(super) fn template_info(t: ResourceTemplate) -> TemplateInfo {
    TemplateInfo {
        uri_template: t.uri_template,
        name: t.name,
        title: t.title,
        description: t.description,
        mime: t.mime_type,
    }
}

/// One `prompts/list` entry; an argument without `required` is optional.
pub(super) fn prompt_info(p: Prompt) -> PromptInfo {
    PromptInfo {
        name: p.name,
        title: p.title,
        description: p.description,
        arguments: p
            .arguments
            .unwrap_or_default()
            .into_iter()
            .map(|a| PromptArg {
                name: a.name,
                description: a.description,
                required: a.required == Some(true),
            })
            .collect(),
    }
}

/// A `resources/read` result: each of its contents, and the decoded bytes of each blob
/// (standard base64, RFC 4648 §4, as the spec's `BlobResourceContents.blob`) while the
/// read's blobs total at most [`MAX_KEPT_BLOB`]; a blob past that is kept as its size only
/// (`too_large`), and one that does not decode is shown by size and not kept.
pub(super) fn read_result(r: ReadResourceResult) -> Fetched {
    let mut room = MAX_KEPT_BLOB;
    let blobs = r
        .contents
        .iter()
        .filter_map(|rc| blob(rc, &mut room))
        .collect();
    Fetched::Resource {
        contents: r.contents.into_iter().map(resource_contents).collect(),
        blobs,
    }
}

/// One blob's bytes when they fit in `room` (bytes left for this read), which they use up.
fn blob(rc: &ResourceContents, room: &mut usize) -> Option<Blob> {
    let ResourceContents::BlobResourceContents {
        uri,
        mime_type,
        blob,
        ..
    } = rc
    else {
        return None;
    };
    let size = base64_decoded_len(blob);
    let (data, too_large) = if size > *room {
        (Vec::new(), Some(size))
    } else {
        *room -= size;
        let compact: String = blob.split_whitespace().collect();
        (STANDARD.decode(compact).ok()?, None)
    };
    Some(Blob {
        uri: uri.clone(),
        mime: mime_type.clone(),
        data,
        too_large,
    })
}

/// A `prompts/get` result: its description and each message with its role.
pub(super) fn prompt_result(r: GetPromptResult) -> Fetched {
    Fetched::Prompt {
        description: r.description,
        messages: r
            .messages
            .into_iter()
            .map(|m| PromptMessage {
                role: match m.role {
                    Role::User => "user".to_string(),
                    Role::Assistant => "assistant".to_string(),
                },
                content: content(m.content),
            })
            .collect(),
    }
}
