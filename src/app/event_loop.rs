//! The loops that own the app: `run` (the dashboard: sources, keys, signals, frames) and
//! `gather` (`mcptop snapshot`: the sources alone for a while).

use std::time::Duration;

use color_eyre::eyre::{Result, eyre};
use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use ratatui::DefaultTerminal;
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use super::*;

/// How long after the last update the clock's own tick comes (then once a second): a
/// quarter of a second past a 1 s refresh's next update, so that a scrape arriving a few
/// ms late does not find the tick just before it.
const CLOCK_QUIET: Duration = Duration::from_millis(1250);

/// `mcptop snapshot`: runs the sources (no TUI, no MCP clients) for `collect`, applying
/// every update as the dashboard does ([`App::apply`]: the tiles, the fleet's rows and the
/// local rules at each scrape), so that the numbers cover `collect` of data, the rules had
/// that long to fire, and Alertmanager and Loki have answered; returns the app as it
/// stands. `progress` hears how far it is about once a second, and once at the end.
///
/// Errors: as [`App::new`] and [`spawn::spawn_sources`]; no target (a snapshot is of metrics); a
/// `collect` too long for the clock.
pub async fn gather(
    cfg: Config,
    collect: Duration,
    mut progress: impl FnMut(snapshot::Collecting),
) -> Result<App> {
    let mut app = App::new(cfg)?;
    if app.no_target {
        return Err(eyre!(
            "no target: pass --target URL (scrape mode) or --prometheus URL (query mode), or \
             set target.url or [prometheus] in the config"
        ));
    }
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = spawn::spawn_sources(&mut app, &tx)?;
    drop(tx);
    let start = Instant::now();
    let deadline = start.checked_add(collect).ok_or_else(|| {
        eyre!(
            "--collect {} is too long",
            humantime::format_duration(collect)
        )
    })?;
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let report = |done: bool| snapshot::Collecting {
        elapsed: start.elapsed().min(collect),
        total: collect,
        done,
    };
    loop {
        tokio::select! {
            Some(u) = rx.recv() => app.apply(u),
            _ = ticker.tick() => progress(report(false)),
            () = tokio::time::sleep_until(deadline) => break,
        }
    }
    tasks.abort_all();
    progress(report(true));
    app.refresh_logs(now_ms());
    Ok(app)
}

/// Starts the sources, takes the terminal and runs until the operator quits or a
/// SIGTERM/SIGHUP/SIGINT/SIGQUIT arrives (returned, for the exit status). The terminal is
/// restored on every exit path; a watchdog restores it and exits if the loop is too busy to
/// answer a signal ([`crate::tui::Watchdog`]).
///
/// Errors: a [`crate::exit::Usage`] error for what the user can fix before the dashboard is
/// up (no target, a bad pattern, URL or TLS file, no terminal); else a failure while
/// running.
pub async fn run(cfg: Config) -> Result<Option<crate::tui::Caught>> {
    let app = App::new(cfg).map_err(crate::exit::usage)?;
    run_app(app, true).await
}

/// [`run`] for `app`: with its sources (and its recording, `--record`) when `live`,
/// else with none (a replay, [`super::replay`]: its records are its updates).
pub(super) async fn run_app(mut app: App, live: bool) -> Result<Option<crate::tui::Caught>> {
    let (tx, mut rx) = mpsc::channel(64);
    let mut tasks = if live {
        app.start_recording(&tx).map_err(crate::exit::usage)?;
        spawn::spawn_sources(&mut app, &tx).map_err(crate::exit::usage)?
    } else {
        tokio::task::JoinSet::new()
    };
    app.files = Some(
        sources::files::spawn(tx.clone()).map_err(|e| eyre!("cannot start the files task: {e}"))?,
    );
    let mut mcp_tasks = tokio::task::JoinSet::new();
    for (i, server) in app.cfg.mcp.servers.iter().enumerate() {
        let handle = sources::mcp::spawn(
            i,
            server.clone(),
            app.cfg.mcp.settings.clone(),
            tx.clone(),
            &mut mcp_tasks,
        );
        app.links.push(Box::new(move |cmd| handle.send(cmd)));
    }
    drop(tx);
    // Before the terminal is taken: a signal from here on restores it within the grace.
    #[cfg(unix)]
    let watchdog = crate::tui::Watchdog::start()?;
    let mut terminal = crate::tui::init(app.mouse)?;
    let result = event_loop(&mut app, &mut terminal, &mut rx, &mut tasks, &mut mcp_tasks).await;
    crate::tui::restore();
    #[cfg(unix)]
    watchdog.restored();
    app.audit_abandoned(now_ms());
    tasks.abort_all();
    // Dropping the links ends the MCP sources, which close their sessions and stop their
    // stdio servers; they get a moment for it before they are aborted (shorter after a
    // signal, which should end the program within a second).
    app.links.clear();
    let close = match result {
        Ok(Some(_)) => Duration::from_millis(500),
        _ => Duration::from_secs(1),
    };
    // Audit lines still waiting (the abandoned calls' among them) get up to AUDIT_EXIT_WAIT
    // (after a signal the same short close), both waits at once; then they are given up.
    let audit_wait = match result {
        Ok(Some(_)) => close,
        _ => AUDIT_EXIT_WAIT,
    };
    let mcp_closed = tokio::time::timeout(close, async {
        while mcp_tasks.join_next().await.is_some() {}
    });
    let _ = tokio::join!(mcp_closed, app.drain_audit(&mut rx, audit_wait));
    app.close_recording(close).await;
    mcp_tasks.abort_all();
    result
}

async fn event_loop(
    app: &mut App,
    terminal: &mut DefaultTerminal,
    rx: &mut mpsc::Receiver<Update>,
    tasks: &mut tokio::task::JoinSet<()>,
    mcp_tasks: &mut tokio::task::JoinSet<()>,
) -> Result<Option<crate::tui::Caught>> {
    use crate::tui::{Signal, Suspend};
    // Polled only when it has input, not at every wake of the loop (`tui::Gated`).
    let mut events = crate::tui::Gated::new(EventStream::new());
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // A replay's clock moves ten times a second (at 60x, six recorded seconds a step).
    let mut replay_ticker = tokio::time::interval(Duration::from_millis(100));
    replay_ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut signals = crate::tui::Signals::with_job_control()?;
    let mut dirty = true;
    // A key or a click changed the screen: its frame is drawn at once, not held back to
    // one frame after the last (a refresh drawn just before the key made it wait up to
    // 33 ms). Updates from the sources are still coalesced to a frame each FRAME.
    let mut answer_now = false;
    let mut last_draw = Instant::now() - FRAME;
    let mut drawn_clock: Clock = (None, 0, false, None);
    // Stopped by Ctrl-Z or SIGTSTP and continued, but the SIGCONT not handled yet: the
    // terminal is the shell's, nothing is drawn.
    let mut suspended = false;
    loop {
        if dirty && !suspended && (answer_now || last_draw.elapsed() >= FRAME) {
            let now = app.now();
            app.refresh_logs(now);
            // The frame's own area: asking the terminal its size opens /dev/tty (ratatui's
            // draw already asks it once a frame).
            terminal.draw(|f| {
                app.nav.log_rows = ui::logs::rows(f.area());
                ui::draw_with(f, &app.view(now), &app.theme, app.widgets());
            })?;
            debug_faults_once_drawn();
            drawn_clock = app.clock(now);
            last_draw = Instant::now();
            dirty = false;
            answer_now = false;
        }
        let frame_due = last_draw + FRAME;
        tokio::select! {
            ev = events.next() => match ev {
                // Raw mode turns Ctrl-Z into a key; the SIGCONT of `fg` takes the terminal
                // again below.
                Some(Ok(Event::Key(k))) if crate::tui::is_suspend_key(&k) => {
                    suspended = crate::tui::suspend(terminal, app.mouse, Suspend::Key)?;
                }
                Some(Ok(Event::Key(k))) => {
                    let changed = app.on_key(&k);
                    dirty |= changed;
                    answer_now |= changed;
                }
                Some(Ok(Event::Resize(_, _))) => dirty = true,
                Some(Ok(Event::Mouse(m))) => {
                    let width = terminal.size().map_or(80, |s| s.width);
                    let changed = app.on_mouse(&m, width, app.now());
                    dirty |= changed;
                    answer_now |= changed;
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(eyre!("terminal input failed: {e}")),
                None => app.quit = true,
            },
            Some(u) = rx.recv() => {
                dirty |= app.apply_shown(u);
                while let Ok(more) = rx.try_recv() {
                    dirty |= app.apply_shown(more);
                }
                // The clock is looked at with every update, and its own tick put off until
                // updates stop: a second wake each second, out of phase with the scrapes,
                // cost more than the check. Not while it counts seconds (late numbers'
                // age, running calls, the logs screen's ages) or shows a toast: updates
                // 1-1.25 s apart would make those step by two.
                let clock = app.clock(app.now());
                dirty |= clock != drawn_clock;
                if !counts_seconds(&clock) {
                    ticker.reset_after(CLOCK_QUIET);
                }
            }
            _ = ticker.tick() => dirty |= app.clock(app.now()) != drawn_clock,
            _ = replay_ticker.tick(), if app.replay.is_some() => {
                dirty |= app.advance_replay(std::time::Instant::now());
            }
            _ = tokio::time::sleep_until(frame_due), if dirty && !suspended => {}
            Some(ended) = tasks.join_next() => return Err(source_ended(ended)),
            Some(ended) = mcp_tasks.join_next() => return Err(source_ended(ended)),
            signal = signals.recv() => match signal {
                Signal::End(caught) => {
                    tracing::info!(signal = caught.name(), "quitting on signal");
                    return Ok(Some(caught));
                }
                Signal::Stop => {
                    suspended = crate::tui::suspend(terminal, app.mouse, Suspend::Signal)?;
                }
                Signal::Continue => {
                    tracing::info!("continued: taking the terminal again");
                    crate::tui::resume(terminal, app.mouse)?;
                    suspended = false;
                    dirty = true;
                }
            },
        }
        if app.quit {
            return Ok(None);
        }
    }
}

/// Debug builds only, for the end-to-end tests, once the first frame is drawn:
/// `MCPTOP_DEBUG_PANIC=1` panics (a panic restores the terminal), and `MCPTOP_DEBUG_STALL=1`
/// blocks the event loop for 10 s, as a huge update would (a signal still ends the program).
fn debug_faults_once_drawn() {
    if !cfg!(debug_assertions) {
        return;
    }
    if std::env::var_os("MCPTOP_DEBUG_PANIC").is_some() {
        panic!("MCPTOP_DEBUG_PANIC is set: panicking after the first frame");
    }
    static STALLED: std::sync::Once = std::sync::Once::new();
    if std::env::var_os("MCPTOP_DEBUG_STALL").is_some() {
        STALLED.call_once(|| std::thread::sleep(Duration::from_secs(10)));
    }
}

/// Sources loop until the app drops its side: one ending while the app runs is a bug.
fn source_ended(ended: Result<(), tokio::task::JoinError>) -> color_eyre::Report {
    let why = match ended {
        Err(e) if e.is_panic() => "panicked".to_string(),
        Err(e) => e.to_string(),
        Ok(()) => "stopped".to_string(),
    };
    eyre!("a source task {why}; see the log")
}
