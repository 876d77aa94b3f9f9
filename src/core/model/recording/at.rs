//! `mcptop snapshot --from FILE --at TIME`: which instant of a recording TIME names.

/// The instant (Unix ms) `text` names in a recording from `start_ms` to `end_ms`:
/// - `end`: its last record;
/// - `-14m` (any humantime duration after `-`): that long before its end;
/// - RFC 3339, e.g. `2026-12-07T03:12:40Z` or `2026-12-07T04:12:40+01:00`;
/// - `HH:MM:SS` (or `HH:MM`): that time of day in UTC, on the recording's first day, or on
///   the next when the first day's is before the start (a recording over midnight).
///
/// Errors: none of these forms, or an instant outside the recording (both ends are said).
pub fn parse_at(text: &str, start_ms: i64, end_ms: i64) -> Result<i64, String> {
    let text = text.trim();
    let t = if text == "end" {
        end_ms
    } else if let Some(ago) = text.strip_prefix('-') {
        let d = humantime::parse_duration(ago)
            .map_err(|e| format!("--at {text}: not a duration before the end ({e})"))?;
        end_ms.saturating_sub(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
    } else if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
        t.timestamp_millis()
    } else if let Some(time) = time_of_day(text) {
        let day = chrono::DateTime::from_timestamp_millis(start_ms)
            .ok_or("the recording's start is not a time")?
            .date_naive();
        let at = |d: chrono::NaiveDate| d.and_time(time).and_utc().timestamp_millis();
        let first = at(day);
        match day.succ_opt() {
            Some(next) if first < start_ms => at(next),
            _ => first,
        }
    } else {
        return Err(format!(
            "--at {text}: expected RFC 3339 (2026-12-07T03:12:40Z), HH:MM:SS in UTC, -14m before \
             the end, or end"
        ));
    };
    if t < start_ms || t > end_ms {
        return Err(format!(
            "--at {text}: {} is outside the recording ({} to {})",
            crate::model::snapshot::utc(t),
            crate::model::snapshot::utc(start_ms),
            crate::model::snapshot::utc(end_ms)
        ));
    }
    Ok(t)
}

fn time_of_day(text: &str) -> Option<chrono::NaiveTime> {
    chrono::NaiveTime::parse_from_str(text, "%H:%M:%S")
        .or_else(|_| chrono::NaiveTime::parse_from_str(text, "%H:%M"))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::parse_at;

    // 2026-12-07 23:50:00 UTC to 2026-12-08 00:20:00 UTC.
    const START: i64 = 1_796_687_400_000;
    const END: i64 = START + 30 * 60_000;

    #[test]
    fn every_form_names_its_instant_and_outside_is_refused() {
        assert_eq!(parse_at("end", START, END), Ok(END));
        assert_eq!(parse_at("-14m", START, END), Ok(END - 14 * 60_000));
        assert_eq!(
            parse_at("2026-12-07T23:55:00Z", START, END),
            Ok(START + 5 * 60_000)
        );
        assert_eq!(
            parse_at("2026-12-08T01:55:00+02:00", START, END),
            Ok(START + 5 * 60_000)
        );
        assert_eq!(parse_at("23:55:00", START, END), Ok(START + 5 * 60_000));
        // Past midnight: the next day's.
        assert_eq!(parse_at("00:10", START, END), Ok(START + 20 * 60_000));
        let outside = parse_at("-31m", START, END).expect_err("before the start");
        assert!(outside.contains("outside the recording"), "{outside}");
        assert!(outside.contains("2026-12-07 23:50:00 UTC"), "{outside}");
        let bad = parse_at("yesterday", START, END).expect_err("no form");
        assert!(bad.contains("RFC 3339"), "{bad}");
    }
}
