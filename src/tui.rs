//! Terminal set-up and tear-down, and the signals that end the program cleanly.

use color_eyre::eyre::Result;
use ratatui::DefaultTerminal;

/// Enters raw mode and the alternate screen. `ratatui::init` also installs a panic hook that
/// restores the terminal before the panic report is printed.
///
/// Errors: stdout is not a terminal (the dashboard would be drawn into a pipe or file).
pub fn init(mouse: bool) -> Result<DefaultTerminal> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        color_eyre::eyre::bail!(
            "stdout is not a terminal: mcptop draws a full-screen dashboard \
             (for the demo server alone use `mcptop demo --serve-only`)"
        );
    }
    let terminal = ratatui::try_init()?;
    if mouse {
        if let Err(e) = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)
        {
            ratatui::restore();
            return Err(e.into());
        }
        // A panic restores the terminal through ratatui's hook; the mouse too.
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
            previous(info);
        }));
    }
    Ok(terminal)
}

/// Leaves raw mode and the alternate screen. Safe to call more than once.
pub fn restore() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    ratatui::restore();
}

/// SIGTERM, SIGHUP and SIGINT as one stream, so the loop can quit and restore the terminal.
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    /// Errors: the signal handlers cannot be installed.
    pub fn new() -> Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Waits for the next signal.
    pub async fn recv(&mut self) -> Caught {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => Caught::Term,
                _ = self.hup.recv() => Caught::Hup,
                _ = self.int.recv() => Caught::Int,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Caught::Int
        }
    }
}

/// A signal that ended the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caught {
    Term,
    Hup,
    Int,
}

impl Caught {
    /// `SIGTERM`, `SIGHUP`, `SIGINT`.
    pub fn name(self) -> &'static str {
        match self {
            Caught::Term => "SIGTERM",
            Caught::Hup => "SIGHUP",
            Caught::Int => "SIGINT",
        }
    }

    /// The exit status a shell reports for a program ended by this signal: 128 + its number
    /// (143, 129, 130), so a supervisor sees why mcptop stopped.
    pub fn exit_code(self) -> i32 {
        128 + match self {
            Caught::Term => 15,
            Caught::Hup => 1,
            Caught::Int => 2,
        }
    }
}
