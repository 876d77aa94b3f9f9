//! Driving an [`App`] without a terminal: keys in, a rendered screen (TestBackend) out.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mcptop::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The screen `app` draws at `now_ms` in a `w` x `h` terminal, as text.
pub fn render(app: &App, now_ms: i64, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    terminal
        .draw(|f| mcptop::ui::draw_with(f, &app.view(now_ms), &app.theme, app.widgets()))
        .expect("draw");
    terminal.backend().to_string()
}

/// Presses one key without modifiers.
pub fn key(app: &mut App, now: i64, code: KeyCode) {
    app.on_key_at(&KeyEvent::new(code, KeyModifiers::NONE), now);
}

/// Types `text`, one character key each.
pub fn keys(app: &mut App, now: i64, text: &str) {
    for c in text.chars() {
        key(app, now, KeyCode::Char(c));
    }
}
