//! The tools screen's other lists: a server's resources (with its resource templates) and
//! prompts. Enter reads a resource, or opens the form of a template's variables or a
//! prompt's arguments (all strings) and then reads; reads are read-only, so nothing asks
//! for confirmation. What a read returned shows in its own overlay.

use crossterm::event::{KeyCode, KeyEvent};
use serde_json::Map;

use super::App;
use super::nav::Overlay;
use crate::action::Action;
use crate::input::form::form_key;
use crate::model::mcp::catalog::{
    Catalog, FetchId, FetchRequest, PromptInfo, TemplateInfo, entries, expand_template,
    string_schema, template_vars,
};
use crate::model::mcp::form::{Form, FormEvent};
use crate::model::mcp::{McpCommand, McpUpdate, ServerId, ToolHints, ToolInfo};

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

impl App {
    /// Enter on the resources or prompts list: read the resource, or open the form of the
    /// template or prompt (a prompt without arguments is read at once).
    pub(super) fn open_selected_entry(&mut self, now_ms: i64) {
        let server = self.nav.server;
        let Some(s) = self.mcp.servers.get(server) else {
            return;
        };
        let cat = &s.catalog;
        let rows = catalog_rows(cat, self.nav.list, self.nav.filter.value());
        let target = match rows.get(self.nav.tool) {
            None => return,
            Some(CatalogRow::Resource(i)) => match entries(&cat.resources).get(*i) {
                Some(r) => {
                    let uri = r.uri.clone();
                    self.send_fetch(server, FetchRequest::Resource { uri }, now_ms);
                    return;
                }
                None => return,
            },
            Some(CatalogRow::Template(i)) => match entries(&cat.templates).get(*i) {
                Some(t) => FetchTarget::Template(t.clone()),
                None => return,
            },
            Some(CatalogRow::Prompt(i)) => match entries(&cat.prompts).get(*i) {
                Some(p) if p.arguments.is_empty() => {
                    let request = FetchRequest::Prompt {
                        name: p.name.clone(),
                        arguments: Map::new(),
                    };
                    self.send_fetch(server, request, now_ms);
                    return;
                }
                Some(p) => FetchTarget::Prompt(p.clone()),
                None => return,
            },
        };
        let form = Form::from_schema(&form_tool(&target));
        self.nav.overlay = Some(Overlay::FetchForm(Box::new(FetchForm {
            server,
            target,
            form,
        })));
    }

    /// Sends a read and opens the overlay that shows it.
    pub(super) fn send_fetch(&mut self, server: ServerId, request: FetchRequest, now_ms: i64) {
        let id = self.mcp.start_fetch(server, request.clone(), now_ms);
        let cmd = McpCommand::Fetch {
            id,
            request: request.clone(),
            timeout: self.cfg.mcp.settings.call_timeout,
        };
        let sent = match self.links.get(server) {
            Some(link) => link(cmd),
            None => Err("no connection to this server".to_string()),
        };
        if let Err(e) = sent {
            self.apply_mcp(McpUpdate::Fetched {
                server,
                id,
                outcome: Err(format!("{}: not sent: {e}", request.method())),
                elapsed: std::time::Duration::ZERO,
            });
        }
        self.nav.overlay = Some(Overlay::Fetch { id, scroll: 0 });
    }

    /// A key in the form of a template or prompt: Enter on a complete form reads.
    pub(super) fn fetch_form_key(
        &mut self,
        mut f: Box<FetchForm>,
        ev: &KeyEvent,
        now_ms: i64,
    ) -> bool {
        match form_key(&mut f.form, &mut self.raw_editor, ev) {
            FormEvent::Cancel => true,
            FormEvent::Submit(values) => {
                let request = match &f.target {
                    FetchTarget::Template(t) => FetchRequest::Resource {
                        uri: expand_template(&t.uri_template, &values),
                    },
                    FetchTarget::Prompt(p) => FetchRequest::Prompt {
                        name: p.name.clone(),
                        arguments: values,
                    },
                };
                self.send_fetch(f.server, request, now_ms);
                true
            }
            FormEvent::Changed => {
                self.nav.overlay = Some(Overlay::FetchForm(f));
                true
            }
            FormEvent::Ignored => {
                self.nav.overlay = Some(Overlay::FetchForm(f));
                false
            }
        }
    }

    /// A key in the read overlay: scroll, `s` follow the resource (see `follow`), `w` save
    /// its blobs, or Esc / `b` to close it; `action` is the key's in the read's mode.
    pub(super) fn fetch_view_key(
        &mut self,
        id: FetchId,
        scroll: u16,
        ev: &KeyEvent,
        action: Option<Action>,
        now_ms: i64,
    ) -> bool {
        let page = 10u16;
        let scroll = match (ev.code, action) {
            (KeyCode::Esc | KeyCode::Char('b'), _) => return true,
            (_, Some(Action::Quit)) => {
                self.quit = true;
                return true;
            }
            (_, Some(Action::Up)) => scroll.saturating_sub(1),
            (_, Some(Action::Down)) => scroll.saturating_add(1),
            (_, Some(Action::PageUp)) => scroll.saturating_sub(page),
            (_, Some(Action::PageDown)) => scroll.saturating_add(page),
            (KeyCode::Char('s'), _) => {
                self.nav.overlay = Some(Overlay::Fetch { id, scroll });
                self.toggle_follow(id, now_ms);
                return true;
            }
            (KeyCode::Char('w'), _) => {
                self.nav.overlay = Some(Overlay::Fetch { id, scroll });
                self.save_blobs(id, now_ms);
                return true;
            }
            _ => {
                self.nav.overlay = Some(Overlay::Fetch { id, scroll });
                return false;
            }
        };
        self.nav.overlay = Some(Overlay::Fetch { id, scroll });
        true
    }
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
