//! A thread outside the async runtime that makes sure a signal ends the program even while
//! the event loop is busy (a huge update being applied): after SIGTERM, SIGHUP, SIGINT or
//! SIGQUIT the loop gets [`GRACE`] to restore the terminal itself; past that the watchdog
//! restores it and exits with the signal's status.

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use color_eyre::eyre::Result;

use super::Caught;

/// How long the event loop has, after a signal, to restore the terminal before the watchdog
/// does it. Half of the 1 s the README promises for a signal to end the program.
pub const GRACE: Duration = Duration::from_millis(500);

/// Watches the signals that end the program while the dashboard holds the terminal.
pub struct Watchdog {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

/// Who gives the terminal back: decided once, under the lock, so the loop and the watchdog
/// never both go on (the loop to its audit lines and MCP goodbyes, the watchdog to `_exit`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    #[default]
    Running,
    /// The loop restored the terminal: signals are left to the normal shutdown.
    Restored,
    /// The watchdog is restoring it and exiting.
    TakenOver,
}

impl Shared {
    /// Waits up to `grace` for the terminal to be restored; whether it was. When it was
    /// not, the watchdog has taken over (the loop's [`Watchdog::restored`] then waits for
    /// the exit).
    fn wait_restored(&self, grace: Duration) -> bool {
        let guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let (mut guard, _) = self
            .changed
            .wait_timeout_while(guard, grace, |s| *s == State::Running)
            .unwrap_or_else(|p| p.into_inner());
        match *guard {
            State::Restored => true,
            State::Running | State::TakenOver => {
                *guard = State::TakenOver;
                false
            }
        }
    }
}

impl Watchdog {
    /// Starts the watching thread. Call once the terminal is taken, and
    /// [`Watchdog::restored`] once it is given back.
    ///
    /// Errors: the signal handlers cannot be installed or the thread cannot start.
    pub fn start() -> Result<Watchdog> {
        let mut signals = signal_hook::iterator::Signals::new(Caught::ALL.map(Caught::number))?;
        let shared = Arc::new(Shared::default());
        let watched = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("mcptop-signal-watchdog".into())
            .spawn(move || {
                for n in signals.forever() {
                    let Some(caught) = Caught::from_number(n) else {
                        continue;
                    };
                    if !watched.wait_restored(GRACE) {
                        take_over(caught);
                    }
                }
            })?;
        Ok(Watchdog { shared })
    }

    /// The terminal is restored: a signal from now on is left to the normal shutdown. If
    /// the watchdog has already taken over, this thread waits for its exit instead of going
    /// on (the exit is at most [`EXIT_DEADLINE`] away).
    pub fn restored(&self) {
        let mut state = self.shared.state.lock().unwrap_or_else(|p| p.into_inner());
        if *state == State::TakenOver {
            drop(state);
            loop {
                std::thread::park();
            }
        }
        *state = State::Restored;
        self.shared.changed.notify_all();
    }
}

/// The event loop did not stop in time: restore the terminal from this thread and exit with
/// the signal's status. A helper thread first takes stdout's lock for good (between two of
/// the loop's writes), so that a loop that is slow rather than stuck draws no frame over
/// the restored screen; a loop blocked inside a write keeps the lock, and the restore goes
/// on after [`LOCK_WAIT`] anyway. The sequences go through a duplicate of stdout's
/// descriptor, and `_exit` runs no exit handlers that could wait on the lock either.
fn take_over(caught: Caught) -> ! {
    use std::os::fd::AsFd;
    tracing::warn!(
        signal = caught.name(),
        grace_ms = GRACE.as_millis() as u64,
        "the event loop did not stop in time; restoring the terminal from the watchdog"
    );
    let (locked, held) = std::sync::mpsc::channel();
    let _ = std::thread::Builder::new()
        .name("mcptop-stdout-hold".into())
        .spawn(move || {
            let _lock = std::io::stdout().lock();
            let _ = locked.send(());
            loop {
                std::thread::park();
            }
        });
    let _ = held.recv_timeout(LOCK_WAIT);
    // A terminal that does not read (output stopped, a client gone quiet) would block the
    // restore's writes as it blocks the loop's: the exit comes at the deadline regardless.
    let code = caught.exit_code();
    let _ = std::thread::Builder::new()
        .name("mcptop-exit-deadline".into())
        .spawn(move || {
            std::thread::sleep(EXIT_DEADLINE);
            signal_hook::low_level::exit(code)
        });
    let _ = crossterm::terminal::disable_raw_mode();
    if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
        let mut out = std::fs::File::from(fd);
        let _ = super::write_restore(&mut out);
    }
    signal_hook::low_level::exit(caught.exit_code())
}

/// How long the watchdog waits for stdout's lock before restoring without it.
const LOCK_WAIT: Duration = Duration::from_millis(200);

/// How long the watchdog's own restore may take before it exits without finishing it:
/// [`GRACE`] + [`LOCK_WAIT`] + this stays within the README's 1 s.
const EXIT_DEADLINE: Duration = Duration::from_millis(250);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_grace_the_watchdog_takes_over_for_good() {
        let shared = Shared::default();
        let start = std::time::Instant::now();
        assert!(!shared.wait_restored(Duration::from_millis(50)));
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert_eq!(*shared.state.lock().expect("lock"), State::TakenOver);
        // A second signal finds it taken over too: never a late "restored".
        assert!(!shared.wait_restored(Duration::from_millis(1)));
    }

    #[test]
    fn a_restore_within_the_grace_ends_the_wait() {
        let shared = Arc::new(Shared::default());
        let other = Arc::clone(&shared);
        let setter = std::thread::spawn(move || {
            *other.state.lock().expect("lock") = State::Restored;
            other.changed.notify_all();
        });
        assert!(shared.wait_restored(Duration::from_secs(30)));
        setter.join().expect("setter");
    }
}
