//! Key handling: the input mode (help, an overlay, a filter line, the screen) decides
//! what a key is, through that mode's keymap; tool bindings come before it on the screens.

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use tui_input::backend::crossterm::EventHandler;

use super::App;
use super::nav::{Overlay, filter_tools, step};
use crate::action::{Action, Key, Screen};
use crate::input::form::form_key;
use crate::input::key;
use crate::input::mode::{FilterTarget, Mode, mode};
use crate::model::mcp::McpCommand;
use crate::model::mcp::form::FormEvent;
use crate::screen::catalog::{ListKind, catalog_rows};

/// Rows moved by PageUp/PageDown.
const PAGE: isize = 10;

impl App {
    /// Handles a key; returns whether anything visible changed.
    pub fn on_key(&mut self, ev: &KeyEvent) -> bool {
        self.on_key_at(ev, self.now())
    }

    /// [`App::on_key`] at a given wall clock (Unix ms), for tests.
    pub fn on_key_at(&mut self, ev: &KeyEvent, now_ms: i64) -> bool {
        let changed = self.clearing_toast(|app| app.key_at(ev, now_ms));
        self.end_drill_off_overview();
        self.sync_tool_columns();
        if self.nav.screen == Screen::Logs {
            self.refresh_logs(now_ms);
        }
        changed
    }

    /// Handles a mouse event (when the mouse is on, see [`App::mouse`]): the wheel moves like ↑/↓, a click on a
    /// tab opens its screen. Returns whether anything visible changed.
    pub fn on_mouse(&mut self, m: &MouseEvent, width: u16, now_ms: i64) -> bool {
        if !self.mouse || width < crate::ui::MIN_WIDTH {
            return false;
        }
        // The wheel and the tabs are actions too: they exist only in the screens' modes
        // (not under the help or an overlay, not while a filter is typed), and the wheel
        // only where there is something to move.
        let mode = mode(self.show_help, &self.nav, self.fleet.as_ref());
        let action = match m.kind {
            MouseEventKind::ScrollUp => Some(Action::Up),
            MouseEventKind::ScrollDown => Some(Action::Down),
            MouseEventKind::Down(MouseButton::Left) if m.row == 1 => {
                crate::ui::tabs::hit(&self.view(now_ms), &self.theme, width, m.column)
                    .map(Action::show)
            }
            _ => None,
        };
        let Some(action) = action.filter(|a| a.in_mode(mode)) else {
            return false;
        };
        let changed = self.clearing_toast(|app| app.act(action, now_ms));
        self.sync_tool_columns();
        self.end_drill_off_overview();
        if self.nav.screen == Screen::Logs {
            self.refresh_logs(now_ms);
        }
        changed
    }

    /// Runs one operator action `f` (returning whether anything changed). The footer's
    /// message tells of the previous action, so one that succeeds without a message of its
    /// own clears it at once rather than when it times out; a key that does nothing leaves
    /// it. A message that came from elsewhere (a call's end, a config warning) is cleared
    /// the same way.
    fn clearing_toast(&mut self, f: impl FnOnce(&mut Self) -> bool) -> bool {
        let shown = self.nav.toast.take();
        let changed = f(self);
        if !changed && self.nav.toast.is_none() {
            self.nav.toast = shown;
        }
        changed
    }

    fn key_at(&mut self, ev: &KeyEvent, now_ms: i64) -> bool {
        if ev.kind == KeyEventKind::Release {
            return false;
        }
        let key = key::from_event(ev);
        if key == Key::ctrl('c') {
            self.quit = true;
            return true;
        }
        let mode = mode(self.show_help, &self.nav, self.fleet.as_ref());
        // An action that does not exist in the mode is not looked up at all: its key does
        // nothing there, or is text.
        let action = self.keymap.action_in(mode, &key);
        match (mode, action) {
            (Mode::Help, Some(Action::ToggleHelp | Action::Back)) => {
                self.show_help = false;
                true
            }
            (Mode::Help, Some(Action::Quit)) => {
                self.quit = true;
                true
            }
            (Mode::Help, _) => false,
            (Mode::Overlay(_), action) => match self.nav.overlay.take() {
                Some(overlay) => self.overlay_key(overlay, ev, action, now_ms),
                None => false,
            },
            (Mode::Filter(FilterTarget::Tools), _) => self.filter_key(ev),
            (Mode::Filter(FilterTarget::Logs), _) => self.log_filter_key(ev),
            (Mode::Filter(FilterTarget::Fleet), _) => self.fleet_filter_key(ev),
            (Mode::Filter(FilterTarget::ToolStats), _) => self.tool_table_filter_key(ev),
            (Mode::Screen(_) | Mode::Drilled | Mode::ToolView, action) => {
                if let Some(i) = self.bindings.iter().position(|b| b.key == key) {
                    self.run_binding(i, now_ms);
                    return true;
                }
                match action {
                    Some(a) => self.act(a, now_ms),
                    None => false,
                }
            }
        }
    }

    fn act(&mut self, action: Action, now_ms: i64) -> bool {
        if self.nav.screen == Screen::Logs
            && let Some(changed) = self.log_action(action, now_ms)
        {
            return changed;
        }
        if self.nav.screen == Screen::Fleet
            && let Some(changed) = self.fleet_action(action)
        {
            return changed;
        }
        if self.nav.screen == Screen::ToolStats
            && let Some(changed) = self.tool_table_action(action, now_ms)
        {
            return changed;
        }
        if action == Action::ShowFleet && self.fleet.is_some() {
            self.leave_drill_down();
            self.nav.screen = Screen::Fleet;
            return true;
        }
        if self.nav.screen == Screen::Overview
            && action == Action::Back
            && !self.nav.cursor.is_live()
        {
            self.nav.cursor.go_live();
            return true;
        }
        if self.nav.screen == Screen::Overview && action == Action::Back && self.leave_drill_down()
        {
            return true;
        }
        if action == Action::Open
            && self.nav.screen == Screen::Tools
            && self.authorizing(self.nav.server)
        {
            self.open_paste();
            return true;
        }
        let nav = &mut self.nav;
        match action {
            Action::Quit => self.quit = true,
            Action::ToggleHelp => self.show_help = true,
            Action::Back => {
                if nav.filter.value().is_empty() {
                    return false;
                }
                nav.filter.reset();
                nav.tool = 0;
            }
            Action::ShowFleet => self.toast(crate::action::FLEET_NEEDS, true, now_ms),
            Action::ShowOverview => nav.screen = Screen::Overview,
            Action::ShowToolStats => nav.screen = Screen::ToolStats,
            Action::ShowTools => nav.screen = Screen::Tools,
            Action::ShowCalls => nav.screen = Screen::Calls,
            Action::ShowLogs => nav.screen = Screen::Logs,
            Action::ShowAlerts => nav.screen = Screen::Alerts,
            Action::ShowSilences => nav.screen = Screen::Silences,
            Action::Command => nav.overlay = Some(Overlay::Command(tui_input::Input::default())),
            Action::MarkDeploy => {
                let set = self.deploy.is_none();
                let target = self.target_name.clone();
                self.record_event(crate::model::recording::Event::Deploy {
                    t_ms: now_ms,
                    target,
                    set,
                });
                if self.deploy.take().is_some() {
                    self.toast("deploy mark cleared", false, now_ms);
                } else {
                    let before = self.shown_dashboard().stats.clone();
                    self.deploy = Some(super::DeployMark {
                        t_ms: now_ms,
                        target: self.target_name.clone(),
                        before,
                    });
                    self.toast(
                        "deploy marked: the tiles show the values before it; D again clears",
                        false,
                        now_ms,
                    );
                }
            }
            Action::Snapshot => self.ask_report(now_ms),
            Action::NextScreen => nav.screen = nav.screen.cycle(1, self.fleet.is_some()),
            Action::PrevScreen => nav.screen = nav.screen.cycle(-1, self.fleet.is_some()),
            Action::Up => self.move_cursor(-1),
            Action::Down => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-PAGE),
            Action::PageDown => self.move_cursor(PAGE),
            Action::Top => self.move_cursor(isize::MIN / 2),
            Action::Bottom => self.move_cursor(isize::MAX / 2),
            Action::NextServer | Action::PrevServer => {
                let n = self.mcp.servers.len();
                if n == 0 {
                    return false;
                }
                let d = if action == Action::NextServer {
                    1
                } else {
                    n - 1
                };
                nav.server = (nav.server + d) % n;
                nav.tool = 0;
            }
            // The logs and the fleet have their own filters (`log_action`, `fleet_action`):
            // this is the tools screen's, the third mode with a filter.
            Action::Filter => nav.filtering = true,
            Action::Open => match nav.screen {
                Screen::Tools if nav.list != ListKind::Tools => self.open_selected_entry(now_ms),
                Screen::Tools => self.open_selected_tool(now_ms),
                Screen::Calls => match self.mcp.calls().nth(nav.call) {
                    Some(c) => {
                        nav.overlay = Some(Overlay::Call {
                            id: c.id,
                            scroll: 0,
                        })
                    }
                    None => return false,
                },
                Screen::Alerts => return self.open_alert(),
                _ => return false,
            },
            // The alerts and the silences screens, the only modes with these two.
            Action::Silence => self.begin_silence(None, now_ms),
            Action::Expire => self.begin_expire(now_ms),
            // The tools screen's, as `LogLevel`.
            Action::NextList => {
                nav.list = nav.list.next();
                nav.tool = 0;
                nav.filter.reset();
                nav.filtering = false;
            }
            Action::Refresh => self.command_selected(McpCommand::RefreshTools, now_ms),
            Action::Reconnect => self.command_selected(McpCommand::Reconnect, now_ms),
            Action::LogLevel => self.next_log_level(now_ms),
            Action::CursorBack
            | Action::CursorForward
            | Action::CursorOldest
            | Action::CursorLive
            | Action::CursorPrevMark
            | Action::CursorNextMark => return self.cursor_action(action, now_ms),
            Action::ReplayPause => self.replay_key(super::replay::ReplayKey::Pause, now_ms),
            Action::ReplayFaster => self.replay_key(super::replay::ReplayKey::Faster, now_ms),
            Action::ReplaySlower => self.replay_key(super::replay::ReplayKey::Slower, now_ms),
            // Modes of their own: the logs screen's (`log_action`) and the fleet's
            // (`fleet_action`) handle them before this.
            Action::Pause | Action::Wrap | Action::EditQuery => return false,
            Action::Sort | Action::SortReverse => return false,
            // Tools by their numbers' own (`tool_table_action`).
            Action::Collapse => return false,
        }
        true
    }

    /// Moves the cursor of the screen in view.
    fn move_cursor(&mut self, delta: isize) {
        let nav = &mut self.nav;
        match nav.screen {
            Screen::Tools => {
                let len = self
                    .mcp
                    .servers
                    .get(nav.server)
                    .map_or(0, |s| match nav.list {
                        ListKind::Tools => filter_tools(&s.tools, nav.filter.value()).len(),
                        kind => catalog_rows(&s.catalog, kind, nav.filter.value()).len(),
                    });
                nav.tool = step(nav.tool, delta, len);
            }
            Screen::Calls => nav.call = step(nav.call, delta, self.mcp.calls().len()),
            // The log pane moves in `log_action`.
            Screen::Logs => {}
            Screen::Alerts => nav.alert = step(nav.alert, delta, self.alerts.rows().len()),
            Screen::Silences => {
                nav.silence = step(nav.silence, delta, self.alerts.silences().len())
            }
            // The fleet and the tools by their numbers move in their own handlers.
            Screen::Overview | Screen::Fleet | Screen::ToolStats => {}
        }
    }

    fn filter_key(&mut self, ev: &KeyEvent) -> bool {
        let nav = &mut self.nav;
        match ev.code {
            KeyCode::Enter => nav.filtering = false,
            KeyCode::Esc => {
                nav.filter.reset();
                nav.filtering = false;
            }
            _ => {
                nav.filter.handle_event(&Event::Key(*ev));
            }
        }
        nav.tool = 0;
        true
    }

    /// A key in an overlay; `action` is the key's in the overlay's mode (none in those that
    /// take text).
    fn overlay_key(
        &mut self,
        overlay: Overlay,
        ev: &KeyEvent,
        action: Option<Action>,
        now_ms: i64,
    ) -> bool {
        match overlay {
            Overlay::AlertDetail(d) => return self.detail_key(d, ev, action, now_ms),
            Overlay::LogDetail { seq, scroll } => {
                return self.log_detail_key(seq, scroll, ev, action);
            }
            Overlay::LogQuery(input) => return self.log_query_key(input, ev, now_ms),
            Overlay::Command(input) => return self.command_key(input, ev, now_ms),
            Overlay::SilenceForm(f) => return self.silence_form_key(f, ev, now_ms),
            Overlay::SilenceConfirm(w) => return self.silence_confirm_key(w, ev, now_ms),
            Overlay::FetchForm(f) => return self.fetch_form_key(f, ev, now_ms),
            Overlay::Elicit(e) => return self.elicit_key(e, ev, now_ms),
            Overlay::Authorize { server, input } => {
                return self.paste_key(server, input, ev, now_ms);
            }
            Overlay::Fetch { id, scroll } => {
                return self.fetch_view_key(id, scroll, ev, action, now_ms);
            }
            Overlay::Form(mut f) => match form_key(&mut f.form, &mut self.raw_editor, ev) {
                FormEvent::Cancel => {}
                FormEvent::Submit(arguments) => {
                    let mut pending = f.pending;
                    pending.arguments = arguments;
                    self.after_form(pending, now_ms);
                }
                FormEvent::Changed => self.nav.overlay = Some(Overlay::Form(f)),
                FormEvent::Ignored => {
                    self.nav.overlay = Some(Overlay::Form(f));
                    return false;
                }
            },
            Overlay::Confirm(mut c) => {
                let confirmed = if c.explicit {
                    match ev.code {
                        KeyCode::Enter => {
                            let typed = c.typed.value().trim();
                            if !typed.is_empty() && typed == c.pending.tool.name {
                                true
                            } else {
                                self.toast(
                                    "type the tool name exactly to confirm, or Esc to cancel",
                                    true,
                                    now_ms,
                                );
                                self.nav.overlay = Some(Overlay::Confirm(c));
                                return true;
                            }
                        }
                        KeyCode::Esc => false,
                        _ => {
                            c.typed.handle_event(&Event::Key(*ev));
                            self.nav.overlay = Some(Overlay::Confirm(c));
                            return true;
                        }
                    }
                } else {
                    match ev.code {
                        KeyCode::Char('y' | 'Y') => true,
                        KeyCode::Char('n' | 'N') | KeyCode::Esc => false,
                        _ => {
                            self.nav.overlay = Some(Overlay::Confirm(c));
                            return false;
                        }
                    }
                };
                if confirmed {
                    self.send(c.pending, now_ms);
                } else {
                    self.toast("not called: nothing was sent", false, now_ms);
                }
            }
            Overlay::Call { id, scroll } => {
                let running = self.mcp.call(id).is_some_and(|c| c.is_running());
                let page = PAGE as u16;
                let scroll = match (ev.code, action) {
                    (KeyCode::Esc, _) if running => {
                        self.cancel(id, now_ms);
                        scroll
                    }
                    // Closed (a running call goes on; its result is in the history).
                    (KeyCode::Esc | KeyCode::Char('b'), _) => return true,
                    (_, Some(Action::Quit)) => {
                        self.quit = true;
                        return true;
                    }
                    (_, Some(Action::Up)) => scroll.saturating_sub(1),
                    (_, Some(Action::Down)) => scroll.saturating_add(1),
                    (_, Some(Action::PageUp)) => scroll.saturating_sub(page),
                    (_, Some(Action::PageDown)) => scroll.saturating_add(page),
                    _ => {
                        self.nav.overlay = Some(Overlay::Call { id, scroll });
                        return false;
                    }
                };
                self.nav.overlay = Some(Overlay::Call { id, scroll });
            }
        }
        true
    }
}
