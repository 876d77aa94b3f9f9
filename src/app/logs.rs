//! The logs screen's state changes: Loki updates, the choice of source (Loki, then each MCP
//! server's own log), the pane's keys (move, pause, wrap, filter), the LogQL editor, and
//! the error summary kept fresh once a second.

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::App;
use super::nav::Overlay;
use crate::action::Action;
use crate::model::logs::{LogBuffer, LokiState, LokiUpdate};
use crate::model::mcp::state::McpState;
use crate::screen::logs::{LogSource, LogSummary, log_source};

/// Sends a new LogQL query to the Loki source; `Err` says why it could not.
pub type LokiLink = Box<dyn Fn(String) -> Result<(), String> + Send>;

/// The buffer of `source`.
fn buffer_of<'a>(
    source: Option<LogSource>,
    loki: &'a Option<LokiState>,
    mcp: &'a McpState,
) -> Option<&'a LogBuffer> {
    match source? {
        LogSource::Loki => loki.as_ref().map(|l| &l.buffer),
        LogSource::Mcp(i) => mcp.servers.get(i).map(|s| &s.logs),
    }
}

impl App {
    /// The log source in view.
    pub fn log_source(&self) -> Option<LogSource> {
        log_source(
            self.loki.is_some(),
            self.mcp.servers.len(),
            self.nav.log_source,
        )
    }

    /// The buffer of the log source in view.
    pub fn log_buffer(&self) -> Option<&LogBuffer> {
        buffer_of(self.log_source(), &self.loki, &self.mcp)
    }

    /// Applies a Loki update.
    pub(super) fn apply_loki(&mut self, u: LokiUpdate) {
        let new_query = matches!(u, LokiUpdate::Query(_));
        if let Some(loki) = &mut self.loki {
            loki.apply(u);
        }
        if new_query && self.log_source() == Some(LogSource::Loki) {
            self.nav.logs.bottom();
            self.nav.logs.unpause();
        }
    }

    /// Brings the pane's matches up to date with the source in view and recomputes the
    /// summary when a second has passed and lines arrived (or ten seconds passed, so that
    /// the windows move on), or the source changed. Called before each frame; costs
    /// O(new lines) plus, at most once a second, O(kept lines).
    pub fn refresh_logs(&mut self, now_ms: i64) {
        let source = self.log_source();
        if source != self.nav.logs_synced {
            self.nav.logs_synced = source;
            let old = std::mem::take(&mut self.nav.logs);
            self.nav.logs.wrap = old.wrap;
            self.log_summary = LogSummary::default();
            // The filter stays across sources.
            self.with_pane(|p, b| {
                let _ = p.set_filter(&old.filter_text, b);
            });
        }
        self.sync_pane();
        let App {
            loki,
            mcp,
            log_summary,
            ..
        } = self;
        let (Some(source), Some(buf)) = (source, buffer_of(source, loki, mcp)) else {
            return;
        };
        if log_summary.due(source, buf.last_seq(), now_ms) {
            *log_summary = LogSummary::of(source, buf, now_ms);
        }
    }

    /// Tests the lines that arrived since the last frame against the filter.
    fn sync_pane(&mut self) {
        self.with_pane(|_, _| {});
    }

    /// Runs `f` on the pane with the buffer it shows, after syncing the pane with it.
    fn with_pane(&mut self, f: impl FnOnce(&mut crate::model::logs::LogPane, &LogBuffer)) {
        let App { nav, loki, mcp, .. } = self;
        if let Some(buf) = buffer_of(nav.logs_synced, loki, mcp) {
            nav.logs.sync(buf);
            f(&mut nav.logs, buf);
        }
    }

    /// An action on the logs screen; `None` when it is not the pane's.
    pub(super) fn log_action(&mut self, action: Action, now_ms: i64) -> Option<bool> {
        self.refresh_logs(now_ms);
        let rows = self.nav.log_rows.max(1);
        match action {
            Action::Up => self.with_pane(|p, _| p.up(1, rows)),
            Action::Down => self.with_pane(|p, _| p.down(1)),
            Action::PageUp => self.with_pane(|p, _| p.up(rows.saturating_sub(1).max(1), rows)),
            Action::PageDown => self.with_pane(|p, _| p.down(rows.saturating_sub(1).max(1))),
            Action::Top => self.with_pane(|p, _| p.top(rows)),
            Action::Bottom => self.with_pane(|p, _| p.bottom()),
            Action::Pause => self.with_pane(|p, b| p.toggle_pause(b)),
            Action::Wrap => self.nav.logs.wrap = !self.nav.logs.wrap,
            Action::Filter => {
                self.nav.log_filter = Input::new(self.nav.logs.filter_text.clone());
                self.nav.log_filtering = true;
            }
            Action::Back => {
                if self.nav.logs.filter_text.is_empty() {
                    return Some(false);
                }
                self.with_pane(|p, b| {
                    let _ = p.set_filter("", b);
                });
            }
            Action::Open => match self.nav.logs.selected() {
                Some(seq) => self.nav.overlay = Some(Overlay::LogDetail { seq, scroll: 0 }),
                None => return Some(false),
            },
            Action::EditQuery => match (&self.loki, self.log_source()) {
                (Some(loki), Some(LogSource::Loki)) => {
                    self.nav.overlay = Some(Overlay::LogQuery(Input::new(loki.query.clone())));
                }
                _ => {
                    self.toast(
                        "the LogQL query is Loki's: set [loki] url or --loki URL",
                        true,
                        now_ms,
                    );
                }
            },
            Action::NextServer | Action::PrevServer => {
                let n = usize::from(self.loki.is_some()) + self.mcp.servers.len();
                if n == 0 {
                    return Some(false);
                }
                let cur = self.nav.log_source.min(n - 1);
                self.nav.log_source = if action == Action::NextServer {
                    (cur + 1) % n
                } else {
                    (cur + n - 1) % n
                };
                self.refresh_logs(now_ms);
            }
            _ => return None,
        }
        Some(true)
    }

    /// A key while the filter line has the keyboard: the filter applies as it is typed;
    /// Enter keeps it, Esc clears it.
    pub(super) fn log_filter_key(&mut self, ev: &KeyEvent) -> bool {
        match ev.code {
            KeyCode::Enter => {
                self.nav.log_filtering = false;
                return true;
            }
            KeyCode::Esc => {
                self.nav.log_filtering = false;
                self.nav.log_filter.reset();
            }
            _ => {
                self.nav.log_filter.handle_event(&Event::Key(*ev));
            }
        }
        let text = self.nav.log_filter.value().to_string();
        let mut error = None;
        self.with_pane(|p, b| {
            if let Err(e) = p.set_filter(&text, b) {
                error = Some(e);
            }
        });
        self.nav.log_filter_error = error;
        true
    }

    /// A key in the LogQL editor: Enter runs the query (the pane starts afresh), Esc
    /// cancels.
    pub(super) fn log_query_key(&mut self, mut input: Input, ev: &KeyEvent, now_ms: i64) -> bool {
        match ev.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                let query = input.value().trim().to_string();
                if !query.starts_with('{') {
                    self.toast(
                        "a LogQL log query starts with a stream selector, e.g. {app=\"mcpist\"}",
                        true,
                        now_ms,
                    );
                    self.nav.overlay = Some(Overlay::LogQuery(input));
                    return true;
                }
                let sent = match &self.loki_link {
                    Some(link) => link(query.clone()),
                    None => Err("no Loki source is running".to_string()),
                };
                match sent {
                    Ok(()) => self.toast(&format!("running {query}"), false, now_ms),
                    Err(e) => self.toast(&e, true, now_ms),
                }
            }
            _ => {
                input.handle_event(&Event::Key(*ev));
                self.nav.overlay = Some(Overlay::LogQuery(input));
            }
        }
        true
    }

    /// A key in a log line's detail: scroll, or close; `action` is the key's in the
    /// detail's mode.
    pub(super) fn log_detail_key(
        &mut self,
        seq: u64,
        scroll: u16,
        ev: &KeyEvent,
        action: Option<Action>,
    ) -> bool {
        let scroll = match (ev.code, action) {
            (KeyCode::Esc | KeyCode::Enter, _) => return true,
            (_, Some(Action::Quit)) => {
                self.quit = true;
                return true;
            }
            (_, Some(Action::Up)) => scroll.saturating_sub(1),
            (_, Some(Action::Down)) => scroll.saturating_add(1),
            (_, Some(Action::PageUp)) => scroll.saturating_sub(10),
            (_, Some(Action::PageDown)) => scroll.saturating_add(10),
            _ => {
                self.nav.overlay = Some(Overlay::LogDetail { seq, scroll });
                return false;
            }
        };
        self.nav.overlay = Some(Overlay::LogDetail { seq, scroll });
        true
    }
}
