//! Parsing one large `/metrics` body: the 112,026-line, 14.3 MB histogram-heavy text
//! exposition (format 0.0.4) of an MCP gateway that `benches/support/exposition.rs`
//! generates at start (the same text as `scripts/gen-exposition.py`; no Python needed).
//!
//! Two measurements, time per whole body:
//! - `model::exposition::parse`: the zero-copy parse (names and label values borrowed).
//! - `sources::scrape::parse`: the same parse turned into the owned, sorted series keys a
//!   scrape hands to the model; this is what every scrape of such a target costs.
//!
//! Run: `cargo bench --bench exposition` (add `-- --warm-up-time 1 --measurement-time 3`
//! for a short run). `scripts/parse-vs-promtool.sh` compares the parser with
//! `promtool check metrics` on the same text.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mcptop::model::exposition::{self, Format};
use mcptop::sources::scrape;

#[path = "support/exposition.rs"]
mod generator;

fn bench(c: &mut Criterion) {
    let text = generator::generate(0);
    assert_eq!(
        (text.lines().count(), text.len()),
        (generator::LINES, generator::BYTES),
        "the generator drifted from scripts/gen-exposition.py's size"
    );
    let samples = exposition::parse(&text, Format::Text)
        .expect("the generated text parses")
        .samples
        .len();
    let mut group = c.benchmark_group(format!(
        "parse {} lines, {:.1} MB, {samples} samples",
        generator::LINES,
        generator::BYTES as f64 / 1e6
    ));
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(20);
    group.bench_function("zero-copy exposition::parse", |b| {
        b.iter(|| {
            exposition::parse(std::hint::black_box(&text), Format::Text)
                .expect("the generated text parses")
                .samples
                .len()
        })
    });
    group.bench_function("owned scrape::parse", |b| {
        b.iter(|| {
            scrape::parse(std::hint::black_box(&text), Format::Text)
                .expect("the generated text parses")
                .len()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
