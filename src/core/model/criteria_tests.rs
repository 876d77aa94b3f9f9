use std::time::Duration;

use super::*;
use crate::model::stats::Stats;

fn stats(err: f64, p95: f64) -> Stats {
    Stats {
        req_per_sec: Some(10.0),
        error_ratio: Some(err),
        p95: Some(p95),
        p99: Some(p95 * 2.0),
        ..Stats::default()
    }
}

#[test]
fn criteria_parse_as_operators_write_them() {
    let c = Criterion::parse("error_rate > 5%").expect("parses");
    assert_eq!(
        (c.metric, c.op, c.threshold, c.hold),
        (
            Metric::ErrorRate,
            Op::Gt,
            Threshold::Value(0.05),
            Duration::ZERO
        )
    );
    let c = Criterion::parse("p95>2s for 1m").expect("parses");
    assert_eq!(
        (c.metric, c.threshold, c.hold),
        (Metric::P95, Threshold::Value(2.0), Duration::from_secs(60))
    );
    assert_eq!(
        Criterion::parse("p99 >= 500ms").expect("ms").threshold,
        Threshold::Value(0.5)
    );
    assert_eq!(
        Criterion::parse("p99 > 1.5").expect("bare").threshold,
        Threshold::Value(1.5)
    );
    assert_eq!(
        Criterion::parse("error_rate > 0.1")
            .expect("ratio")
            .threshold,
        Threshold::Value(0.1)
    );
    let c = Criterion::parse("p95 > 1.5x baseline for 2m").expect("relative");
    assert_eq!(
        (c.threshold, c.hold),
        (Threshold::Baseline(1.5), Duration::from_secs(120))
    );
    assert_eq!(Criterion::parse("up < 1").expect("up").op, Op::Lt);
    assert_eq!(Criterion::parse("rps <= 0.5").expect("rps").op, Op::Le);
}

#[test]
fn bad_criteria_say_what_is_wrong() {
    for (text, says) in [
        ("latency > 2s", "is not a metric"),
        ("p95 = 2s", "is not >, >=, < or <="),
        ("p95 > fast", "is not a duration"),
        ("rps > 5%", "not a percentage"),
        ("p95 > 2s for ever", "is not a duration"),
        ("p95 > 2s soon", "unexpected `soon`"),
        ("p95 >", "expected METRIC OP VALUE"),
        ("p95 > 1.5 baseline", "1.5x baseline"),
        ("error_rate > 5", "did you mean 5%?"),
    ] {
        let e = Criterion::parse(text).expect_err(text);
        assert!(e.contains(says) && e.contains(text), "{text}: {e}");
    }
}

#[test]
fn defaults_are_the_rollback_criteria() {
    let d: Vec<String> = defaults().iter().map(ToString::to_string).collect();
    assert_eq!(d, ["error_rate > 10%", "p95 > 5s"]);
}

#[test]
fn for_holds_across_evaluations_and_resets_when_the_condition_stops() {
    let c = vec![Criterion::parse("error_rate > 5% for 2s").expect("parses")];
    let mut e = Evaluator::new(c, |_| None).expect("evaluator");
    assert_eq!(e.eval(0, &stats(0.01, 0.1), None), [Verdict::Ok]);
    assert!(matches!(
        e.eval(1000, &stats(0.2, 0.1), None)[0],
        Verdict::Pending { since_ms: 1000, .. }
    ));
    assert!(matches!(
        e.eval(2000, &stats(0.2, 0.1), None)[0],
        Verdict::Pending { .. }
    ));
    assert!(matches!(
        e.eval(3000, &stats(0.2, 0.1), None)[0],
        Verdict::Breached { since_ms: 1000, .. }
    ));
    // A good interval resets the timer.
    assert_eq!(e.eval(4000, &stats(0.0, 0.1), None), [Verdict::Ok]);
    assert!(matches!(
        e.eval(5000, &stats(0.2, 0.1), None)[0],
        Verdict::Pending { since_ms: 5000, .. }
    ));
}

#[test]
fn no_value_is_no_breach() {
    let c = vec![Criterion::parse("p95 > 1s").expect("parses")];
    let mut e = Evaluator::new(c, |_| None).expect("evaluator");
    let none = Stats::default();
    assert_eq!(e.eval(0, &none, None), [Verdict::Ok]);
}

#[test]
fn relative_criteria_scale_the_baseline_and_need_one() {
    let c = vec![Criterion::parse("p95 > 1.5x baseline").expect("parses")];
    let mut e =
        Evaluator::new(c.clone(), |m| (m == Metric::P95).then_some(0.4)).expect("evaluator");
    assert_eq!(e.describe(0), "p95 > 0.6s");
    assert_eq!(e.eval(0, &stats(0.0, 0.5), None), [Verdict::Ok]);
    assert!(matches!(
        e.eval(1, &stats(0.0, 0.7), None)[0],
        Verdict::Breached { .. }
    ));
    let err = Evaluator::new(c, |_| None).expect_err("no baseline");
    assert!(err.contains("baseline window has no p95"), "{err}");
}

#[test]
fn up_compares_the_number_of_targets_up() {
    let c = vec![Criterion::parse("up < 3").expect("parses")];
    let mut e = Evaluator::new(c, |_| None).expect("evaluator");
    assert_eq!(e.eval(0, &Stats::default(), Some(3.0)), [Verdict::Ok]);
    assert!(matches!(
        e.eval(1, &Stats::default(), Some(2.0))[0],
        Verdict::Breached { .. }
    ));
}

#[test]
fn warm_up_needs_four_intervals_or_30s_at_most_the_window() {
    let s = Duration::from_secs;
    // The default 2 s interval and 5m window: 30 s.
    assert_eq!(WarmUp::new(s(2), s(300)).need(), s(30));
    // A slow interval: four of them.
    assert_eq!(WarmUp::new(s(15), s(300)).need(), s(60));
    // A window shorter than that: the whole window is the most there can be.
    assert_eq!(WarmUp::new(s(1), s(5)).need(), s(5));
    assert_eq!(WarmUp::new(s(15), s(45)).need(), s(45));
    let w = WarmUp::new(s(1), s(300));
    assert!(!w.done(0), "no numbers yet");
    // rate[30s] while warming up is 29 s of data and one interval: not yet.
    assert!(!w.done(30_000));
    assert!(!w.done(30_999));
    assert!(w.done(31_000), "30 s of data");
    // A window the warm-up reaches: the whole window is enough.
    assert!(WarmUp::new(s(1), s(5)).done(5_000));
}

#[test]
fn nothing_is_judged_while_warming_up_and_for_timers_start_after() {
    let c = vec![Criterion::parse("error_rate > 10% for 2s").expect("parses")];
    let mut e = Evaluator::new(c, |_| None).expect("evaluator");
    let warm = Some(WarmUp::new(
        Duration::from_secs(1),
        Duration::from_secs(300),
    ));
    let at = |err: f64, range_ms: i64| Stats {
        range_ms,
        ..stats(err, 0.1)
    };
    // One second of data at 50 % errors (a 3.6 % server's unlucky first second).
    assert_eq!(e.judge(2_000, &at(0.5, 2_000), None, warm), None);
    assert_eq!(e.judge(29_000, &at(0.5, 30_000), None, warm), None);
    // Judged from 30 s of data (rate[31s]): the `for` counts from the first judged interval.
    assert!(matches!(
        e.judge(30_000, &at(0.5, 31_000), None, warm).as_deref(),
        Some([Verdict::Pending {
            since_ms: 30_000,
            ..
        }])
    ));
    // Back to a short range (the series started again): no verdict, and the timer restarts.
    assert_eq!(e.judge(31_000, &at(0.5, 1_000), None, warm), None);
    assert!(matches!(
        e.judge(60_000, &at(0.5, 31_000), None, warm).as_deref(),
        Some([Verdict::Pending {
            since_ms: 60_000,
            ..
        }])
    ));
    assert!(matches!(
        e.judge(62_000, &at(0.5, 32_000), None, warm).as_deref(),
        Some([Verdict::Breached {
            since_ms: 60_000,
            ..
        }])
    ));
    // Without a warm-up (query mode), judged at once.
    let c = vec![Criterion::parse("error_rate > 10%").expect("parses")];
    let mut e = Evaluator::new(c, |_| None).expect("evaluator");
    assert!(matches!(
        e.judge(0, &at(0.5, 1_000), None, None).as_deref(),
        Some([Verdict::Breached { .. }])
    ));
}

#[test]
fn a_lower_bound_at_the_threshold_breaches() {
    let mut e = Evaluator::new(
        vec![Criterion::parse("p95 > 5s").expect("criterion")],
        |_| None,
    )
    .expect("evaluator");
    let mut s = stats(0.0, 5.0);
    s.p95_lower_bound = true;
    assert!(matches!(e.eval(0, &s, None)[0], Verdict::Breached { .. }));
    let mut e = Evaluator::new(
        vec![Criterion::parse("p95 < 8s").expect("criterion")],
        |_| None,
    )
    .expect("evaluator");
    assert_eq!(
        e.eval(0, &s, None)[0],
        Verdict::Ok,
        "cannot be told: not held"
    );
}
