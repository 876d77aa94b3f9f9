use super::*;

fn stats(eval_ms: i64, range_ms: i64) -> Stats {
    Stats {
        eval_ms,
        range_ms,
        req_per_sec: Some(eval_ms as f64),
        ..Stats::default()
    }
}

/// Scrapes every 2 s, a little late each time, over a 10 s step.
fn filled() -> PastStats {
    let mut p = PastStats::new(10_000, 60_000, 30_000);
    for i in 0..100 {
        let t = i * 2_000 + 137;
        p.record(&stats(t, (t + 2_000).min(30_000)));
    }
    p
}

#[test]
fn keeps_the_first_evaluation_of_each_step_for_the_history() {
    let p = filled();
    // Evaluations every 2 s up to 198_137; the first of each 10 s step is kept: the newest
    // is 190_137, and the history (60 s) before it goes back to 130_137.
    assert_eq!(p.at(i64::MAX).map(|s| s.eval_ms), Some(190_137));
    assert_eq!(p.len(), 7, "130..190 s, one per 10 s step");
    assert_eq!(p.at(150_000).map(|s| s.eval_ms), Some(150_137 - 10_000));
    assert_eq!(p.at(150_137).map(|s| s.eval_ms), Some(150_137));
    assert_eq!(p.at(100_000), None, "before the first kept");
}

#[test]
fn an_older_or_same_step_evaluation_is_ignored() {
    let mut p = PastStats::new(10_000, 60_000, 30_000);
    p.record(&stats(10_500, 30_000));
    p.record(&stats(19_999, 30_000));
    p.record(&stats(5_000, 30_000));
    assert_eq!(p.len(), 1);
}

#[test]
fn reach_starts_at_the_first_entry_over_a_whole_window() {
    let mut p = PastStats::new(10_000, 600_000, 30_000);
    for i in 0..30 {
        let t = i * 2_000;
        p.record(&stats(t, (t + 2_000).min(30_000)));
    }
    // Entries at 0, 10, 20, 30, 40, 50 s; ranges 2, 12, 22, 30, 30, 30 s.
    assert_eq!(
        p.reach(),
        Some(Reach {
            earliest_ms: 30_000,
            latest_ms: 50_000
        })
    );
    let young = {
        let mut q = PastStats::new(10_000, 600_000, 30_000);
        q.record(&stats(0, 2_000));
        q
    };
    assert_eq!(young.reach(), None);
}

#[test]
fn settle_finds_the_kept_instant_on_the_side_asked() {
    let p = filled();
    assert_eq!(p.settle(155_000, -1), Some(150_137));
    assert_eq!(p.settle(155_000, 1), Some(160_137));
    assert_eq!(p.settle(160_137, 1), Some(160_137));
    assert_eq!(p.settle(160_137, -1), Some(160_137));
    assert_eq!(p.settle(100_000, -1), None);
    assert_eq!(p.settle(195_000, 1), None);
}

#[test]
fn clear_forgets() {
    let mut p = filled();
    p.clear();
    assert!(p.is_empty());
    assert_eq!(p.reach(), None);
}

#[test]
fn an_instant_comes_back_with_its_tool_rows_as_recorded() {
    use crate::model::stats::Latency;
    use crate::model::tool_stats::ToolRow;
    let tool = |name: &str, per_sec: f64| ToolRow {
        tool: name.into(),
        module: "notion".into(),
        per_sec,
        share: 0.5,
        err_per_sec: 0.1,
        error_ratio: Some(0.1 / per_sec),
        error_types: vec![("tool_error".into(), 0.1)],
        latency: Latency {
            p95: Some(0.25),
            ..Latency::default()
        },
        calls: per_sec * 30.0,
        latency_buckets: vec![(0.1, per_sec / 2.0), (f64::INFINITY, per_sec)],
    };
    let mut p = PastStats::new(10_000, 60_000, 30_000);
    let mut recorded = Vec::new();
    for i in 0..20 {
        let mut s = stats(i * 10_000, 30_000);
        s.latency_buckets = vec![(0.1, 1.0), (f64::INFINITY, 2.0)];
        s.tools = vec![
            tool("notion.search", 1.0 + i as f64),
            tool(&format!("t{i}"), 2.0),
        ];
        p.record(&s);
        recorded.push(s);
    }
    for s in &recorded[13..] {
        assert_eq!(p.at(s.eval_ms).as_ref(), Some(s));
    }
    assert_eq!(p.at(120_000), None, "out of the history");
    // Tools of instants that left the history are let go with them.
    assert_eq!(
        p.shared_strings(),
        1 + 7 + 2,
        "notion.search, t13..t19, notion, tool_error"
    );
}
