//! The files task: every file the dashboard writes or reads while it runs (audit lines,
//! runbooks, incident reports, saved blobs) goes through here, so that a file system that
//! stalls (a hung NFS mount, a FIFO nobody reads) stalls this task and never the event
//! loop. The app hands over a [`FileCommand`] through its [`FileLink`] and gets a
//! [`FileDone`] back as an [`Update::File`], like any other source's update.
//!
//! Two lanes, each a thread of its own working through its queue in order: the audit log
//! (bounded by [`crate::audit::MAX_WAITING`] lines) and the rest (runbooks, reports, blobs),
//! so a stuck audit file does not hold back a report, nor a slow report the audit lines.
//! Threads rather than `spawn_blocking`: a blocking task stuck in `open(2)` would keep the
//! runtime from shutting down when mcptop quits; a thread is simply left behind at exit.

mod audit;
mod error;
pub mod recording;
mod work;

use std::path::PathBuf;

use tokio::sync::mpsc;

use super::Update;
use crate::model::mcp::catalog::{Blob, FetchId};
use crate::model::snapshot::Incident;

pub use audit::{append, user};
pub use error::FileError;
pub use work::{RunbookFile, file_name, read_runbook, read_theme, save_blobs, write_report};

/// Runbooks, reports and blob saves that may wait at most for the second lane; they are
/// the operator's keys, so a few at a time is plenty.
const OTHER_QUEUE: usize = 16;

/// Work for the files task.
#[derive(Debug, Clone, PartialEq)]
pub enum FileCommand {
    /// Append `line` (one masked JSON line ending in `\n`, [`crate::audit::AuditEntry::line`])
    /// to the audit log at `path`, in one write ([`append`]).
    Audit { path: PathBuf, line: Vec<u8> },
    /// Read the runbook of `alertname` in `dir` ([`read_runbook`]) for the detail of the
    /// alert `fingerprint`.
    Runbook {
        dir: PathBuf,
        alertname: String,
        fingerprint: String,
    },
    /// Write `incident` into `dir` as Markdown and JSON ([`write_report`]).
    Report {
        dir: PathBuf,
        incident: Box<Incident>,
    },
    /// Save the blobs of the read `fetch` into `dir`, named by `now_ms` ([`save_blobs`]).
    SaveBlobs {
        fetch: FetchId,
        dir: PathBuf,
        blobs: Vec<Blob>,
        now_ms: i64,
    },
}

/// What came of a [`FileCommand`], in the order the commands of its lane were given.
#[derive(Debug, Clone, PartialEq)]
pub enum FileDone {
    /// An audit line was written, or why not (the OS error).
    Audit(Result<(), FileError>),
    /// The runbook for the alert `fingerprint`; `None` when there is no such file.
    Runbook {
        fingerprint: String,
        runbook: Option<RunbookFile>,
    },
    /// The report's Markdown path, or the path and reason it was not written.
    Report(Result<PathBuf, FileError>),
    /// The saved files of the read `fetch`, or why not.
    Saved {
        fetch: FetchId,
        result: Result<Vec<String>, FileError>,
    },
    /// The recording thread's news ([`recording::start`]): how large the file is, or that
    /// recording stopped and why.
    Recording(recording::RecordingNote),
}

/// Hands a command to the files task. `Ok(None)`: queued, the answer comes as an
/// [`Update::File`]; `Ok(Some)`: done already (the synchronous link of [`inline`]); `Err`:
/// not queued, and why (its queue is full, or the task has stopped).
pub type FileLink = Box<dyn Fn(FileCommand) -> Result<Option<FileDone>, String> + Send>;

/// Does `cmd` now, on the caller's thread, and says how it went.
pub fn run(cmd: FileCommand) -> FileDone {
    match cmd {
        FileCommand::Audit { path, line } => {
            FileDone::Audit(append(&path, &line).map_err(|e| FileError::Append {
                kind: e.kind(),
                message: e.to_string(),
                path,
            }))
        }
        FileCommand::Runbook {
            dir,
            alertname,
            fingerprint,
        } => FileDone::Runbook {
            fingerprint,
            runbook: read_runbook(&dir, &alertname),
        },
        FileCommand::Report { dir, incident } => FileDone::Report(write_report(&incident, &dir)),
        FileCommand::SaveBlobs {
            fetch,
            dir,
            blobs,
            now_ms,
        } => FileDone::Saved {
            fetch,
            result: save_blobs(&blobs, &dir, now_ms),
        },
    }
}

/// A link that does each command at once on the caller's thread ([`run`]): for tests
/// driving the app without a runtime, and for tools that may block.
pub fn inline() -> FileLink {
    Box::new(|cmd| Ok(Some(run(cmd))))
}

/// Starts the two lanes; each answer goes to `tx`. The lanes end when the link is dropped
/// and their queue is empty, or when `tx`'s receiver is gone.
///
/// Errors: a thread cannot be started.
pub fn spawn(tx: mpsc::Sender<Update>) -> std::io::Result<FileLink> {
    // The line being written counts as waiting too.
    let (audit_tx, audit_rx) = mpsc::channel(crate::audit::MAX_WAITING - 1);
    let (other_tx, other_rx) = mpsc::channel(OTHER_QUEUE);
    lane("mcptop-audit", audit_rx, tx.clone())?;
    lane("mcptop-files", other_rx, tx)?;
    Ok(Box::new(move |cmd| {
        let queue = match cmd {
            FileCommand::Audit { .. } => &audit_tx,
            _ => &other_tx,
        };
        match queue.try_send(cmd) {
            Ok(()) => Ok(None),
            Err(mpsc::error::TrySendError::Full(_)) => {
                Err("the file system has not answered and the queue is full".to_string())
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                Err("the files task has stopped".to_string())
            }
        }
    }))
}

/// A thread doing the commands of `rx` one after the other.
fn lane(
    name: &str,
    mut rx: mpsc::Receiver<FileCommand>,
    tx: mpsc::Sender<Update>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            while let Some(cmd) = rx.blocking_recv() {
                if tx.blocking_send(Update::File(run(cmd))).is_err() {
                    break;
                }
            }
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_answer_in_order_and_a_stuck_audit_lane_holds_back_nothing_else() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (tx, mut rx) = mpsc::channel(8);
        let link = spawn(tx).expect("lanes");
        let log = tmp.path().join("audit.jsonl");
        for n in 0..3 {
            let line = format!("{{\"n\":{n}}}\n").into_bytes();
            let sent = link(FileCommand::Audit {
                path: log.clone(),
                line,
            });
            assert_eq!(sent, Ok(None));
        }
        for _ in 0..3 {
            match rx.blocking_recv() {
                Some(Update::File(FileDone::Audit(r))) => assert_eq!(r, Ok(())),
                other => panic!("{other:?}"),
            }
        }
        let text = std::fs::read_to_string(&log).expect("written");
        assert_eq!(text, "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");

        // A FIFO with no reader: the audit lane blocks in open(2); a runbook still comes.
        #[cfg(unix)]
        {
            let fifo = tmp.path().join("fifo");
            let made = std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .expect("mkfifo runs");
            assert!(made.success(), "mkfifo");
            let stuck = FileCommand::Audit {
                path: fifo,
                line: b"{}\n".to_vec(),
            };
            assert_eq!(link(stuck), Ok(None));
            std::fs::write(tmp.path().join("Down.md"), "# Down").expect("runbook");
            let asked = link(FileCommand::Runbook {
                dir: tmp.path().to_path_buf(),
                alertname: "Down".into(),
                fingerprint: "f1".into(),
            });
            assert_eq!(asked, Ok(None));
            match rx.blocking_recv() {
                Some(Update::File(FileDone::Runbook {
                    fingerprint,
                    runbook: Some(r),
                })) => {
                    assert_eq!(fingerprint, "f1");
                    assert_eq!(r.text.as_deref(), Ok("# Down"));
                }
                other => panic!("{other:?}"),
            }
            // The queue fills behind the stuck line; the next line is refused, not lost
            // silently.
            let mut refused = None;
            for _ in 0..crate::audit::MAX_WAITING + 1 {
                let sent = link(FileCommand::Audit {
                    path: tmp.path().join("fifo"),
                    line: b"{}\n".to_vec(),
                });
                if let Err(e) = sent {
                    refused = Some(e);
                    break;
                }
            }
            let refused = refused.expect("a full queue refuses");
            assert!(refused.contains("queue is full"), "{refused}");
        }
    }

    #[test]
    fn inline_answers_at_once() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let link = inline();
        let done = link(FileCommand::Runbook {
            dir: tmp.path().to_path_buf(),
            alertname: "Nothing".into(),
            fingerprint: "f".into(),
        });
        assert_eq!(
            done,
            Ok(Some(FileDone::Runbook {
                fingerprint: "f".into(),
                runbook: None
            }))
        );
    }
}
