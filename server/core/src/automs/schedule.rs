//! Schedules: a five-field cron expression (minute hour day-of-month month day-of-week)
//! evaluated in an IANA time zone, read with `croner` (typed errors, next runs, plain-words
//! descriptions) and `chrono-tz` (the time zone database, compiled in: no system files).

use chrono::{DateTime, TimeZone as _, Utc};
use chrono_tz::Tz;
use croner::{
    errors::CronError,
    parser::{CronParser, Seconds, Year},
    Cron,
};
use hub_model::{automs::SchedulePreview, HubError, HubResult};

/// The longest cron expression accepted (five fields fit in far less).
pub const CRON_MAX_CHARS: usize = 200;
/// The longest time zone name accepted (IANA names are shorter).
pub const TIMEZONE_MAX_CHARS: usize = 64;

/// `text` as an error message quotes it: at most 40 characters.
fn quoted(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// How many upcoming runs the editor shows.
pub const PREVIEW_RUNS: usize = 5;

/// A checked schedule.
#[derive(Clone, Debug)]
pub struct Schedule {
    cron: Cron,
    zone: Tz,
}

/// Reads a cron expression and a time zone; each error names its field (`cron`,
/// `timezone`) and says what is wrong in words.
pub fn parse(cron: &str, timezone: &str) -> HubResult<Schedule> {
    let cron = cron.trim();
    if cron.chars().count() > CRON_MAX_CHARS {
        return Err(HubError::invalid(
            "cron",
            format!("A cron expression is at most {CRON_MAX_CHARS} characters."),
        ));
    }
    if timezone.trim().chars().count() > TIMEZONE_MAX_CHARS {
        return Err(HubError::invalid(
            "timezone",
            "That is not a time zone. Use an IANA name such as UTC, Europe/Berlin or America/New_York.",
        ));
    }
    let zone: Tz = timezone.trim().parse().map_err(|_| {
        HubError::invalid(
            "timezone",
            format!(
                "\"{}\" is not a time zone. Use an IANA name such as UTC, Europe/Berlin or America/New_York.",
                quoted(timezone.trim())
            ),
        )
    })?;
    let parsed = CronParser::builder()
        .seconds(Seconds::Disallowed)
        .year(Year::Disallowed)
        .build()
        .parse(cron)
        .map_err(|e| HubError::invalid("cron", cron_problem(cron, &e)))?;
    let schedule = Schedule { cron: parsed, zone };
    // A pattern that never matches (February 30th) is refused now, not found out later.
    if schedule.next_after(0).is_none() {
        return Err(HubError::invalid(
            "cron",
            format!("\"{}\" never matches a real date.", quoted(cron)),
        ));
    }
    Ok(schedule)
}

fn cron_problem(full: &str, error: &CronError) -> String {
    let cron = quoted(full);
    const FIELDS: &str = "five fields: minute hour day-of-month month day-of-week (for example \"0 3 * * 1-5\": 03:00 on weekdays)";
    match error {
        CronError::EmptyPattern => format!("Enter a cron expression of {FIELDS}."),
        CronError::InvalidPattern(_) => {
            let count = full.split_whitespace().count();
            format!("A cron expression has {FIELDS}; \"{cron}\" has {count}.")
        }
        CronError::IllegalCharacters(_) => format!(
            "\"{cron}\" has characters a cron expression cannot have (digits, * , - / and names such as MON or JAN)."
        ),
        CronError::ComponentError(detail) => {
            format!("\"{cron}\" has a value out of range: {detail}")
        }
        CronError::InvalidDate | CronError::InvalidTime | CronError::TimeSearchLimitExceeded => {
            format!("\"{cron}\" never matches a real date.")
        }
    }
}

impl Schedule {
    /// The first run strictly after `after_ms` (ms since the epoch), if any.
    pub fn next_after(&self, after_ms: i64) -> Option<i64> {
        let after: DateTime<Tz> = self.zone.timestamp_millis_opt(after_ms).single()?;
        self.cron
            .find_next_occurrence(&after, false)
            .ok()
            .map(|next| next.timestamp_millis())
    }

    /// The next `count` runs after `after_ms`.
    pub fn next_runs(&self, after_ms: i64, count: usize) -> Vec<i64> {
        let mut runs = Vec::with_capacity(count);
        let mut from = after_ms;
        while runs.len() < count {
            match self.next_after(from) {
                Some(next) => {
                    runs.push(next);
                    from = next;
                }
                None => break,
            }
        }
        runs
    }

    /// The schedule in words ("At 03:00 on Monday through Friday").
    pub fn describe(&self) -> String {
        self.cron.describe()
    }

    /// A time as the schedule's zone shows it ("Mon 30 Nov 2026 03:00 CET").
    pub fn local_time(&self, at_ms: i64) -> String {
        match self.zone.timestamp_millis_opt(at_ms).single() {
            Some(at) => at.format("%a %-d %b %Y %H:%M %Z").to_string(),
            None => Utc
                .timestamp_millis_opt(at_ms)
                .single()
                .map(|at| at.format("%a %-d %b %Y %H:%M UTC").to_string())
                .unwrap_or_default(),
        }
    }

    /// What the editor shows as the expression is typed.
    pub fn preview(&self, now_ms: i64) -> SchedulePreview {
        let next = self.next_runs(now_ms, PREVIEW_RUNS);
        SchedulePreview {
            description: self.describe(),
            next_local: next.iter().map(|&at| self.local_time(at)).collect(),
            next,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_and_message(cron: &str, zone: &str) -> (String, String) {
        match parse(cron, zone) {
            Err(HubError::InvalidInput { field, message }) => (field, message),
            other => panic!("expected an invalid-input error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_bad_field() {
        let (field, message) = field_and_message("0 3 * *", "UTC");
        assert_eq!(field, "cron");
        assert!(message.contains("has 4"), "{message}");
        let (field, message) = field_and_message("61 3 * * *", "UTC");
        assert_eq!(field, "cron");
        assert!(message.contains("out of range"), "{message}");
        let (field, _) = field_and_message("0 3 ? * $", "UTC");
        assert_eq!(field, "cron");
        let (field, _) = field_and_message("", "UTC");
        assert_eq!(field, "cron");
        let (field, message) = field_and_message("0 3 * * *", "Mars/Olympus_Mons");
        assert_eq!(field, "timezone");
        assert!(message.contains("Mars/Olympus_Mons"), "{message}");
        let (field, message) = field_and_message("0 0 30 2 *", "UTC");
        assert_eq!(field, "cron");
        assert!(message.contains("never matches"), "{message}");
    }

    #[test]
    fn next_runs_follow_the_time_zone() {
        // 2026-11-28T12:00:00Z; 03:00 in Berlin (CET, UTC+1) is 02:00 UTC.
        let now = 1_795_867_200_000;
        let schedule = parse("0 3 * * *", "Europe/Berlin").expect("valid");
        let runs = schedule.next_runs(now, 5);
        assert_eq!(runs.len(), 5);
        assert_eq!(runs[0], 1_795_917_600_000, "29 Nov 2026 02:00 UTC");
        assert!(runs.windows(2).all(|w| w[1] - w[0] == 86_400_000));
        assert_eq!(schedule.local_time(runs[0]), "Sun 29 Nov 2026 03:00 CET");
        let preview = schedule.preview(now);
        assert_eq!(preview.next, runs);
        assert!(!preview.description.is_empty());
    }
}
