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

    /// Waits for the next signal; returns its name.
    pub async fn recv(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.hup.recv() => "SIGHUP",
                _ = self.int.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}
