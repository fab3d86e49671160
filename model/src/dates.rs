//! Dates as the UI shows them, without a date crate on either side of the wire.

/// `YYYY-MM-DD` (UTC) for Unix seconds. A few lines of civil-date arithmetic (Howard
/// Hinnant's algorithm) instead of a date crate.
pub fn iso_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `YYYY-MM-DD` (UTC) for milliseconds since the Unix epoch.
pub fn iso_date_ms(ms: i64) -> String {
    iso_date(ms.div_euclid(1000))
}

/// `YYYY-MM-DD HH:MM UTC` for milliseconds since the Unix epoch.
pub fn iso_time_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let minute_of_day = secs.rem_euclid(86_400) / 60;
    format!(
        "{} {:02}:{:02} UTC",
        iso_date(secs),
        minute_of_day / 60,
        minute_of_day % 60
    )
}

/// A run's duration in words people scan: `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 7 min`.
pub fn duration_text(ms: i64) -> String {
    let ms = ms.max(0);
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{}.{} s", ms / 1000, (ms % 1000) / 100),
        60_000..=3_599_999 => format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000),
        _ => format!("{} h {} min", ms / 3_600_000, (ms % 3_600_000) / 60_000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_utc() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(951_782_400), "2000-02-29");
        assert_eq!(iso_date(1_795_000_000), "2026-11-18");
        assert_eq!(iso_time_ms(1_795_917_600_000), "2026-11-29 02:00 UTC");
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration_text(850), "850 ms");
        assert_eq!(duration_text(12_449), "12.4 s");
        assert_eq!(duration_text(185_000), "3 min 5 s");
        assert_eq!(duration_text(7_620_000), "2 h 7 min");
        assert_eq!(duration_text(-5), "0 ms");
    }
}
