//! One tool's view (Enter on the tools-by-their-numbers table): its numbers with their
//! levels, its own rate over the history, its latency distribution (the histogram's
//! buckets as bars, the P95 warn/crit thresholds marked), its error types, and, where a
//! connected MCP server lists it, its description, inputSchema and the key that calls it
//! (Enter, the tools screen's call form).

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Paragraph, Widget, Wrap};

use super::Scene;
use super::fit::{fit, fit_pad, pad_left};
use super::format;
use super::level::{Level, LevelStyle};
use super::mcp_text;
use super::tool_table::listed;
use crate::action::Action;
use crate::model::tool_stats::ToolRow;

pub fn render(view: &Scene, name: &str, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let row = view.stats.tools.iter().find(|r| r.tool == name);
    let tool = listed(view, name);
    let mut title = vec![Span::styled(format!(" {name} "), t.title())];
    if let Some(r) = row {
        title.push(Span::styled(format!("· module {} ", r.module), t.muted()));
    }
    if let Some(tool) = tool {
        for b in mcp_text::badges(&tool.hints, t) {
            title.push(b);
            title.push(Span::raw(" "));
        }
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    let Some(row) = row else {
        let text = format!(
            " no calls of {name} in the last {} · Esc goes back to the table",
            format::span(view.window)
        );
        Line::styled(text, t.muted()).render(inner, buf);
        return;
    };
    let bottom_h = (inner.height.saturating_sub(2) / 2).max(4);
    let [numbers, chart, bottom] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(bottom_h),
    ])
    .areas(inner);
    Paragraph::new(number_lines(view, row)).render(numbers, buf);
    rate_chart(view, name, chart, buf);
    let [dist, side] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    distribution(view, row, dist, buf);
    let err_h = (row.error_types.len().clamp(1, 5) as u16 + 2).min(side.height);
    let [errors, schema] =
        Layout::vertical([Constraint::Length(err_h), Constraint::Min(0)]).areas(side);
    error_types(view, row, errors, buf);
    schema_panel(view, name, schema, buf);
}

/// The tool's tiles in two lines: rate, share and errors; the quantiles with their levels
/// and the calls they are of.
fn number_lines(view: &Scene, r: &ToolRow) -> Vec<Line<'static>> {
    let t = view.theme;
    let th = view.thresholds;
    let graded = |label: &str, text: String, level: Level| {
        vec![
            Span::styled(format!(" {label} "), t.muted()),
            Span::styled(
                format!("{text} {} {}  ", level.symbol(), level.word()),
                level.style(t),
            ),
        ]
    };
    let plain = |label: &str, text: String| {
        vec![
            Span::styled(format!(" {label} "), t.muted()),
            Span::styled(format!("{text}  "), t.text()),
        ]
    };
    let mut first = plain("calls/s", format::number(r.per_sec));
    first.extend(plain("share", format::percent(r.share)));
    first.extend(graded(
        "errors",
        r.error_ratio.map_or("–".into(), format::percent),
        Level::of(r.error_ratio, th.error_rate_warn, th.error_rate_crit),
    ));
    first.extend(plain("top error", r.top_error().unwrap_or("–").to_string()));
    let l = &r.latency;
    let q = |v: Option<f64>, lower: bool| match v {
        Some(x) if lower => format!("> {}", format::latency(x)),
        Some(x) => format::latency(x),
        None => "–".into(),
    };
    let mut second = plain("P50", q(l.p50, false));
    second.extend(graded(
        "P95",
        q(l.p95, l.p95_lower_bound),
        Level::of_bound(
            l.p95,
            l.p95_lower_bound,
            th.p95_warn.as_secs_f64(),
            th.p95_crit.as_secs_f64(),
        ),
    ));
    second.extend(graded(
        "P99",
        q(l.p99, l.p99_lower_bound),
        Level::of_bound(
            l.p99,
            l.p99_lower_bound,
            th.p99_warn.as_secs_f64(),
            th.p99_crit.as_secs_f64(),
        ),
    ));
    let n = format!("n={} calls in {}", r.calls_n(), format::span(view.window));
    let n_style = if r.rare() {
        Style::new().fg(t.warn)
    } else {
        t.muted()
    };
    second.push(Span::styled(n, n_style));
    if r.rare() {
        second.push(Span::styled(": too few for a trend", n_style));
    }
    vec![Line::from(first), Line::from(second)]
}

/// The tool's calls per second over the history ([`crate::model::tool_history`]).
fn rate_chart(view: &Scene, name: &str, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let h = &view.dashboard.tool_history;
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(vec![
            Span::styled(
                format!(" Calls/s of this tool ({}) ", format::span(view.history)),
                t.title(),
            ),
            Span::styled(
                format!(
                    "rate[{}] ",
                    format::span(std::time::Duration::from_millis(h.range_ms.max(0) as u64))
                ),
                t.muted(),
            ),
        ]));
    let end = view.now_ms as f64 / 1000.0;
    let start = end - view.history.as_secs_f64();
    let points: Vec<(f64, f64)> = h
        .of(name)
        .map(|(t_ms, v)| (t_ms as f64 / 1000.0, v))
        .filter(|(x, _)| *x >= start)
        .collect();
    if points.is_empty() {
        let why = if view.fleet.and_then(|f| f.query()).is_some() {
            "no points yet: the API's query_range by tool has not answered"
        } else {
            "no points yet: rate() needs two scrapes"
        };
        Paragraph::new(Line::styled(why, t.muted()))
            .block(block)
            .render(area, buf);
        return;
    }
    let max = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let top = if max > 0.0 { max * 1.1 } else { 1.0 };
    let data = vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(Style::new().fg(t.requests))
            .data(&points),
    ];
    let history = format::span(view.history);
    Chart::new(data)
        .block(block)
        .x_axis(
            Axis::default()
                .bounds([start, end])
                .style(t.muted())
                .labels([format!("-{history}"), "now".into()]),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, top])
                .style(t.muted())
                .labels(["0".to_string(), format::number(top)]),
        )
        .render(area, buf);
}

/// The histogram's buckets as bars of the calls each holds in the window (`le` upper
/// bounds, from the tool's `sum by (le) (rate(bucket[range]))`), the buckets past the P95
/// warn and crit thresholds in their colours and the thresholds marked where they fall.
fn distribution(view: &Scene, r: &ToolRow, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let th = view.thresholds;
    let (warn, crit) = (th.p95_warn.as_secs_f64(), th.p95_crit.as_secs_f64());
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            format!(
                " Latency distribution · P95 warn {} crit {} ",
                format::latency(warn),
                format::latency(crit)
            ),
            t.title(),
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    if r.latency_buckets.is_empty() {
        let why = if view.fleet.and_then(|f| f.query()).is_some() {
            " query mode asks the API for quantiles, not buckets"
        } else {
            " no buckets of this tool in the window"
        };
        Line::styled(why, t.muted()).render(inner, buf);
        return;
    }
    let range_s = view.dashboard.stats.range_ms as f64 / 1000.0;
    // (lower bound, le, calls in the bucket)
    let mut bars: Vec<(f64, f64, f64)> = Vec::new();
    let (mut lower, mut below) = (0.0, 0.0);
    for &(le, cumulative) in &r.latency_buckets {
        bars.push((lower, le, ((cumulative - below) * range_s).max(0.0)));
        lower = le;
        below = cumulative;
    }
    // The buckets from the first with calls to the last with calls or a threshold.
    let busy = |b: &(f64, f64, f64)| b.2 >= 0.5;
    let first = bars.iter().position(busy).unwrap_or(0);
    let marks = |b: &(f64, f64, f64)| (b.0 < warn && warn <= b.1) || (b.0 < crit && crit <= b.1);
    let last = bars
        .iter()
        .rposition(|b| busy(b) || marks(b))
        .unwrap_or(bars.len() - 1);
    let shown = &bars[first.min(last)..=last];
    let skip = shown.len().saturating_sub(inner.height as usize);
    let shown = &shown[skip..];
    let top = shown.iter().map(|b| b.2).fold(0.0, f64::max);
    let label_w = 9;
    let count_w = 7;
    let mark_w = 14;
    let bar_w = (inner.width as usize).saturating_sub(label_w + count_w + mark_w + 2);
    let lines: Vec<Line> = shown
        .iter()
        .map(|&(lo, le, calls)| {
            let label = if le.is_infinite() {
                format!("> {}", format::latency(lo))
            } else {
                format!("≤ {}", format::latency(le))
            };
            let filled = if top > 0.0 {
                ((calls / top * bar_w as f64).round() as usize)
                    .max(usize::from(calls >= 0.5))
                    .min(bar_w)
            } else {
                0
            };
            let color = if lo >= crit {
                t.crit
            } else if lo >= warn {
                t.warn
            } else {
                t.bar
            };
            let mark = match (lo < warn && warn <= le, lo < crit && crit <= le) {
                (true, true) => Span::styled(
                    fit_pad(" ◀ warn, crit", mark_w),
                    Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
                ),
                (false, true) => Span::styled(
                    fit_pad(" ◀ crit", mark_w),
                    Style::new().fg(t.crit).add_modifier(Modifier::BOLD),
                ),
                (true, false) => Span::styled(fit_pad(" ◀ warn", mark_w), Style::new().fg(t.warn)),
                (false, false) => Span::raw(" ".repeat(mark_w)),
            };
            Line::from(vec![
                Span::styled(format!(" {}", fit_pad(&label, label_w)), t.muted()),
                Span::styled("█".repeat(filled), Style::new().fg(color)),
                Span::raw(" ".repeat(bar_w - filled)),
                Span::styled(
                    pad_left(
                        &if calls < 0.5 {
                            "0".into()
                        } else {
                            format::number(calls)
                        },
                        count_w,
                    ),
                    t.text(),
                ),
                mark,
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// Errors per second by type, with each type's share of the tool's errors.
fn error_types(view: &Scene, r: &ToolRow, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(" Error types ", t.title()));
    let inner = block.inner(area);
    block.render(area, buf);
    if r.error_types.iter().all(|(_, e)| *e <= 0.0) {
        Line::styled(
            format!(" no errors in the last {}", format::span(view.window)),
            t.muted(),
        )
        .render(inner, buf);
        return;
    }
    let name_w = (inner.width as usize).saturating_sub(20).max(8);
    let lines: Vec<Line> = r
        .error_types
        .iter()
        .take(inner.height as usize)
        .map(|(kind, per_sec)| {
            let share = if r.err_per_sec > 0.0 {
                per_sec / r.err_per_sec
            } else {
                0.0
            };
            let kind = if kind.is_empty() {
                "(no type)"
            } else {
                kind.as_str()
            };
            Line::from(vec![
                Span::styled(
                    format!(" {}", fit_pad(kind, name_w)),
                    Style::new().fg(t.crit),
                ),
                Span::styled(
                    format!(
                        "{:>8}/s {:>7}",
                        format::number(*per_sec),
                        format::percent(share)
                    ),
                    t.text(),
                ),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// The description and inputSchema of the server that lists the tool, and the call key;
/// or why there is none.
fn schema_panel(view: &Scene, name: &str, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let server = view.mcp.servers.iter().find(|s| s.tool(name).is_some());
    let key = view
        .keymap
        .key_for(Action::Open)
        .map(|k| k.label())
        .unwrap_or_default();
    let title = match server {
        Some(s) => format!(" Schema · {} · {key} calls it ", s.name),
        None => " Schema ".to_string(),
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(title, t.title()));
    let Some(tool) = server.and_then(|s| s.tool(name)) else {
        Paragraph::new(Line::styled(
            "no connected MCP server lists this tool (see [mcp.servers] or --mcp): no schema, no call",
            t.muted(),
        ))
        .wrap(Wrap { trim: true })
        .block(block)
        .render(area, buf);
        return;
    };
    let width = area.width.saturating_sub(3) as usize;
    let mut lines: Vec<Line> = Vec::new();
    if let Some(d) = &tool.description {
        for l in d.lines().take(2) {
            lines.push(Line::styled(format!(" {}", fit(l, width)), t.text()));
        }
    }
    let schema = serde_json::to_string_pretty(&tool.input_schema).unwrap_or_default();
    for l in schema.lines() {
        lines.push(Line::styled(format!(" {}", fit(l, width)), t.muted()));
    }
    Paragraph::new(lines).block(block).render(area, buf);
}
