//! The exit statuses of mcptop, and the error that marks a mistake the user can fix.
//!
//! | status | meaning |
//! |---|---|
//! | 0 | quit with `q`/Ctrl-C, or a subcommand that succeeded |
//! | 1 | a failure while running (a source task ended, the terminal stopped answering) |
//! | 2 | a usage error: a bad flag or flag value (clap's own status), a config that does not load, no target, `TERM=dumb`, stdout not a terminal |
//! | 101 | a panic (a bug: its report and backtrace hint are printed) |
//! | 128+N | ended by signal N: 129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM |
//!
//! `mcptop watch` has its own statuses (src/watch), documented in the README.

/// A failure while running.
pub const FAILURE: i32 = 1;
/// A usage error: the command line, the config or the environment. 2 is also what clap
/// exits with for a bad flag, so every usage error has the one status.
pub const USAGE: i32 = 2;

/// A mistake in the command line, the config or the environment: reported in one line
/// (`mcptop: <message>`) with status [`USAGE`], never with a backtrace.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Usage(String);

impl Usage {
    pub fn new(message: impl Into<String>) -> Usage {
        Usage(message.into())
    }

    /// `report` (with its causes, `a: b`) as a usage error.
    pub fn from_report(report: &color_eyre::Report) -> Usage {
        Usage(format!("{report:#}"))
    }
}

/// `report` as a usage error (kept as it is if it already is one).
pub fn usage(report: color_eyre::Report) -> color_eyre::Report {
    if report.downcast_ref::<Usage>().is_some() {
        return report;
    }
    Usage::from_report(&report).into()
}

/// The status for an error that ended a command: [`USAGE`] for a [`Usage`] or a config
/// error, else [`FAILURE`].
pub fn status_of(report: &color_eyre::Report) -> i32 {
    if report.downcast_ref::<Usage>().is_some()
        || report
            .downcast_ref::<crate::config::ConfigError>()
            .is_some()
    {
        USAGE
    } else {
        FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use color_eyre::eyre::{WrapErr, eyre};

    #[test]
    fn usage_errors_and_failures_have_their_status() {
        let usage: color_eyre::Report = Usage::new("no target").into();
        assert_eq!(status_of(&usage), USAGE);
        assert_eq!(status_of(&eyre!("a source task stopped")), FAILURE);
    }

    #[test]
    fn a_usage_error_keeps_the_causes_of_its_report() {
        let report = Err::<(), _>(eyre!("unknown field `rnage`"))
            .wrap_err("window")
            .expect_err("an error");
        assert_eq!(
            Usage::from_report(&report).to_string(),
            "window: unknown field `rnage`"
        );
    }
}
