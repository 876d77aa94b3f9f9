//! The confirmation asked before a call that is not read-only, or that a binding's
//! `confirm = true` asks for: server, tool, arguments (masked), why it is asked, and for a
//! destructive tool a line where its name must be typed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use super::Scene;
use super::mcp_text::badges;
use crate::model::mcp::mask::mask_json;
use crate::model::mcp::state::CallOrigin;
use crate::screen::nav::{Confirm, PendingCall};

pub fn render(view: &Scene, c: &Confirm, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let p = &c.pending;
    let server = view.mcp.servers.get(p.server);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("server    ", t.muted()),
            Span::styled(
                server.map_or("?".to_string(), |s| s.name.clone()),
                t.text().add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                server.map_or(String::new(), |s| format!("  {}", s.endpoint)),
                t.muted(),
            ),
        ]),
        Line::from({
            let mut spans = vec![
                Span::styled("tool      ", t.muted()),
                Span::styled(p.tool.name.clone(), t.text().add_modifier(Modifier::BOLD)),
                Span::raw("  "),
            ];
            for b in badges(&p.tool.hints, t) {
                spans.push(b);
                spans.push(Span::raw(" "));
            }
            spans
        }),
        Line::styled("arguments", t.muted()),
    ];
    let args =
        serde_json::to_string_pretty(&mask_json(&serde_json::Value::Object(p.arguments.clone())))
            .unwrap_or_default();
    const SHOWN: usize = 12;
    lines.extend(
        args.lines()
            .take(SHOWN)
            .map(|l| Line::styled(format!("  {l}"), t.text())),
    );
    let hidden = args.lines().count().saturating_sub(SHOWN);
    if hidden > 0 {
        lines.push(Line::styled(
            format!("  … {hidden} more lines (Esc, then Ctrl-R in the form shows them all)"),
            Style::new().fg(t.warn),
        ));
    }
    lines.push(Line::raw(""));
    let crit = Style::new().fg(t.crit).add_modifier(Modifier::BOLD);
    if c.explicit {
        lines.push(Line::styled(
            "⚠ May be destructive (destructiveHint, or no hint saying otherwise).",
            crit,
        ));
        lines.push(Line::styled(
            format!(
                "Type the tool name `{}` and press Enter to call it:",
                p.tool.name
            ),
            t.text(),
        ));
        lines.push(Line::from(vec![
            Span::styled("> ", t.title()),
            Span::styled(c.typed.value().to_string(), t.text()),
            Span::styled(" ", Style::new().add_modifier(Modifier::REVERSED)),
        ]));
    } else {
        lines.push(Line::styled(why_asked(p), Style::new().fg(t.warn)));
        lines.push(Line::from(vec![
            Span::styled(" y ", Style::new().fg(t.ok).add_modifier(Modifier::BOLD)),
            Span::styled("call   ", t.text()),
            Span::styled(" n / Esc ", t.title()),
            Span::styled("do not call", t.text()),
        ]));
    }
    // Rows after wrapping at the dialog's inner width.
    let inner_w = area.width.min(76).saturating_sub(2).max(1) as usize;
    let rows: usize = lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(inner_w))
        .sum();
    let height = (rows as u16 + 2).min(area.height);
    let popup = super::centered_fixed(area, 76, height);
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::new()
                .borders(Borders::ALL)
                .border_style(Style::new().fg(if c.explicit { t.crit } else { t.warn }))
                .title(Span::styled(" Confirm tools/call ", t.title()))
                .title_bottom(Span::styled(
                    if c.explicit {
                        " Enter confirm · Esc cancel "
                    } else {
                        " y call · n/Esc cancel "
                    },
                    t.muted(),
                )),
        )
        .render(popup, buf);
}

/// Why a y/n confirmation is asked: the tool is not annotated read-only, or (for a read-only
/// tool) the binding that called it sets `confirm = true`.
fn why_asked(p: &PendingCall) -> String {
    if !p.tool.hints.is_read_only() {
        return "This tool is not marked read-only: it may change something.".to_string();
    }
    match &p.origin {
        CallOrigin::Binding(key) => format!(
            "Asked because the binding on {key} sets confirm = true ([[bindings]] in the \
             config); the tool itself is marked read-only."
        ),
        CallOrigin::Form => "Asked because confirm = true is set for this call; the tool itself \
                             is marked read-only."
            .to_string(),
    }
}
