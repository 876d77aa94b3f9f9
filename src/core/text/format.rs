//! Numbers, durations and sizes written short for the panels, the watch output and the
//! snapshot report: fixed, short, unit-bearing.

/// A rate or count with 3 significant digits: `312`, `31.2`, `3.12`, `0.05`. A negative
/// zero (an empty `f64` sum is `-0.0`) is written `0.00`, never `-0.00`.
pub fn number(v: f64) -> String {
    if !v.is_finite() {
        return "–".into();
    }
    let v = v + 0.0;
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A ratio (0..1) as a percentage: `2.31%`; a negative zero is `0.00%`.
pub fn percent(ratio: f64) -> String {
    if !ratio.is_finite() {
        return "–".into();
    }
    let p = ratio * 100.0 + 0.0;
    if p >= 10.0 {
        format!("{p:.1}%")
    } else {
        format!("{p:.2}%")
    }
}

/// Seconds as a latency: `850ms`, `1.20s`, `12.3s`, `2m05s`.
pub fn latency(secs: f64) -> String {
    if !secs.is_finite() {
        return "–".into();
    }
    if secs < 1.0 {
        format!("{:.0}ms", secs * 1000.0)
    } else if secs < 10.0 {
        format!("{secs:.2}s")
    } else if secs < 60.0 {
        format!("{secs:.1}s")
    } else {
        let s = secs.round() as u64;
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

/// An age or duration at second resolution: `0s`, `34s`, `5m`, `2h10m`.
pub fn age(secs: f64) -> String {
    let s = secs.max(0.0).floor() as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

/// A duration in whole units as config writes it: `5m`, `1h`, `90s`.
pub fn span(d: std::time::Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 && s.is_multiple_of(3600) {
        format!("{}h", s / 3600)
    } else if s >= 60 && s.is_multiple_of(60) {
        format!("{}m", s / 60)
    } else if s > 0 {
        format!("{s}s")
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// Bytes in binary units: `512 B`, `45.1 KiB`, `1.2 MiB`.
pub fn bytes(b: f64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = b;
    let mut i = 0;
    while v >= 1024.0 && i < UNITS.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    if i == 0 {
        format!("{v:.0} {}", UNITS[0])
    } else {
        format!("{v:.1} {}", UNITS[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_is_written_as_zero() {
        let empty: f64 = std::iter::empty::<f64>().sum();
        assert!(empty.is_sign_negative(), "an empty sum is -0.0");
        assert_eq!(percent(empty), "0.00%");
        assert_eq!(percent(empty / 3.0), "0.00%");
        assert_eq!(number(empty), "0.00");
    }

    #[test]
    fn formats() {
        assert_eq!(number(312.44), "312");
        assert_eq!(number(31.24), "31.2");
        assert_eq!(number(3.124), "3.12");
        assert_eq!(number(f64::NAN), "–");
        assert_eq!(percent(0.0231), "2.31%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(latency(0.85), "850ms");
        assert_eq!(latency(1.2), "1.20s");
        assert_eq!(latency(125.0), "2m05s");
        assert_eq!(age(34.9), "34s");
        assert_eq!(age(300.0), "5m");
        assert_eq!(age(7800.0), "2h10m");
        assert_eq!(span(std::time::Duration::from_secs(300)), "5m");
        assert_eq!(bytes(46_182.0), "45.1 KiB");
    }
}
