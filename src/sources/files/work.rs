//! The blocking work of the files task: a runbook read, an incident report written, a
//! read's blobs saved. Each runs on a lane of [`super::spawn`] (or inline in tests), never
//! on the event loop.

use std::path::{Path, PathBuf};

use crate::model::mcp::catalog::Blob;
use crate::model::snapshot::Incident;

/// Largest runbook file read, bytes.
const RUNBOOK_MAX_BYTES: u64 = 256 * 1024;

/// A Markdown runbook read from `alerts.runbooks`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunbookFile {
    pub path: PathBuf,
    /// The text, or why it could not be read.
    pub text: Result<String, String>,
}

/// The user theme `<config_dir>/themes/<name>.toml`: its path and text; `None` when there
/// is no such file. Read once, before the dashboard starts; parsed by
/// `ui::palette::load`.
///
/// Errors: the file exists but cannot be read (its path and the OS error).
pub fn read_theme(config_dir: &Path, name: &str) -> Result<Option<(PathBuf, String)>, String> {
    let path = config_dir.join("themes").join(format!("{name}.toml"));
    if !path.exists() {
        return Ok(None);
    }
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some((path, text))),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// `<dir>/<alertname>.md` (or `.markdown`, or lowercase); `None` when no such file exists.
pub fn read_runbook(dir: &Path, alertname: &str) -> Option<RunbookFile> {
    if alertname.is_empty() || alertname.contains(['/', '\\']) || alertname.starts_with('.') {
        return None;
    }
    let names = [
        format!("{alertname}.md"),
        format!("{alertname}.markdown"),
        format!("{}.md", alertname.to_lowercase()),
    ];
    let path = names.iter().map(|n| dir.join(n)).find(|p| p.is_file())?;
    let text = match std::fs::metadata(&path) {
        Ok(m) if m.len() > RUNBOOK_MAX_BYTES => Err(format!(
            "{} is {} bytes; runbooks over {RUNBOOK_MAX_BYTES} bytes are not shown",
            path.display(),
            m.len()
        )),
        _ => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display())),
    };
    Some(RunbookFile { path, text })
}

/// Writes `incident` into `dir` as Markdown and JSON; returns the Markdown's path.
///
/// Errors: the directory cannot be made or a file cannot be written (the path and the
/// reason).
pub fn write_report(incident: &Incident, dir: &Path) -> Result<PathBuf, String> {
    crate::private::create_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let stamp = chrono::DateTime::from_timestamp_millis(incident.taken_ms)
        .map(|t| t.format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_default();
    let md = dir.join(format!("incident-{stamp}.md"));
    let js = dir.join(format!("incident-{stamp}.json"));
    crate::private::write(&md, incident.to_markdown().as_bytes())
        .map_err(|e| format!("{}: {e}", md.display()))?;
    let json = serde_json::to_string_pretty(&incident.to_json()).unwrap_or_default();
    crate::private::write(&js, crate::inbound::terminal_safe(&json).as_bytes())
        .map_err(|e| format!("{}: {e}", js.display()))?;
    Ok(md)
}

/// Writes each kept blob into `dir` as `<time>-<name>`, `name` the last segment of its URI
/// made safe for a file name; returns the paths. Errors: a blob too large to have been kept
/// (its size), or the directory or a file that could not be written (path and OS error).
pub fn save_blobs(blobs: &[Blob], dir: &Path, now_ms: i64) -> Result<Vec<String>, String> {
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
        let paths = save_blobs(&blobs, &dir, 1_700_000_000_000).expect("saved");
        assert_eq!(paths.len(), 2);
        // Saved again in the same second: new files, the first ones kept.
        let again = save_blobs(&blobs, &dir, 1_700_000_000_000).expect("saved again");
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
        let e = save_blobs(&blobs, &dir, 0).expect_err("too large");
        assert!(e.contains("9437184 bytes") && e.contains("8 MiB"), "{e}");
        assert!(!dir.exists());
    }
}
