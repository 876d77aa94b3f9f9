//! The paste line of an OAuth authorization: on the tools screen, Enter on a server that
//! waits for authorization opens it; Enter sends what was pasted (the redirected URL, or the
//! code alone) to the server's source ([`McpCommand::Authorize`]), Esc closes it.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::App;
use super::nav::Overlay;
use crate::model::mcp::{ConnState, McpCommand, Pasted, ServerId};

impl App {
    /// Whether server `server` waits for an OAuth authorization.
    pub(super) fn authorizing(&self, server: ServerId) -> bool {
        self.mcp
            .servers
            .get(server)
            .is_some_and(|s| matches!(s.conn, ConnState::Authorizing { .. }))
    }

    /// Opens the paste line for the selected server.
    pub(super) fn open_paste(&mut self) {
        self.nav.overlay = Some(Overlay::Authorize {
            server: self.nav.server,
            input: Input::default(),
        });
    }

    /// A key on the paste line.
    pub(super) fn paste_key(
        &mut self,
        server: ServerId,
        mut input: Input,
        ev: &KeyEvent,
        now_ms: i64,
    ) -> bool {
        match ev.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                let text = input.value().trim().to_string();
                if text.is_empty() {
                    self.nav.overlay = Some(Overlay::Authorize { server, input });
                    return false;
                }
                let name = self
                    .mcp
                    .servers
                    .get(server)
                    .map_or_else(|| format!("#{server}"), |s| s.name.clone());
                if !self.authorizing(server) {
                    // Authorized meanwhile (the loopback redirect), or given up.
                    self.toast(
                        &format!("{name} is not waiting for authorization: nothing sent"),
                        false,
                        now_ms,
                    );
                    return true;
                }
                let cmd = McpCommand::Authorize {
                    pasted: Pasted(text),
                };
                match self.links.get(server).map(|l| l(cmd)) {
                    Some(Ok(())) => self.toast(
                        &format!("{name}: exchanging the code for tokens"),
                        false,
                        now_ms,
                    ),
                    Some(Err(e)) => self.toast(&format!("{name}: {e}"), true, now_ms),
                    None => self.toast(&format!("{name}: no connection"), true, now_ms),
                }
            }
            _ => {
                input.handle_event(&Event::Key(*ev));
                self.nav.overlay = Some(Overlay::Authorize { server, input });
            }
        }
        true
    }
}
