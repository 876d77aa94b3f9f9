//! The Alertmanager source (API v2): polls every configured instance for alerts, groups,
//! silences and status, and creates or expires silences when the app asks.
//!
//! One task owns the loop: a ticker starts poll rounds (never two at once; a tick that
//! comes while a round runs is skipped), commands arrive on a bounded channel, and writes
//! run beside the polls so that a slow instance does not hold them up. Everything goes
//! back to the app as owned [`Update::Alertmanager`] values.

pub mod api;
mod client;
mod poll;
mod write;

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

use super::Update;
use crate::config::AlertmanagerConfig;
use crate::model::alerts::AmCommand;
use client::AmClient;

/// Commands that may wait in the queue before [`AmHandle::send`] refuses more.
const COMMAND_QUEUE: usize = 16;

/// Shortest time between two poll rounds, whatever the configuration says.
const MIN_INTERVAL: Duration = Duration::from_millis(10);

/// The app's side of the source: commands go in, [`crate::model::alerts::AmUpdate`]s come
/// back as [`Update::Alertmanager`]. Dropping every clone stops the source.
#[derive(Debug, Clone)]
pub struct AmHandle {
    tx: mpsc::Sender<AmCommand>,
}

impl AmHandle {
    /// Queues a command. Errors: the source has stopped, or its queue is full.
    pub fn send(&self, cmd: AmCommand) -> Result<(), String> {
        self.tx
            .try_send(cmd)
            .map_err(|e| format!("Alertmanager source: {e}"))
    }
}

/// Starts polling every URL of `cfg` (the first round at once, then every
/// `cfg.interval`), and serving writes. The task goes into `tasks`; it ends when every
/// [`AmHandle`] is dropped or the `updates` receiver is gone.
///
/// Errors (never containing a secret): no URL, a URL that is not http(s), an unreadable
/// or invalid CA file or client certificate, an unset or empty secret, a bad header.
pub fn spawn(
    cfg: &AlertmanagerConfig,
    updates: mpsc::Sender<Update>,
    tasks: &mut JoinSet<()>,
) -> Result<AmHandle, String> {
    let client = AmClient::new(cfg)?;
    if client.instances() == 0 {
        return Err("no Alertmanager URL configured".into());
    }
    let (tx, rx) = mpsc::channel(COMMAND_QUEUE);
    tasks.spawn(run(client, cfg.interval.max(MIN_INTERVAL), rx, updates));
    Ok(AmHandle { tx })
}

/// The source's loop. Poll rounds and writes are tasks of their own, aborted when the
/// loop ends.
async fn run(
    client: AmClient,
    interval: Duration,
    mut commands: mpsc::Receiver<AmCommand>,
    updates: mpsc::Sender<Update>,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // At most one round at a time.
    let mut rounds: JoinSet<()> = JoinSet::new();
    // A refresh asked for while a round ran: the round may have read before the change
    // that prompted it, so another follows.
    let mut again = false;
    let mut writes: JoinSet<()> = JoinSet::new();
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                if rounds.is_empty() {
                    rounds.spawn(poll::round(client.clone(), updates.clone()));
                }
            }
            Some(_) = rounds.join_next(), if !rounds.is_empty() => {
                if std::mem::take(&mut again) {
                    rounds.spawn(poll::round(client.clone(), updates.clone()));
                    ticker.reset();
                }
            }
            cmd = commands.recv() => match cmd {
                None => break,
                Some(AmCommand::Refresh) if rounds.is_empty() => {
                    rounds.spawn(poll::round(client.clone(), updates.clone()));
                    ticker.reset();
                }
                Some(AmCommand::Refresh) => again = true,
                Some(AmCommand::Write { request, write }) => {
                    writes.spawn(write::run(client.clone(), request, write, updates.clone()));
                }
            },
            Some(_) = writes.join_next(), if !writes.is_empty() => {}
            () = updates.closed() => break,
        }
    }
}
