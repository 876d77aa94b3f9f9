//! The scrape-body parser (`model::exposition::parse`), in both formats.
//!
//! Never panics; a parse that succeeds yields well-formed names, the `# EOF` flag its format
//! implies and families its name index finds; and in text format the samples, written back
//! out with the format's escapes, parse to the same samples.

#![no_main]

use std::fmt::Write as _;

use libfuzzer_sys::fuzz_target;
use mcptop::model::exposition::{Exposition, Format, Sample, parse};

fuzz_target!(|data: &[u8]| {
    // Scrapes decode the body the same way.
    let text = String::from_utf8_lossy(data);
    for format in [Format::Text, Format::OpenMetrics] {
        let Ok(exp) = parse(&text, format) else {
            continue;
        };
        check(&exp, format);
        if format == Format::Text {
            round_trip(&exp.samples);
        }
    }
});

fn check(exp: &Exposition<'_>, format: Format) {
    assert_eq!(exp.format, format);
    assert_eq!(exp.saw_eof, format == Format::OpenMetrics);
    for s in &exp.samples {
        assert!(name_ok(s.name), "sample name {:?}", s.name);
        for (label, _) in &s.labels {
            assert!(name_ok(label), "label name {label:?}");
        }
        if let Some(e) = &s.exemplar {
            assert_eq!(format, Format::OpenMetrics, "exemplar in text format");
            for (label, _) in &e.labels {
                assert!(name_ok(label), "exemplar label name {label:?}");
            }
        }
        // Looks up the family by suffix; must not panic whatever the name.
        let _ = exp.type_of(s.name);
    }
    for (i, f) in exp.families.iter().enumerate() {
        assert!(name_ok(f.name), "family name {:?}", f.name);
        assert!(
            exp.families[..i].iter().all(|g| g.name != f.name),
            "family {:?} declared twice",
            f.name
        );
        let found = exp.family(f.name).map(|g| g.name);
        assert_eq!(found, Some(f.name));
    }
}

/// Bare (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or the content of a quoted name: non-empty, and without
/// the quote, backslash or line break the parser cannot hold in a borrowed name.
fn name_ok(name: &str) -> bool {
    !name.is_empty() && !name.contains(['"', '\\', '\n'])
}

fn bare(name: &str, colon: bool) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || (colon && c == ':'))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || (colon && c == ':'))
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn write_sample(out: &mut String, s: &Sample<'_>) {
    let mut labels: Vec<String> = Vec::new();
    if bare(s.name, true) {
        out.push_str(s.name);
    } else {
        labels.push(format!("\"{}\"", s.name));
    }
    for (name, value) in &s.labels {
        let name = if bare(name, false) {
            name.to_string()
        } else {
            format!("\"{name}\"")
        };
        labels.push(format!("{name}=\"{}\"", escape(value)));
    }
    if !labels.is_empty() {
        let _ = write!(out, "{{{}}}", labels.join(","));
    }
    let value = match s.value {
        v if v.is_nan() => "NaN".to_string(),
        v if v == f64::INFINITY => "+Inf".to_string(),
        v if v == f64::NEG_INFINITY => "-Inf".to_string(),
        v => format!("{v:?}"),
    };
    let _ = write!(out, " {value}");
    if let Some(ts) = s.timestamp_ms {
        let _ = write!(out, " {ts}");
    }
    out.push('\n');
}

fn same(a: &Sample<'_>, b: &Sample<'_>) -> bool {
    let value = a.value.to_bits() == b.value.to_bits() || (a.value.is_nan() && b.value.is_nan());
    a.name == b.name
        && a.labels == b.labels
        && value
        && a.timestamp_ms == b.timestamp_ms
        && a.exemplar == b.exemplar
}

fn round_trip(samples: &[Sample<'_>]) {
    let mut out = String::new();
    for s in samples {
        write_sample(&mut out, s);
    }
    let again = match parse(&out, Format::Text) {
        Ok(exp) => exp,
        Err(e) => panic!("written samples do not parse: {e}\n{out}"),
    };
    assert_eq!(again.samples.len(), samples.len(), "{out}");
    for (a, b) in samples.iter().zip(&again.samples) {
        assert!(same(a, b), "{a:?} became {b:?}\n{out}");
    }
}
