//! Exposition formats: content negotiation for `/metrics` and a converter from the OpenMetrics
//! text that `prometheus-client` writes to Prometheus text format 0.0.4.

use std::collections::HashSet;

pub(crate) const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
pub(crate) const TEXT_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Whether an `Accept` header asks for OpenMetrics at least as much as for plain text, like
/// Prometheus does. No header (curl, browsers' `*/*`) gives text 0.0.4.
pub(crate) fn prefers_openmetrics(accept: Option<&str>) -> bool {
    let Some(accept) = accept else {
        return false;
    };
    let mut openmetrics = 0.0_f64;
    let mut text = 0.0_f64;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or_default().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f64>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "application/openmetrics-text" => openmetrics = openmetrics.max(q),
            "text/plain" | "text/*" | "*/*" => text = text.max(q),
            _ => {}
        }
    }
    openmetrics > 0.0 && openmetrics >= text
}

/// Rewrites OpenMetrics text as text format 0.0.4: drops `# EOF`, `# UNIT`, `_created`
/// samples and exemplars, names counter families after their `_total` samples, maps
/// `unknown` to `untyped` and turns float-second timestamps into integer milliseconds.
pub(crate) fn openmetrics_to_text(om: &str) -> String {
    let mut counters = HashSet::new();
    let mut families = HashSet::new();
    for line in om.lines() {
        if let Some((name, kind)) = line
            .strip_prefix("# TYPE ")
            .and_then(|rest| rest.split_once(' '))
        {
            families.insert(name);
            if kind.trim() == "counter" {
                counters.insert(name);
            }
        }
    }
    let total_name = |name: &str| {
        if counters.contains(name) && !name.ends_with("_total") {
            format!("{name}_total")
        } else {
            name.to_owned()
        }
    };
    let mut out = String::with_capacity(om.len());
    for line in om.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") || line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            let help = help.replace("\\\"", "\"");
            out.push_str(&format!("# HELP {} {help}\n", total_name(name)));
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or((rest, "unknown"));
            let kind = match kind.trim() {
                k @ ("counter" | "gauge" | "histogram" | "summary") => k,
                _ => "untyped",
            };
            out.push_str(&format!("# TYPE {} {kind}\n", total_name(name)));
        } else if line.starts_with('#') {
            continue;
        } else if let Some(sample) = convert_sample(line, &families) {
            out.push_str(&sample);
            out.push('\n');
        }
    }
    out
}

/// One sample line, or `None` for a `_created` sample.
fn convert_sample(line: &str, families: &HashSet<&str>) -> Option<String> {
    let series_end = series_end(line);
    let (series, rest) = line.split_at(series_end);
    let name = &series[..series.find('{').unwrap_or(series.len())];
    if let Some(base) = name.strip_suffix("_created")
        && families.contains(base)
    {
        return None;
    }
    // Exemplars follow " # " after the value (and optional timestamp).
    let rest = rest.split(" # ").next().unwrap_or_default();
    let mut fields = rest.split_whitespace();
    let value = fields.next().unwrap_or("NaN");
    Some(match fields.next() {
        Some(ts) => match ts.parse::<f64>() {
            Ok(secs) => format!("{series} {value} {}", (secs * 1000.0).round() as i64),
            Err(_) => format!("{series} {value}"),
        },
        None => format!("{series} {value}"),
    })
}

/// The byte index where the metric name and label set end (quote-aware).
fn series_end(line: &str) -> usize {
    let mut in_labels = false;
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' if in_labels => in_quotes = !in_quotes,
            '{' if !in_quotes => in_labels = true,
            '}' if in_labels && !in_quotes => return i + 1,
            ' ' if !in_labels => return i,
            _ => {}
        }
    }
    line.len()
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn negotiation() {
        assert!(!prefers_openmetrics(None));
        assert!(!prefers_openmetrics(Some("*/*")));
        assert!(!prefers_openmetrics(Some("text/plain;version=0.0.4")));
        assert!(prefers_openmetrics(Some(
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;\
             version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        )));
        assert!(!prefers_openmetrics(Some(
            "application/openmetrics-text;q=0.2,text/plain;q=0.9"
        )));
    }

    #[test]
    fn converts_counters_histograms_and_extras() {
        let om = "# HELP c_seconds CPU \\\"time\\\".\n# TYPE c_seconds counter\n\
                  # UNIT c_seconds seconds\nc_seconds_total 1.5 # {a=\"b\"} 1.0\n\
                  c_seconds_created 17.0\n# TYPE h histogram\n\
                  h_bucket{le=\"0.1\",x=\"a b} # c\"} 1\nh_bucket{le=\"+Inf\",x=\"a b} # c\"} 2\n\
                  h_sum{x=\"a b} # c\"} 0.3\nh_count{x=\"a b} # c\"} 2\n\
                  # TYPE u unknown\nu 3 1520879607.789\n# EOF\n";
        let text = openmetrics_to_text(om);
        let expected = "# HELP c_seconds_total CPU \"time\".\n# TYPE c_seconds_total counter\n\
                        c_seconds_total 1.5\n# TYPE h histogram\n\
                        h_bucket{le=\"0.1\",x=\"a b} # c\"} 1\n\
                        h_bucket{le=\"+Inf\",x=\"a b} # c\"} 2\n\
                        h_sum{x=\"a b} # c\"} 0.3\nh_count{x=\"a b} # c\"} 2\n\
                        # TYPE u untyped\nu 3 1520879607789\n";
        assert_eq!(text, expected);
    }
}
