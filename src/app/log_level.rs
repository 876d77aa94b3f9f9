//! The log level key of the tools screen: asks the selected server for the next of
//! [`LEVELS`] with `logging/setLevel`, when it declares the logging capability.

use super::App;
use crate::model::mcp::McpCommand;

/// The levels the key steps through, round (RFC 5424 names, as MCP uses them).
pub const LEVELS: [&str; 4] = ["debug", "info", "warning", "error"];

/// The level after `current` in [`LEVELS`]; `debug` after `error` and after any level
/// outside the list (`notice`, `critical`, ...).
pub fn next_level(current: &str) -> &'static str {
    let at = LEVELS.iter().position(|l| *l == current);
    at.map_or(LEVELS[0], |i| LEVELS[(i + 1) % LEVELS.len()])
}

impl App {
    /// Asks the selected server for the level after the one it has (or, before it has
    /// acknowledged one, after `mcp.log_level`); refused with a message when the server
    /// does not declare logging.
    pub(super) fn next_log_level(&mut self, now_ms: i64) {
        let server = self.nav.server;
        let Some(s) = self.mcp.servers.get(server) else {
            self.toast("no MCP server configured", true, now_ms);
            return;
        };
        let name = s.name.clone();
        let logging = s
            .info
            .as_ref()
            .is_some_and(|i| i.capabilities.iter().any(|c| c == "logging"));
        if !logging {
            let why = format!("{name} does not declare logging: no level to set");
            self.toast(&why, true, now_ms);
            return;
        }
        let current = s
            .log_level
            .clone()
            .unwrap_or_else(|| self.cfg.mcp.settings.log_level.clone());
        let level = next_level(&current).to_string();
        let cmd = McpCommand::SetLogLevel {
            level: level.clone(),
        };
        match self.links.get(server).map(|l| l(cmd)) {
            Some(Ok(())) => self.toast(
                &format!("asking {name} for log level {level}"),
                false,
                now_ms,
            ),
            Some(Err(e)) => self.toast(&format!("cannot set the log level: {e}"), true, now_ms),
            None => self.toast("cannot set the log level: no connection", true, now_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_go_round_and_an_unlisted_one_starts_over() {
        assert_eq!(next_level("debug"), "info");
        assert_eq!(next_level("info"), "warning");
        assert_eq!(next_level("warning"), "error");
        assert_eq!(next_level("error"), "debug");
        assert_eq!(next_level("notice"), "debug");
    }
}
