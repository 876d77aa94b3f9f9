//! The tools screen's other lists as data: which list is shown, its rows after the filter,
//! and the form filled before a resource template or a prompt is read. The keys that change
//! them are the app's (`app/catalog.rs`).

use crate::model::mcp::catalog::{
    Catalog, PromptInfo, TemplateInfo, entries, string_schema, template_vars,
};
use crate::model::mcp::form::Form;
use crate::model::mcp::{ServerId, ToolHints, ToolInfo};

/// Which of the server's lists the tools screen shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListKind {
    #[default]
    Tools,
    /// Resources, then resource templates.
    Resources,
    Prompts,
}

impl ListKind {
    /// The next list, wrapping: tools → resources → prompts → tools.
    pub fn next(self) -> ListKind {
        match self {
            ListKind::Tools => ListKind::Resources,
            ListKind::Resources => ListKind::Prompts,
            ListKind::Prompts => ListKind::Tools,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ListKind::Tools => "Tools",
            ListKind::Resources => "Resources",
            ListKind::Prompts => "Prompts",
        }
    }
}

/// One row of the resources or prompts list: an index into the catalog's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogRow {
    Resource(usize),
    Template(usize),
    Prompt(usize),
}

/// The rows of list `kind` whose name, title, URI or description contains `query`
/// (case-insensitive), in the server's order; resources before templates. Empty for
/// [`ListKind::Tools`].
pub fn catalog_rows(cat: &Catalog, kind: ListKind, query: &str) -> Vec<CatalogRow> {
    let q = query.trim().to_lowercase();
    let hit = |fields: &[Option<&str>]| {
        q.is_empty()
            || fields
                .iter()
                .flatten()
                .any(|f| f.to_lowercase().contains(&q))
    };
    let mut rows = Vec::new();
    match kind {
        ListKind::Tools => {}
        ListKind::Resources => {
            for (i, r) in entries(&cat.resources).iter().enumerate() {
                let f = [
                    Some(r.name.as_str()),
                    r.title.as_deref(),
                    Some(r.uri.as_str()),
                    r.description.as_deref(),
                ];
                if hit(&f) {
                    rows.push(CatalogRow::Resource(i));
                }
            }
            for (i, t) in entries(&cat.templates).iter().enumerate() {
                let f = [
                    Some(t.name.as_str()),
                    t.title.as_deref(),
                    Some(t.uri_template.as_str()),
                    t.description.as_deref(),
                ];
                if hit(&f) {
                    rows.push(CatalogRow::Template(i));
                }
            }
        }
        ListKind::Prompts => {
            for (i, p) in entries(&cat.prompts).iter().enumerate() {
                let f = [
                    Some(p.name.as_str()),
                    p.title.as_deref(),
                    p.description.as_deref(),
                ];
                if hit(&f) {
                    rows.push(CatalogRow::Prompt(i));
                }
            }
        }
    }
    rows
}

/// What a form is filled for before a read.
#[derive(Debug, Clone, PartialEq)]
pub enum FetchTarget {
    /// A resource template: its variables become the URI.
    Template(TemplateInfo),
    /// A prompt: its arguments are sent with `prompts/get`.
    Prompt(PromptInfo),
}

/// The form of a template's variables or a prompt's arguments.
#[derive(Debug)]
pub struct FetchForm {
    pub server: ServerId,
    pub target: FetchTarget,
    pub form: Form,
}

/// A stand-in tool whose input schema has one string field per template variable (all
/// required) or prompt argument (required as declared), for the tool form.
pub fn form_tool(target: &FetchTarget) -> ToolInfo {
    let (name, description, schema) = match target {
        FetchTarget::Template(t) => {
            let vars = template_vars(&t.uri_template);
            let schema = string_schema(vars.iter().map(|v| (v.as_str(), None, true)));
            (t.name.clone(), Some(t.uri_template.clone()), schema)
        }
        FetchTarget::Prompt(p) => {
            let schema = string_schema(
                p.arguments
                    .iter()
                    .map(|a| (a.name.as_str(), a.description.as_deref(), a.required)),
            );
            (p.name.clone(), p.description.clone(), schema)
        }
    };
    ToolInfo {
        name,
        title: None,
        description,
        input_schema: schema,
        output_schema: None,
        hints: ToolHints {
            read_only: Some(true),
            ..ToolHints::default()
        },
        task: Default::default(),
    }
}
