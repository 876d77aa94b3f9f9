use std::time::Duration;

use super::*;
use crate::model::series::Sample;

const SEC: i64 = 1_000;

fn close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol
}

/// Pushes a linear counter `k * i` at t = 15 s * i for i = 1..=4. Over the
/// window (0, 60 s] its rate is exactly k / 15 per second: result 3k,
/// to_start 15 s (< 16.5 threshold), to_zero 45 * k / 3k = 15 s, to_end 0,
/// factor 60/45/60 -> 3k * 60/45 / 60 = k/15.
fn push_linear(store: &mut SeriesStore, key: &SeriesKey, k: f64) {
    for i in 1..=4 {
        assert!(store.push(
            key,
            Sample {
                t_ms: 15 * SEC * i,
                v: k * i as f64
            }
        ));
    }
}

fn key(name: &str, labels: &[(&str, &str)]) -> SeriesKey {
    SeriesKey::new(name, labels.iter().copied())
}

fn store() -> SeriesStore {
    SeriesStore::new(Duration::from_secs(600))
}

#[test]
fn sum_rate_over_two_series() {
    let mut st = store();
    push_linear(&mut st, &key("req_total", &[("method", "a")]), 15.0);
    push_linear(&mut st, &key("req_total", &[("method", "b")]), 30.0);
    push_linear(&mut st, &key("other_total", &[("method", "a")]), 999.0);
    let all = sum_rate(&st, "req_total", |_| true, 60 * SEC, 60 * SEC).expect("sum");
    assert!(close(all, 1.0 + 2.0, 1e-12), "{all}");
    let only_b = sum_rate(
        &st,
        "req_total",
        |k| k.label("method") == Some("b"),
        60 * SEC,
        60 * SEC,
    );
    assert!(only_b.is_some_and(|v| close(v, 2.0, 1e-12)), "{only_b:?}");
    assert_eq!(
        sum_rate(&st, "req_total", |_| false, 60 * SEC, 60 * SEC),
        None
    );
    assert_eq!(sum_rate(&st, "missing", |_| true, 60 * SEC, 60 * SEC), None);
    // A single sample in the window is no data.
    assert_eq!(
        sum_rate(&st, "req_total", |_| true, 75 * SEC, 20 * SEC),
        None
    );
}

#[test]
fn quantile_over_rate_end_to_end() {
    // Two instances whose bucket rates sum to 8, 10, 11, 12 (x 1/15 per s).
    let mut st = store();
    let b = "lat_seconds_bucket";
    let counts = [
        ("0.1", 4.0, 4.0),
        ("0.5", 5.0, 5.0),
        ("1", 6.0, 5.0),
        ("+Inf", 6.0, 6.0),
    ];
    for (le, a, bb) in counts {
        push_linear(&mut st, &key(b, &[("instance", "a"), ("le", le)]), a);
        push_linear(&mut st, &key(b, &[("instance", "b"), ("le", le)]), bb);
        // Another job, filtered out by pred, would distort the result.
        push_linear(&mut st, &key(b, &[("job", "other"), ("le", le)]), 1000.0);
    }
    // No `le` / unparsable `le`: skipped.
    push_linear(&mut st, &key(b, &[("instance", "a")]), 1000.0);
    push_linear(
        &mut st,
        &key(b, &[("instance", "a"), ("le", "fast")]),
        1000.0,
    );
    let mine = |k: &SeriesKey| k.label("job").is_none();
    let at = |q: f64| quantile_over_rate(&st, b, mine, q, 60 * SEC, 60 * SEC);

    assert!(
        at(0.5).is_some_and(|v| close(v, 0.075, 1e-9)),
        "{:?}",
        at(0.5)
    );
    assert!(
        at(0.7).is_some_and(|v| close(v, 0.18, 1e-9)),
        "{:?}",
        at(0.7)
    );
    assert!(
        at(0.95).is_some_and(|v| close(v, 1.0, 1e-9)),
        "{:?}",
        at(0.95)
    );
    assert_eq!(at(2.0), Some(f64::INFINITY));

    // No data at all -> None; data without +Inf -> Some(NaN).
    assert_eq!(
        quantile_over_rate(&st, "nope_bucket", mine, 0.5, 60 * SEC, 60 * SEC),
        None
    );
    let no_inf = |k: &SeriesKey| mine(k) && k.label("le") != Some("+Inf");
    let nan = quantile_over_rate(&st, b, no_inf, 0.5, 60 * SEC, 60 * SEC);
    assert!(nan.is_some_and(f64::is_nan), "{nan:?}");
    // Nothing increased -> total 0 -> NaN.
    let mut flat = store();
    for le in ["0.1", "+Inf"] {
        push_linear(&mut flat, &key(b, &[("le", le)]), 0.0);
    }
    let zero = quantile_over_rate(&flat, b, |_| true, 0.5, 60 * SEC, 60 * SEC);
    assert!(zero.is_some_and(f64::is_nan), "{zero:?}");
}

#[test]
fn le_strings_parse_like_prometheus() {
    assert_eq!(parse_le("+Inf"), Some(f64::INFINITY));
    assert_eq!(parse_le("Inf"), Some(f64::INFINITY));
    assert_eq!(parse_le("0.25"), Some(0.25));
    assert_eq!(parse_le("1e-3"), Some(0.001));
    assert_eq!(parse_le(""), None);
    assert_eq!(parse_le(" 1"), None);
}

#[test]
fn equal_bounds_spelled_differently_are_merged() {
    let mut st = store();
    let b = "h_bucket";
    push_linear(&mut st, &key(b, &[("i", "a"), ("le", "1")]), 4.0);
    push_linear(&mut st, &key(b, &[("i", "b"), ("le", "1.0")]), 4.0);
    push_linear(&mut st, &key(b, &[("i", "a"), ("le", "+Inf")]), 8.0);
    push_linear(&mut st, &key(b, &[("i", "b"), ("le", "+Inf")]), 8.0);
    // Counts 8 at le=1, 16 total: the median is at the 1 boundary.
    let got = quantile_over_rate(&st, b, |_| true, 0.5, 60 * SEC, 60 * SEC);
    assert!(got.is_some_and(|v| close(v, 1.0, 1e-9)), "{got:?}");
}

#[test]
fn kahan_sum_compensates() {
    let mut k = KahanSum::default();
    for x in [1e16, 1.0, -1e16] {
        k.add(x);
    }
    assert_eq!(k.value(), 1.0);
}
