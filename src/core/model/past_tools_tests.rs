use super::*;

fn row(tool: &str, module: &str, per_sec: f64) -> ToolRow {
    ToolRow {
        tool: tool.into(),
        module: module.into(),
        per_sec,
        share: per_sec / 10.0,
        err_per_sec: per_sec / 4.0,
        error_ratio: Some(0.25),
        error_types: vec![
            ("tool_error".into(), per_sec / 8.0),
            ("-32602".into(), per_sec / 8.0),
        ],
        latency: Latency {
            p50: Some(0.05),
            p95: Some(0.25),
            p99: Some(1.0),
            p95_lower_bound: false,
            p99_lower_bound: true,
            top_bucket_s: Some(1.0),
        },
        calls: per_sec * 300.0,
        latency_buckets: vec![
            (0.05, per_sec / 2.0),
            (0.25, per_sec * 0.9),
            (1.0, per_sec),
            (f64::INFINITY, per_sec),
        ],
    }
}

#[test]
fn rows_unpack_equal_to_those_packed() {
    let mut shared = Shared::default();
    let mut quiet = row("search", "notion", 0.0);
    quiet.error_ratio = None;
    quiet.error_types.clear();
    quiet.latency = Latency::default();
    quiet.latency_buckets.clear();
    let mut odd = row("fetch", "web", 2.0);
    odd.per_sec = f64::NAN;
    odd.error_ratio = Some(f64::NAN);
    odd.latency.p95_lower_bound = true;
    odd.latency_buckets = vec![(0.1, 1.0), (f64::INFINITY, 2.0)];
    let rows = vec![
        row("notion.search", "notion", 3.5),
        quiet,
        odd.clone(),
        row("a", "b", 1e-300),
    ];
    let back = PackedTools::pack(&rows, &mut shared).unpack();
    // NaN is never equal to itself: compare the odd row by its bits.
    assert_eq!(back.len(), rows.len());
    for (i, (b, r)) in back.iter().zip(&rows).enumerate() {
        if i == 2 {
            assert!(b.per_sec.is_nan() && b.error_ratio.is_some_and(f64::is_nan));
            let fix = |x: &ToolRow| ToolRow {
                per_sec: 0.0,
                error_ratio: None,
                ..x.clone()
            };
            assert_eq!(fix(b), fix(r));
        } else {
            assert_eq!(b, r, "row {i}");
        }
    }
    assert!(PackedTools::pack(&[], &mut shared).unpack().is_empty());
}

#[test]
fn strings_and_bounds_are_shared_between_instants_and_let_go_when_unheld() {
    let mut shared = Shared::default();
    let a = PackedTools::pack(&[row("x", "m", 1.0), row("y", "m", 2.0)], &mut shared);
    let b = PackedTools::pack(&[row("x", "m", 3.0)], &mut shared);
    // x, y, m and the two error types; one list of bounds for all three rows.
    assert_eq!(shared.strings.len(), 5);
    assert_eq!(shared.bounds.len(), 1);
    assert!(Arc::ptr_eq(&a.rows[0].tool, &b.rows[0].tool));
    assert!(Arc::ptr_eq(&a.rows[1].bounds, &b.rows[0].bounds));
    drop(a);
    shared.prune();
    assert_eq!(shared.strings.len(), 4, "y is let go");
    drop(b);
    shared.prune();
    assert_eq!((shared.strings.len(), shared.bounds.len()), (0, 0));
}

#[test]
fn repeated_bucket_rates_are_stored_once_and_read_back_bit_for_bit() {
    let mut shared = Shared::default();
    let mut many = row("many", "m", 1.0);
    // 70 buckets: runs of zeros, -0 beside 0 (different bits), NaNs, and repeats past the
    // 64th bucket, which are stored whatever they are.
    many.latency_buckets = (0..70)
        .map(|i| {
            let rate = match i {
                0..=9 => 0.0,
                10 => -0.0,
                11..=19 => f64::NAN,
                20..=39 => 0.5,
                40..=59 => 0.5 + f64::from(i) * 1e-17,
                _ => 1.0,
            };
            (f64::from(i), rate)
        })
        .collect();
    let packed = PackedTools::pack(std::slice::from_ref(&many), &mut shared);
    let bits = |r: &ToolRow| {
        r.latency_buckets
            .iter()
            .map(|(le, v)| (le.to_bits(), v.to_bits()))
            .collect::<Vec<_>>()
    };
    let back = packed.unpack();
    assert_eq!(bits(&back[0]), bits(&many));
    // Stored: 0, -0, NaN, 0.5, bucket 40 and those of 41..59 that differ from the one
    // below, 1.0, and the six buckets from the 64th on.
    let distinct_40_59 = many.latency_buckets[40..60]
        .windows(2)
        .filter(|w| w[0].1.to_bits() != w[1].1.to_bits())
        .count();
    let stored = packed.nums.len() - FIXED;
    assert!(distinct_40_59 > 0);
    assert_eq!(stored, 4 + 1 + distinct_40_59 + 1 + 6);
}
