//! The signals the event loop hears: those that end the program, and job control's stop and
//! continue.

use color_eyre::eyre::Result;

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT as one stream, and with job control SIGTSTP and
/// SIGCONT, so that the loop can quit, suspend or repaint and keep the terminal sane.
pub struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hup: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
    #[cfg(unix)]
    quit: tokio::signal::unix::Signal,
    /// SIGTSTP and SIGCONT, taken only by the dashboard: once a handler is installed the
    /// default action (stop) is gone for the life of the process.
    #[cfg(unix)]
    job: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

/// What a signal asks of the event loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Restore the terminal and exit with [`Caught::exit_code`].
    End(Caught),
    /// SIGTSTP: restore the terminal and stop.
    Stop,
    /// SIGCONT: continued after a stop; take the terminal again and repaint in full.
    Continue,
}

impl Signals {
    /// The signals that end the program (for a process that draws nothing: Ctrl-Z keeps its
    /// default action).
    ///
    /// Errors: the signal handlers cannot be installed.
    pub fn new() -> Result<Signals> {
        Signals::build(false)
    }

    /// The signals that end the program, plus SIGTSTP and SIGCONT (the dashboard).
    ///
    /// Errors: the signal handlers cannot be installed.
    pub fn with_job_control() -> Result<Signals> {
        Signals::build(true)
    }

    fn build(job_control: bool) -> Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let job = if job_control {
                Some((
                    signal(SignalKind::from_raw(signal_hook::consts::SIGTSTP))?,
                    signal(SignalKind::from_raw(signal_hook::consts::SIGCONT))?,
                ))
            } else {
                None
            };
            Ok(Signals {
                term: signal(SignalKind::terminate())?,
                hup: signal(SignalKind::hangup())?,
                int: signal(SignalKind::interrupt())?,
                quit: signal(SignalKind::quit())?,
                job,
            })
        }
        #[cfg(not(unix))]
        {
            let _ = job_control;
            Ok(Signals {})
        }
    }

    /// Waits for the next signal.
    pub async fn recv(&mut self) -> Signal {
        #[cfg(unix)]
        {
            let job = async {
                match &mut self.job {
                    Some((stop, cont)) => tokio::select! {
                        _ = stop.recv() => Signal::Stop,
                        _ = cont.recv() => Signal::Continue,
                    },
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = self.term.recv() => Signal::End(Caught::Term),
                _ = self.hup.recv() => Signal::End(Caught::Hup),
                _ = self.int.recv() => Signal::End(Caught::Int),
                _ = self.quit.recv() => Signal::End(Caught::Quit),
                s = job => s,
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            Signal::End(Caught::Int)
        }
    }

    /// Waits for the next signal that ends the program.
    pub async fn ended(&mut self) -> Caught {
        loop {
            if let Signal::End(caught) = self.recv().await {
                return caught;
            }
        }
    }
}

/// A signal that ended the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caught {
    Term,
    Hup,
    Int,
    Quit,
}

impl Caught {
    /// Every signal that ends the program.
    pub const ALL: [Caught; 4] = [Caught::Term, Caught::Hup, Caught::Int, Caught::Quit];

    /// `SIGTERM`, `SIGHUP`, `SIGINT`, `SIGQUIT`.
    pub fn name(self) -> &'static str {
        match self {
            Caught::Term => "SIGTERM",
            Caught::Hup => "SIGHUP",
            Caught::Int => "SIGINT",
            Caught::Quit => "SIGQUIT",
        }
    }

    /// The signal's number (POSIX fixes these four: 15, 1, 2, 3).
    pub fn number(self) -> i32 {
        match self {
            Caught::Term => 15,
            Caught::Hup => 1,
            Caught::Int => 2,
            Caught::Quit => 3,
        }
    }

    /// The signal with number `n`, if it is one that ends the program.
    pub fn from_number(n: i32) -> Option<Caught> {
        Caught::ALL.into_iter().find(|c| c.number() == n)
    }

    /// The exit status a shell reports for a program ended by this signal: 128 + its number
    /// (143, 129, 130, 131), so a supervisor sees why mcptop stopped.
    pub fn exit_code(self) -> i32 {
        128 + self.number()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_signal_number() {
        let codes: Vec<i32> = Caught::ALL.iter().map(|c| c.exit_code()).collect();
        assert_eq!(codes, [143, 129, 130, 131]);
        for c in Caught::ALL {
            assert_eq!(Caught::from_number(c.number()), Some(c));
        }
        assert_eq!(Caught::from_number(20), None);
    }

    #[cfg(unix)]
    #[test]
    fn the_numbers_are_the_platforms() {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        let platform: Vec<i32> = vec![SIGTERM, SIGHUP, SIGINT, SIGQUIT];
        let ours: Vec<i32> = Caught::ALL.iter().map(|c| c.number()).collect();
        assert_eq!(ours, platform);
    }
}
