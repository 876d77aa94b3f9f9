//! Terminal set-up and tear-down, suspending to the shell (Ctrl-Z) and back, and the signals
//! that end the program cleanly.

mod gated;
mod signals;
#[cfg(unix)]
mod watchdog;

pub use gated::Gated;
pub use signals::{Caught, Signal, Signals};
#[cfg(unix)]
pub use watchdog::Watchdog;

use std::io::Write;

use color_eyre::eyre::Result;
use ratatui::DefaultTerminal;

use crate::exit::Usage;

/// Whether the terminal named by `term` (the `TERM` variable) cannot show the dashboard:
/// `dumb` (Emacs' shell buffers, some CI logs) has no cursor addressing. Any other value, or
/// none, is let through: crossterm writes ANSI sequences, which every terminal emulator of
/// the last decades reads.
pub fn refuses(term: Option<&str>) -> bool {
    term == Some("dumb")
}

/// Enters raw mode and the alternate screen, with mouse reporting if `mouse`.
/// `ratatui::init` also installs a panic hook that restores the terminal before the panic
/// report is printed.
///
/// Errors ([`Usage`], exit 2): stdout is not a terminal (the dashboard would be drawn into
/// a pipe or file), or `TERM` is `dumb`; else the terminal refused a mode.
pub fn init(mouse: bool) -> Result<DefaultTerminal> {
    use std::io::IsTerminal;
    let term = std::env::var("TERM").ok();
    if refuses(term.as_deref()) {
        return Err(Usage::new(format!(
            "TERM={} cannot show a full-screen dashboard (no cursor addressing): run mcptop \
             in a terminal such as xterm, or use `mcptop snapshot --stdout` or `mcptop watch` \
             for plain text",
            term.unwrap_or_default()
        ))
        .into());
    }
    if !std::io::stdout().is_terminal() {
        return Err(Usage::new(
            "stdout is not a terminal: mcptop draws a full-screen dashboard \
             (for the demo server alone use `mcptop demo --serve-only`)",
        )
        .into());
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

/// Leaves raw mode and the alternate screen, turns mouse reporting off and shows the
/// cursor. Safe to call more than once.
pub fn restore() {
    let _ = crossterm::execute!(
        std::io::stdout(),
        crossterm::event::DisableMouseCapture,
        crossterm::cursor::Show
    );
    ratatui::restore();
}

/// The escape sequences of [`restore`] (mouse off, main screen, cursor shown) written to
/// `out`, for a writer other than the locked `stdout` (the watchdog's).
pub fn write_restore(out: &mut impl Write) -> std::io::Result<()> {
    crossterm::execute!(
        out,
        crossterm::event::DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    )
}

/// Who asked to suspend: the Ctrl-Z key (the terminal in raw mode sends no SIGTSTP, so the
/// whole process group is stopped, as the terminal would have done) or a SIGTSTP sent to
/// this process (only it is stopped, as the default action would have).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspend {
    Key,
    Signal,
}

/// Gives the terminal back to the shell ([`restore`]) and stops with SIGSTOP, as every
/// full-screen program does on Ctrl-Z. Returns once continued (`fg`, SIGCONT): `true`, and
/// the SIGCONT then arrives through [`Signals`], on which the caller calls [`resume`] and
/// draws nothing until then (a frame would land on the shell's screen). If the stop signal
/// cannot be sent, the terminal is taken again at once and the answer is `false`.
///
/// Errors: the terminal refused a mode while being taken again.
#[cfg(unix)]
pub fn suspend(terminal: &mut DefaultTerminal, mouse: bool, how: Suspend) -> Result<bool> {
    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;
    restore();
    let _ = std::io::stdout().flush();
    let who = match how {
        Suspend::Key => Pid::from_raw(0),
        Suspend::Signal => Pid::this(),
    };
    if let Err(e) = kill(who, Signal::SIGSTOP) {
        tracing::warn!(error = %e, "cannot stop for Ctrl-Z; staying in the dashboard");
        resume(terminal, mouse)?;
        return Ok(false);
    }
    Ok(true)
}

/// Ctrl-Z does nothing where there is no job control.
#[cfg(not(unix))]
pub fn suspend(_terminal: &mut DefaultTerminal, _mouse: bool, _how: Suspend) -> Result<bool> {
    Ok(false)
}

/// Whether `ev` is Ctrl-Z, which in raw mode arrives as a key rather than as SIGTSTP.
pub fn is_suspend_key(ev: &crossterm::event::KeyEvent) -> bool {
    ev.kind != crossterm::event::KeyEventKind::Release
        && crate::input::key::from_event(ev) == crate::action::Key::ctrl('z')
}

/// Takes the terminal again after a stop: raw mode, the alternate screen, mouse reporting
/// if `mouse`, and a cleared screen so that the next frame is drawn in full (whatever the
/// shell printed meanwhile is gone).
///
/// Errors: the terminal refused a mode.
pub fn resume(terminal: &mut DefaultTerminal, mouse: bool) -> Result<()> {
    crossterm::terminal::enable_raw_mode()?;
    crossterm::execute!(std::io::stdout(), crossterm::terminal::EnterAlternateScreen)?;
    if mouse {
        crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture)?;
    }
    // `Terminal::clear` would ask the terminal where its cursor is, an answer the event
    // stream's reader can take first; a resize to the same size clears without asking.
    let size = terminal.size()?;
    terminal.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_dumb_term_is_refused() {
        assert!(refuses(Some("dumb")));
        assert!(!refuses(Some("")));
        assert!(!refuses(Some("linux")));
        assert!(!refuses(Some("xterm-256color")));
        assert!(!refuses(None));
    }

    #[test]
    fn ctrl_z_is_the_suspend_key() {
        use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
        let ctrl_z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
        assert!(is_suspend_key(&ctrl_z));
        let mut released = ctrl_z;
        released.kind = KeyEventKind::Release;
        assert!(!is_suspend_key(&released));
        assert!(!is_suspend_key(&KeyEvent::new(
            KeyCode::Char('z'),
            KeyModifiers::NONE
        )));
    }

    #[test]
    fn the_restore_sequences_leave_the_alternate_screen_and_show_the_cursor() {
        let mut out = Vec::new();
        write_restore(&mut out).expect("write to a Vec");
        let text = String::from_utf8(out).expect("ASCII");
        assert!(text.contains("\x1b[?1049l"), "{text:?}");
        assert!(text.contains("\x1b[?25h"), "{text:?}");
        assert!(text.contains("\x1b[?1000l"), "{text:?}");
    }
}
