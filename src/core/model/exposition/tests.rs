//! Conformance table for `exposition.rs`: each row is an input, a format and
//! either the expected samples or the expected error line and message part.

use super::*;
use Format::{OpenMetrics as OM, Text};

const INF: f64 = f64::INFINITY;

/// Expected sample: name, labels, value, timestamp in ms.
type S = (
    &'static str,
    &'static [(&'static str, &'static str)],
    f64,
    Option<i64>,
);

enum Want {
    Ok(&'static [S]),
    Err(usize, &'static str),
}

struct Row {
    name: &'static str,
    format: Format,
    input: &'static str,
    want: Want,
}

const fn ok(name: &'static str, format: Format, input: &'static str, want: &'static [S]) -> Row {
    Row {
        name,
        format,
        input,
        want: Want::Ok(want),
    }
}

const fn bad(
    name: &'static str,
    format: Format,
    input: &'static str,
    line: usize,
    msg: &'static str,
) -> Row {
    Row {
        name,
        format,
        input,
        want: Want::Err(line, msg),
    }
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
    // Labels.
    ok("escaped label values", Text, "foo{a=\"x\\\\y\",b=\"q\\\"q\",c=\"l1\\nl2\"} 1\n",
       &[("foo", &[("a", "x\\y"), ("b", "q\"q"), ("c", "l1\nl2")], 1.0, None)]),
    ok("unknown escape kept verbatim", Text, "foo{a=\"C:\\temp\"} 1", &[("foo", &[("a", "C:\\temp")], 1.0, None)]),
    ok("label value with , = } {", Text, "foo{a=\"x,y=z}\",b=\"{w}\"} 2", &[("foo", &[("a", "x,y=z}"), ("b", "{w}")], 2.0, None)]),
    ok("label value with # and utf-8", OM, "foo{a=\"# héllo ✓\"} 2 # {t=\"1\"} 1\n# EOF\n", &[("foo", &[("a", "# héllo ✓")], 2.0, None)]),
    ok("empty label value", Text, "foo{a=\"\"} 2", &[("foo", &[("a", "")], 2.0, None)]),
    ok("empty label set", Text, "foo{} 3", &[("foo", &[], 3.0, None)]),
    ok("trailing comma (text)", Text, "foo{a=\"b\",} 4", &[("foo", &[("a", "b")], 4.0, None)]),
    bad("trailing comma (OpenMetrics)", OM, "foo{a=\"b\",} 4\n# EOF\n", 1, "trailing comma"),
    ok("whitespace variants", Text, "  foo \t{ a = \"b\" ,\tc=\"d\" }\t 5 \t 6  \n\tbar\t7\t\n",
       &[("foo", &[("a", "b"), ("c", "d")], 5.0, Some(6)), ("bar", &[], 7.0, None)]),
    ok("no blank after }", Text, "foo{a=\"b\"}8", &[("foo", &[("a", "b")], 8.0, None)]),
    bad("unterminated label value", Text, "ok 1\nfoo{a=\"b} 1", 2, "closing '\"'"),
    bad("label without =", Text, "foo{a} 1", 1, "expected '=' after label name a"),
    bad("label value not quoted", Text, "foo{a=b} 1", 1, "expected '\"'"),
    bad("missing comma", Text, "foo{a=\"b\" c=\"d\"} 1", 1, "expected ',' or '}'"),
    bad("unclosed label set", Text, "foo{a=\"b\" 1", 1, "expected ',' or '}'"),
    // Prometheus: `label name "a" is not unique: invalid sample`, the target down.
    bad("label name twice", Text, "ok 1\nm{a=\"1\",a=\"2\"} 1", 2, "label name \"a\" is not unique"),
    bad("label name twice (OpenMetrics)", OM, "m{b=\"0\",a=\"1\",a=\"2\"} 1\n# EOF\n", 1, "label name \"a\" is not unique"),
    bad("quoted label name twice", Text, "{\"m\", \"a.b\"=\"1\", \"a.b\"=\"1\"} 1", 1, "label name \"a.b\" is not unique"),
    // An empty value is no label: Prometheus keeps `m{a="",a="2"}` up.
    ok("label name twice, one value empty", Text, "m{a=\"\",a=\"2\"} 1", &[("m", &[("a", ""), ("a", "2")], 1.0, None)]),
    ok("exemplar labels are not checked", OM, "m 1 # {a=\"1\",a=\"2\"} 1\n# EOF\n", &[("m", &[], 1.0, None)]),
    bad("label name starts with digit", Text, "foo{1a=\"b\"} 1", 1, "expected label name"),
    // Names.
    ok("recording-rule name with colons", Text, "job:mcp_requests:rate5m{job=\"x\"} 0.25",
       &[("job:mcp_requests:rate5m", &[("job", "x")], 0.25, None)]),
    ok("digits and underscores", Text, "_a1_b2__c3 1\n:x 2", &[("_a1_b2__c3", &[], 1.0, None), (":x", &[], 2.0, None)]),
    ok("quoted UTF-8 name", Text, "{\"my.metric\", a=\"b\"} 1\n{\"ünï cödé\"} 2\n{\"my.metric\", \"q.lbl\"=\"v\"} 3\n",
       &[("my.metric", &[("a", "b")], 1.0, None), ("ünï cödé", &[], 2.0, None), ("my.metric", &[("q.lbl", "v")], 3.0, None)]),
    bad("quoted name without a name", Text, "{\"q.lbl\"=\"v\"} 3", 1, "expected metric name"),
    bad("name then quoted name", Text, "foo{\"bar\"} 3", 1, "expected '=' after label name bar"),
    bad("name starting with digit", Text, "ok 1\n\n9foo 1", 3, "expected metric name"),
    bad("dot in bare name", Text, "foo.bar 1", 1, "expected blank or '{'"),
    // Values.
    ok("special and exponent values", Text, "a NaN\nb +Inf\nc -Inf\nd Inf\ne 1e-3\nf -0\ng 42\nh -1.5\ni 1E6\nj .5\n",
       &[("a", &[], f64::NAN, None), ("b", &[], INF, None), ("c", &[], -INF, None), ("d", &[], INF, None),
         ("e", &[], 1e-3, None), ("f", &[], -0.0, None), ("g", &[], 42.0, None), ("h", &[], -1.5, None),
         ("i", &[], 1e6, None), ("j", &[], 0.5, None)]),
    bad("invalid value", Text, "a 1\nb xyz\n", 2, "expected sample value (float, NaN, +Inf or -Inf), got 'xyz'"),
    bad("value with trailing junk", Text, "a 1x", 1, "got '1x'"),
    bad("name but no value", Text, "a 1\nfoo\n", 2, "expected value after foo"),
    bad("labels but no value", Text, "foo{a=\"b\"}", 1, "expected value after foo"),
    // Timestamps.
    ok("text timestamp int ms", Text, "foo 1 1395066363000", &[("foo", &[], 1.0, Some(1_395_066_363_000))]),
    ok("text negative timestamp", Text, "foo 1 -1395066363000", &[("foo", &[], 1.0, Some(-1_395_066_363_000))]),
    bad("text float timestamp", Text, "foo 1 1520879607.789", 1, "expected timestamp in integer milliseconds"),
    ok("OpenMetrics timestamp float s", OM, "foo 1 1520879607.789\nbar 2 1520879607\nbaz 3 -1.5\n# EOF\n",
       &[("foo", &[], 1.0, Some(1_520_879_607_789)), ("bar", &[], 2.0, Some(1_520_879_607_000)), ("baz", &[], 3.0, Some(-1500))]),
    bad("OpenMetrics NaN timestamp", OM, "foo 1 NaN\n# EOF\n", 1, "expected timestamp in float seconds"),
    bad("junk after timestamp", Text, "foo 1 2 3", 1, "expected end of line, got '3'"),
    // Metadata and comments.
    ok("HELP, TYPE and free comments (text)", Text,
       "# HELP foo Some \\\\ help\\nmore\n# TYPE foo counter\n# just a comment\n#TYPE-less\n# EOF\nfoo 1\n",
       &[("foo", &[], 1.0, None)]),
    bad("unknown type", Text, "# TYPE foo bogus\n", 1, "expected a metric type"),
    bad("TYPE without type", Text, "# TYPE foo\n", 1, "expected a metric type"),
    bad("TYPE without name", Text, "# TYPE\n", 1, "expected metric name after # TYPE"),
    // Prometheus 2.42 keeps the target up with a second TYPE, before or after the samples.
    ok("second TYPE after the samples", Text, "# TYPE foo gauge\nfoo 1\n# TYPE foo gauge\nbar 2\n",
       &[("foo", &[], 1.0, None), ("bar", &[], 2.0, None)]),
    ok("second TYPE and HELP, other type", Text, "# TYPE foo gauge\n# TYPE foo counter\n# HELP foo a\n# HELP foo b\nfoo 1\n",
       &[("foo", &[], 1.0, None)]),
    bad("exemplar in text format", Text, "foo 1 # {a=\"b\"} 1", 1, "expected end of line"),
    // OpenMetrics specifics.
    ok("counter _total and _created", OM,
       "# TYPE foo counter\n# UNIT foo requests\n# HELP foo Requests.\nfoo_total{a=\"b\"} 17 1520879607.789\nfoo_created{a=\"b\"} 1520879000.5\n# EOF\n",
       &[("foo_total", &[("a", "b")], 17.0, Some(1_520_879_607_789)), ("foo_created", &[("a", "b")], 1_520_879_000.5, None)]),
    ok("exemplar", OM, "# TYPE foo histogram\nfoo_bucket{le=\"0.5\"} 3 # {trace_id=\"abc\"} 0.67 1520879607.789\n# EOF",
       &[("foo_bucket", &[("le", "0.5")], 3.0, None)]),
    ok("EOF alone, trailing blank lines", OM, "# EOF\n\n\r\n", &[]),
    ok("CRLF endings", OM, "a 1\r\nb{c=\"d\"} 2 3\r\n# EOF\r\n", &[("a", &[], 1.0, None), ("b", &[("c", "d")], 2.0, Some(3000))]),
    bad("missing # EOF", OM, "# TYPE foo gauge\nfoo 1\n", 3, "missing # EOF"),
    bad("empty OpenMetrics", OM, "", 1, "missing # EOF"),
    bad("missing # EOF, no final newline", OM, "a 1\nb 2", 3, "missing # EOF"),
    bad("content after # EOF", OM, "foo 1\n# EOF\nfoo 2\n", 3, "expected nothing after # EOF"),
    bad("junk after # EOF token", OM, "# EOF now\n", 1, "expected end of line after # EOF"),
    bad("free comment in OpenMetrics", OM, "# hello\n# EOF\n", 1, "expected HELP, TYPE, UNIT or EOF"),
    bad("exemplar without labels", OM, "foo 1 # 0.5\n# EOF\n", 1, "expected '{' to open exemplar labels"),
    bad("exemplar without value", OM, "foo 1 # {a=\"b\"}\n# EOF\n", 1, "expected exemplar value"),
    ok("second UNIT and TYPE (OpenMetrics)", OM, "# UNIT foo s\n# UNIT foo s\n# TYPE foo gauge\nfoo 1\n# TYPE foo gauge\n# EOF\n",
       &[("foo", &[], 1.0, None)]),
    // Whole-input shapes.
    ok("empty input (text)", Text, "", &[]),
    ok("blank lines only", Text, "\n \n\t\n\r\n", &[]),
    ok("CRLF text", Text, "a 1\r\nb 2 5\r\n", &[("a", &[], 1.0, None), ("b", &[], 2.0, Some(5))]),
];

fn same(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

#[test]
fn conformance_table() {
    let mut failures = Vec::new();
    for row in ROWS {
        match (parse(row.input, row.format), &row.want) {
            (Ok(exp), Want::Ok(want)) => {
                let got: Vec<_> = exp
                    .samples
                    .iter()
                    .map(|s| {
                        let labels: Vec<_> =
                            s.labels.iter().map(|(k, v)| (*k, v.as_ref())).collect();
                        (s.name, labels, s.value, s.timestamp_ms)
                    })
                    .collect();
                let matches = got.len() == want.len()
                    && got
                        .iter()
                        .zip(want.iter())
                        .all(|(g, w)| g.0 == w.0 && g.1 == w.1 && same(g.2, w.2) && g.3 == w.3);
                if !matches {
                    failures.push(format!("{}: got {got:?}, want {:?}", row.name, want));
                }
            }
            (Err(e), Want::Err(line, msg)) if e.line == *line && e.message.contains(msg) => {}
            (got, _) => failures.push(format!("{}: got {got:?}", row.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        ROWS.len(),
        failures.join("\n")
    );
}

#[test]
fn borrowed_unless_escaped() {
    let exp = parse("foo{a=\"plain\",b=\"es\\\\c\"} 1", Text).expect("valid");
    let labels = &exp.samples[0].labels;
    assert!(matches!(labels[0].1, Cow::Borrowed("plain")));
    assert!(matches!(&labels[1].1, Cow::Owned(s) if s == "es\\c"));
}

#[test]
fn families_and_help() {
    let input = "# HELP foo a \\\\ b\\nc \\\" d\n# TYPE foo counter\n# HELP bar\n\
                 # TYPE h histogram\n# TYPE g gauge\n# TYPE s summary\n# TYPE u untyped\nfoo 1\n";
    let exp = parse(input, Text).expect("valid");
    let names: Vec<_> = exp
        .families
        .iter()
        .map(|f| (f.name, f.metric_type))
        .collect();
    use MetricType::*;
    assert_eq!(
        names,
        [
            ("foo", Counter),
            ("bar", Unknown),
            ("h", Histogram),
            ("g", Gauge),
            ("s", Summary),
            ("u", Unknown)
        ]
    );
    // Text format HELP decodes only \\ and \n.
    assert_eq!(exp.families[0].help.as_deref(), Some("a \\ b\nc \\\" d"));
    assert_eq!(exp.families[1].help.as_deref(), Some(""));
    assert!(!exp.saw_eof);

    let om = "# TYPE a gaugehistogram\n# TYPE b stateset\n# TYPE c info\n# TYPE d unknown\n\
              # TYPE e_seconds gauge\n# UNIT e_seconds seconds\n# HELP e_seconds x \\\"y\\\"\n# EOF\n";
    let exp = parse(om, OM).expect("valid");
    let types: Vec<_> = exp.families.iter().map(|f| f.metric_type).collect();
    assert_eq!(types, [GaugeHistogram, StateSet, Info, Unknown, Gauge]);
    let e = exp.family("e_seconds").expect("declared");
    assert_eq!(
        (e.unit, e.help.as_deref()),
        (Some("seconds"), Some("x \"y\""))
    );
    assert!(exp.saw_eof);
}

#[test]
fn exemplar_fields() {
    let input = "foo_bucket{le=\"0.5\"} 3 1520879607.5 # {trace_id=\"abc\",span=\"s\\\"1\"} 0.67 1520879607.789\n\
                 foo_total 2 # {} -Inf\n# EOF\n";
    let exp = parse(input, OM).expect("valid");
    assert_eq!(exp.samples[0].timestamp_ms, Some(1_520_879_607_500));
    let ex = exp.samples[0].exemplar.as_ref().expect("exemplar");
    assert_eq!(
        ex.labels,
        vec![
            ("trace_id", Cow::Borrowed("abc")),
            ("span", Cow::Borrowed("s\"1"))
        ]
    );
    assert_eq!((ex.value, ex.timestamp_ms), (0.67, Some(1_520_879_607_789)));
    let ex = exp.samples[1].exemplar.as_ref().expect("exemplar");
    assert_eq!(
        (ex.labels.len(), ex.value, ex.timestamp_ms),
        (0, -INF, None)
    );
}

#[test]
fn realistic_histogram_and_type_of() {
    let input = r#"# HELP mcp_server_operation_duration_seconds MCP request duration.
# TYPE mcp_server_operation_duration_seconds histogram
mcp_server_operation_duration_seconds_bucket{mcp_method_name="tools/call",gen_ai_tool_name="notion.search",error_type="",le="0.1"} 4
mcp_server_operation_duration_seconds_bucket{mcp_method_name="tools/call",gen_ai_tool_name="notion.search",error_type="",le="0.5"} 12
mcp_server_operation_duration_seconds_bucket{mcp_method_name="tools/call",gen_ai_tool_name="notion.search",error_type="",le="+Inf"} 15
mcp_server_operation_duration_seconds_sum{mcp_method_name="tools/call",gen_ai_tool_name="notion.search",error_type=""} 4.75
mcp_server_operation_duration_seconds_count{mcp_method_name="tools/call",gen_ai_tool_name="notion.search",error_type=""} 15
# TYPE mcp_requests counter
mcp_requests_total 7
mcp_requests_created 1.7e9
# TYPE up gauge
up 1
job:mcp_requests:rate5m 0.5
"#;
    let exp = parse(input, Text).expect("valid");
    assert_eq!(exp.samples.len(), 9);
    let b = &exp.samples[1];
    assert_eq!(b.name, "mcp_server_operation_duration_seconds_bucket");
    assert_eq!(
        b.labels[1],
        ("gen_ai_tool_name", Cow::Borrowed("notion.search"))
    );
    assert_eq!((b.labels[3].1.as_ref(), b.value), ("0.5", 12.0));
    assert_eq!(exp.samples[2].labels[3].1, "+Inf");
    assert_eq!(exp.samples[3].value, 4.75);
    use MetricType::*;
    for s in &exp.samples[..5] {
        assert_eq!(exp.type_of(s.name), Some(Histogram), "{}", s.name);
    }
    assert_eq!(exp.type_of("mcp_requests_total"), Some(Counter));
    assert_eq!(exp.type_of("mcp_requests_created"), Some(Counter));
    assert_eq!(exp.type_of("up"), Some(Gauge));
    assert_eq!(exp.type_of("up_bucket"), None, "a gauge has no buckets");
    assert_eq!(exp.type_of("job:mcp_requests:rate5m"), None);
    let fam = exp
        .family_of("mcp_server_operation_duration_seconds_count")
        .expect("declared");
    assert_eq!(fam.help.as_deref(), Some("MCP request duration."));
}

#[test]
fn type_of_openmetrics_suffixes() {
    let input = "# TYPE gh gaugehistogram\n# TYPE i info\n# TYPE s summary\n# TYPE st stateset\n\
                 gh_gcount 1\ngh_gsum 1\ngh_bucket{le=\"+Inf\"} 1\ni_info{v=\"1\"} 1\ns{quantile=\"0.5\"} 1\n\
                 s_created 1\nst{st=\"a\"} 1\n# EOF\n";
    let mut exp = parse(input, OM).expect("valid");
    use MetricType::*;
    let got: Vec<_> = exp.samples.iter().map(|s| exp.type_of(s.name)).collect();
    let want = [
        GaugeHistogram,
        GaugeHistogram,
        GaugeHistogram,
        Info,
        Summary,
        Summary,
        StateSet,
    ];
    assert_eq!(got, want.map(Some));
    assert_eq!(exp.type_of("gh_created"), None);
    // Edits to `families` after parsing: removal is detected, renaming needs reindex().
    exp.families.remove(3);
    assert_eq!(exp.type_of("st"), None);
    assert_eq!(exp.type_of("s_sum"), Some(Summary));
    exp.families[0].name = "renamed";
    exp.reindex();
    assert_eq!(exp.type_of("renamed_gsum"), Some(GaugeHistogram));
    assert_eq!(exp.type_of("gh_gsum"), None);
}

#[test]
fn content_type_and_error_display() {
    assert_eq!(
        Format::from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        OM
    );
    assert_eq!(
        Format::from_content_type("Application/OpenMetrics-Text"),
        OM
    );
    assert_eq!(Format::from_content_type("text/plain; version=0.0.4"), Text);
    assert_eq!(Format::from_content_type(""), Text);
    let err = parse("ok 1\nfoo\n", Text).expect_err("no value");
    assert_eq!(err.to_string(), "line 2: expected value after foo");
}

#[test]
fn no_panic_on_mutated_inputs() {
    let mut runs = 0;
    for row in ROWS {
        let s = row.input;
        for (i, _) in s.char_indices().chain([(s.len(), ' ')]) {
            for ins in [
                "", "\"", "\\", "{", "}", ",", "=", "#", " ", "\n", "é", "# EOF\n",
            ] {
                let mutated = format!("{}{ins}{}", &s[..i], &s[i..]);
                let truncated = &mutated[..i + ins.len()];
                for input in [mutated.as_str(), truncated] {
                    for format in [Text, OM] {
                        let _ = parse(input, format);
                        runs += 1;
                    }
                }
            }
        }
    }
    assert!(runs > 10_000, "{runs}");
}

#[test]
fn sample_room_is_bounded_by_lines_bytes_and_a_ceiling() {
    assert_eq!(sample_capacity("a 1\nb 2\n"), 3);
    // Blank lines from a server: at most one sample per 4 bytes, at most 2^18 up front.
    assert_eq!(sample_capacity(&"\n".repeat(1000)), 251);
    assert_eq!(sample_capacity(&"\n".repeat(16 << 20)), 1 << 18);
    // More samples than the ceiling still parse: the vector grows.
    let many = "a 1\n".repeat((1 << 18) + 5);
    assert_eq!(
        parse(&many, Format::Text).expect("parses").samples.len(),
        (1 << 18) + 5
    );
}

#[test]
fn the_last_type_of_a_name_wins() {
    let exp = parse(
        "# TYPE foo gauge\nfoo 1\n# TYPE foo counter\n# HELP foo b\n",
        Text,
    )
    .expect("valid");
    assert_eq!(exp.families.len(), 1);
    let f = exp.family("foo").expect("declared");
    assert_eq!(
        (f.metric_type, f.help.as_deref()),
        (MetricType::Counter, Some("b"))
    );
}

#[test]
fn many_labels_twice_are_found_past_the_pairwise_bound() {
    let labels: Vec<String> = (0..40).map(|i| format!("l{i}=\"v\"")).collect();
    let line = format!("m{{{},l7=\"w\"}} 1\n", labels.join(","));
    let err = parse(&line, Text).expect_err("l7 twice");
    assert_eq!(err.message, "label name \"l7\" is not unique");
    let fine = format!("m{{{}}} 1\n", labels.join(","));
    assert!(parse(&fine, Text).is_ok());
}
