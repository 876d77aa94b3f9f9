//! Detection: from the series keys of a scrape (or of a query API's answer) to a resolved
//! [`Profile`], choosing the request counter, the status and tool labels, the latency
//! histogram and the polling-path exclusions that fit the series actually there.

use std::collections::HashMap;

use super::kinds::{self, Counter, SPECS, Spec};
use super::{CustomProfile, Latency, Profile, ProfileChoice, ProfileKind, anchored};
use crate::model::alerts::matcher::{MatchOp, Matcher};
use crate::model::series::SeriesKey;

/// ToolHive's OTel metrics beside its own: its `error_type` is set only for HTTP >= 500.
const TOOLHIVE_OTEL: &str = "ToolHive sets error_type only for HTTP status 500 or more: a tool \
                             error answered with HTTP 200 is not counted";

/// Series keys of the candidate metrics, by sample name.
struct Seen<'a> {
    by_name: HashMap<&'a str, Vec<&'a SeriesKey>>,
}

impl<'a> Seen<'a> {
    fn scan(keys: impl IntoIterator<Item = &'a SeriesKey>) -> Seen<'a> {
        let mut by_name: HashMap<&'a str, Vec<&'a SeriesKey>> = HashMap::new();
        for k in keys {
            if kinds::is_candidate(&k.name) {
                by_name.entry(&*k.name).or_default().push(k);
            }
        }
        Seen { by_name }
    }

    /// Series of `name` satisfying every matcher of `required`.
    fn series(&self, name: &str, required: &[Matcher]) -> Vec<&'a SeriesKey> {
        self.by_name
            .get(name)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|k| satisfies(k, required))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn satisfies(key: &SeriesKey, matchers: &[Matcher]) -> bool {
    matchers
        .iter()
        .all(|m| m.matches_value(key.label(&m.name).unwrap_or("")))
}

impl Profile {
    /// Resolves a choice from the series keys seen (names and labels; values are not read).
    ///
    /// - `auto`: the first profile of [`kinds::SPECS`] whose request counter has series
    ///   (that satisfy its required matchers); `None` when none has (yet).
    /// - a named profile: fitted to the series when its counter has some, else with its
    ///   first-choice labels and `matched: false`.
    /// - `custom`: from `custom`.
    ///
    /// `polling_paths` (e.g. `/metrics/prometheus`, `/health`) are left out of the request
    /// rate and latency wherever a path label holds them.
    ///
    /// Errors: `custom` without a `[custom_profile]`, or a bad `error_match` in it.
    pub fn detect<'a>(
        choice: &ProfileChoice,
        custom: Option<&CustomProfile>,
        keys: impl IntoIterator<Item = &'a SeriesKey>,
        polling_paths: &[String],
    ) -> Result<Option<Profile>, String> {
        let kind = choice.kind();
        if kind == Some(ProfileKind::Custom) {
            return match custom {
                Some(c) => Profile::custom(c).map(Some),
                None => Err("profile custom needs a [custom_profile] table".into()),
            };
        }
        let seen = Seen::scan(keys);
        Ok(match kind.and_then(kinds::spec) {
            Some(spec) => {
                Some(fit(spec, &seen, polling_paths).unwrap_or_else(|| unseen(spec, polling_paths)))
            }
            None => SPECS.iter().find_map(|s| fit(s, &seen, polling_paths)),
        })
    }
}

/// The profile of `spec` fitted to the series seen; `None` when its counter has none.
fn fit(spec: &Spec, seen: &Seen<'_>, polling_paths: &[String]) -> Option<Profile> {
    let required = required(spec);
    let (counter, series) = spec.requests.iter().find_map(|c| {
        let s = seen.series(c.sample, &required);
        (!s.is_empty()).then_some((c, s))
    })?;
    let mut p = build(spec, counter, &series, seen, polling_paths);
    if spec.kind == ProfileKind::OtelMcp && seen.by_name.contains_key("toolhive_mcp_requests_total")
    {
        p.blind_spot = Some(TOOLHIVE_OTEL);
    }
    Some(p)
}

/// The profile of `spec` before any of its series is seen: first-choice counter, labels
/// and histogram, every path label.
pub(super) fn unseen(spec: &Spec, polling_paths: &[String]) -> Profile {
    let empty = Seen {
        by_name: HashMap::new(),
    };
    let counter = spec.requests.first().unwrap_or(&Counter {
        sample: "",
        family: "",
    });
    build(spec, counter, &[], &empty, polling_paths)
}

/// `spec`'s required matchers as [`Matcher`]s.
fn required(spec: &Spec) -> Vec<Matcher> {
    spec.required
        .iter()
        .filter_map(|(label, op, value)| Matcher::new(label, *op, value).ok())
        .collect()
}

/// The profile reading `counter`, whose counted series are `series` (empty: none seen).
fn build(
    spec: &Spec,
    counter: &Counter,
    series: &[&SeriesKey],
    seen: &Seen<'_>,
    polling_paths: &[String],
) -> Profile {
    let matched = !series.is_empty();
    let required = required(spec);
    let path_labels: Vec<&str> = if matched {
        spec.path_labels
            .iter()
            .copied()
            .filter(|l| series.iter().any(|k| k.label(l).is_some()))
            .collect()
    } else {
        spec.path_labels.to_vec()
    };
    let mut select = required.clone();
    for label in &path_labels {
        for path in polling_paths {
            if let Ok(m) = Matcher::new(label, MatchOp::Ne, path) {
                select.push(m);
            }
        }
    }
    let excludes_polling = !path_labels.is_empty() && !polling_paths.is_empty();
    Profile {
        kind: spec.kind,
        why: counter.family.to_string(),
        matched,
        requests: counter.sample.to_string(),
        select,
        error_label: most_common(spec.error_labels, series).to_string(),
        error_match: anchored(spec.error_match).expect("the specs' error rules are literals"),
        latency: latency(spec, seen, &required, &path_labels, excludes_polling),
        tool_label: (!spec.tool_labels.is_empty())
            .then(|| most_common(spec.tool_labels, series).to_string()),
        tool_call_matcher: spec.tool_call.map(|(l, v)| (l.to_string(), v.to_string())),
        modules: spec.modules,
        blind_spot: spec.blind_spot,
    }
}

/// The candidate label present on the most series; the first when none (or a tie).
fn most_common<'s>(candidates: &[&'s str], series: &[&SeriesKey]) -> &'s str {
    let mut best: Option<(&str, usize)> = None;
    for c in candidates {
        let n = series.iter().filter(|k| k.label(c).is_some()).count();
        if n > 0 && best.is_none_or(|(_, m)| n > m) {
            best = Some((c, n));
        }
    }
    best.map(|(c, _)| c)
        .or_else(|| candidates.first().copied())
        .unwrap_or("")
}

/// The histogram to read: among the candidates with bucket series, the one with the most
/// distinct finite `le` bounds (the first on a tie); the first candidate when none has
/// series yet.
fn latency(
    spec: &Spec,
    seen: &Seen<'_>,
    required: &[Matcher],
    path_labels: &[&str],
    excludes_polling: bool,
) -> Option<Latency> {
    let first = spec.histograms.first()?;
    let present: Vec<(&str, Vec<&SeriesKey>, Vec<f64>)> = spec
        .histograms
        .iter()
        .filter_map(|h| {
            let series = seen.series(&format!("{h}_bucket"), required);
            let bounds = finite_bounds(&series);
            (!series.is_empty()).then_some((*h, series, bounds))
        })
        .collect();
    let best = present
        .iter()
        .enumerate()
        .max_by(|(i, a), (j, b)| a.2.len().cmp(&b.2.len()).then(j.cmp(i)));
    let Some((at, (name, series, bounds))) = best else {
        return Some(Latency {
            bucket: format!("{first}_bucket"),
            passed_over: None,
            includes_polling: false,
            coarse_from: None,
            top_finite: None,
        });
    };
    let passed_over = present
        .iter()
        .enumerate()
        .find(|(i, _)| *i != at)
        .map(|(_, (other, _, _))| (*other).to_string());
    let has_path = series
        .iter()
        .any(|k| path_labels.iter().any(|l| k.label(l).is_some()));
    Some(Latency {
        bucket: format!("{name}_bucket"),
        passed_over,
        includes_polling: excludes_polling && !has_path,
        coarse_from: bounds
            .iter()
            .copied()
            .find(|b| *b > 0.0)
            .filter(|b| *b >= 1.0),
        top_finite: bounds.last().copied(),
    })
}

/// The distinct finite `le` bounds of bucket series, ascending.
fn finite_bounds(series: &[&SeriesKey]) -> Vec<f64> {
    let mut out: Vec<f64> = series
        .iter()
        .filter_map(|k| k.label("le")?.parse::<f64>().ok())
        .filter(|b| b.is_finite())
        .collect();
    out.sort_by(f64::total_cmp);
    out.dedup();
    out
}
