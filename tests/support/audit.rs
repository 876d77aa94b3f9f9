//! The audit log as the end-to-end tests read it. The app's audit thread writes a line
//! after the screen shows the action, so a test waits for the line it expects, with a
//! deadline, instead of reading the file once.

use std::path::Path;
use std::time::{Duration, Instant};

/// The audit log at `path` once `pred` holds for its text; panics after `timeout`, with
/// the text read last, naming `what`.
pub fn wait_for_audit(
    path: &Path,
    what: &str,
    timeout: Duration,
    pred: impl Fn(&str) -> bool,
) -> String {
    let start = Instant::now();
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if pred(&text) {
            return text;
        }
        if start.elapsed() > timeout {
            panic!(
                "timed out waiting for {what} in {}:\n{text}",
                path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
