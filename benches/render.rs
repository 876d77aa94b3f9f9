//! One frame of the overview at 200x60 with every panel filled (header, tabs, the four
//! tiles, the request timeline over 1 h, tool calls by module, status bar): `App::view`
//! plus `ui::draw` into a ratatui `TestBackend`, from the render tests' state (ten minutes
//! of a demo-like server scraped every 2 s, `tests/support/fixture.rs`). Time per frame:
//!
//! - `steady`: drawn over the same frame, as each tick redraws an unchanged screen (ratatui
//!   diffs the buffers, so the backend receives nothing);
//! - `full repaint`: the terminal cleared first, so every cell goes to the backend.
//!
//! Run: `cargo bench --bench render` (add `-- --warm-up-time 1 --measurement-time 3` for a
//! short run).

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

#[path = "../tests/support/fixture.rs"]
#[allow(dead_code)]
mod fixture;

const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

fn bench(c: &mut Criterion) {
    let (app, now) = fixture::healthy_app();
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal");
    terminal
        .draw(|f| mcptop::ui::draw(f, &app.view(now), &app.theme))
        .expect("draw");
    let screen = terminal.backend().to_string();
    for panel in [
        "● UP",
        "1 Overview",
        "Requests/min",
        "Error rate",
        "P95 latency",
        "P99 latency",
        "Request timeline",
        "Tool calls by module",
        "notion",
    ] {
        assert!(screen.contains(panel), "{panel} missing:\n{screen}");
    }
    let mut group = c.benchmark_group(format!("overview frame {WIDTH}x{HEIGHT}"));
    group.bench_function("steady", |b| {
        b.iter(|| {
            terminal
                .draw(|f| mcptop::ui::draw(f, &app.view(std::hint::black_box(now)), &app.theme))
                .map(|frame| frame.area.width)
                .expect("draw")
        })
    });
    group.bench_function("full repaint", |b| {
        b.iter(|| {
            terminal.clear().expect("clear");
            terminal
                .draw(|f| mcptop::ui::draw(f, &app.view(std::hint::black_box(now)), &app.theme))
                .map(|frame| frame.area.width)
                .expect("draw")
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
