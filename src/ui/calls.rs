//! The calls screen: the history of tools/call, newest first.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Widget};

use super::Scene;
use super::fit::fit;
use super::format;
use super::mcp_text::{args_inline, outcome};
use crate::model::mcp::state::CallOrigin;

/// Columns: when, server, tool, outcome, took, from, arguments.
const WIDTHS: [Constraint; 7] = [
    Constraint::Length(9),
    Constraint::Length(10),
    Constraint::Length(24),
    Constraint::Length(16),
    Constraint::Length(8),
    Constraint::Length(7),
    Constraint::Min(10),
];

/// Display columns of each of [`WIDTHS`] in a table `width` wide, as the table lays them
/// out (one column between cells), so that every cell is fitted with `…` before the table
/// would clip it without a mark.
fn column_widths(width: u16) -> [usize; 7] {
    let cells = Layout::horizontal(WIDTHS)
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(0, 0, width, 1));
    std::array::from_fn(|i| cells.get(i).map_or(0, |r| usize::from(r.width)))
}

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let total = view.mcp.calls().len();
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            format!(" Calls ({total}, newest first; Enter shows one) "),
            t.title(),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    if total == 0 {
        Paragraph::new(Span::styled(
            "no tools/call yet: pick a tool on the Tools screen (2) and press Enter, or press a bound key",
            t.muted(),
        ))
        .render(inner, buf);
        return;
    }
    let rows_fit = inner.height.saturating_sub(1) as usize;
    let selected = view.nav.call.min(total - 1);
    let offset = selected.saturating_sub(rows_fit.saturating_sub(1));
    let w = column_widths(inner.width);
    let cell = |text: &str, i: usize, style: Style| {
        Cell::from(Span::styled(fit(text, w[i]).into_owned(), style))
    };
    let rows: Vec<Row> = view
        .mcp
        .calls()
        .enumerate()
        .skip(offset)
        .take(rows_fit)
        .map(|(i, c)| {
            let (word, color) = outcome(c, t);
            let server = view
                .mcp
                .servers
                .get(c.server)
                .map_or("?", |s| s.name.as_str());
            let ago = format::age((view.now_ms - c.started_ms).max(0) as f64 / 1000.0);
            let took = match c.elapsed {
                Some(d) => format::latency(d.as_secs_f64()),
                None => format::age((view.now_ms - c.started_ms).max(0) as f64 / 1000.0),
            };
            let origin = match &c.origin {
                CallOrigin::Form => "form".to_string(),
                CallOrigin::Binding(k) => format!("key {k}"),
            };
            // The selected row is one colour pair, so no cell's colour fights it.
            let pick = |style: Style| if i == selected { t.selected() } else { style };
            Row::new(vec![
                cell(&format!("{ago} ago"), 0, pick(t.muted())),
                cell(server, 1, pick(t.text())),
                cell(&c.tool, 2, pick(t.text())),
                cell(&word, 3, pick(Style::new().fg(color))),
                cell(&took, 4, pick(t.text())),
                cell(&origin, 5, pick(t.muted())),
                cell(&args_inline(&c.arguments, w[6]), 6, pick(t.muted())),
            ])
            .style(pick(Style::new()))
        })
        .collect();
    let header = Row::new([
        "when",
        "server",
        "tool",
        "outcome",
        "took",
        "from",
        "arguments",
    ])
    .style(t.title());
    Table::new(rows, WIDTHS).header(header).render(inner, buf);
}
