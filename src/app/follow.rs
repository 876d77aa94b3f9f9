//! A read resource, followed and kept: in the read overlay `s` subscribes to the resource
//! (`resources/subscribe`) or stops, and each `notifications/resources/updated` for it
//! reads it again while the overlay shows it; `w` saves the blobs it returned under
//! `$XDG_STATE_HOME/mcptop/resources/` (`0600`, the path shown).

use std::path::{Path, PathBuf};

use super::App;
use super::nav::Overlay;
use crate::model::mcp::catalog::{Blob, FetchId, FetchRequest};
use crate::model::mcp::{McpCommand, ServerId};

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
        result: &Result<(), String>,
        now_ms: i64,
    ) {
        if let (true, Err(e)) = (on, result) {
            self.toast(e, true, now_ms);
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

    /// `w` in the read overlay `id`: writes each blob it returned to its own file.
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
        let result = match crate::app::snapshot::state_subdir("resources") {
            Some(dir) => save(&f.blobs, &dir, now_ms),
            None => Err("no state directory (is $HOME set?)".to_string()),
        };
        match &result {
            Ok(paths) => self.toast(&format!("saved to {}", paths.join(", ")), false, now_ms),
            Err(e) => self.toast(&format!("not saved: {e}"), true, now_ms),
        }
        if let Some(f) = self.mcp.fetch_mut(id) {
            f.saved = Some(result);
        }
    }
}

/// Writes each kept blob into `dir` as `<time>-<name>`, `name` the last segment of its URI
/// made safe for a file name; returns the paths. Errors: a blob too large to have been kept
/// (its size), or the directory or a file that could not be written (path and OS error).
pub fn save(blobs: &[Blob], dir: &Path, now_ms: i64) -> Result<Vec<String>, String> {
    let stamp = chrono::DateTime::from_timestamp_millis(now_ms)
        .map(|t| t.format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_default();
    let mut paths = Vec::new();
    for (i, b) in blobs.iter().enumerate() {
        if let Some(size) = b.too_large {
            return Err(format!(
                "{}: {size} bytes, past the {} MiB a read keeps",
                b.uri,
                crate::model::mcp::catalog::MAX_KEPT_BLOB >> 20
            ));
        }
        let name = match i {
            0 => format!("{stamp}-{}", file_name(&b.uri)),
            _ => format!("{stamp}-{}-{}", i + 1, file_name(&b.uri)),
        };
        let path = unused(dir.join(name));
        crate::private::write(&path, &b.data).map_err(|e| format!("{}: {e}", path.display()))?;
        paths.push(path.display().to_string());
    }
    Ok(paths)
}

/// `path`, or `path.2`, `path.3`… when it exists (a save in the same second): a saved file
/// is never replaced.
fn unused(path: PathBuf) -> PathBuf {
    let mut candidate = path.clone();
    let mut n = 2;
    while candidate.exists() {
        let mut name = path.clone().into_os_string();
        name.push(format!(".{n}"));
        candidate = PathBuf::from(name);
        n += 1;
    }
    candidate
}

/// The last path segment of `uri` (before any `?` or `#`), with every character but ASCII
/// letters, digits, `.`, `-` and `_` made `_`, at most 80 characters; `resource` when
/// nothing is left. Never `.` or `..`, never a path.
pub fn file_name(uri: &str) -> String {
    let path = uri.split(['?', '#']).next().unwrap_or_default();
    let last = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or_default();
    let safe: String = last
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' | '_' => c,
            _ => '_',
        })
        .take(80)
        .collect();
    if safe.trim_matches('.').is_empty() {
        "resource".to_string()
    } else {
        safe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_last_segment_made_safe() {
        assert_eq!(file_name("cat://logo.png"), "logo.png");
        assert_eq!(file_name("demo://static/resource/2?x=1#f"), "2");
        assert_eq!(file_name("file:///etc/../../x y.bin"), "x_y.bin");
        assert_eq!(file_name("weird://.."), "resource");
        assert_eq!(file_name("a://b/"), "b");
        assert_eq!(file_name(""), "resource");
        assert_eq!(file_name(&format!("a://{}", "z".repeat(200))).len(), 80);
    }

    #[test]
    fn blobs_are_written_0600_each_to_its_own_file() {
        let dir = std::env::temp_dir().join(format!("mcptop-save-{}", std::process::id()));
        let blobs = vec![
            Blob {
                uri: "cat://logo.png".into(),
                mime: Some("image/png".into()),
                data: b"\x89PNG".to_vec(),
                too_large: None,
            },
            Blob {
                uri: "cat://logo.png".into(),
                mime: None,
                data: vec![1, 2, 3],
                too_large: None,
            },
        ];
        let paths = save(&blobs, &dir, 1_700_000_000_000).expect("saved");
        assert_eq!(paths.len(), 2);
        // Saved again in the same second: new files, the first ones kept.
        let again = save(&blobs, &dir, 1_700_000_000_000).expect("saved again");
        assert!(
            again[0].ends_with("20231114-221320-logo.png.2"),
            "{again:?}"
        );
        assert_eq!(std::fs::read(&paths[1]).expect("kept"), vec![1, 2, 3]);
        assert_ne!(paths[0], paths[1]);
        assert!(paths[0].ends_with("20231114-221320-logo.png"), "{paths:?}");
        assert_eq!(std::fs::read(&paths[0]).expect("read"), b"\x89PNG");
        assert_eq!(std::fs::read(&paths[1]).expect("read"), vec![1, 2, 3]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&paths[0])
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_blob_too_large_to_keep_is_not_saved_and_says_its_size() {
        let dir = std::env::temp_dir().join("mcptop-save-never");
        let blobs = vec![Blob {
            uri: "a://big".into(),
            mime: None,
            data: Vec::new(),
            too_large: Some(9 << 20),
        }];
        let e = save(&blobs, &dir, 0).expect_err("too large");
        assert!(e.contains("9437184 bytes") && e.contains("8 MiB"), "{e}");
        assert!(!dir.exists());
    }
}
