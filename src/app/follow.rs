//! A read resource, followed and kept: in the read overlay `s` subscribes to the resource
//! (`resources/subscribe`) or stops, and each `notifications/resources/updated` for it
//! reads it again while the overlay shows it; `w` saves the blobs it returned under
//! `$XDG_STATE_HOME/mcptop/resources/` (`0600`, the path shown).

use super::App;
use super::nav::Overlay;
use crate::model::mcp::catalog::{FetchId, FetchRequest};
use crate::model::mcp::{McpCommand, ServerId};
use crate::sources::files::FileCommand;

impl App {
    /// `s` in the read overlay `id`: follow its resource, or stop following it. A prompt
    /// cannot be followed; a server that does not offer subscriptions is told so by its
    /// source (the answer arrives as a toast).
    pub(super) fn toggle_follow(&mut self, id: FetchId, now_ms: i64) {
        let Some((server, uri)) = self.mcp.fetch(id).and_then(|f| match &f.request {
            FetchRequest::Resource { uri } => Some((f.server, uri.clone())),
            FetchRequest::Prompt { .. } => None,
        }) else {
            self.toast("only a resource can be followed", true, now_ms);
            return;
        };
        let Some(state) = self.mcp.servers.get_mut(server) else {
            return;
        };
        let on = !state.subscriptions.contains_key(&uri);
        if on && !state.catalog.can_subscribe {
            let name = state.name.clone();
            self.toast(
                &format!("{name} does not offer resource subscriptions (resources.subscribe)"),
                true,
                now_ms,
            );
            return;
        }
        crate::model::mcp::subscription::asked(&mut state.subscriptions, &uri, on);
        let sent = match self.links.get(server) {
            Some(link) => link(McpCommand::Subscribe {
                uri: uri.clone(),
                on,
            }),
            None => Err("no connection to this server".to_string()),
        };
        if sent.is_err()
            && let Some(state) = self.mcp.servers.get_mut(server)
        {
            crate::model::mcp::subscription::asked(&mut state.subscriptions, &uri, !on);
        }
        match sent {
            Err(e) => self.toast(&format!("not sent: {e}"), true, now_ms),
            Ok(()) if on => self.toast(
                "following: the server will say when it changes",
                false,
                now_ms,
            ),
            Ok(()) => self.toast("stopped following", false, now_ms),
        }
    }

    /// The server answered a subscription: a refusal is worth a toast (an acknowledgement
    /// shows in the overlay).
    pub(super) fn subscription_answered(
        &mut self,
        on: bool,
        result: &Result<(), crate::model::mcp::McpError>,
        now_ms: i64,
    ) {
        if let (true, Err(e)) = (on, result) {
            self.toast(&e.to_string(), true, now_ms);
        }
    }

    /// `notifications/resources/updated` for `uri`: when the read overlay shows that
    /// resource, finished, and it is followed, it is read again (same scroll). A read still
    /// running is left to finish.
    pub(super) fn resource_updated(&mut self, server: ServerId, uri: &str, now_ms: i64) {
        let Some(Overlay::Fetch { id, scroll }) = self.nav.overlay else {
            return;
        };
        let shown = self.mcp.fetch(id).is_some_and(|f| {
            f.server == server
                && f.done.is_some()
                && matches!(&f.request, FetchRequest::Resource { uri: u } if u == uri)
        });
        let followed = self
            .mcp
            .servers
            .get(server)
            .is_some_and(|s| s.subscriptions.contains_key(uri));
        if shown && followed {
            let request = FetchRequest::Resource {
                uri: uri.to_string(),
            };
            self.send_fetch(server, request, now_ms);
            if let Some(Overlay::Fetch { scroll: s, .. }) = &mut self.nav.overlay {
                *s = scroll;
            }
        }
    }

    /// `w` in the read overlay `id`: each blob it returned goes to its own file, written by
    /// the files task ([`crate::sources::files::save_blobs`]).
    pub(super) fn save_blobs(&mut self, id: FetchId, now_ms: i64) {
        let Some(f) = self.mcp.fetch(id) else {
            return;
        };
        if f.blobs.is_empty() {
            self.toast(
                "nothing to save: the read returned no binary data",
                true,
                now_ms,
            );
            return;
        }
        let asked = match crate::app::snapshot::state_subdir("resources") {
            Some(dir) => {
                let blobs = f.blobs.clone();
                self.ask_files(
                    FileCommand::SaveBlobs {
                        fetch: id,
                        dir,
                        blobs,
                        now_ms,
                    },
                    now_ms,
                )
            }
            None => Err("no state directory (is $HOME set?)".to_string()),
        };
        if let Err(e) = asked {
            self.blobs_saved(id, Err(e), now_ms);
        }
    }

    /// The blobs of the read `id` were saved (the paths), or why not: said in the footer
    /// and in the overlay.
    pub(super) fn blobs_saved(
        &mut self,
        id: FetchId,
        result: Result<Vec<String>, String>,
        now_ms: i64,
    ) {
        match &result {
            Ok(paths) => self.toast(&format!("saved to {}", paths.join(", ")), false, now_ms),
            Err(e) => self.toast(&format!("not saved: {e}"), true, now_ms),
        }
        if let Some(f) = self.mcp.fetch_mut(id) {
            f.saved = Some(result);
        }
    }
}
