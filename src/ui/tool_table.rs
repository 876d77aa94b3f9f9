//! Tools by their numbers: one row per tool of the metrics (calls/s, share, error %, top
//! error type, P50/P95/P99 with `(n=7)` for a rare tool, a sparkline of its rate over the
//! history), under its module's line (folded with Space), with the badges and description
//! of the MCP server that lists it; sorted by the column marked ▼/▲, filtered with `/`.

use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};

use super::Scene;
use super::fit::{fit, fit_pad, fit_spans, pad_left, width};
use super::format;
use super::level::{Level, LevelStyle};
use super::mcp_text;
use crate::model::mcp::ToolInfo;
use crate::model::tool_stats::ToolRow;
use crate::screen::tool_table::{ModuleLine, TableLine, ToolColumn};

/// Widths of the number columns.
const CALLS_W: usize = 8;
const SHARE_W: usize = 7;
const ERR_W: usize = 7;
const P_W: usize = 8;
/// ` (n=17)` beside the quantiles of a rare tool.
const N_W: usize = 7;

/// The columns' widths for a table `w` wide: the tool's, the top error's, the
/// sparkline's and the description's (0: not drawn). The tool name is served first, the
/// description last.
#[derive(Debug, Clone, Copy)]
struct Widths {
    tool: usize,
    top_error: usize,
    spark: usize,
    description: usize,
}

impl Widths {
    fn of(w: usize) -> Widths {
        let rest = w.saturating_sub(1 + CALLS_W + SHARE_W + ERR_W + 3 * P_W + N_W);
        let tool = (rest * 2 / 5).max(rest.min(24)).min(40);
        let mut left = rest - tool;
        let top_error = if left >= 14 { 14 } else { 0 };
        left -= top_error;
        let spark = if left >= 8 { left.min(36) } else { 0 };
        left -= spark;
        let description = if left >= 12 { left } else { 0 };
        Widths {
            tool: tool + if description == 0 { left } else { 0 },
            top_error,
            spark,
            description,
        }
    }
}

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let rows = &view.stats.tools;
    let table = &view.nav.tool_table;
    let lines = table.lines(rows);
    let mut title = vec![Span::styled(
        format!(
            " By tool · {} tool{} ({}) ",
            rows.len(),
            if rows.len() == 1 { "" } else { "s" },
            format::span(view.window)
        ),
        t.title(),
    )];
    if !table.order.filter.is_empty() || table.filtering {
        let shown = lines
            .iter()
            .filter(|l| matches!(l, TableLine::Tool { .. }))
            .count();
        title.push(Span::styled(
            format!(" /{} ({shown} shown) ", table.order.filter),
            Style::new().fg(t.accent),
        ));
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let w = inner.width as usize;
    let widths = Widths::of(w);
    Line::from(header(view, widths)).render(head, buf);
    if lines.is_empty() {
        Line::styled(empty_text(view), t.muted()).render(body, buf);
        return;
    }
    let selected = table.row.min(lines.len() - 1);
    let height = body.height as usize;
    let offset = selected.saturating_sub(height.saturating_sub(1));
    for (n, line) in lines.iter().enumerate().skip(offset).take(height) {
        let area = Rect::new(body.x, body.y + (n - offset) as u16, body.width, 1);
        let mut spans = match line {
            TableLine::Module(m) => module_row(view, m, widths),
            TableLine::Tool { row, grouped } => tool_row(view, row, *grouped, widths),
        };
        fit_spans(&mut spans, w);
        Line::from(spans).render(area, buf);
        if n == selected {
            buf.set_style(area, t.selected());
        }
    }
}

/// Why the table is empty, in a line.
fn empty_text(view: &Scene) -> String {
    if view.no_target {
        return " no target: per-tool numbers come from --target URL or --prometheus URL".into();
    }
    if !view.nav.tool_table.order.filter.is_empty() {
        return " no tool matches the filter · Esc clears it".into();
    }
    if view
        .fleet
        .is_some_and(|f| f.scrape().is_some() && f.drilled.is_none())
    {
        return " tools are counted per target: drill into one from the fleet (0, Enter), then 7"
            .into();
    }
    match view.dashboard.profile() {
        Some(p) if p.tool_label.is_none() => format!(
            " the {} profile has no tool label: no per-tool numbers",
            p.kind
        ),
        _ => format!(" no tool calls in the last {}", format::span(view.window)),
    }
}

fn header(view: &Scene, w: Widths) -> Vec<Span<'static>> {
    let t = view.theme;
    let order = &view.nav.tool_table.order;
    let mut spans = vec![Span::raw(" ")];
    for c in ToolColumn::ALL {
        let mark = match (c == order.column, order.descending) {
            (false, _) => "",
            (true, true) => "▼",
            (true, false) => "▲",
        };
        let text = format!("{}{mark}", c.title());
        let cell = match c {
            ToolColumn::Tool => fit_pad(&text, w.tool),
            ToolColumn::TopError if w.top_error == 0 => continue,
            ToolColumn::TopError => format!(" {}", fit_pad(&text, w.top_error - 1)),
            ToolColumn::Calls => pad_left(&text, CALLS_W),
            ToolColumn::Share => pad_left(&text, SHARE_W),
            ToolColumn::Errors => pad_left(&text, ERR_W),
            ToolColumn::P50 | ToolColumn::P95 | ToolColumn::P99 => pad_left(&text, P_W),
        };
        let style = if c == order.column {
            Style::new().fg(t.accent).add_modifier(Modifier::BOLD)
        } else {
            t.muted().add_modifier(Modifier::BOLD)
        };
        spans.push(Span::styled(cell, style));
        if c == ToolColumn::P99 {
            spans.push(Span::raw(" ".repeat(N_W)));
        }
    }
    let muted = t.muted().add_modifier(Modifier::BOLD);
    if w.spark > 0 {
        spans.push(Span::styled(fit_pad(" RATE", w.spark), muted));
    }
    if w.description > 0 {
        spans.push(Span::styled(fit_pad(" DESCRIPTION", w.description), muted));
    }
    spans
}

/// Fits `text` right-aligned in `w` columns, a space before it.
fn num(text: &str, w: usize) -> String {
    pad_left(&fit(text, w - 1), w)
}

fn module_row(view: &Scene, m: &ModuleLine, w: Widths) -> Vec<Span<'static>> {
    let t = view.theme;
    let th = view.thresholds;
    let fold = if m.collapsed { "▸" } else { "▾" };
    let name = format!("{fold} {} ({})", m.module, m.tools);
    let ratio = m.error_ratio();
    let mut spans = vec![
        Span::raw(" "),
        Span::styled(
            fit_pad(&name, w.tool),
            t.title().add_modifier(Modifier::BOLD),
        ),
        Span::styled(num(&format::number(m.per_sec), CALLS_W), t.text()),
        Span::styled(num(&format::percent(m.share), SHARE_W), t.text()),
        Span::styled(
            num(&ratio.map_or("–".into(), format::percent), ERR_W),
            Level::of(ratio, th.error_rate_warn, th.error_rate_crit).style(t),
        ),
    ];
    if w.top_error > 0 {
        spans.push(Span::raw(" ".repeat(w.top_error)));
    }
    spans
}

fn tool_row(view: &Scene, r: &ToolRow, grouped: bool, w: Widths) -> Vec<Span<'static>> {
    let t = view.theme;
    let th = view.thresholds;
    let listed = listed(view, &r.tool);
    let indent = if grouped { "  " } else { "" };
    let mut name = vec![Span::styled(format!("{indent}{}", r.tool), t.text())];
    if let Some(tool) = listed {
        for b in mcp_text::badges_short(&tool.hints, t) {
            name.push(Span::raw(" "));
            name.push(b);
        }
    }
    fit_spans(&mut name, w.tool);
    let used: usize = name.iter().map(|s| width(&s.content)).sum();
    name.push(Span::raw(" ".repeat(w.tool.saturating_sub(used))));

    let mut spans = vec![Span::raw(" ")];
    spans.extend(name);
    spans.push(Span::styled(
        num(&format::number(r.per_sec), CALLS_W),
        t.text(),
    ));
    spans.push(Span::styled(
        num(&format::percent(r.share), SHARE_W),
        t.text(),
    ));
    spans.push(Span::styled(
        num(&r.error_ratio.map_or("–".into(), format::percent), ERR_W),
        Level::of(r.error_ratio, th.error_rate_warn, th.error_rate_crit).style(t),
    ));
    if w.top_error > 0 {
        let top = r.top_error().unwrap_or("");
        spans.push(Span::styled(
            format!(" {}", fit_pad(top, w.top_error - 1)),
            Style::new().fg(t.crit),
        ));
    }
    let l = &r.latency;
    spans.push(latency(view, l.p50, false, None));
    spans.push(latency(
        view,
        l.p95,
        l.p95_lower_bound,
        Some((th.p95_warn, th.p95_crit)),
    ));
    spans.push(latency(
        view,
        l.p99,
        l.p99_lower_bound,
        Some((th.p99_warn, th.p99_crit)),
    ));
    let n = if r.rare() {
        format!(" (n={})", r.calls_n())
    } else {
        String::new()
    };
    spans.push(Span::styled(fit_pad(&n, N_W), Style::new().fg(t.warn)));
    if w.spark > 0 {
        let cells = view.dashboard.tool_history.sparkline(&r.tool, w.spark - 1);
        spans.push(Span::styled(
            format!(" {}", fit_pad(&sparkline(&cells), w.spark - 1)),
            Style::new().fg(t.requests),
        ));
    }
    if w.description > 0 {
        let text = listed
            .and_then(|tool| tool.description.as_deref())
            .map(|d| d.lines().next().unwrap_or(""))
            .unwrap_or("");
        spans.push(Span::styled(
            format!(" {}", fit(text, w.description - 1)),
            t.muted(),
        ));
    }
    spans
}

/// A latency cell: `>1.00s` for a lower bound, graded against `(warn, crit)` when given.
fn latency(
    view: &Scene,
    v: Option<f64>,
    lower: bool,
    levels: Option<(Duration, Duration)>,
) -> Span<'static> {
    let t = view.theme;
    let text = match v {
        Some(x) if lower => format!(">{}", format::latency(x)),
        Some(x) => format::latency(x),
        None => "–".into(),
    };
    let style = match levels {
        Some((warn, crit)) => {
            Level::of_bound(v, lower, warn.as_secs_f64(), crit.as_secs_f64()).style(t)
        }
        None => t.text(),
    };
    Span::styled(num(&text, P_W), style)
}

/// The tool as the first MCP server that lists it declares it, if any.
pub(crate) fn listed<'a>(view: &'a Scene, tool: &str) -> Option<&'a ToolInfo> {
    view.mcp.servers.iter().find_map(|s| s.tool(tool))
}

/// Block characters for `cells` scaled to their largest; blank where 0.
pub(crate) fn sparkline(cells: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let top = cells
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    cells
        .iter()
        .map(|v| {
            if !v.is_finite() || *v <= 0.0 || top <= 0.0 {
                ' '
            } else {
                let i = ((v / top) * 7.0).round() as usize;
                BARS[i.min(7)]
            }
        })
        .collect()
}
