//! Tool calls by module: a bar per module with its share and rate.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::Scene;
use super::fit::{fit_pad, width};
use super::format;
use crate::model::stats::ModuleShare;

/// Rows the panel wants for the screen height: one per module, within limits.
pub fn height(view: &Scene, screen_height: u16) -> u16 {
    let wanted = view.stats.modules.len().max(1) as u16 + 2;
    let cap = if screen_height >= 40 { 12 } else { 7 };
    wanted.clamp(4, cap)
}

pub fn render(view: &Scene, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(t.border())
        .title(Span::styled(
            format!(" Tool calls by module ({}) ", format::span(view.window)),
            t.title(),
        ));
    let inner = block.inner(area);
    let modules = &view.stats.modules;
    let lines = if view
        .dashboard
        .profile()
        .is_some_and(|p| p.tool_label.is_none())
    {
        vec![Line::styled("this profile has no tool label", t.muted())]
    } else if modules.is_empty() {
        vec![Line::styled(
            format!("no tool calls in the last {}", format::span(view.window)),
            t.muted(),
        )]
    } else {
        let rows = fold(modules, inner.height as usize);
        let name_w = rows
            .iter()
            .map(|m| width(&m.module))
            .max()
            .unwrap_or(0)
            .min(16);
        let bar_w = (inner.width as usize).saturating_sub(name_w + 2 + 20);
        // Bars are relative to the busiest module, so small differences stay visible.
        let top = rows
            .iter()
            .map(|m| m.per_sec)
            .fold(f64::MIN_POSITIVE, f64::max);
        rows.iter()
            .map(|m| {
                let filled = ((m.per_sec / top * bar_w as f64).round() as usize)
                    .max(usize::from(m.per_sec > 0.0))
                    .min(bar_w);
                Line::from(vec![
                    Span::styled(fit_pad(&m.module, name_w) + "  ", t.text()),
                    Span::styled("█".repeat(filled), Style::new().fg(t.bar)),
                    Span::raw(" ".repeat(bar_w - filled)),
                    Span::styled(
                        format!(
                            " {:>6} {:>8}/min",
                            format::percent(m.share),
                            format::number(m.per_sec * 60.0)
                        ),
                        t.text(),
                    ),
                ])
            })
            .collect()
    };
    Paragraph::new(lines).block(block).render(area, buf);
}

/// At most `rows` rows: when there are more modules, the smallest are summed as "other".
fn fold(modules: &[ModuleShare], rows: usize) -> Vec<ModuleShare> {
    if modules.len() <= rows || rows == 0 {
        return modules.to_vec();
    }
    let keep = rows - 1;
    let mut out = modules[..keep].to_vec();
    let rest = &modules[keep..];
    out.push(ModuleShare {
        module: "other".into(),
        per_sec: rest.iter().map(|m| m.per_sec).sum(),
        share: rest.iter().map(|m| m.share).sum(),
    });
    out
}
