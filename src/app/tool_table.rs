//! The tools-by-their-numbers screen's keys: move, sort (`o`/`O`), filter (`/`), fold a
//! module (Space), open a tool's view (Enter); in the view, Enter opens the tool's call
//! form on the server that lists it and Esc goes back to the table. The table itself is
//! [`crate::screen::tool_table`]; its rows are the shown dashboard's
//! ([`crate::model::tool_stats`]).

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use super::App;
use crate::action::Action;
use crate::model::tool_stats::ToolRow;
use crate::screen::tool_table::TableLine;

/// Lines moved by PageUp/PageDown.
const PAGE: usize = 10;

impl App {
    /// The rows of the table: the tools of the dashboard in view, at the time cursor's
    /// instant when it is in the past.
    fn tool_rows(&self) -> Vec<ToolRow> {
        self.cursor_stats().tools.clone()
    }

    /// Keys of the tools-by-their-numbers screen and of a tool's view; `None` hands the
    /// action to the common handling (screen keys, help, quit).
    pub(super) fn tool_table_action(&mut self, action: Action, now_ms: i64) -> Option<bool> {
        let rows = self.tool_rows();
        let t = &mut self.nav.tool_table;
        if let Some(name) = t.open.clone() {
            match action {
                Action::Back => t.open = None,
                Action::Open => self.call_from_view(&name, now_ms),
                _ => return None,
            }
            return Some(true);
        }
        let n = t.lines(&rows).len();
        match action {
            Action::Up => t.select(&rows, t.row.saturating_sub(1)),
            Action::Down => t.select(&rows, t.row + 1),
            Action::PageUp => t.select(&rows, t.row.saturating_sub(PAGE)),
            Action::PageDown => t.select(&rows, t.row + PAGE),
            Action::Top => t.select(&rows, 0),
            Action::Bottom => t.select(&rows, n.saturating_sub(1)),
            Action::Sort => {
                t.order.next_column();
                t.reselect(&rows);
            }
            Action::SortReverse => {
                t.order.descending = !t.order.descending;
                t.reselect(&rows);
            }
            Action::Filter => {
                t.filter = Input::new(t.order.filter.clone());
                t.filtering = true;
            }
            Action::Back => {
                if t.order.filter.is_empty() {
                    return Some(false);
                }
                t.order.filter.clear();
                t.reselect(&rows);
            }
            Action::Collapse => return Some(t.toggle(&rows)),
            Action::Open => match t.current(&rows) {
                Some(TableLine::Tool { row, .. }) => t.open = Some(row.tool.clone()),
                Some(TableLine::Module(_)) => return Some(t.toggle(&rows)),
                None => return Some(false),
            },
            _ => return None,
        }
        Some(true)
    }

    /// The table's filter line: typing filters as it goes; Enter keeps it, Esc clears it.
    pub(super) fn tool_table_filter_key(&mut self, ev: &KeyEvent) -> bool {
        let rows = self.tool_rows();
        let t = &mut self.nav.tool_table;
        match ev.code {
            KeyCode::Enter => t.filtering = false,
            KeyCode::Esc => {
                t.filter.reset();
                t.filtering = false;
            }
            _ => {
                t.filter.handle_event(&Event::Key(*ev));
            }
        }
        t.order.filter = t.filter.value().to_string();
        t.reselect(&rows);
        true
    }

    /// Enter in a tool's view: the call form of the first connected server listing `name`.
    fn call_from_view(&mut self, name: &str, now_ms: i64) {
        let found = self
            .mcp
            .servers
            .iter()
            .enumerate()
            .find_map(|(i, s)| s.tool(name).map(|t| (i, t.clone())));
        match found {
            Some((server, tool)) => self.open_tool_form(server, tool, now_ms),
            None => self.toast(
                &format!("no MCP server lists `{name}` (see [mcp.servers] or --mcp)"),
                true,
                now_ms,
            ),
        }
    }
}
