//! A past instant's tool rows, packed for [`super::past::PastStats`]: the time cursor keeps
//! one set of rows per timeline step over the whole history (360 at an hour), and a
//! [`ToolRow`] as the tools screen uses it holds two strings, a vector of error types and
//! a vector of `(le, rate)` pairs of its own, about 700 bytes a row for 15 buckets.
//!
//! Packed, the numbers of all rows sit in one `f64` slice (nine a row, then the row's bucket
//! rates, each only when it differs from the bucket's below: above a tool's slowest call
//! every cumulative rate is the same), the strings (tool, module, error type) and the bucket
//! bounds are shared with the other instants that hold the same ones, and no vector keeps
//! spare capacity: about 250 bytes a row. Unpacking gives back rows equal (`==`) to those
//! packed, bit for bit.

use std::collections::HashSet;
use std::sync::Arc;

use super::stats::Latency;
use super::tool_stats::ToolRow;

/// The strings and bucket-bound lists the packed rows of every kept instant share.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shared {
    strings: HashSet<Arc<str>>,
    /// Distinct lists of bucket bounds (`le`), usually one for every tool.
    bounds: Vec<Arc<[f64]>>,
}

impl Shared {
    fn string(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.strings.get(s) {
            return Arc::clone(a);
        }
        let a: Arc<str> = Arc::from(s);
        self.strings.insert(Arc::clone(&a));
        a
    }

    /// The shared list equal to `les` (compared bit for bit, so `+Inf` and any NaN match
    /// themselves), added when new.
    fn bounds(&mut self, les: &[(f64, f64)]) -> Arc<[f64]> {
        let same = |b: &Arc<[f64]>| {
            b.len() == les.len()
                && b.iter()
                    .zip(les)
                    .all(|(x, (le, _))| x.to_bits() == le.to_bits())
        };
        if let Some(b) = self.bounds.iter().find(|b| same(b)) {
            return Arc::clone(b);
        }
        let b: Arc<[f64]> = les.iter().map(|(le, _)| *le).collect();
        self.bounds.push(Arc::clone(&b));
        b
    }

    /// Lets go of the strings and bound lists no packed row holds any more.
    pub(crate) fn prune(&mut self) {
        self.strings.retain(|s| Arc::strong_count(s) > 1);
        self.bounds.retain(|b| Arc::strong_count(b) > 1);
    }

    /// Distinct strings held.
    #[cfg(test)]
    pub(crate) fn strings(&self) -> usize {
        self.strings.len()
    }

    /// Forgets everything.
    pub(crate) fn clear(&mut self) {
        self.strings.clear();
        self.bounds.clear();
    }
}

/// One row's strings and shapes; its numbers are in [`PackedTools::nums`].
#[derive(Debug, Clone, PartialEq)]
struct Row {
    tool: Arc<str>,
    module: Arc<str>,
    /// The `le` of each of the row's bucket rates.
    bounds: Arc<[f64]>,
    /// Which optional numbers are present, and the lower-bound marks ([`flag`]).
    flags: u8,
    /// Bit `i` set: bucket `i`'s rate is bucket `i - 1`'s, bit for bit, and not stored
    /// (buckets from the 64th on are always stored).
    repeats: u64,
    /// How many of [`PackedTools::errors`] are this row's (they follow the rows before).
    errors: u32,
}

/// Bits of [`Row::flags`].
mod flag {
    pub const ERROR_RATIO: u8 = 1;
    pub const P50: u8 = 1 << 1;
    pub const P95: u8 = 1 << 2;
    pub const P99: u8 = 1 << 3;
    pub const TOP_BUCKET: u8 = 1 << 4;
    pub const P95_LOWER_BOUND: u8 = 1 << 5;
    pub const P99_LOWER_BOUND: u8 = 1 << 6;
}

/// Numbers a row always has in [`PackedTools::nums`] before its bucket rates: `per_sec`,
/// `share`, `err_per_sec`, `calls`, `error_ratio`, `p50`, `p95`, `p99`, `top_bucket_s`
/// (an absent optional one is stored as 0 and flagged absent).
const FIXED: usize = 9;

/// The tool rows of one instant, packed; [`PackedTools::unpack`] gives them back.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct PackedTools {
    rows: Box<[Row]>,
    nums: Box<[f64]>,
    /// Every row's error types with their per-second rates, in row order.
    errors: Box<[(Arc<str>, f64)]>,
}

impl PackedTools {
    /// Packs `rows`, sharing strings and bounds through `shared`.
    pub(crate) fn pack(rows: &[ToolRow], shared: &mut Shared) -> PackedTools {
        let mut packed = Vec::with_capacity(rows.len());
        let n: usize = rows.iter().map(|r| FIXED + r.latency_buckets.len()).sum();
        let mut nums = Vec::with_capacity(n);
        let mut errors = Vec::with_capacity(rows.iter().map(|r| r.error_types.len()).sum());
        for r in rows {
            let l = &r.latency;
            let mut flags = 0;
            let mut opt = |v: Option<f64>, bit: u8| {
                if v.is_some() {
                    flags |= bit;
                }
                v.unwrap_or(0.0)
            };
            let fixed = [
                r.per_sec,
                r.share,
                r.err_per_sec,
                r.calls,
                opt(r.error_ratio, flag::ERROR_RATIO),
                opt(l.p50, flag::P50),
                opt(l.p95, flag::P95),
                opt(l.p99, flag::P99),
                opt(l.top_bucket_s, flag::TOP_BUCKET),
            ];
            if l.p95_lower_bound {
                flags |= flag::P95_LOWER_BOUND;
            }
            if l.p99_lower_bound {
                flags |= flag::P99_LOWER_BOUND;
            }
            nums.extend_from_slice(&fixed);
            let mut repeats = 0u64;
            let mut below: Option<u64> = None;
            for (i, (_, rate)) in r.latency_buckets.iter().enumerate() {
                let bits = rate.to_bits();
                if i < 64 && below == Some(bits) {
                    repeats |= 1 << i;
                } else {
                    nums.push(*rate);
                }
                below = Some(bits);
            }
            errors.extend(
                r.error_types
                    .iter()
                    .map(|(kind, rate)| (shared.string(kind), *rate)),
            );
            packed.push(Row {
                tool: shared.string(&r.tool),
                module: shared.string(&r.module),
                bounds: shared.bounds(&r.latency_buckets),
                flags,
                repeats,
                errors: u32::try_from(r.error_types.len()).unwrap_or(u32::MAX),
            });
        }
        PackedTools {
            rows: packed.into_boxed_slice(),
            nums: nums.into_boxed_slice(),
            errors: errors.into_boxed_slice(),
        }
    }

    /// The rows as they were packed.
    pub(crate) fn unpack(&self) -> Vec<ToolRow> {
        let mut nums = self.nums.iter().copied();
        let mut errors = self.errors.iter();
        self.rows
            .iter()
            .map(|row| {
                let mut next = || nums.next().unwrap_or(0.0);
                let [
                    per_sec,
                    share,
                    err_per_sec,
                    calls,
                    ratio,
                    p50,
                    p95,
                    p99,
                    top,
                ] = [(); FIXED].map(|()| next());
                let has = |bit: u8| row.flags & bit != 0;
                let opt = |v: f64, bit: u8| has(bit).then_some(v);
                ToolRow {
                    tool: row.tool.to_string(),
                    module: row.module.to_string(),
                    per_sec,
                    share,
                    err_per_sec,
                    error_ratio: opt(ratio, flag::ERROR_RATIO),
                    error_types: errors
                        .by_ref()
                        .take(row.errors as usize)
                        .map(|(kind, rate)| (kind.to_string(), *rate))
                        .collect(),
                    latency: Latency {
                        p50: opt(p50, flag::P50),
                        p95: opt(p95, flag::P95),
                        p99: opt(p99, flag::P99),
                        p95_lower_bound: has(flag::P95_LOWER_BOUND),
                        p99_lower_bound: has(flag::P99_LOWER_BOUND),
                        top_bucket_s: opt(top, flag::TOP_BUCKET),
                    },
                    calls,
                    latency_buckets: {
                        let mut rate = 0.0;
                        row.bounds
                            .iter()
                            .enumerate()
                            .map(|(i, le)| {
                                if i >= 64 || row.repeats & (1 << i) == 0 {
                                    rate = next();
                                }
                                (*le, rate)
                            })
                            .collect()
                    },
                }
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "past_tools_tests.rs"]
mod tests;
