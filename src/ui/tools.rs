//! The tools screen: the selected server's tools (filterable) beside the selected tool's
//! description, annotations, arguments and last call. A description keeps its line breaks
//! in the detail; an argument's is drawn on one line (tabs and line breaks as spaces, never
//! deleted: `Returns:\tyes` is `Returns: yes`), both through [`crate::inbound`]'s guards.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};
use serde_json::Value;

use super::Scene;
use super::fit::{fit, fit_pad, fit_spans, width};
use super::format;
use super::mcp_text::{badges, badges_short, outcome};
use crate::inbound::{self, one_line};
use crate::model::mcp::state::ServerState;
use crate::model::mcp::{TaskSupport, ToolInfo};
use crate::screen::catalog::ListKind;
use crate::screen::nav::filter_tools;

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    if let Some(server) = view.mcp.servers.get(view.nav.server)
        && super::authorize::render(view, server, area, buf)
    {
        return;
    }
    if view.nav.list != ListKind::Tools {
        super::catalog::render(view, area, buf);
        return;
    }
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let Some(server) = view.mcp.servers.get(view.nav.server) else {
        return;
    };
    let visible = filter_tools(&server.tools, view.nav.filter.value());
    render_list(view, server, &visible, list, buf);
    let tool = visible
        .get(view.nav.tool)
        .and_then(|i| server.tools.get(*i));
    render_detail(view, tool, detail, buf);
}

fn render_list(
    view: &Scene,
    server_state: &ServerState,
    visible: &[usize],
    area: Rect,
    buf: &mut Buffer,
) {
    let t = view.theme;
    let server = &server_state.name;
    let tools = &server_state.tools;
    let filter = view.nav.filter.value();
    let mut title = vec![Span::styled(
        format!(" Tools of {server} ({}/{}) ", visible.len(), tools.len()),
        t.title(),
    )];
    let title_w = area.width.saturating_sub(2) as usize;
    if view.nav.filtering || !filter.is_empty() {
        title.push(Span::styled(
            format!("/{filter}{} ", if view.nav.filtering { "▏" } else { "" }),
            Style::new().fg(t.accent),
        ));
    }
    fit_spans(&mut title, title_w);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut inner = inner;
    if let Some(e) = &server_state.tools_error {
        let [err, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        // The source's errors name the request: `tools/list: no answer in 30 s`.
        let text = format!("✖ {}", crate::model::mcp::mask::mask_text(e));
        Line::styled(fit(&text, err.width as usize), Style::new().fg(t.crit)).render(err, buf);
        inner = rest;
    }
    let rows = inner.height as usize;
    if tools.is_empty() {
        let why = if server_state.tools_at_ms.is_some() {
            "the server lists no tools"
        } else if server_state.tools_error.is_some() {
            "no tools listed"
        } else if server_state.is_connected() {
            "listing tools…"
        } else {
            "no tools listed yet (not connected)"
        };
        Paragraph::new(Line::styled(why, t.muted())).render(inner, buf);
        return;
    }
    let selected = view.nav.tool.min(visible.len().saturating_sub(1));
    let offset = selected.saturating_sub(rows.saturating_sub(1));
    let name_w = visible
        .iter()
        .filter_map(|i| tools.get(*i))
        .map(|t| width(&t.name))
        .max()
        .unwrap_or(0)
        .min(inner.width as usize / 2);
    let lines: Vec<Line> = visible
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .filter_map(|(row, i)| tools.get(*i).map(|tool| (row, tool)))
        .map(|(row, tool)| {
            let mut style = t.text();
            if row == selected {
                style = t.selected();
            }
            let mut spans = vec![
                Span::styled(if row == selected { "▶" } else { " " }, t.title()),
                Span::styled(fit_pad(&tool.name, name_w), style),
                Span::raw(" "),
            ];
            let list = if inner.width < 70 {
                badges_short(&tool.hints, t)
            } else {
                badges(&tool.hints, t)
            };
            for b in list.into_iter().chain(task_badge(tool, t)) {
                spans.push(b);
                spans.push(Span::raw(" "));
            }
            fit_spans(&mut spans, inner.width as usize);
            Line::from(spans)
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

fn render_detail(view: &Scene, tool: Option<&ToolInfo>, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let Some(tool) = tool else {
        Block::new()
            .borders(Borders::ALL)
            .border_style(t.border())
            .render(area, buf);
        return;
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            fit(
                &format!(" {} ", tool.name),
                area.width.saturating_sub(2) as usize,
            )
            .into_owned(),
            t.title(),
        ));
    let mut lines = Vec::new();
    if let Some(title) = &tool.title {
        lines.push(Line::styled(
            one_line(title).into_owned(),
            t.text().add_modifier(Modifier::BOLD),
        ));
    }
    // The description keeps its line breaks here (tabs become spaces); lists show it on one
    // line.
    if let Some(d) = &tool.description {
        lines.extend(
            inbound::lines(d)
                .into_iter()
                .map(|l| Line::styled(l, t.text())),
        );
    }
    let b = badges(&tool.hints, t);
    if !b.is_empty() {
        let mut spans = vec![Span::styled("annotations ", t.muted())];
        for s in b {
            spans.push(s);
            spans.push(Span::raw(" "));
        }
        lines.push(Line::from(spans));
    }
    let confirm = if tool.hints.is_read_only() {
        "read-only: called without confirmation"
    } else if tool.hints.is_destructive() {
        "may be destructive: you type its name to confirm"
    } else {
        "not read-only: asks y/n before calling"
    };
    lines.push(Line::styled(confirm, t.muted()));
    if let Some(badge) = task_badge(tool, t) {
        lines.push(Line::from(vec![
            Span::styled("execution ", t.muted()),
            badge,
            Span::styled(
                " called as a task: its status polled (tasks/get), Esc cancels it (tasks/cancel)",
                t.muted(),
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("arguments (inputSchema)", t.title()));
    lines.extend(argument_lines(view, &tool.input_schema));
    let server = view.nav.server;
    if let Some(call) = view.mcp.last_call_of(server, &tool.name) {
        lines.push(Line::raw(""));
        let (word, color) = outcome(call, t);
        let ago = format::age((view.now_ms - call.started_ms).max(0) as f64 / 1000.0);
        let took = call
            .elapsed
            .map(|d| format!(" in {}", format::latency(d.as_secs_f64())))
            .unwrap_or_default();
        lines.push(Line::from(vec![
            Span::styled("last call ", t.muted()),
            Span::styled(word, Style::new().fg(color)),
            Span::styled(format!("{took}, {ago} ago (3 shows all calls)"), t.muted()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Enter: call this tool · v: resources, prompts",
        t.muted(),
    ));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block)
        .render(area, buf);
}

/// `name* type — description` per property; `*` marks required ones.
fn argument_lines(view: &Scene, schema: &Value) -> Vec<Line<'static>> {
    let t = view.theme;
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return vec![Line::styled("  none", t.muted())];
    };
    if props.is_empty() {
        return vec![Line::styled("  none", t.muted())];
    }
    props
        .iter()
        .map(|(name, p)| {
            let ty = match p.get("type") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Array(a)) => a
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("|"),
                _ if p.get("enum").is_some() => "enum".into(),
                _ if p.get("anyOf").or_else(|| p.get("oneOf")).is_some() => "one of".into(),
                _ => "json".into(),
            };
            let star = if required.contains(&name.as_str()) {
                "*"
            } else {
                ""
            };
            let desc = p
                .get("description")
                .and_then(Value::as_str)
                .map(|d| format!(" — {}", one_line(d)))
                .unwrap_or_default();
            Line::from(vec![
                Span::styled(format!("  {}{star} ", one_line(name)), t.text()),
                Span::styled(ty, Style::new().fg(t.accent)),
                Span::styled(desc, t.muted()),
            ])
        })
        .collect()
}

/// `[task]` for a tool that must be called as a task (`execution.taskSupport: "required"`,
/// MCP 2025-11-25); nothing for any other.
fn task_badge(tool: &ToolInfo, t: &super::theme::Theme) -> Option<Span<'static>> {
    (tool.task == TaskSupport::Required).then(|| Span::styled("[task]", Style::new().fg(t.accent)))
}
