use chrono::FixedOffset;

use super::*;

const MIN: i64 = 60_000;
/// 2026-12-07 03:00:00 UTC.
const T0: i64 = 1_796_612_400_000;

/// Every instant is held.
fn same(t: i64, _dir: i8) -> Option<i64> {
    Some(t)
}

fn reach() -> Option<Reach> {
    Some(Reach {
        earliest_ms: T0,
        latest_ms: T0 + 60 * MIN,
    })
}

#[test]
fn starts_live_and_evaluates_at_the_live_instant() {
    let c = TimeCursor::default();
    assert!(c.is_live());
    assert_eq!(c.eval_ms(42), 42);
    assert_eq!(c.label(42, FixedOffset::east_opt(0).unwrap()), None);
}

#[test]
fn first_step_back_from_live_is_one_step_before_the_newest_data() {
    let mut c = TimeCursor::default();
    c.step(-1, 10_000, 0, reach(), same);
    assert_eq!(c.at_ms(), Some(T0 + 60 * MIN - 10_000));
    assert_eq!(c.eval_ms(T0 + 99 * MIN), T0 + 60 * MIN - 10_000);
}

#[test]
fn steps_far_apart_stay_one_step_and_a_held_key_doubles_every_four_repeats() {
    let mut c = TimeCursor::default();
    // Separate presses: 1 step each.
    for i in 0..3 {
        c.step(-1, 1000, i * 1000, reach(), same);
    }
    assert_eq!(c.at_ms(), Some(T0 + 60 * MIN - 3000));
    // Held: repeats 50 ms apart. Repeats 1-3 are 1 step, 4-7 are 2, 8-11 are 4.
    let start = c.at_ms().unwrap();
    let mut clock = 10_000;
    c.step(-1, 1000, clock, reach(), same); // a new press after a pause: 1
    let mut moved = vec![start - c.at_ms().unwrap()];
    for _ in 0..11 {
        let before = c.at_ms().unwrap();
        clock += 50;
        c.step(-1, 1000, clock, reach(), same);
        moved.push(before - c.at_ms().unwrap());
    }
    assert_eq!(
        moved,
        vec![
            1000, 1000, 1000, 1000, 2000, 2000, 2000, 2000, 4000, 4000, 4000, 4000
        ]
    );
}

#[test]
fn a_held_key_never_exceeds_the_largest_factor_and_turning_resets_it() {
    let mut c = TimeCursor::default();
    let wide = Some(Reach {
        earliest_ms: 0,
        latest_ms: i64::MAX / 4,
    });
    let mut clock = 0;
    for _ in 0..200 {
        clock += 10;
        c.step(-1, 1, clock, wide, same);
    }
    let before = c.at_ms().unwrap();
    clock += 10;
    c.step(-1, 1, clock, wide, same);
    assert_eq!(before - c.at_ms().unwrap(), MAX_FACTOR);
    // The other direction is a new press: one step.
    let before = c.at_ms().unwrap();
    clock += 10;
    c.step(1, 1, clock, wide, same);
    assert_eq!(c.at_ms().unwrap() - before, 1);
}

#[test]
fn the_cursor_stays_within_its_reach() {
    let mut c = TimeCursor::default();
    c.step(-1, 24 * 60 * MIN, 0, reach(), same);
    assert_eq!(c.at_ms(), Some(T0), "clamped to the earliest instant");
    c.step(1, 24 * 60 * MIN, 1000, reach(), same);
    assert_eq!(
        c.at_ms(),
        Some(T0 + 60 * MIN),
        "forward stops at the newest data, not live"
    );
    assert!(!c.is_live());
    // Older data trimmed: the cursor follows the earliest reachable instant.
    c.go_earliest(reach());
    c.keep_within(Some(Reach {
        earliest_ms: T0 + 5 * MIN,
        latest_ms: T0 + 65 * MIN,
    }));
    assert_eq!(c.at_ms(), Some(T0 + 5 * MIN));
}

#[test]
fn nothing_moves_without_data_or_a_step() {
    let mut c = TimeCursor::default();
    c.step(-1, 1000, 0, None, same);
    c.go_earliest(None);
    c.snap(-1, &[T0], None);
    assert!(c.is_live());
    c.step(-1, 0, 0, reach(), same);
    c.step(0, 1000, 0, reach(), same);
    assert!(c.is_live());
}

#[test]
fn home_and_end() {
    let mut c = TimeCursor::default();
    c.go_earliest(reach());
    assert_eq!(c.at_ms(), Some(T0));
    c.go_live();
    assert!(c.is_live());
}

#[test]
fn snaps_to_the_nearest_mark_each_way_within_reach() {
    let marks = [
        T0 + 50 * MIN,
        T0 - MIN,
        T0 + 10 * MIN,
        T0 + 30 * MIN,
        T0 + 61 * MIN,
    ];
    let mut c = TimeCursor::default();
    c.snap(-1, &marks, reach());
    assert_eq!(
        c.at_ms(),
        Some(T0 + 50 * MIN),
        "from live: the newest mark in reach"
    );
    c.snap(-1, &marks, reach());
    assert_eq!(c.at_ms(), Some(T0 + 30 * MIN));
    c.snap(-1, &marks, reach());
    c.snap(-1, &marks, reach());
    assert_eq!(
        c.at_ms(),
        Some(T0 + 10 * MIN),
        "a mark out of reach is skipped"
    );
    c.snap(1, &marks, reach());
    assert_eq!(c.at_ms(), Some(T0 + 30 * MIN));
    c.snap(1, &marks, reach());
    c.snap(1, &marks, reach());
    assert_eq!(c.at_ms(), Some(T0 + 50 * MIN), "none after: stays");
}

#[test]
fn label_gives_local_time_distance_and_utc() {
    let mut c = TimeCursor::default();
    c.step(-1, 14 * MIN, 0, reach(), same);
    let now = T0 + 60 * MIN;
    let cet = FixedOffset::east_opt(3600).unwrap();
    assert_eq!(
        c.label(now, cet).as_deref(),
        Some("at 04:46:00 (-14m) · 03:46:00 UTC")
    );
    let utc = FixedOffset::east_opt(0).unwrap();
    assert_eq!(c.label(now, utc).as_deref(), Some("at 03:46:00 UTC (-14m)"));
    // Another day than now's: the date is written.
    assert_eq!(
        c.label(now + 24 * 60 * MIN, utc).as_deref(),
        Some("at 2026-12-07 03:46:00 UTC (-1d)")
    );
}

#[test]
fn ago_takes_the_largest_whole_unit() {
    assert_eq!(ago(0), "now");
    assert_eq!(ago(999), "now");
    assert_eq!(ago(40_000), "-40s");
    assert_eq!(ago(14 * MIN + 59_000), "-14m");
    assert_eq!(ago(125 * MIN), "-2h");
    assert_eq!(ago(3 * 24 * 60 * MIN), "-3d");
    assert_eq!(ago(-5000), "+5s");
}

#[test]
fn a_step_settles_on_an_instant_with_numbers_each_way() {
    // Numbers every 10 s, at 7 s past: a 10 s step from one lands on the next either way.
    let held = |t: i64, dir: i8| {
        let base = (t - 7_000).div_euclid(10_000) * 10_000 + 7_000;
        Some(if dir > 0 && base < t {
            base + 10_000
        } else {
            base
        })
    };
    let r = Some(Reach {
        earliest_ms: 7_000,
        latest_ms: 97_000,
    });
    let mut c = TimeCursor::default();
    c.step(-1, 10_000, 0, r, held);
    assert_eq!(c.at_ms(), Some(87_000));
    c.step(-1, 9_000, 1_000, r, held);
    assert_eq!(c.at_ms(), Some(77_000), "78 s settles back on 77 s");
    c.step(1, 9_000, 2_000, r, held);
    assert_eq!(c.at_ms(), Some(87_000), "86 s settles forward on 87 s");
}
