//! Several PromQL expressions asked in one request: each part is tagged with
//! `label_replace(PART, "mcptop_part", "N", "", "")` (an empty source label matches the
//! empty regex, so every series gets the label `mcptop_part="N"`) and the parts are joined
//! with `or`. As the tags differ, `or` keeps every series of every part (promql/engine.go
//! `VectorOr`: a right-hand series is dropped only when its label set equals a left-hand
//! one). The engine evaluates the parts one after another in one query; the answer is one
//! JSON document instead of one per part, which is most of a client's cost for small
//! answers. Prometheus, VictoriaMetrics (MetricsQL has the same `label_replace` and `or`),
//! Thanos and Mimir answer it alike.
//!
//! [`split`] takes the answer apart again by the tag, removing it.

use super::query_mode::Labels;
use super::source_error::SourceError;

/// The label that tags each part's series.
pub const PART_LABEL: &str = "mcptop_part";

/// One expression asking every part that is `Some`, tagged by its index in `parts`; `None`
/// when no part is.
#[must_use]
pub fn combine(parts: &[Option<String>]) -> Option<String> {
    let tagged: Vec<String> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let p = p.as_ref()?;
            Some(format!(
                "label_replace({p}, \"{PART_LABEL}\", \"{i}\", \"\", \"\")"
            ))
        })
        .collect();
    (!tagged.is_empty()).then(|| tagged.join(" or "))
}

/// The series of an answer to [`combine`]`(parts)` with `n` parts, by part: `out[i]` holds
/// part `i`'s series without the tag, in the answer's order (empty for a part that was
/// `None` or answered nothing).
///
/// Errors: a series without the tag, or with a tag that is not a part's index (the engine
/// did not keep the label), as [`SourceError::BadAnswer`].
pub fn split<T>(series: Vec<(Labels, T)>, n: usize) -> Result<Vec<Vec<(Labels, T)>>, SourceError> {
    let mut out: Vec<Vec<(Labels, T)>> = (0..n).map(|_| Vec::new()).collect();
    for (mut labels, value) in series {
        let part = labels
            .remove(PART_LABEL)
            .and_then(|t| t.parse::<usize>().ok())
            .filter(|i| *i < n)
            .ok_or_else(|| {
                SourceError::BadAnswer(format!(
                    "a series of a combined query has no valid {PART_LABEL} label"
                ))
            })?;
        out[part].push((labels, value));
    }
    Ok(out)
}

#[cfg(test)]
#[path = "combined_tests.rs"]
mod tests;
