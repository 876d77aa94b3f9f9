//! Times mcptop's exposition parser on a file, for `scripts/parse-vs-promtool.sh`.
//!
//! ```text
//! cargo run --release --example parse_exposition -- FILE [RUNS]
//! cargo run --release --example parse_exposition -- --generate OUT [SCRAPE]
//! ```
//!
//! `FILE [RUNS]` reads FILE (text format 0.0.4) once, then parses it RUNS times (default
//! 20) both ways mcptop does and prints one line of `key=value` pairs, times in seconds:
//! `zero_copy_mean_s` / `zero_copy_min_s` for `model::exposition::parse` (names and label
//! values borrowed from the text), `owned_mean_s` / `owned_min_s` for
//! `sources::scrape::parse` (what a scrape hands to the model: owned, sorted series keys),
//! then `samples`, `lines` and `bytes`.
//!
//! `--generate OUT [SCRAPE]` writes the benchmarks' own exposition (the Rust twin of
//! `scripts/gen-exposition.py`, in `benches/support/exposition.rs`) to OUT, so the script
//! can check that the two generators agree.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use mcptop::model::exposition::{self, Format};
use mcptop::sources::scrape;

#[path = "../benches/support/exposition.rs"]
mod generator;

const USAGE: &str =
    "usage: parse_exposition FILE [RUNS] | parse_exposition --generate OUT [SCRAPE]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, out, rest @ ..] if flag == "--generate" && rest.len() <= 1 => {
            count(rest.first(), 0).and_then(|scrape| generate(out, scrape))
        }
        [file, rest @ ..] if !file.starts_with('-') && rest.len() <= 1 => {
            count(rest.first(), 20).and_then(|runs| time(file, runs))
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("parse_exposition: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A non-negative integer argument, or `default` when absent.
fn count(arg: Option<&String>, default: u64) -> Result<u64, String> {
    arg.map_or(Ok(default), |s| {
        s.parse()
            .map_err(|_| format!("{s:?} is not a non-negative integer\n{USAGE}"))
    })
}

/// Writes scrape `scrape` of the generator to `out`; scrape 0 must have the size the
/// benchmarks pin ([`generator::LINES`], [`generator::BYTES`]).
fn generate(out: &str, scrape: u64) -> Result<(), String> {
    let text = generator::generate(scrape);
    let lines = text.lines().count();
    if scrape == 0 && (lines, text.len()) != (generator::LINES, generator::BYTES) {
        return Err(format!(
            "the generator wrote {lines} lines and {} bytes, not the pinned {} and {}",
            text.len(),
            generator::LINES,
            generator::BYTES
        ));
    }
    std::fs::write(out, text).map_err(|e| format!("{out}: {e}"))
}

fn time(file: &str, runs: u64) -> Result<(), String> {
    if runs == 0 {
        return Err("RUNS must be at least 1".into());
    }
    let text = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
    let mut samples = 0;
    let zero_copy = repeat(runs, || {
        let expo = exposition::parse(&text, Format::Text).map_err(|e| format!("{file}: {e}"))?;
        samples = expo.samples.len();
        Ok(())
    })?;
    let owned = repeat(runs, || {
        scrape::parse(&text, Format::Text)
            .map(drop)
            .map_err(|e| format!("{file}: {e}"))
    })?;
    println!(
        "zero_copy_mean_s={:.6} zero_copy_min_s={:.6} owned_mean_s={:.6} owned_min_s={:.6} \
         runs={runs} samples={samples} lines={} bytes={}",
        zero_copy.0.as_secs_f64(),
        zero_copy.1.as_secs_f64(),
        owned.0.as_secs_f64(),
        owned.1.as_secs_f64(),
        text.lines().count(),
        text.len(),
    );
    Ok(())
}

/// Runs `f` `runs` times; the mean and the shortest run.
fn repeat(
    runs: u64,
    mut f: impl FnMut() -> Result<(), String>,
) -> Result<(Duration, Duration), String> {
    let mut total = Duration::ZERO;
    let mut min = Duration::MAX;
    for _ in 0..runs {
        let started = Instant::now();
        f()?;
        let took = started.elapsed();
        total += took;
        min = min.min(took);
    }
    Ok((total.div_f64(runs as f64), min))
}
