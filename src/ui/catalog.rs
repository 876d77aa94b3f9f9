//! The tools screen's resources and prompts lists (`v` cycles through tools, resources,
//! prompts): name, URI, mime type and size of each resource, then the resource templates;
//! each prompt with its arguments. Beside the list, the selected entry in full. Every text
//! came through the source's cleaner; descriptions keep their line breaks in the detail.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::Scene;
use super::fit::{fit, fit_pad, fit_spans, width};
use super::format;
use crate::inbound::{self, one_line};
use crate::model::mcp::McpError;
use crate::model::mcp::catalog::{Catalog, Listed, entries};
use crate::model::mcp::mask::mask_text;
use crate::model::mcp::state::ServerState;
use crate::screen::catalog::{CatalogRow, ListKind, catalog_rows};

/// Draws the list in view (resources or prompts) and the selected entry.
pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let [list, detail] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let Some(server) = view.mcp.servers.get(view.nav.server) else {
        return;
    };
    let rows = catalog_rows(&server.catalog, view.nav.list, view.nav.filter.value());
    render_list(view, server, &rows, list, buf);
    let selected = rows.get(view.nav.tool.min(rows.len().saturating_sub(1)));
    render_detail(view, &server.catalog, selected.copied(), detail, buf);
}

/// `(name, note)` of a row: the URI (or template) with mime type and size for a resource
/// (`◉` first when the operator follows it), the arguments for a prompt.
fn row_text(server: &ServerState, row: CatalogRow) -> Option<(String, String)> {
    let cat = &server.catalog;
    match row {
        CatalogRow::Resource(i) => entries(&cat.resources).get(i).map(|r| {
            let mut note = Vec::new();
            if server.subscriptions.contains_key(&r.uri) {
                note.push("◉ followed".to_string());
            }
            note.push(r.uri.clone());
            note.extend(r.mime.clone());
            note.extend(r.size.map(|b| format::bytes(b as f64)));
            (r.name.clone(), note.join("  "))
        }),
        CatalogRow::Template(i) => entries(&cat.templates).get(i).map(|t| {
            let mut note = vec![format!("template {}", t.uri_template)];
            note.extend(t.mime.clone());
            (t.name.clone(), note.join("  "))
        }),
        CatalogRow::Prompt(i) => entries(&cat.prompts).get(i).map(|p| {
            let args: Vec<String> = p
                .arguments
                .iter()
                .map(|a| format!("{}{}", a.name, if a.required { "*" } else { "" }))
                .collect();
            (p.name.clone(), args.join(" "))
        }),
    }
}

fn render_list(
    view: &Scene,
    server: &ServerState,
    rows: &[CatalogRow],
    area: Rect,
    buf: &mut Buffer,
) {
    let t = view.theme;
    let cat = &server.catalog;
    let kind = view.nav.list;
    let total = match kind {
        ListKind::Prompts => entries(&cat.prompts).len(),
        _ => entries(&cat.resources).len() + entries(&cat.templates).len(),
    };
    let filter = view.nav.filter.value();
    let mut title = vec![Span::styled(
        format!(
            " {} of {} ({}/{total}) ",
            kind.title(),
            server.name,
            rows.len()
        ),
        t.title(),
    )];
    if view.nav.filtering || !filter.is_empty() {
        title.push(Span::styled(
            format!("/{filter}{} ", if view.nav.filtering { "▏" } else { "" }),
            Style::new().fg(t.accent),
        ));
    }
    fit_spans(&mut title, area.width.saturating_sub(2) as usize);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Line::from(title));
    let mut inner = block.inner(area);
    block.render(area, buf);
    let errors: Vec<&McpError> = match kind {
        ListKind::Prompts => err(&cat.prompts).into_iter().collect(),
        _ => err(&cat.resources)
            .into_iter()
            .chain(err(&cat.templates))
            .collect(),
    };
    for e in errors {
        let [line, rest] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
        let text = format!("✖ {}", mask_text(&e.to_string()));
        Line::styled(fit(&text, line.width as usize), Style::new().fg(t.crit)).render(line, buf);
        inner = rest;
    }
    if rows.is_empty() {
        let (offered, listed) = match kind {
            ListKind::Prompts => (cat.offers_prompts, cat.prompts.is_some()),
            _ => (cat.offers_resources, cat.resources.is_some()),
        };
        let noun = kind.title().to_lowercase();
        let why = if !server.is_connected() && !listed {
            format!("no {noun} listed yet (not connected)")
        } else if server.info.is_some() && !offered && !listed {
            format!("the server does not offer {noun} (no `{noun}` capability)")
        } else if !listed {
            format!("listing {noun}…")
        } else if total > 0 {
            "nothing matches the filter".to_string()
        } else {
            format!("the server lists no {noun}")
        };
        Paragraph::new(Line::styled(why, t.muted())).render(inner, buf);
        return;
    }
    let rows_h = inner.height as usize;
    let selected = view.nav.tool.min(rows.len().saturating_sub(1));
    let offset = selected.saturating_sub(rows_h.saturating_sub(1));
    let texts: Vec<(String, String)> = rows.iter().filter_map(|r| row_text(server, *r)).collect();
    let name_w = texts
        .iter()
        .map(|(n, _)| width(n))
        .max()
        .unwrap_or(0)
        .min(inner.width as usize / 2);
    let lines: Vec<Line> = texts
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_h)
        .map(|(row, (name, note))| {
            let style = if row == selected {
                t.selected()
            } else {
                t.text()
            };
            let mut spans = vec![
                Span::styled(if row == selected { "▶" } else { " " }, t.title()),
                Span::styled(fit_pad(&one_line(name), name_w), style),
                Span::raw(" "),
                Span::styled(one_line(note).into_owned(), t.muted()),
            ];
            fit_spans(&mut spans, inner.width as usize);
            Line::from(spans)
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

fn err<T>(l: &Listed<T>) -> Option<&McpError> {
    l.as_ref().and_then(|r| r.as_ref().err())
}

fn render_detail(
    view: &Scene,
    cat: &Catalog,
    row: Option<CatalogRow>,
    area: Rect,
    buf: &mut Buffer,
) {
    let t = view.theme;
    let block = Block::new().borders(Borders::ALL).border_style(t.border());
    let Some(row) = row else {
        block.render(area, buf);
        return;
    };
    let field = |k: &str, v: String| {
        Line::from(vec![
            Span::styled(format!("{k} "), t.muted()),
            Span::styled(one_line(&v).into_owned(), t.text()),
        ])
    };
    let mut lines = Vec::new();
    let (name, title, description, enter) = match row {
        CatalogRow::Resource(i) => {
            let Some(r) = entries(&cat.resources).get(i) else {
                return;
            };
            lines.push(field(
                "uri",
                mask_text(&crate::text::url::redact(&r.uri)).into_owned(),
            ));
            lines.extend(r.mime.clone().map(|m| field("mimeType", m)));
            lines.extend(
                r.size
                    .map(|b| field("size", format!("{} ({b} bytes)", format::bytes(b as f64)))),
            );
            (
                &r.name,
                &r.title,
                &r.description,
                "Enter: read it (resources/read)",
            )
        }
        CatalogRow::Template(i) => {
            let Some(tp) = entries(&cat.templates).get(i) else {
                return;
            };
            lines.push(field("uriTemplate", tp.uri_template.clone()));
            lines.extend(tp.mime.clone().map(|m| field("mimeType", m)));
            let vars = crate::model::mcp::catalog::template_vars(&tp.uri_template);
            lines.push(field("variables", vars.join(", ")));
            (
                &tp.name,
                &tp.title,
                &tp.description,
                "Enter: fill in its variables, then read",
            )
        }
        CatalogRow::Prompt(i) => {
            let Some(p) = entries(&cat.prompts).get(i) else {
                return;
            };
            lines.push(Line::styled("arguments (* required)", t.title()));
            if p.arguments.is_empty() {
                lines.push(Line::styled("  none", t.muted()));
            }
            for a in &p.arguments {
                let star = if a.required { "*" } else { "" };
                let desc = a
                    .description
                    .as_deref()
                    .map(|d| format!(" — {}", one_line(d)))
                    .unwrap_or_default();
                lines.push(Line::from(vec![
                    Span::styled(format!("  {}{star}", one_line(&a.name)), t.text()),
                    Span::styled(desc, t.muted()),
                ]));
            }
            let enter = if p.arguments.is_empty() {
                "Enter: get it (prompts/get)"
            } else {
                "Enter: fill in its arguments, then get it (prompts/get)"
            };
            (&p.name, &p.title, &p.description, enter)
        }
    };
    let mut head = Vec::new();
    if let Some(title) = title {
        head.push(Line::styled(
            one_line(title).into_owned(),
            t.text().add_modifier(Modifier::BOLD),
        ));
    }
    if let Some(d) = description {
        head.extend(
            inbound::lines(d)
                .into_iter()
                .map(|l| Line::styled(l, t.text())),
        );
    }
    head.extend(lines);
    head.push(Line::raw(""));
    head.push(Line::styled(enter, t.muted()));
    let block = block.title(Span::styled(
        fit(
            &format!(" {} ", one_line(name)),
            area.width.saturating_sub(2) as usize,
        )
        .into_owned(),
        t.title(),
    ));
    Paragraph::new(head)
        .wrap(Wrap { trim: false })
        .block(block)
        .render(area, buf);
}
