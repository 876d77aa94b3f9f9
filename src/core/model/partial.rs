//! Whether a query API's answer is partial: some of the data behind it could not be read,
//! so its numbers may be too low while the answer still says `"status":"success"`.
//!
//! Thanos Querier answers so when a StoreAPI (a sidecar, a store gateway) fails or times
//! out and partial responses are allowed (its default: `--query.partial-response`, the
//! `partial_response` request parameter): HTTP 200 with the store's error in `warnings`,
//! e.g. `fetch series for {replica="b"} 10.0.0.9:10901: rpc error: code = Unavailable ...`
//! (thanos-io/thanos `docs/components/query.md`, "Partial Response";
//! `pkg/store/proxy_merge.go`). Warnings are also PromQL's own annotations, which say
//! nothing about missing data: Prometheus prefixes them `PromQL warning:` or `PromQL
//! info:` (prometheus `util/annotations`), and Thanos tells the two apart the same way
//! (`pkg/api/api.go`, `shouldNotCacheBecauseOfWarnings`: a warning that is not a PromQL
//! annotation keeps the answer out of its cache).

/// Prefixes of PromQL's annotations (prometheus `util/annotations`: `PromQLInfo`,
/// `PromQLWarning`).
const PROMQL_ANNOTATIONS: [&str; 2] = ["PromQL info", "PromQL warning"];

/// Prefix of the warning mcptop itself adds when the targets list failed (see
/// `sources::prometheus::refresh`): the numbers do not come from it.
pub const TARGETS_WARNING: &str = "/api/v1/targets: ";

/// Whether `warning`, one of an answer's `warnings` (or `infos`), says data is missing:
/// anything but a PromQL annotation or mcptop's own note about the targets list.
pub fn is_partial(warning: &str) -> bool {
    let w = warning.trim_start();
    !PROMQL_ANNOTATIONS.iter().any(|p| w.starts_with(p)) && !w.starts_with(TARGETS_WARNING)
}

/// The first warning of `warnings` that makes the answer partial ([`is_partial`]).
pub fn first_partial(warnings: &[String]) -> Option<&str> {
    warnings.iter().map(String::as_str).find(|w| is_partial(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_failure_is_partial_and_a_promql_annotation_is_not() {
        // Thanos Querier with a sidecar down (partial responses allowed).
        assert!(is_partial(
            "fetch series for {replica=\"b\"} 10.0.0.9:10901: rpc error: code = Unavailable"
        ));
        assert!(is_partial(
            "receive series from 10.0.0.9:10901: context deadline exceeded"
        ));
        // Prometheus 2.x/3.x annotations.
        assert!(!is_partial(
            "PromQL warning: bucket label \"le\" is missing or has a malformed value"
        ));
        assert!(!is_partial("PromQL info: metric might not be a counter"));
        assert!(!is_partial("/api/v1/targets: HTTP 500: boom"));
        let ws = vec!["PromQL info: x".to_string(), "store down".to_string()];
        assert_eq!(first_partial(&ws), Some("store down"));
        assert_eq!(first_partial(&ws[..1]), None);
    }
}
