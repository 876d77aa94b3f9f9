//! The catalog and read results cleaned like every other update ([`super::clean`]): names,
//! URIs, descriptions, texts and errors through [`Cleaner`], so a server's resource text
//! or prompt message carries no control sequence to the terminal.

use crate::inbound::Cleaner;
use crate::model::mcp::catalog::{
    Blob, Catalog, Fetched, PromptArg, PromptInfo, PromptMessage, ResourceInfo, TemplateInfo,
};
use crate::model::mcp::{Content, McpError};

/// `catalog` with every string cleaned.
pub(super) fn catalog(c: &Cleaner, cat: Catalog) -> Catalog {
    let s = |v: String| c.string(v);
    let o = |v: Option<String>| v.map(|v| c.string(v));
    Catalog {
        offers_resources: cat.offers_resources,
        offers_prompts: cat.offers_prompts,
        can_subscribe: cat.can_subscribe,
        resources: cat.resources.map(|r| {
            r.map(|list| {
                list.into_iter()
                    .map(|r| ResourceInfo {
                        uri: s(r.uri),
                        name: s(r.name),
                        title: o(r.title),
                        description: o(r.description),
                        mime: o(r.mime),
                        size: r.size,
                    })
                    .collect()
            })
            .map_err(|e| super::clean::error(c, e))
        }),
        templates: cat.templates.map(|r| {
            r.map(|list| {
                list.into_iter()
                    .map(|t| TemplateInfo {
                        uri_template: s(t.uri_template),
                        name: s(t.name),
                        title: o(t.title),
                        description: o(t.description),
                        mime: o(t.mime),
                    })
                    .collect()
            })
            .map_err(|e| super::clean::error(c, e))
        }),
        prompts: cat.prompts.map(|r| {
            r.map(|list| {
                list.into_iter()
                    .map(|p| PromptInfo {
                        name: s(p.name),
                        title: o(p.title),
                        description: o(p.description),
                        arguments: p
                            .arguments
                            .into_iter()
                            .map(|a| PromptArg {
                                name: s(a.name),
                                description: o(a.description),
                                required: a.required,
                            })
                            .collect(),
                    })
                    .collect()
            })
            .map_err(|e| super::clean::error(c, e))
        }),
    }
}

/// A read's outcome with every string cleaned; `content` cleans one block.
pub(super) fn fetched(
    c: &Cleaner,
    outcome: Result<Fetched, McpError>,
    content: impl Fn(&Cleaner, Content) -> Content,
) -> Result<Fetched, McpError> {
    match outcome {
        Err(e) => Err(super::clean::error(c, e)),
        Ok(Fetched::Resource { contents, blobs }) => Ok(Fetched::Resource {
            contents: contents.into_iter().map(|b| content(c, b)).collect(),
            // The bytes go to a file as sent; only the names shown are cleaned.
            blobs: blobs
                .into_iter()
                .map(|b| Blob {
                    uri: c.string(b.uri),
                    mime: b.mime.map(|m| c.string(m)),
                    ..b
                })
                .collect(),
        }),
        Ok(Fetched::Prompt {
            description,
            messages,
        }) => Ok(Fetched::Prompt {
            description: description.map(|d| c.string(d)),
            messages: messages
                .into_iter()
                .map(|m| PromptMessage {
                    role: c.string(m.role),
                    content: content(c, m.content),
                })
                .collect(),
        }),
    }
}
