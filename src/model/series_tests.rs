use super::*;

fn s(t_ms: i64, v: f64) -> Sample {
    Sample { t_ms, v }
}

fn key(name: &str, method: &str) -> SeriesKey {
    SeriesKey::new(name, [("method", method)])
}

#[test]
fn key_sorts_dedups_and_drops_empty_labels() {
    let k = SeriesKey::new("m", [("b", "2"), ("a", "1"), ("b", "3"), ("c", "")]);
    assert_eq!(
        k.labels,
        vec![
            ("a".to_owned(), "1".to_owned()),
            ("b".to_owned(), "3".to_owned())
        ]
    );
    assert_eq!(k.label("a"), Some("1"));
    assert_eq!(k.label("b"), Some("3"));
    assert_eq!(k.label("c"), None);
    assert_eq!(k, SeriesKey::new("m", [("a", "1"), ("b", "3")]));
    let owned: Vec<(String, String)> = vec![("x".into(), "y".into())];
    assert_eq!(SeriesKey::new("m", owned).label("x"), Some("y"));
}

#[test]
fn out_of_order_and_duplicate_timestamps_rejected() {
    let mut store = SeriesStore::new(Duration::from_secs(60));
    let k = key("req_total", "a");
    assert!(store.push(&k, s(1_000, 1.0)));
    assert!(store.push(&k, s(2_000, 2.0)));
    assert!(!store.push(&k, s(2_000, 9.0)), "same timestamp");
    assert!(!store.push(&k, s(1_500, 9.0)), "older timestamp");
    assert!(store.push(&k, s(3_000, 3.0)));
    assert_eq!(store.sample_count(), 3);
    let series = store.get(&k).expect("series exists");
    let values: Vec<f64> = series.range(i64::MIN, i64::MAX).map(|x| x.v).collect();
    assert_eq!(values, vec![1.0, 2.0, 3.0]);
    assert_eq!(series.last(), Some(s(3_000, 3.0)));
}

#[test]
fn trim_by_retention_drops_old_samples_and_empty_series() {
    let mut store = SeriesStore::new(Duration::from_secs(10));
    let a = key("req_total", "a");
    let b = key("req_total", "b");
    for t in [0, 5_000, 10_000, 15_000] {
        store.push(&a, s(t, 1.0));
    }
    store.push(&b, s(2_000, 1.0));
    assert_eq!((store.series_count(), store.sample_count()), (2, 5));

    // Cutoff 20_000 - 10_000 = 10_000: keeps t >= 10_000.
    store.trim(20_000);
    assert_eq!((store.series_count(), store.sample_count()), (1, 2));
    assert!(store.get(&b).is_none());
    let kept: Vec<i64> = store
        .get(&a)
        .map(|x| x.range(i64::MIN, i64::MAX).map(|x| x.t_ms).collect())
        .unwrap_or_default();
    assert_eq!(kept, vec![10_000, 15_000]);

    store.trim(100_000);
    assert_eq!((store.series_count(), store.sample_count()), (0, 0));
    assert_eq!(store.select("req_total").count(), 0);
    // A dropped series starts afresh: an "old" timestamp is accepted again.
    assert!(store.push(&a, s(1_000, 1.0)));
}

#[test]
fn select_by_name_only_returns_that_metric_in_key_order() {
    let mut store = SeriesStore::new(Duration::from_secs(60));
    store.push(&key("req_total", "b"), s(1, 1.0));
    store.push(&key("req_total", "a"), s(1, 1.0));
    store.push(&key("err_total", "a"), s(1, 1.0));
    let methods: Vec<&str> = store
        .select("req_total")
        .filter_map(|(k, _)| k.label("method"))
        .collect();
    assert_eq!(methods, vec!["a", "b"]);
    assert_eq!(store.select("err_total").count(), 1);
    assert_eq!(store.select("nope").count(), 0);
    assert_eq!(store.series_count(), 3);
    assert_eq!(store.sample_count(), 3);
}

#[test]
fn range_is_left_open_right_closed() {
    let mut series = Series::default();
    for t in [0, 15, 30, 45, 60] {
        assert!(series.push(s(t, t as f64)));
    }
    let ts: Vec<i64> = series.range(0, 45).map(|x| x.t_ms).collect();
    assert_eq!(ts, vec![15, 30, 45]);
    assert_eq!(series.range(60, 0).len(), 0, "inverted window is empty");
    assert_eq!(series.range(-1, 60).len(), 5);
    let (a, b) = series.samples();
    assert_eq!(a.len() + b.len(), series.len());
}

#[test]
fn a_full_window_keeps_little_spare_room() {
    // 5 minutes at 1 s: 312 samples with the trim margin. Doubling would hold 512.
    let mut series = Series::default();
    for t in 0..312 {
        assert!(series.push(s(t * 1000, t as f64)));
    }
    assert_eq!(series.len(), 312);
    assert!(
        series.samples.capacity() < 312 * 5 / 4 + 8,
        "capacity {} for 312 samples",
        series.samples.capacity()
    );
}

#[test]
fn a_store_told_its_interval_allocates_each_series_window_once() {
    // 312 s at 1 s: the window holds 313 samples (both ends), room is 312 + 9 + 2.
    let mut store = SeriesStore::with_interval(Duration::from_secs(312), Duration::from_secs(1));
    let key = SeriesKey::new("up", [("job", "a")]);
    assert!(store.push(&key, s(0, 1.0)));
    let first = store.get(&key).map(Series::capacity);
    assert_eq!(first, Some(323));
    // Three windows of scrapes, a few of them early, trimmed as the dashboard does.
    let mut t = 0;
    for i in 1..1000 {
        t += if i % 10 == 0 { 900 } else { 1000 };
        assert!(store.push(&key, s(t, 1.0)));
        store.trim(t);
        assert_eq!(
            store.get(&key).map(Series::capacity),
            first,
            "reallocated at {t} ms"
        );
    }
    assert!(store.get(&key).map_or(0, Series::len) > 312);
}

#[test]
fn a_long_window_at_a_short_interval_is_capped_up_front() {
    let mut store =
        SeriesStore::with_interval(Duration::from_secs(3600), Duration::from_millis(100));
    let key = SeriesKey::new("up", [("job", "a")]);
    assert!(store.push(&key, s(0, 1.0)));
    assert_eq!(
        store.get(&key).map(Series::capacity),
        Some(MAX_SERIES_CAPACITY)
    );
    // A zero interval is not a division by zero.
    let store = SeriesStore::with_interval(Duration::from_secs(60), Duration::ZERO);
    assert_eq!(store.sample_count(), 0);
}
