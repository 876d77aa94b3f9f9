//! Scrape mode's targets: one scrape task and one health-check task per target, each with its
//! own interval timer, so a slow or dead target never delays another (as Prometheus runs
//! one scrape loop per target). With `target.targets_file`, the file is looked at every
//! [`FILE_POLL`] and read again when it changed: targets that left are stopped, new ones
//! started, the others keep their task and their numbers. A file that no longer reads
//! keeps the targets it had, and the error is sent for the fleet screen.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinSet};

use super::endpoint::{Endpoint, Settings};
use super::{TargetId, Update, health, scrape};
use crate::config::{Config, Target, TargetConfig, file_sd, target};
use crate::model::dashboard::stored_sample_names;

/// How often `targets_file` is looked at (its modification time and size; it is read only
/// when they changed). Prometheus watches the file and re-reads it every 5 minutes; a
/// look every few seconds also works on file systems without change notifications (NFS).
pub const FILE_POLL: Duration = Duration::from_secs(2);

/// What the app learns of the targets: all of them, each with the ID its updates carry.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetSet {
    pub targets: Vec<(TargetId, Target)>,
    /// Why `targets_file` could not be read last time (its earlier targets are kept).
    pub file_error: Option<String>,
}

/// How every target is scraped.
#[derive(Debug, Clone)]
struct Timing {
    interval: Duration,
    timeout: Duration,
    /// Body cap, sample limit and the sample names the model reads.
    intake: scrape::Intake,
}

/// The targets of `cfg` (and of its `targets_file`, read now), ready to run.
///
/// Errors: a target that does not resolve, an HTTP client that cannot be built for one
/// of the configured targets (a CA file, an unset token variable: said with the target's
/// name), or a `targets_file` that cannot be read at start.
pub fn prepare(cfg: &Config) -> Result<Targets, super::SpawnError> {
    let fixed = cfg.scrape_targets().map_err(super::SpawnError::Targets)?;
    let timing = Timing {
        interval: cfg.scrape.interval,
        timeout: cfg.scrape.timeout(),
        intake: scrape::Intake {
            max_bytes: cfg.scrape.max_body_bytes,
            sample_limit: cfg.scrape.sample_limit,
            names: Some(Arc::new(stored_sample_names(cfg.custom_profile.as_ref()))),
        },
    };
    for t in &fixed {
        client(t, timing.timeout).map_err(|reason| super::SpawnError::Client {
            target: t.name.clone(),
            reason,
        })?;
    }
    let mut file = None;
    if let Some(path) = &cfg.target.targets_file {
        let (entries, stamp) = read_file(path).map_err(super::SpawnError::TargetsFile)?;
        file = Some(FileState {
            path: path.clone(),
            stamp,
            entries,
        });
    }
    Ok(Targets {
        fixed,
        defaults: cfg.target.clone(),
        file,
        timing,
    })
}

/// The targets, before they run ([`Targets::run`]).
#[derive(Debug)]
pub struct Targets {
    /// From the config and flags.
    fixed: Vec<Target>,
    /// `[target]`, the defaults of the file's targets.
    defaults: TargetConfig,
    file: Option<FileState>,
    timing: Timing,
}

/// A file's modification time and size.
type Stamp = Option<(SystemTime, u64)>;

#[derive(Debug)]
struct FileState {
    path: PathBuf,
    /// Modification time and size when last read.
    stamp: Stamp,
    entries: Vec<crate::config::TargetEntry>,
}

impl Targets {
    /// The targets as they stand now, named uniquely.
    fn current(&self) -> (Vec<Target>, Option<String>) {
        let mut out = self.fixed.clone();
        let mut error = None;
        if let Some(f) = &self.file {
            for e in &f.entries {
                match self.defaults.resolve(e) {
                    Ok(t) => out.push(t),
                    Err(m) => {
                        error = Some(format!("{}: target `{}`: {m}", f.path.display(), e.url));
                    }
                }
            }
        }
        target::unique_names(&mut out);
        (out, error)
    }

    /// Runs the targets' tasks until the receiver is dropped: sends the set first, then
    /// again whenever `targets_file` changes it.
    pub async fn run(mut self, tx: mpsc::Sender<Update>) {
        let mut tasks = JoinSet::new();
        let mut running: BTreeMap<TargetId, (Target, Vec<AbortHandle>)> = BTreeMap::new();
        let mut next_id: TargetId = 0;
        let mut file_error: Option<String> = None;
        let mut poll = tokio::time::interval(FILE_POLL);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut first = true;
        loop {
            if !first {
                poll.tick().await;
                // Reap the tasks of targets that left. One that panicked would leave its
                // target's row frozen: the source stops instead, and the app says so.
                while let Some(ended) = tasks.try_join_next() {
                    if let Err(e) = ended
                        && e.is_panic()
                    {
                        tracing::error!(error = %e, "a target's scrape or health task panicked");
                        return;
                    }
                }
                match self.reread() {
                    Ok(false) => continue,
                    Ok(true) => file_error = None,
                    Err(e) => {
                        tracing::warn!(error = %e, "targets_file");
                        if file_error.as_ref() == Some(&e) {
                            continue;
                        }
                        file_error = Some(e);
                    }
                }
            }
            first = false;
            let (wanted, resolve_error) = self.current();
            // Keep what is unchanged; stop what left; start what is new.
            running.retain(|_, (t, handles)| {
                let keep = wanted.contains(t);
                if !keep {
                    handles.iter().for_each(AbortHandle::abort);
                }
                keep
            });
            for t in wanted {
                if running.values().any(|(r, _)| *r == t) {
                    continue;
                }
                let id = next_id;
                next_id += 1;
                let handles = spawn_one(&t, id, &self.timing, &tx, &mut tasks);
                running.insert(id, (t, handles));
            }
            let set = TargetSet {
                targets: running
                    .iter()
                    .map(|(id, (t, _))| (*id, t.clone()))
                    .collect(),
                file_error: file_error.clone().or(resolve_error),
            };
            if tx.send(Update::Targets(set)).await.is_err() {
                return;
            }
        }
    }

    /// Reads `targets_file` again when its time or size changed: `Ok(true)` when the
    /// targets may have changed, `Ok(false)` when nothing is to be done.
    ///
    /// Errors: the file cannot be read or parsed (the earlier targets stay).
    fn reread(&mut self) -> Result<bool, String> {
        let Some(f) = self.file.as_mut() else {
            return Ok(false);
        };
        let stamp = stamp(&f.path);
        if stamp == f.stamp && stamp.is_some() {
            return Ok(false);
        }
        f.stamp = stamp;
        let (entries, _) = read_file(&f.path)?;
        f.entries = entries;
        Ok(true)
    }
}

/// The file's modification time and size, when it can be read.
fn stamp(path: &Path) -> Stamp {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

/// Reads and parses a `targets_file`. Errors name the file.
fn read_file(path: &Path) -> Result<(Vec<crate::config::TargetEntry>, Stamp), String> {
    let stamp = stamp(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("targets_file {}: cannot read: {e}", path.display()))?;
    Ok((file_sd::parse(&text, path)?, stamp))
}

/// The client of one target. Errors: as [`Endpoint::new`].
fn client(t: &Target, timeout: Duration) -> Result<Endpoint, String> {
    Endpoint::new(&Settings::with_timeout(&t.http, timeout))
}

/// Starts the scrape and health tasks of `t` as `id`. A client that cannot be built (a
/// file's target whose CA file is missing) makes every scrape report that error.
fn spawn_one(
    t: &Target,
    id: TargetId,
    timing: &Timing,
    tx: &mpsc::Sender<Update>,
    tasks: &mut JoinSet<()>,
) -> Vec<AbortHandle> {
    let mut handles = Vec::new();
    match client(t, timing.timeout) {
        Ok(endpoint) => {
            handles.push(tasks.spawn(scrape::run(
                endpoint.clone(),
                t.metrics_url.clone(),
                timing.interval,
                timing.intake.clone(),
                id,
                tx.clone(),
            )));
            if let Some(url) = &t.health_url {
                handles.push(tasks.spawn(health::run(
                    endpoint,
                    url.clone(),
                    timing.interval,
                    id,
                    tx.clone(),
                )));
            }
        }
        Err(e) => {
            let error = super::http::SourceError::Other(e).at(t.shown_url());
            handles.push(tasks.spawn(scrape::fail_every(timing.interval, error, id, tx.clone())));
        }
    }
    handles
}
