//! Logs go to a file under the XDG state directory (cache directory where there is none),
//! never to the terminal. Level from `MCPTOP_LOG` (tracing `EnvFilter` syntax), default info.

use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;

/// Lines the log queue holds before it drops (see [`init`]).
const LOG_QUEUE_LINES: usize = 8192;

/// Installs the file logger; keep the guard alive until exit so lines are flushed.
/// Without a writable directory, logging is off (the TUI must not be painted over).
pub fn init() -> Option<WorkerGuard> {
    let dir = crate::config::dirs::state_dir()?;
    crate::private::create_dir(&dir).ok()?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("mcptop")
        .filename_suffix("log")
        .max_log_files(7)
        .build(&dir)
        .ok()?;
    // The appender has opened today's file with the umask's mode: the directory is 0700,
    // and the files themselves are made 0600 too (one made at rotation, past midnight, is
    // covered by the directory until the next start).
    tighten_logs(&dir);
    // The queue to the writer thread is allocated whole up front: tracing-appender's
    // default of 128,000 lines is 4 MB of resident memory, more than all the dashboard's
    // series. 8,192 lines (256 KB) is still far more than a burst at `trace`; beyond it
    // lines are dropped (lossy) rather than stalling the UI.
    let (writer, guard) = NonBlockingBuilder::default()
        .buffered_lines_limit(LOG_QUEUE_LINES)
        .lossy(true)
        .finish(appender);
    let filter = EnvFilter::new(filter_directives(std::env::var("MCPTOP_LOG").ok()));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || Scrubbed(writer.clone()))
        .with_ansi(false)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Makes every `mcptop*.log` in `dir` 0600 (a failure leaves it: the directory is 0700).
fn tighten_logs(dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("mcptop") && name.ends_with(".log") {
            let _ = crate::private::append(&entry.path());
        }
    }
}

/// A log writer that replaces the secrets mcptop read ([`crate::secrets`]) and drops
/// control sequences ([`crate::inbound`]) before a line reaches the file: libraries log
/// what servers sent (rmcp logs a refused request's whole answer at `error`), and a server
/// may echo a token back.
struct Scrubbed<W>(W);

impl<W: std::io::Write> std::io::Write for Scrubbed<W> {
    /// Takes the whole buffer (one formatted event) and writes it scrubbed.
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0
            .write_all(crate::inbound::text(&text).as_bytes())
            .map(|()| buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// The filter: `MCPTOP_LOG` when set, else `info`. rmcp logs whole requests and results
/// (tool arguments, server log data) below `warn`, so it stays at `warn` unless the
/// variable names rmcp itself.
fn filter_directives(var: Option<String>) -> String {
    match var.filter(|v| !v.trim().is_empty()) {
        Some(v) if v.contains("rmcp") => v,
        Some(v) => format!("{v},rmcp=warn"),
        None => "info,rmcp=warn,hyper=warn,reqwest=warn".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::filter_directives;

    #[test]
    fn rmcp_stays_at_warn_unless_asked_for() {
        assert_eq!(filter_directives(Some("debug".into())), "debug,rmcp=warn");
        assert_eq!(
            filter_directives(Some("debug,rmcp=trace".into())),
            "debug,rmcp=trace"
        );
        assert!(filter_directives(None).contains("rmcp=warn"));
        assert!(filter_directives(Some(" ".into())).starts_with("info"));
    }
}
