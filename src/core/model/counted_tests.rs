use std::time::Duration;

use super::*;
use crate::model::query::sum_rate;

const SEC: i64 = 1_000;

fn key(labels: &[(&str, &str)]) -> SeriesKey {
    SeriesKey::new("req_total", labels.iter().copied())
}

fn store() -> SeriesStore {
    SeriesStore::new(Duration::from_secs(3600))
}

/// Pushes `(t seconds, value)` samples.
fn push(st: &mut SeriesStore, k: &SeriesKey, samples: &[(i64, f64)]) {
    for &(t, v) in samples {
        assert!(st.push(k, Sample { t_ms: t * SEC, v }));
    }
}

/// A series scraped every second from `born` to `until` s, worth `value(t)`.
fn every_second(
    st: &mut SeriesStore,
    k: &SeriesKey,
    born: i64,
    until: i64,
    value: impl Fn(i64) -> f64,
) {
    let samples: Vec<(i64, f64)> = (born..=until).map(|t| (t, value(t))).collect();
    push(st, k, &samples);
}

/// An old series counting 10 a second, sampled every second from 0 to `until` s.
fn steady(st: &mut SeriesStore, until: i64) {
    let k = key(&[("status", "ok")]);
    let samples: Vec<(i64, f64)> = (0..=until).map(|t| (t, 10.0 * t as f64)).collect();
    push(st, &k, &samples);
}

fn all(st: &SeriesStore, eval_s: i64, range_s: i64) -> Option<f64> {
    sum_counted_rate(
        st,
        "req_total",
        |_| true,
        |_| true,
        eval_s * SEC,
        range_s * SEC,
    )
}

fn errors(st: &SeriesStore, eval_s: i64, range_s: i64) -> Option<f64> {
    sum_counted_rate(
        st,
        "req_total",
        |_| true,
        |k| k.label("status") != Some("ok"),
        eval_s * SEC,
        range_s * SEC,
    )
}

#[test]
fn series_seen_before_the_window_give_sum_of_rate() {
    let mut st = store();
    steady(&mut st, 120);
    push(
        &mut st,
        &key(&[("status", "err")]),
        &[(10, 1.0), (50, 2.0), (100, 4.0)],
    );
    let counted = all(&st, 120, 60).expect("counted");
    let rate = sum_rate(&st, "req_total", |_| true, 120 * SEC, 60 * SEC).expect("rate");
    assert!((counted - rate).abs() < 1e-12, "{counted} vs {rate}");
}

#[test]
fn a_series_born_in_the_window_adds_its_whole_count() {
    let mut st = store();
    steady(&mut st, 120);
    // Born at 100 s with 1, one more at 110 s: 2 errors in the window.
    let err = |t| if t < 110 { 1.0 } else { 2.0 };
    every_second(&mut st, &key(&[("status", "err")]), 100, 120, err);
    // Born at 115 s with 1 and no more: rate() sees no increase at all.
    every_second(&mut st, &key(&[("status", "timeout")]), 115, 120, |_| 1.0);
    let e = errors(&st, 120, 60).expect("errors");
    assert!((e - 3.0 / 60.0).abs() < 1e-12, "{e}");
    let rate = sum_rate(
        &st,
        "req_total",
        |k| k.label("status") != Some("ok"),
        120 * SEC,
        60 * SEC,
    )
    .expect("rate");
    // rate(): nothing for the timeout; the error's 1 extrapolated by half an interval.
    assert!(
        (rate - 1.025 / 60.0).abs() < 1e-12,
        "rate() misses the first increments: {rate}"
    );
    // The total counts them too, so the ratio stays within 0..1.
    let a = all(&st, 120, 60).expect("all");
    let steady_rate = 600.0 / 60.0;
    assert!((a - steady_rate - 3.0 / 60.0).abs() < 1e-9, "{a}");
}

#[test]
fn nothing_is_born_where_the_target_was_not_scraped_before_the_window() {
    // The store starts at 100 s (mcptop or the engine just started): the error series'
    // value may hold hours of errors, so it is not counted from zero.
    let mut st = store();
    let ok: Vec<(i64, f64)> = (100..=120).map(|t| (t, 10.0 * t as f64)).collect();
    push(&mut st, &key(&[("status", "ok")]), &ok);
    push(
        &mut st,
        &key(&[("status", "err")]),
        &[(105, 500.0), (115, 501.0)],
    );
    push(&mut st, &key(&[("status", "timeout")]), &[(110, 70.0)]);
    let e = errors(&st, 120, 60).expect("errors");
    let rate = sum_rate(
        &st,
        "req_total",
        |k| k.label("status") != Some("ok"),
        120 * SEC,
        60 * SEC,
    )
    .expect("rate");
    assert!((e - rate).abs() < 1e-12, "{e} vs {rate}");
}

#[test]
fn a_series_back_after_more_than_the_lookback_is_born_again() {
    // As Prometheus: `X offset r` finds nothing older than 5 minutes before the window.
    let mut st = store();
    steady(&mut st, 600);
    let k = key(&[("status", "err")]);
    push(&mut st, &k, &[(100, 7.0)]);
    every_second(&mut st, &k, 590, 600, |_| 8.0);
    let e = errors(&st, 600, 60).expect("errors");
    assert!((e - 8.0 / 60.0).abs() < 1e-12, "{e}");
}

#[test]
fn a_born_series_without_a_sample_in_the_lookback_at_eval_is_not_counted() {
    // A 10-minute window: the series was born and last sampled 8 minutes before `t`;
    // `X` at `t` finds nothing, so only its (absent) increase remains.
    let mut st = store();
    steady(&mut st, 1800);
    push(&mut st, &key(&[("status", "err")]), &[(1320, 3.0)]);
    assert_eq!(errors(&st, 1800, 600), None);
}

#[test]
fn grouped_by_a_label() {
    let mut st = store();
    steady(&mut st, 120);
    let b = |t| if t < 110 { 1.0 } else { 2.0 };
    every_second(
        &mut st,
        &key(&[("status", "err"), ("tool", "b")]),
        100,
        120,
        b,
    );
    every_second(
        &mut st,
        &key(&[("status", "err"), ("tool", "a")]),
        115,
        120,
        |_| 6.0,
    );
    let by = sum_counted_rate_by(
        &st,
        "req_total",
        |_| true,
        |k| k.label("status") == Some("err"),
        "tool",
        120 * SEC,
        60 * SEC,
    );
    assert_eq!(
        by,
        vec![("a".to_string(), 6.0 / 60.0), ("b".to_string(), 2.0 / 60.0)]
    );
}

#[test]
fn a_born_series_missing_from_the_latest_scrape_is_stale() {
    // The server restarted at 112 s and has not created the error pair again: Prometheus
    // marks it stale, so only its increase (1 over the window) counts, not its value.
    let mut st = store();
    steady(&mut st, 120);
    push(
        &mut st,
        &key(&[("status", "err")]),
        &[(100, 1.0), (105, 1.0), (110, 2.0)],
    );
    let e = errors(&st, 120, 60).expect("errors");
    let inc = crate::model::promql::increase(
        st.get(&key(&[("status", "err")])).expect("series"),
        120 * SEC,
        60 * SEC,
    )
    .expect("increase");
    assert!((e - inc / 60.0).abs() < 1e-12, "{e} vs {inc}");
}
