use std::collections::BTreeSet;

use super::{NO_DATA, Rules, Sync};
use crate::model::timeline::Gap;

const STEP: i64 = 1_000;
const T0: i64 = 1_700_000_000_000;

fn rules() -> Rules {
    Rules {
        open_ms: 10_000,
        gap_retry_ms: 5_000,
    }
}

/// One refresh at `now`: asks, lets `engine(t, now)` say which points it answers, returns
/// the range asked and the gaps.
fn refresh(
    s: &mut Sync,
    now: i64,
    engine: &dyn Fn(i64, i64) -> bool,
) -> (Option<(i64, i64)>, Vec<Gap>) {
    let Some(ask) = s.ask(now) else {
        return (None, s.gaps());
    };
    let answered: BTreeSet<i64> = (0..)
        .map(|k| ask.start_ms + k * STEP)
        .take_while(|t| *t <= ask.end_ms)
        .filter(|t| engine(*t, now))
        .collect();
    let gaps = s.answered(&ask, &answered, now);
    (Some((ask.start_ms, ask.end_ms)), gaps)
}

/// VictoriaMetrics: nothing newer than 3 s before now.
fn lagging(t: i64, now: i64) -> bool {
    t <= now - 3_000
}

#[test]
fn points_the_engine_answers_late_are_asked_until_it_does() {
    let mut s = Sync::new(STEP, 60_000, rules(), T0);
    let mut answered_to = 0;
    for i in 0..40 {
        let now = T0 + i * STEP + 300;
        let (asked, gaps) = refresh(&mut s, now, &lagging);
        let (start, end) = asked.expect("a point is due every step");
        assert!(gaps.is_empty(), "{i}: {gaps:?}");
        assert!(end >= now - STEP, "the ask reaches now");
        assert!(
            start <= answered_to + STEP || answered_to == 0,
            "{i}: every point not yet answered is asked again ({start} > {answered_to})"
        );
        answered_to = now - 3_000;
    }
}

#[test]
fn points_still_open_are_asked_again_every_refresh() {
    let mut s = Sync::new(STEP, 60_000, rules(), T0);
    refresh(&mut s, T0 + 30_000, &|_, _| true);
    let (asked, _) = refresh(&mut s, T0 + 31_000, &|_, _| true);
    let (start, _) = asked.expect("asked");
    assert!(
        start <= T0 + 31_000 - 10_000,
        "the open window (10 s) is asked again, even answered: {}",
        start - T0
    );
}

#[test]
fn a_hole_that_persists_becomes_a_gap_and_an_answer_fills_it() {
    let mut s = Sync::new(STEP, 120_000, rules(), T0);
    let hole = |t: i64| (T0 + 10_000..=T0 + 12_000).contains(&t);
    let mut healed = false;
    let engine = |t: i64, now: i64| lagging(t, now) && !hole(t);
    let mut gaps = Vec::new();
    for i in 0..30 {
        gaps = refresh(&mut s, T0 + i * STEP, &engine).1;
        if i < 10 + 10 {
            assert!(gaps.is_empty(), "{i}: not a gap while open: {gaps:?}");
        }
    }
    assert_eq!(
        gaps,
        [Gap {
            from_ms: T0 + 10_000,
            to_ms: T0 + 12_000,
            reason: NO_DATA.into()
        }]
    );
    // The engine answers the hole now: within one retry period the gap is gone.
    for i in 30..37 {
        let (asked, g) = refresh(&mut s, T0 + i * STEP, &lagging);
        if asked.is_some_and(|(start, _)| start <= T0 + 10_000) {
            healed = true;
        }
        gaps = g;
    }
    assert!(healed, "the gap was asked again");
    assert!(gaps.is_empty(), "{gaps:?}");
}

#[test]
fn no_history_before_the_first_answer_is_not_a_gap() {
    // The fleet started 5 s before mcptop: the engine has nothing older.
    let mut s = Sync::new(STEP, 60_000, rules(), T0);
    let engine = |t: i64, now: i64| t >= T0 - 5_000 && lagging(t, now);
    let mut gaps = Vec::new();
    for i in 0..30 {
        gaps = refresh(&mut s, T0 + i * STEP, &engine).1;
    }
    assert!(gaps.is_empty(), "{gaps:?}");
}

#[test]
fn an_engine_that_never_answers_shows_a_gap_from_the_start_of_asking() {
    let mut s = Sync::new(STEP, 60_000, rules(), T0);
    let mut gaps = Vec::new();
    for i in 0..30 {
        gaps = refresh(&mut s, T0 + i * STEP, &|_, _| false).1;
    }
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0].from_ms, T0);
    assert_eq!(gaps[0].to_ms, T0 + 29_000 - 10_000);
}

#[test]
fn gaps_scroll_out_with_the_history() {
    let mut s = Sync::new(STEP, 20_000, rules(), T0);
    let hole = |t: i64| t == T0 + 2_000;
    let mut gaps = Vec::new();
    for i in 0..15 {
        gaps = refresh(&mut s, T0 + i * STEP, &|t, now| lagging(t, now) && !hole(t)).1;
    }
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    for i in 15..30 {
        gaps = refresh(&mut s, T0 + i * STEP, &|t, now| lagging(t, now) && !hole(t)).1;
    }
    assert!(gaps.is_empty(), "older than the history: {gaps:?}");
}

#[test]
fn the_open_window_is_at_least_three_steps() {
    let mut s = Sync::new(60_000, 3_600_000, rules(), T0);
    refresh(&mut s, T0, &|_, _| true);
    let (asked, _) = refresh(&mut s, T0 + 60_000, &|_, _| true);
    let (start, end) = asked.expect("asked");
    assert!(end - start >= 3 * 60_000, "{}", end - start);
}

#[test]
fn a_refresh_within_an_answered_step_asks_nothing() {
    // A 10 s step, refreshes every second: one ask a step, then none until the next.
    let step = 10_000;
    let mut s = Sync::new(step, 3_600_000, Rules::default(), T0);
    let mut asks = 0;
    for i in 0..60 {
        let now = T0 + i * 1_000 + 300;
        if let Some(ask) = s.ask(now) {
            asks += 1;
            assert_eq!(ask.end_ms, now.div_euclid(step) * step, "{i}");
            let answered: BTreeSet<i64> = (0..)
                .map(|k| ask.start_ms + k * step)
                .take_while(|t| *t <= ask.end_ms)
                .collect();
            s.answered(&ask, &answered, now);
        }
    }
    // Refreshes at T0 .. T0 + 59 s: the first ask, then one per step boundary crossed.
    let boundaries = ((T0 + 59_300).div_euclid(step) - T0.div_euclid(step)) as usize;
    assert_eq!(asks, 1 + boundaries);
    // An ask that was not answered (it failed) is asked again at the next refresh.
    let unanswered = T0 + 70_300;
    assert!(s.ask(unanswered).is_some());
    assert!(
        s.ask(unanswered + 1_000).is_some(),
        "not answered: asked again"
    );
}
