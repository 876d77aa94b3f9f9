//! `--record FILE` (`record = "path"`): what scrape mode receives is handed, as records, to
//! the recording thread (`sources::files::recording`), which compresses and appends them;
//! the event loop never waits on the file. Recorded: each scrape's samples (those the
//! profile reads: the scrape source keeps no other), its errors, health checks, the targets,
//! Alertmanager's alerts when they change, deploy marks, and log lines (Loki's and the MCP
//! servers' own, [`super::record_logs`]).

use std::path::Path;

use color_eyre::eyre::{Result, eyre};
use tokio::sync::mpsc;

use super::App;
use crate::config::Config;
use crate::model::alerts::AmUpdate;
use crate::model::recording::{Event, Header, RecAlert, RecTarget, VERSION};
use crate::screen::Tape;
use crate::sources::Update;
use crate::sources::files::recording::{RecordLink, RecordingNote};
use crate::sources::targets::TargetSet;

/// A recording being written.
pub struct Recorder {
    pub(super) link: RecordLink,
    bytes: u64,
    stopped: Option<String>,
    /// Alertmanager's last recorded alerts, by instance: a poll is recorded only when they
    /// changed.
    alerts: Vec<Option<Vec<RecAlert>>>,
    /// Loki's last recorded health (`Connected` or `Failed`): a change is recorded only when
    /// it differs.
    pub(super) loki_health: Option<crate::model::recording::LokiChange>,
}

/// The header of a recording made with `cfg`, starting at `t_ms`: the settings in effect,
/// the config file's number settings (no URL, header or secret), Loki's LogQL query and the
/// MCP servers' names. A config file that cannot be read again gives an empty `config` (the
/// effective settings are in the header's own fields).
pub fn header(cfg: &Config, t_ms: i64) -> Header {
    let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let config = cfg
        .record
        .config_file
        .as_deref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|text| crate::model::recording::config_text::numbers_only(&text).ok())
        .unwrap_or_default();
    Header {
        format: crate::model::recording::FORMAT.to_string(),
        version: VERSION,
        mcptop: env!("CARGO_PKG_VERSION").to_string(),
        t: t_ms,
        interval_ms: ms(cfg.scrape.interval),
        timeout_ms: ms(cfg.scrape.timeout()),
        range_ms: ms(cfg.window.range),
        history_ms: ms(cfg.window.history),
        profile: profile_name(&cfg.target.profile),
        name: cfg.target_name(),
        fleet: cfg.scrape_fleet(),
        alertmanagers: cfg
            .alertmanager
            .urls
            .iter()
            .map(|u| crate::text::url::redact(u))
            .collect(),
        config,
        loki_query: cfg
            .loki
            .url
            .as_ref()
            .map(|_| cfg.loki.query_for(&cfg.target_name())),
        mcp_servers: cfg.mcp.servers.iter().map(|s| s.name.clone()).collect(),
    }
}

/// A profile choice's name, as `--profile` takes it.
pub fn profile_name(p: &crate::model::profile::ProfileChoice) -> String {
    p.kind().map_or("auto", |k| k.name()).to_string()
}

impl App {
    /// Starts recording into `cfg.record.path`, when set: creates the file (a new one)
    /// and writes its header now, before the dashboard is up.
    ///
    /// Errors: query mode (its store keeps the history: nothing to record), or the file
    /// cannot be created (it exists, a directory is missing, no permission).
    pub(super) fn start_recording(&mut self, tx: &mpsc::Sender<Update>) -> Result<()> {
        let Some(path) = self.cfg.record.path.clone() else {
            return Ok(());
        };
        if self.cfg.prometheus.enabled() {
            return Err(eyre!(
                "--record: recording is scrape mode's; query mode reads a store that keeps the \
                 history itself (record the targets with --target instead)"
            ));
        }
        if self.no_target {
            return Err(eyre!("--record: no target to record"));
        }
        let header = header(&self.cfg, crate::model::clock::now_ms());
        let link = crate::sources::files::recording::start(
            &path,
            &header,
            self.cfg.record.max_bytes,
            tx.clone(),
        )
        .map_err(|e| eyre!("--record: {e}"))?;
        tracing::info!(path = %path.display(), "recording");
        self.recorder = Some(Recorder {
            link,
            bytes: 0,
            stopped: None,
            alerts: Vec::new(),
            loki_health: None,
        });
        Ok(())
    }

    /// Ends the recording when quitting: the records still queued are written, for up to
    /// `wait` (a disk that does not answer keeps the rest).
    pub(super) async fn close_recording(&mut self, wait: std::time::Duration) {
        let Some(r) = self.recorder.take() else {
            return;
        };
        let thread = r.link.close();
        let deadline = tokio::time::Instant::now() + wait;
        while !thread.is_finished() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }

    /// The file being recorded into, while recording.
    pub fn recording_path(&self) -> Option<&Path> {
        self.recorder.as_ref().map(|r| r.link.path())
    }

    /// What the footer says of the recording.
    pub(super) fn record_tape(&self) -> Option<Tape> {
        let r = self.recorder.as_ref()?;
        Some(Tape::Recording {
            bytes: r.bytes,
            stopped: r.stopped.clone(),
        })
    }

    /// Records what `update` brought, when recording.
    pub(super) fn record_update(&mut self, update: &Update, now_ms: i64) {
        if self.recorder.as_ref().is_none_or(|r| r.stopped.is_some()) {
            return;
        }
        let event = match update {
            Update::Scrape {
                target,
                t_ms,
                result,
            } => Event::Scrape {
                target: *target,
                t_ms: *t_ms,
                result: result.clone().map_err(|e| e.to_string()),
            },
            Update::Health {
                target,
                t_ms,
                result,
            } => Event::Health {
                target: *target,
                t_ms: *t_ms,
                result: result.clone().map_err(|e| e.to_string()),
            },
            Update::Targets(set) => Event::Targets {
                t_ms: now_ms,
                targets: rec_targets(set),
            },
            Update::Alertmanager(AmUpdate::Polled {
                instance,
                t_ms,
                result: Ok(snapshot),
            }) => {
                let alerts: Vec<RecAlert> = snapshot.alerts.iter().map(rec_alert).collect();
                let Some(r) = self.recorder.as_mut() else {
                    return;
                };
                if r.alerts.len() <= *instance {
                    r.alerts.resize(*instance + 1, None);
                }
                if r.alerts[*instance].as_ref() == Some(&alerts) {
                    return;
                }
                r.alerts[*instance] = Some(alerts.clone());
                Event::Alerts {
                    t_ms: *t_ms,
                    instance: *instance,
                    alerts,
                }
            }
            other => match self.log_event(other, now_ms) {
                Some(event) => event,
                None => return,
            },
        };
        self.record_event(event);
    }

    /// Hands `event` to the recording thread, when recording; a queue that is full (the
    /// disk has not kept up) ends the recording, saying so.
    pub(super) fn record_event(&mut self, event: Event) {
        let Some(r) = self.recorder.as_mut() else {
            return;
        };
        if r.stopped.is_some() {
            return;
        }
        let t_ms = event.t_ms();
        let bytes = r.bytes;
        if let Err(reason) = r.link.record(event) {
            self.recording_note(RecordingNote::Stopped { bytes, reason }, t_ms);
        }
    }

    /// What the recording thread said.
    pub(super) fn recording_note(&mut self, note: RecordingNote, now_ms: i64) {
        let Some(r) = self.recorder.as_mut() else {
            return;
        };
        match note {
            RecordingNote::Written { bytes } => r.bytes = bytes,
            RecordingNote::Stopped { bytes, reason } => {
                r.bytes = bytes;
                if r.stopped.is_some() {
                    return;
                }
                let path = r.link.path().display().to_string();
                tracing::warn!(path = %path, reason = %reason, "recording stopped");
                r.stopped = Some(reason.clone());
                self.toast(
                    &format!("recording stopped: {reason}; {path} keeps what it holds"),
                    true,
                    now_ms,
                );
            }
        }
    }
}

/// The targets of `set` as a recording names them (URLs masked).
fn rec_targets(set: &TargetSet) -> Vec<RecTarget> {
    set.targets
        .iter()
        .map(|(id, t)| RecTarget {
            id: *id,
            name: t.name.clone(),
            url: t.shown_url(),
            health_url: t
                .health_url
                .as_ref()
                .map(|u| crate::text::url::redact(u.as_str())),
            profile: profile_name(&t.profile),
        })
        .collect()
}

/// An Alertmanager alert as recorded.
fn rec_alert(a: &crate::model::alerts::Alert) -> RecAlert {
    RecAlert {
        fingerprint: a.fingerprint.clone(),
        labels: a.labels.clone(),
        annotations: a.annotations.clone(),
        state: a.state.label().to_string(),
        starts: a.starts_at_ms,
        ends: a.ends_at_ms,
    }
}

#[cfg(test)]
impl App {
    /// Tests: closes the recording and waits (up to 10 s) for its thread to have written
    /// everything.
    pub(super) fn close_recording_now(&mut self) {
        let Some(r) = self.recorder.take() else {
            return;
        };
        let thread = r.link.close();
        // Waits on the thread's end with a deadline: its join, passed on by a helper.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(thread.join().is_ok());
        });
        let ended = rx.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(
            ended,
            Ok(true),
            "the recording thread never ended, or panicked"
        );
    }
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
