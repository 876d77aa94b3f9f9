//! The tiles and timeline of a scraped fleet, from its targets' own: what Prometheus would
//! answer for the same PromQL over every target's series, `sum(rate(...))` for requests and
//! errors and `histogram_quantile(q, sum by (le) (rate(...)))` over the added buckets.
//!
//! Only targets whose last scrape succeeded count, as in Prometheus, where a failed scrape
//! marks the target's series stale and an instant query then leaves them out. Each target's
//! numbers are its own at its last scrape (the targets' timers are not aligned, so the
//! instants differ by less than one interval).

use std::collections::BTreeMap;

use super::dashboard::Dashboard;
use super::stats::{Latency, ModuleShare, Stats};
use super::timeline::Point;

/// The fleet's tiles, or `None` while no live target has a request rate.
///
/// - `req_per_sec`, `err_per_sec`: sums (per second);
/// - `error_ratio`: errors / requests;
/// - `p50`, `p95`, `p99`: quantiles of the targets' latency buckets added per `le`
///   (seconds); targets with other bucket layouts are added as Prometheus' `sum by (le)`
///   would, the quantile then sees the union of the bounds;
/// - `modules`: per-module sums, shares of the fleet's tool calls;
/// - `resident_memory_bytes`: the largest target's (bytes);
/// - `eval_ms`: the newest target's instant; `range_ms`: the shortest range in use (a
///   target still warming up shortens the fleet's).
pub fn total<'a>(members: impl IntoIterator<Item = &'a Dashboard>) -> Option<Stats> {
    let mut out = Stats::default();
    let mut req = 0.0;
    let mut err = 0.0;
    let mut any = false;
    let mut buckets: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
    let mut modules: BTreeMap<String, f64> = BTreeMap::new();
    let mut range_ms = i64::MAX;
    for d in members {
        let s = &d.stats;
        let Some(r) = s.req_per_sec.filter(|_| d.status.scrape.is_ok()) else {
            continue;
        };
        any = true;
        req += r;
        err += s.err_per_sec.unwrap_or(0.0);
        out.eval_ms = out.eval_ms.max(s.eval_ms);
        range_ms = range_ms.min(s.range_ms);
        for &(le, rate) in &s.latency_buckets {
            // `le` bounds compare as numbers ("1" and "1.0" are one bucket), as Prometheus
            // merges them in histogram_quantile.
            let slot = buckets.entry(le.to_bits()).or_insert((le, 0.0));
            slot.1 += rate;
        }
        for m in &s.modules {
            *modules.entry(m.module.clone()).or_default() += m.per_sec;
        }
        if let Some(mem) = s.resident_memory_bytes {
            out.resident_memory_bytes = Some(out.resident_memory_bytes.map_or(mem, |m| m.max(mem)));
        }
    }
    if !any {
        return None;
    }
    out.req_per_sec = Some(req);
    out.err_per_sec = Some(err);
    out.error_ratio = (req > 0.0).then(|| err / req);
    out.range_ms = range_ms;
    let rates: Vec<(f64, f64)> = buckets.values().copied().collect();
    let latency = Latency::of(&rates);
    out.p50 = latency.p50;
    out.p95 = latency.p95;
    out.p99 = latency.p99;
    out.p95_lower_bound = latency.p95_lower_bound;
    out.p99_lower_bound = latency.p99_lower_bound;
    out.top_bucket_s = latency.top_bucket_s;
    out.latency_buckets = rates;
    let sum: f64 = modules.values().sum();
    out.modules = modules
        .into_iter()
        .map(|(module, per_sec)| ModuleShare {
            module,
            per_sec,
            share: if sum > 0.0 { per_sec / sum } else { 0.0 },
        })
        .collect();
    out.modules.sort_by(|a, b| {
        b.per_sec
            .total_cmp(&a.per_sec)
            .then_with(|| a.module.cmp(&b.module))
    });
    Some(out)
}

/// The fleet's timeline: at each aligned instant, the sum of the targets' points there
/// (requests and errors per second), oldest first. A target that has no point at an
/// instant (it joined later, or was down) adds nothing to it. The newest instants that not
/// every live target has reached yet (their timers are not aligned) are left out until
/// they have, so the right edge does not dip by the targets still to come.
pub fn timeline<'a>(members: impl IntoIterator<Item = &'a Dashboard> + Clone) -> Vec<Point> {
    let settled_to = members
        .clone()
        .into_iter()
        .filter(|d| d.status.scrape.is_ok())
        .filter_map(|d| d.timeline.points().last().map(|p| p.t_ms))
        .min();
    let mut at: BTreeMap<i64, Point> = BTreeMap::new();
    for d in members {
        for p in d.timeline.points() {
            let slot = at.entry(p.t_ms).or_insert(Point {
                t_ms: p.t_ms,
                req_per_sec: 0.0,
                err_per_sec: 0.0,
            });
            slot.req_per_sec += p.req_per_sec;
            slot.err_per_sec += p.err_per_sec;
        }
    }
    at.into_values()
        .filter(|p| settled_to.is_none_or(|end| p.t_ms <= end))
        .collect()
}

#[cfg(test)]
#[path = "fleet_total_tests.rs"]
mod tests;
