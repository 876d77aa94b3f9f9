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
use crate::model::mcp::catalog::{FetchId, FetchRequest, entries, expand_template};
use crate::model::mcp::form::{Form, FormEvent};
use crate::model::mcp::{McpCommand, McpError, McpUpdate, ServerId};
use crate::screen::catalog::{CatalogRow, FetchForm, FetchTarget, catalog_rows, form_tool};

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
                outcome: Err(McpError::Other(e).at(format!("{}: not sent", request.method()))),
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
