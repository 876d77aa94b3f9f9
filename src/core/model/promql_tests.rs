use super::*;

const SEC: i64 = 1_000;

fn series(points: &[(i64, f64)]) -> Series {
    let mut s = Series::default();
    for &(t_ms, v) in points {
        assert!(s.push(Sample { t_ms, v }));
    }
    s
}

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

// ---- histogram_quantile -------------------------------------------------

fn base_buckets() -> Vec<(f64, f64)> {
    vec![(0.1, 8.0), (0.5, 10.0), (1.0, 11.0), (f64::INFINITY, 12.0)]
}

#[test]
fn histogram_quantile_reference_values() {
    // rank 11.4 exceeds every finite bucket -> second-highest bound.
    assert!(close(
        histogram_quantile(0.95, &mut base_buckets()),
        1.0,
        1e-9
    ));
    // rank 6 in first bucket: 0 + 0.1 * 6/8.
    assert!(close(
        histogram_quantile(0.5, &mut base_buckets()),
        0.075,
        1e-9
    ));
    // rank 8.4 in (0.1, 0.5]: 0.1 + 0.4 * (8.4-8)/(10-8).
    assert!(close(
        histogram_quantile(0.7, &mut base_buckets()),
        0.18,
        1e-9
    ));
    assert_eq!(histogram_quantile(0.0, &mut base_buckets()), 0.0);
    assert_eq!(histogram_quantile(1.0, &mut base_buckets()), 1.0);
}

#[test]
fn histogram_quantile_nan_cases() {
    let mut no_inf = vec![(0.1, 8.0), (0.5, 10.0), (1.0, 12.0)];
    assert!(histogram_quantile(0.5, &mut no_inf).is_nan());
    let mut zero = vec![(0.1, 0.0), (f64::INFINITY, 0.0)];
    assert!(histogram_quantile(0.5, &mut zero).is_nan());
    let mut one = vec![(f64::INFINITY, 5.0)];
    assert!(histogram_quantile(0.5, &mut one).is_nan());
    assert!(histogram_quantile(0.5, &mut Vec::new()).is_nan());
    let mut nan_le = vec![(f64::NAN, 1.0), (f64::INFINITY, 2.0)];
    assert!(histogram_quantile(0.5, &mut nan_le).is_nan());
}

#[test]
fn histogram_quantile_q_out_of_range() {
    assert_eq!(
        histogram_quantile(-0.1, &mut base_buckets()),
        f64::NEG_INFINITY
    );
    assert_eq!(histogram_quantile(1.1, &mut base_buckets()), f64::INFINITY);
    assert!(histogram_quantile(f64::NAN, &mut base_buckets()).is_nan());
    // q checks come before bucket validation.
    assert_eq!(histogram_quantile(2.0, &mut Vec::new()), f64::INFINITY);
}

#[test]
fn histogram_quantile_forces_monotonic() {
    // 0.5 -> 7 is lifted to 8: counts 8, 8, 11, 12.
    let mut b = vec![(0.1, 8.0), (0.5, 7.0), (1.0, 11.0), (f64::INFINITY, 12.0)];
    // rank 8.4 -> bucket 1.0: 0.5 + 0.5 * (8.4-8)/(11-8).
    let got = histogram_quantile(0.7, &mut b);
    assert!(close(got, 0.5 + 0.5 * 0.4 / 3.0, 1e-9), "{got}");
    assert_eq!(b[1], (0.5, 8.0));
}

#[test]
fn histogram_quantile_ignores_float_noise() {
    // 10 - 1e-15 is within 1e-12 of 10: treated as equal, not as a dip.
    let mut b = vec![(0.1, 10.0), (0.5, 10.0 - 1e-15), (f64::INFINITY, 20.0)];
    // rank 10 reached at le=0.1: 0 + 0.1 * 10/10.
    assert!(close(histogram_quantile(0.5, &mut b), 0.1, 1e-12));
    assert_eq!(b[1].1, 10.0);
}

#[test]
fn histogram_quantile_merges_duplicates_and_sorts() {
    let mut b = vec![
        (f64::INFINITY, 12.0),
        (0.1, 5.0),
        (1.0, 11.0),
        (0.5, 10.0),
        (0.1, 3.0),
    ];
    assert!(close(histogram_quantile(0.7, &mut b), 0.18, 1e-9));
    assert_eq!(b.len(), 4);
    assert_eq!(b[0], (0.1, 8.0));
}

#[test]
fn histogram_quantile_negative_lowest_bound() {
    let b = || vec![(-1.0, 5.0), (0.0, 8.0), (f64::INFINITY, 10.0)];
    // rank 2 in the first bucket whose bound <= 0: that bound.
    assert_eq!(histogram_quantile(0.2, &mut b()), -1.0);
    // rank 6 in (-1, 0]: -1 + 1 * (6-5)/(8-5).
    assert!(close(histogram_quantile(0.6, &mut b()), -2.0 / 3.0, 1e-9));
    // First bucket bound exactly 0 is also returned as is.
    let mut z = vec![(0.0, 5.0), (f64::INFINITY, 10.0)];
    assert_eq!(histogram_quantile(0.2, &mut z), 0.0);
}

// ---- rate / increase ----------------------------------------------------

#[test]
fn rate_matches_prometheus_3() {
    // c = 10, 20, 30 at 4m30s, 4m45s, 5m; rate(c[1m]) at 5m7s: window
    // (4m7s, 5m7s]. to_start 23 s >= 16.5 -> 7.5; to_zero 30*10/20 = 15 (no
    // clamp); to_end 7 s; factor (30+7.5+7)/30/60; 20 * factor = 0.494444.
    // Prometheus 2.42 clamped to zero first (to_start 15, below threshold,
    // kept) and gave 20 * (30+15+7)/30/60 = 0.57778.
    let c = series(&[(270 * SEC, 10.0), (285 * SEC, 20.0), (300 * SEC, 30.0)]);
    let r = rate(&c, 307 * SEC, 60 * SEC).expect("rate");
    assert!(close(r, 0.494444, 1e-5), "{r}");
    let legacy = 20.0 * (30.0 + 15.0 + 7.0) / 30.0 / 60.0;
    assert!(close(legacy, 0.57778, 1e-5));
    assert!(!close(r, legacy, 1e-3));
}

#[test]
fn increase_accounts_counter_reset() {
    // 5, 10, 2, 7 at 15, 30, 45, 60 s; increase(c[1m]) at 60 s, window
    // (0, 60]. result = 7-5 + 10 (value before the drop) = 12.
    // to_start 15 s < 16.5 (avg 15 * 1.1) -> kept; to_zero 45*5/12 = 18.75
    // > 15 -> no clamp; to_end 0. factor (45+15+0)/45 = 4/3 -> 16.
    let c = series(&[
        (15 * SEC, 5.0),
        (30 * SEC, 10.0),
        (45 * SEC, 2.0),
        (60 * SEC, 7.0),
    ]);
    let inc = increase(&c, 60 * SEC, 60 * SEC).expect("increase");
    assert!(close(inc, 16.0, 1e-9), "{inc}");
    let r = rate(&c, 60 * SEC, 60 * SEC).expect("rate");
    assert!(close(r, 16.0 / 60.0, 1e-12), "{r}");
    // As a gauge (delta) the drop is not compensated: 2 * 4/3.
    let samples: Vec<Sample> = c.range(0, 60 * SEC).collect();
    let d = extrapolated_rate(&samples, 0, 60 * SEC, false, false).expect("delta");
    assert!(close(d, 8.0 / 3.0, 1e-9), "{d}");
}

#[test]
fn sample_at_range_start_is_excluded() {
    // Window (0, 60]: the sample at t=0 is out. Using 20..35 only: result
    // 15, to_start 15 s (< 16.5), to_zero 45*20/15 = 60 -> no clamp,
    // factor 60/45 -> 20. Were t=0 included: 35 * 60/60 = 35.
    let c = series(&[
        (0, 0.0),
        (15 * SEC, 20.0),
        (30 * SEC, 25.0),
        (45 * SEC, 30.0),
        (60 * SEC, 35.0),
    ]);
    let inc = increase(&c, 60 * SEC, 60 * SEC).expect("increase");
    assert!(close(inc, 20.0, 1e-9), "{inc}");
    // Window (-1 ms, 60 s] includes it: to_start 1 ms, to_zero 0 -> 35.
    let all = increase(&c, 60 * SEC, 60 * SEC + 1).expect("increase");
    assert!(close(all, 35.0, 1e-9), "{all}");
}

#[test]
fn fewer_than_two_samples_is_none() {
    let c = series(&[(10 * SEC, 1.0), (50 * SEC, 2.0)]);
    assert_eq!(rate(&c, 30 * SEC, 30 * SEC), None, "one sample");
    assert_eq!(rate(&c, 100 * SEC, 30 * SEC), None, "no sample");
    assert_eq!(rate(&Series::default(), 0, 30 * SEC), None);
    assert_eq!(rate(&c, 50 * SEC, 0), None, "zero range");
    assert_eq!(extrapolated_rate(&[], 0, 1, true, true), None);
    let one = [Sample { t_ms: 1, v: 1.0 }];
    assert_eq!(extrapolated_rate(&one, 0, 1, true, true), None);
    let same_t = [Sample { t_ms: 1, v: 1.0 }, Sample { t_ms: 1, v: 2.0 }];
    assert_eq!(extrapolated_rate(&same_t, 0, 1, true, true), None);
}

#[test]
fn increase_is_rate_times_range_seconds() {
    let c = series(&[
        (3 * SEC, 100.0),
        (13 * SEC, 104.0),
        (23 * SEC, 111.0),
        (33 * SEC, 115.0),
        (44 * SEC, 130.0),
    ]);
    for (eval, range) in [
        (44 * SEC, 40 * SEC),
        (50 * SEC, 30 * SEC),
        (47 * SEC, 45 * SEC),
    ] {
        let r = rate(&c, eval, range).expect("rate");
        let i = increase(&c, eval, range).expect("increase");
        assert!(close(i, r * range as f64 / 1000.0, 1e-9), "{i} vs {r}");
    }
}

#[test]
fn extrapolates_to_boundaries_when_close() {
    // Regular 10 s samples covering (0, 40] fully: to_start 10, to_end 0,
    // both under 11 s threshold -> factor 40/30; slope 1/s -> rate 1.
    let c = series(&[
        (10 * SEC, 10.0),
        (20 * SEC, 20.0),
        (30 * SEC, 30.0),
        (40 * SEC, 40.0),
    ]);
    let r = rate(&c, 40 * SEC, 40 * SEC).expect("rate");
    assert!(close(r, 1.0, 1e-12), "{r}");
}

// ---- the window's ends against the walk ----------------------------------

/// `rate`/`increase` from the window's ends and the resets kept aside give the walk's
/// answer bit for bit: counters with resets, NaN, a value below zero, irregular scrape
/// times, windows from one sample to the whole series, and again after old samples are
/// trimmed (their resets with them).
#[test]
fn the_ends_of_a_window_give_what_walking_it_gives() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for round in 0..200 {
        let mut s = Series::default();
        let mut t = 1_000_000;
        let mut v = 0.0;
        for _ in 0..(20 + next() % 300) {
            t += 500 + (next() % 1500) as i64;
            v = match next() % 40 {
                0 => 0.0,     // a reset
                1 => v / 3.0, // a partial drop
                2 if round % 7 == 0 => f64::NAN,
                3 if round % 11 == 0 => -5.0,
                _ if v.is_nan() => 1.0,
                _ => v + (next() % 50) as f64 * 0.5,
            };
            s.push(Sample { t_ms: t, v });
        }
        if round % 3 == 0 {
            let cut = s.first().map_or(0, |f| f.t_ms) + (next() % 60_000) as i64;
            s.trim_before(cut);
        }
        let last = s.last().map_or(0, |l| l.t_ms);
        for range in [1_000, 5_000, 30_000, 60_000, 300_000, 10_000_000] {
            for end in [last, last + 1, last + 2_500] {
                let start = end - range;
                let walked: Vec<Sample> = s.range(start, end).collect();
                for (counter, is_rate) in [(true, true), (true, false), (false, true)] {
                    let want = extrapolated_rate(&walked, start, end, counter, is_rate);
                    let got = over_window(&s, end, range, counter, is_rate);
                    assert_eq!(
                        got.map(f64::to_bits),
                        want.map(f64::to_bits),
                        "round {round}, range {range}, end {end}: {got:?} vs {want:?}"
                    );
                }
            }
        }
    }
}

/// `Series::last_in` is the walk's last sample of the window, wherever the window ends.
#[test]
fn the_last_sample_of_a_window_is_the_walks() {
    let s = series(&[(1_000, 1.0), (2_000, 2.0), (3_500, 0.5), (5_000, 7.0)]);
    for start in [0, 999, 1_000, 2_500, 3_500, 4_999, 5_000, 6_000] {
        for end in [0, 1_000, 1_500, 3_500, 4_999, 5_000, 9_000] {
            assert_eq!(
                s.last_in(start, end),
                s.range(start, end).last(),
                "({start}, {end}]"
            );
        }
    }
    assert_eq!(Series::default().last_in(0, 10), None);
}
