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
        vec![("a".into(), "1".into()), ("b".into(), "3".into())]
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
    assert_eq!(series.range(60, 0).count(), 0, "inverted window is empty");
    assert_eq!(series.range(-1, 60).count(), 5);
    assert_eq!(series.iter().count(), series.len());
    assert_eq!(
        (series.first(), series.last()),
        (Some(s(0, 0.0)), Some(s(60, 60.0)))
    );
}

#[test]
fn a_full_window_of_a_growing_counter_packs_in_a_few_bytes_a_sample() {
    // 5 minutes at 1 s: 312 samples with the trim margin, 16 bytes each unpacked; steps of
    // up to 60 take 2 bytes a sample.
    let mut series = Series::with_capacity(312 * 2);
    let mut v = 1e6;
    for t in 0..312 {
        v += (t % 61) as f64;
        assert!(series.push(s(t * 1000 + t % 3, v)));
    }
    assert_eq!(series.len(), 312);
    assert!(
        series.capacity() < 312 * 5 / 2,
        "capacity {} for 312 samples",
        series.capacity()
    );
}

#[test]
fn a_store_told_its_interval_allocates_a_steady_series_window_once() {
    // 312 s at 1 s: the window holds 313 samples (both ends), room is 312 + 9 + 2, at 2
    // bytes a sample.
    let mut store = SeriesStore::with_interval(Duration::from_secs(312), Duration::from_secs(1));
    let key = SeriesKey::new("up", [("job", "a")]);
    assert!(store.push(&key, s(0, 1.0)));
    let first = store.get(&key).map(Series::capacity);
    assert_eq!(first, Some(323 * 2));
    for t in (1000..1_000_000).step_by(1000) {
        assert!(store.push(&key, s(t, 1.0)));
        store.trim(t);
        assert_eq!(
            store.get(&key).map(Series::capacity),
            first,
            "reallocated at {t} ms"
        );
    }
    // Scrapes a little early now and then cost a byte more: the buffer grows within the
    // first window, then stays.
    let key = SeriesKey::new("up", [("job", "b")]);
    let (mut t, mut settled) = (0, None);
    for i in 1..2000 {
        t += if i % 10 == 0 { 900 } else { 1000 };
        assert!(store.push(&key, s(t, f64::from(i))));
        store.trim(t);
        let cap = store.get(&key).map(Series::capacity);
        match settled {
            None if i == 700 => settled = cap,
            Some(c) => assert_eq!(cap, Some(c), "reallocated at {t} ms"),
            None => {}
        }
    }
    assert!(store.get(&key).map_or(0, Series::len) > 312);
}

/// A splitmix64 step: the tests' deterministic source of awkward values and times.
fn mix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[test]
fn packed_samples_read_back_bit_for_bit_through_pushes_and_trims() {
    let specials = [
        f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0002), // Prometheus' stale marker
        -0.0,
        0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::MIN_POSITIVE,
        f64::MAX,
        1e-300,
    ];
    let mut state = 7;
    let mut series = Series::default();
    let mut want: std::collections::VecDeque<Sample> = Default::default();
    let mut t = i64::MIN / 2;
    for i in 0..5000 {
        let r = mix(&mut state);
        t += match r % 5 {
            0 => 1,
            1 => 2000,
            2 => 1999 + (r >> 40) as i64 % 7,
            3 => 1 << 40,
            _ => (r >> 20) as i64,
        };
        let prev = want.back().map_or(0.0, |s| s.v);
        let v = match (r >> 8) % 6 {
            0 => specials[(r >> 16) as usize % specials.len()],
            1 => f64::from_bits(mix(&mut state)),
            2 => prev,
            3 => prev + 1.0,
            4 => (prev + ((r >> 24) % 5000) as f64 - 2500.0).round(),
            _ => ((r >> 12) as i64 - (1 << 51)) as f64,
        };
        assert!(series.push(s(t, v)));
        want.push_back(s(t, v));
        assert!(!series.push(s(t, 1.0)), "a duplicate timestamp is refused");
        if i % 97 == 0 {
            let cutoff = want[want.len() / 2].t_ms + 1;
            let n = want.iter().take_while(|s| s.t_ms < cutoff).count();
            want.drain(..n);
            assert_eq!(series.trim_before(cutoff), n);
        }
        if i % 13 == 0 {
            let got: Vec<(i64, u64)> = series.iter().map(|s| (s.t_ms, s.v.to_bits())).collect();
            let exp: Vec<(i64, u64)> = want.iter().map(|s| (s.t_ms, s.v.to_bits())).collect();
            assert_eq!(got, exp, "after {i} pushes");
            assert_eq!(series.len(), want.len());
        }
    }
    // Trimming past the newest sample empties it.
    assert_eq!(series.trim_before(i64::MAX), want.len());
    assert!(series.is_empty() && series.first().is_none() && series.last().is_none());
}

#[test]
fn a_long_window_at_a_short_interval_is_capped_up_front() {
    let mut store =
        SeriesStore::with_interval(Duration::from_secs(3600), Duration::from_millis(100));
    let key = SeriesKey::new("up", [("job", "a")]);
    assert!(store.push(&key, s(0, 1.0)));
    assert_eq!(
        store.get(&key).map(Series::capacity),
        Some(MAX_SERIES_CAPACITY * 2)
    );
    // A zero interval is not a division by zero.
    let store = SeriesStore::with_interval(Duration::from_secs(60), Duration::ZERO);
    assert_eq!(store.sample_count(), 0);
}

#[test]
fn the_interner_hands_out_one_key_a_series_and_one_copy_a_string() {
    use std::borrow::Cow::Borrowed as B;
    let mut keys = Interner::default();
    let clean = crate::inbound::Cleaner::new();
    let a = keys.key(
        "m",
        &[("tool", B("x")), ("le", B("0.1")), ("e", B(""))],
        &clean,
    );
    let a_again = keys.key("m", &[("tool", B("x")), ("le", B("0.1"))], &clean);
    assert!(Arc::ptr_eq(&a, &a_again), "the same series, the same key");
    assert_eq!(*a, SeriesKey::new("m", [("le", "0.1"), ("tool", "x")]));
    let b = keys.key("m", &[("le", B("0.2")), ("tool", B("x"))], &clean);
    assert!(!Arc::ptr_eq(&a, &b));
    assert!(
        Arc::ptr_eq(&a.labels[1].1, &b.labels[1].1),
        "`x` is stored once"
    );
    assert!(Arc::ptr_eq(&a.name, &b.name));
    assert_eq!(keys.len(), 2);
    // A series absent from a scrape is let go at its end; strings only it held too.
    keys.end_scrape();
    let b2 = keys.key("m", &[("le", B("0.2")), ("tool", B("x"))], &clean);
    assert!(Arc::ptr_eq(&b, &b2));
    drop((a, a_again));
    keys.end_scrape();
    assert_eq!(keys.len(), 1);
    // m, le, 0.2, tool, x: 0.1 went with the key of series a.
    assert_eq!(keys.strings(), 5);
}

#[test]
fn a_store_keeps_a_shared_key_rather_than_a_copy() {
    let mut store = SeriesStore::new(Duration::from_secs(60));
    let key = Arc::new(SeriesKey::new("up", [("job", "a")]));
    assert!(store.push_shared(&key, s(0, 1.0)));
    assert!(store.push_shared(&key, s(1, 1.0)));
    assert_eq!(Arc::strong_count(&key), 2, "the store holds the same key");
    assert_eq!(store.get(&key).map(Series::len), Some(2));
}

#[test]
fn keys_order_as_their_strings_whether_or_not_they_share_them() {
    use std::sync::Arc;
    let shared: Arc<str> = Arc::from("job");
    let key = |name: &str, labels: &[(&Arc<str>, &str)]| SeriesKey {
        name: Arc::from(name),
        labels: labels
            .iter()
            .map(|(k, v)| (Arc::clone(k), Arc::from(*v)))
            .collect(),
    };
    let own: Arc<str> = Arc::from("job");
    let a = key("x", &[(&shared, "a")]);
    let a_copy = key("x", &[(&own, "a")]);
    let b = key("x", &[(&shared, "b")]);
    let longer = key("x", &[(&shared, "a"), (&own, "z")]);
    assert_eq!(a, a_copy);
    assert_eq!(a.cmp(&a_copy), std::cmp::Ordering::Equal);
    assert!(a < b && b > a_copy);
    assert!(a < longer, "a prefix first, as Vec's order");
    assert!(key("w", &[(&shared, "z")]) < a, "the name first");
    // As the derived order of (name, labels) would have it.
    let plain = |k: &SeriesKey| {
        (
            k.name.to_string(),
            k.labels
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect::<Vec<_>>(),
        )
    };
    for x in [&a, &b, &longer] {
        for y in [&a, &b, &longer, &a_copy] {
            assert_eq!(x.cmp(y), plain(x).cmp(&plain(y)));
        }
    }
}

#[test]
fn dropping_the_oldest_sample_moves_the_buffer_only_when_a_push_needs_the_room() {
    let mut store = SeriesStore::with_interval(Duration::from_secs(312), Duration::from_secs(1));
    let key = SeriesKey::new("up", [("job", "a")]);
    let mut moves = 0;
    let mut last_dropped = 0;
    for (i, t) in (0..3_000_000).step_by(1000).enumerate() {
        assert!(store.push(&key, s(t, i as f64)));
        store.trim(t);
        let series = store.get(&key).expect("kept");
        let dropped = series.dropped_bytes();
        if dropped < last_dropped {
            moves += 1;
        }
        last_dropped = dropped;
        assert_eq!(series.capacity(), 323 * 2, "never grown, at {t} ms");
    }
    // 3,000 scrapes, one sample dropped at each from the 313th on: the buffer's 20 spare
    // bytes take ten samples' drops before the move.
    assert!((200..=300).contains(&moves), "{moves} moves");
    let got: Vec<i64> = store
        .get(&key)
        .map(|s| s.iter().map(|x| x.t_ms).collect())
        .unwrap_or_default();
    assert_eq!(got.len(), 313);
    assert_eq!(got.first(), Some(&(2_999_000 - 312_000)));
}
