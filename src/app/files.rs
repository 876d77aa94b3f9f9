//! The app's side of the files task ([`crate::sources::files`]): audit lines, runbooks,
//! incident reports and saved blobs are handed over as commands and their outcome applied
//! when it comes back, so that no file is opened on the event loop. The audit lines still
//! waiting are counted ([`crate::audit::Backlog`]); the footer says when the log stalls.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::App;
use super::nav::{Overlay, Runbook};
use crate::audit::{AuditEntry, Stall};
use crate::sources::Update;
use crate::sources::files::{FileCommand, FileDone};

/// How long quitting waits for audit lines still waiting for the file (after a signal, the
/// shorter close of [`super::run`]): past it they are not written, and mcptop says how
/// many on stderr and in its log.
pub const AUDIT_EXIT_WAIT: Duration = Duration::from_secs(2);

impl App {
    /// Hands `cmd` to the files task; `Ok(Some)` when it was done at once (the inline
    /// link of the tests).
    fn send_file(&self, cmd: FileCommand) -> Result<Option<FileDone>, String> {
        match &self.files {
            Some(link) => link(cmd),
            None => Err("the files task is not running".to_string()),
        }
    }

    /// Hands `cmd` over, applying its outcome when it was done at once.
    pub(super) fn ask_files(&mut self, cmd: FileCommand, now_ms: i64) -> Result<(), String> {
        if let Some(done) = self.send_file(cmd)? {
            self.apply_file(done, now_ms);
        }
        Ok(())
    }

    /// Queues `entry` for the audit log (one line, masked). A line that cannot be queued
    /// (the queue is full: the file system has not answered for a long while) is counted,
    /// logged and said in the footer, never dropped unseen.
    pub(super) fn write_audit(&mut self, entry: &AuditEntry, now_ms: i64) {
        let Some(log) = &self.audit else {
            return;
        };
        let path = log.path().to_path_buf();
        let line = match entry.line() {
            Ok(line) => line,
            Err(e) => {
                tracing::warn!(error = %e, "audit log write failed");
                self.toast(&format!("audit log write failed: {e}"), true, now_ms);
                return;
            }
        };
        match self.send_file(FileCommand::Audit { path, line }) {
            Ok(None) => self.audit_backlog.queued(now_ms),
            Ok(Some(done)) => {
                self.audit_backlog.queued(now_ms);
                self.apply_file(done, now_ms);
            }
            Err(e) => {
                self.audit_backlog.dropped();
                tracing::error!(
                    action = %entry.action,
                    target = %entry.target,
                    outcome = %entry.outcome,
                    error = %e,
                    "audit line not written"
                );
                self.toast(&format!("audit log write failed: {e}"), true, now_ms);
            }
        }
    }

    /// The alert detail of `fingerprint` gets the runbook of `alertname` from `dir` when
    /// the files task has read it.
    pub(super) fn ask_runbook(
        &mut self,
        dir: std::path::PathBuf,
        alertname: &str,
        fingerprint: &str,
    ) {
        let cmd = FileCommand::Runbook {
            dir: dir.clone(),
            alertname: alertname.to_string(),
            fingerprint: fingerprint.to_string(),
        };
        if let Err(e) = self.ask_files(cmd, crate::sources::now_ms())
            && let Some(Overlay::AlertDetail(d)) = &mut self.nav.overlay
        {
            d.runbook = Some(Runbook {
                path: dir,
                text: Err(format!("cannot read the runbook: {e}")),
            });
        }
    }

    /// The snapshot key: the incident report is written into the state directory by the
    /// files task; its path (or why not) shows in the footer when done.
    pub(super) fn ask_report(&mut self, now_ms: i64) {
        let written = match super::snapshot::default_dir() {
            Some(dir) => {
                let incident = Box::new(self.incident(now_ms));
                self.ask_files(FileCommand::Report { dir, incident }, now_ms)
            }
            None => Err("no state directory for reports (no home directory)".into()),
        };
        if let Err(e) = written {
            self.report_written(Err(e), now_ms);
        }
    }

    fn report_written(&mut self, result: Result<std::path::PathBuf, String>, now_ms: i64) {
        match result {
            Ok(path) => self.toast(
                &format!("incident report: {}", path.display()),
                false,
                now_ms,
            ),
            Err(e) => self.toast(&format!("incident report not written: {e}"), true, now_ms),
        }
    }

    /// Applies what the files task did.
    pub(super) fn apply_file(&mut self, done: FileDone, now_ms: i64) {
        match done {
            FileDone::Audit(result) => {
                self.audit_backlog.answered();
                if let Err(e) = result {
                    tracing::warn!(error = %e, "audit log write failed");
                    self.toast(&format!("audit log write failed: {e}"), true, now_ms);
                }
            }
            FileDone::Runbook {
                fingerprint,
                runbook,
            } => {
                if let Some(Overlay::AlertDetail(d)) = &mut self.nav.overlay
                    && d.fingerprint == fingerprint
                    && d.runbook.is_none()
                {
                    d.runbook = runbook.map(|r| Runbook {
                        path: r.path,
                        text: r.text.map_err(|e| e.to_string()),
                    });
                }
            }
            FileDone::Report(result) => {
                self.report_written(result.map_err(|e| e.to_string()), now_ms);
            }
            FileDone::Saved { fetch, result } => {
                self.blobs_saved(fetch, result.map_err(|e| e.to_string()), now_ms);
            }
            FileDone::Recording(note) => self.recording_note(note, now_ms),
        }
    }

    /// The audit log is behind: lines have waited a second or more, or some were given
    /// up; `None` otherwise.
    pub fn audit_stall(&self, now_ms: i64) -> Option<Stall> {
        self.audit.as_ref()?;
        self.audit_backlog.stall(now_ms)
    }

    /// Once the loop has ended (the terminal is restored): waits up to `wait` for the
    /// audit lines still waiting, applying the files task's answers (other updates are
    /// dropped: mcptop is quitting). Lines still waiting then are given up, and said on
    /// stderr and in the log: `mcptop: the audit log PATH did not answer within 2 s: 1
    /// line(s) not written`.
    pub(super) async fn drain_audit(&mut self, rx: &mut mpsc::Receiver<Update>, wait: Duration) {
        let deadline = Instant::now() + wait;
        while self.audit_backlog.waiting() > 0 {
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(Update::File(done))) => self.apply_file(done, crate::sources::now_ms()),
                Ok(Some(_)) => {}
                Ok(None) | Err(_) => break,
            }
        }
        let unwritten = self.audit_backlog.waiting();
        if unwritten == 0 {
            return;
        }
        let path = self.audit.as_ref().map(|l| l.path().display().to_string());
        let path = path.unwrap_or_default();
        tracing::error!(lines = unwritten, path = %path, "audit log stalled: lines not written");
        eprintln!(
            "mcptop: the audit log {path} did not answer within {} s: {unwritten} line(s) not \
             written",
            wait.as_secs_f32()
        );
    }
}
