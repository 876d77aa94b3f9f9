//! The tools-by-their-numbers table as data: the rows of [`ToolRow`]s sorted by any
//! column and filtered by a substring (as the fleet's, [`crate::model::fleet`]), grouped
//! under their modules, which fold; the selected line, kept on the same tool or module
//! when a refresh, sort or filter moves it; and the tool whose view is open.

use std::cmp::Ordering;
use std::collections::BTreeSet;

use tui_input::Input;

use crate::model::tool_stats::ToolRow;

/// A column of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToolColumn {
    Tool,
    /// Calls per second: the default, busiest first.
    #[default]
    Calls,
    Share,
    Errors,
    TopError,
    P50,
    P95,
    P99,
}

impl ToolColumn {
    pub const ALL: [ToolColumn; 8] = [
        ToolColumn::Tool,
        ToolColumn::Calls,
        ToolColumn::Share,
        ToolColumn::Errors,
        ToolColumn::TopError,
        ToolColumn::P50,
        ToolColumn::P95,
        ToolColumn::P99,
    ];

    /// Header text.
    pub fn title(self) -> &'static str {
        match self {
            ToolColumn::Tool => "TOOL",
            ToolColumn::Calls => "CALLS/S",
            ToolColumn::Share => "SHARE",
            ToolColumn::Errors => "ERR %",
            ToolColumn::TopError => "TOP ERROR",
            ToolColumn::P50 => "P50",
            ToolColumn::P95 => "P95",
            ToolColumn::P99 => "P99",
        }
    }

    /// The next column (`step` 1) or the one before (`-1`), wrapping.
    pub fn cycle(self, step: isize) -> ToolColumn {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0) as isize;
        Self::ALL[(i + step).rem_euclid(Self::ALL.len() as isize) as usize]
    }

    /// Whether the column sorts largest first when chosen: numbers do (the worst tool on
    /// top), names do not.
    pub fn descending_first(self) -> bool {
        !matches!(self, ToolColumn::Tool | ToolColumn::TopError)
    }
}

/// How the table is ordered and filtered.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolOrder {
    pub column: ToolColumn,
    pub descending: bool,
    /// Case-insensitive substring of the tool, its module or its top error type.
    pub filter: String,
}

impl Default for ToolOrder {
    fn default() -> Self {
        ToolOrder {
            column: ToolColumn::Calls,
            descending: true,
            filter: String::new(),
        }
    }
}

impl ToolOrder {
    /// Sorts by the next column (its own first direction).
    pub fn next_column(&mut self) {
        self.column = self.column.cycle(1);
        self.descending = self.column.descending_first();
    }

    /// The rows that pass the filter, in order. Missing numbers sort last either way;
    /// ties keep tool order.
    pub fn apply<'a>(&self, rows: &'a [ToolRow]) -> Vec<&'a ToolRow> {
        let needle = self.filter.to_lowercase();
        let mut out: Vec<&ToolRow> = rows
            .iter()
            .filter(|r| {
                needle.is_empty()
                    || r.tool.to_lowercase().contains(&needle)
                    || r.module.to_lowercase().contains(&needle)
                    || r.top_error()
                        .is_some_and(|e| e.to_lowercase().contains(&needle))
            })
            .collect();
        out.sort_by(|a, b| self.compare(a, b).then_with(|| a.tool.cmp(&b.tool)));
        out
    }

    fn compare(&self, a: &ToolRow, b: &ToolRow) -> Ordering {
        let num =
            |x: Option<f64>, y: Option<f64>| crate::model::fleet::by_number(x, y, self.descending);
        let text = |x: Option<&str>, y: Option<&str>| match (x, y) {
            (Some(x), Some(y)) => {
                let o = x.cmp(y);
                if self.descending { o.reverse() } else { o }
            }
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        match self.column {
            ToolColumn::Tool => text(Some(a.tool.as_str()), Some(b.tool.as_str())),
            ToolColumn::Calls => num(Some(a.per_sec), Some(b.per_sec)),
            ToolColumn::Share => num(Some(a.share), Some(b.share)),
            ToolColumn::Errors => num(a.error_ratio, b.error_ratio),
            ToolColumn::TopError => text(a.top_error(), b.top_error()),
            ToolColumn::P50 => num(a.latency.p50, b.latency.p50),
            ToolColumn::P95 => num(a.latency.p95, b.latency.p95),
            ToolColumn::P99 => num(a.latency.p99, b.latency.p99),
        }
    }
}

/// A module's line: its tools in view added up.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleLine {
    pub module: String,
    /// Tools of the module in view (after the filter).
    pub tools: usize,
    /// Calls and errors per second, and share, of those tools.
    pub per_sec: f64,
    pub share: f64,
    pub err_per_sec: f64,
    /// Its tools are folded into this line.
    pub collapsed: bool,
}

impl ModuleLine {
    /// errors / calls (0..1); `None` without calls.
    pub fn error_ratio(&self) -> Option<f64> {
        (self.per_sec > 0.0).then_some(self.err_per_sec / self.per_sec)
    }
}

/// A line of the table.
#[derive(Debug, Clone, PartialEq)]
pub enum TableLine<'a> {
    Module(ModuleLine),
    /// A tool; `grouped` when it is drawn under its module's line.
    Tool {
        row: &'a ToolRow,
        grouped: bool,
    },
}

/// What the cursor is on, by name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Picked {
    Module(String),
    Tool(String),
}

/// The table's order, filter, folds, cursor and open tool.
#[derive(Debug, Default)]
pub struct ToolTable {
    pub order: ToolOrder,
    /// Selected line of [`ToolTable::lines`].
    pub row: usize,
    selected: Option<Picked>,
    /// The filter line while it has the keyboard.
    pub filter: Input,
    pub filtering: bool,
    /// Modules whose tools are folded into their line.
    pub collapsed: BTreeSet<String>,
    /// The tool whose view is open (Enter), by name.
    pub open: Option<String>,
}

impl ToolTable {
    /// The lines in view: the filtered, sorted tools, each module's after its line, the
    /// modules in the order of their first tool. A module has a line of its own when it
    /// has more than one tool; a module of one tool (or a tool that is its own module,
    /// ToolHive's `server`) is its tool's line alone.
    pub fn lines<'a>(&self, rows: &'a [ToolRow]) -> Vec<TableLine<'a>> {
        let sorted = self.order.apply(rows);
        let mut modules: Vec<&str> = Vec::new();
        for r in &sorted {
            if !modules.contains(&r.module.as_str()) {
                modules.push(&r.module);
            }
        }
        let mut out = Vec::new();
        for m in modules {
            let tools: Vec<&ToolRow> = sorted.iter().copied().filter(|r| r.module == m).collect();
            // Decided on every row, not those in view, so a filter does not change it.
            let own_line = rows.iter().filter(|r| r.module == m).count() > 1;
            if !own_line {
                out.extend(tools.into_iter().map(|row| TableLine::Tool {
                    row,
                    grouped: false,
                }));
                continue;
            }
            let collapsed = self.collapsed.contains(m);
            out.push(TableLine::Module(ModuleLine {
                module: m.to_string(),
                tools: tools.len(),
                per_sec: tools.iter().map(|r| r.per_sec).sum(),
                share: tools.iter().map(|r| r.share).sum(),
                err_per_sec: tools.iter().map(|r| r.err_per_sec).sum(),
                collapsed,
            }));
            if !collapsed {
                out.extend(
                    tools
                        .into_iter()
                        .map(|row| TableLine::Tool { row, grouped: true }),
                );
            }
        }
        out
    }

    /// Selects line `row` of [`ToolTable::lines`] (clamped).
    pub fn select(&mut self, rows: &[ToolRow], row: usize) {
        let lines = self.lines(rows);
        let row = row.min(lines.len().saturating_sub(1));
        self.selected = lines.get(row).map(picked);
        self.row = row;
    }

    /// Finds the selected tool or module again after the rows changed order or content;
    /// one that is gone leaves the cursor where it was.
    pub fn reselect(&mut self, rows: &[ToolRow]) {
        let found = self
            .selected
            .as_ref()
            .and_then(|p| self.lines(rows).iter().position(|l| &picked(l) == p));
        self.select(rows, found.unwrap_or(self.row));
    }

    /// The line under the cursor.
    pub fn current<'a>(&self, rows: &'a [ToolRow]) -> Option<TableLine<'a>> {
        self.lines(rows).into_iter().nth(self.row)
    }

    /// Folds or unfolds the module of the line under the cursor (a module's line, or a
    /// grouped tool's), and keeps the cursor on the module. Returns whether anything
    /// changed (a tool alone in its module has nothing to fold).
    pub fn toggle(&mut self, rows: &[ToolRow]) -> bool {
        let module = match self.current(rows) {
            Some(TableLine::Module(m)) => m.module,
            Some(TableLine::Tool { row, grouped: true }) => row.module.clone(),
            _ => return false,
        };
        if !self.collapsed.remove(&module) {
            self.collapsed.insert(module.clone());
        }
        self.selected = Some(Picked::Module(module));
        self.reselect(rows);
        true
    }
}

fn picked(line: &TableLine<'_>) -> Picked {
    match line {
        TableLine::Module(m) => Picked::Module(m.module.clone()),
        TableLine::Tool { row, .. } => Picked::Tool(row.tool.clone()),
    }
}

#[cfg(test)]
#[path = "tool_table_tests.rs"]
mod tests;
