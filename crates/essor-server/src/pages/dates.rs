//! Dates as French pages show them: in the time of metropolitan France (Europe/Paris), which
//! readers expect (issue 12: referral dates were shown in UTC). The registry stores UTC
//! (`2025-06-12T14:03:00Z`).
//!
//! Europe/Paris is UTC+1, and UTC+2 from the last Sunday of March to the last Sunday of
//! October, both at 01:00 UTC (the EU rule since 1996, directive 2000/84/EC), so the offset
//! is computed here without a time-zone database.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// The last Sunday of a month of a year, at 01:00 UTC.
fn last_sunday_1h_utc(year: i32, month: Month) -> Option<OffsetDateTime> {
    let mut day =
        Date::from_calendar_date(year, month, time::util::days_in_month(month, year)).ok()?;
    while day.weekday() != Weekday::Sunday {
        day = day.previous_day()?;
    }
    Some(PrimitiveDateTime::new(day, Time::from_hms(1, 0, 0).ok()?).assume_utc())
}

/// The same instant in Europe/Paris.
pub fn paris(utc: OffsetDateTime) -> OffsetDateTime {
    let year = utc.year();
    let summer = match (
        last_sunday_1h_utc(year, Month::March),
        last_sunday_1h_utc(year, Month::October),
    ) {
        (Some(start), Some(end)) => utc >= start && utc < end,
        _ => false,
    };
    let hours = if summer { 2 } else { 1 };
    utc.to_offset(UtcOffset::from_hms(hours, 0, 0).unwrap_or(UtcOffset::UTC))
}

/// Today in Paris, `12/06/2025`.
pub fn today() -> String {
    let d = paris(OffsetDateTime::now_utc()).date();
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// A UTC instant `YYYY-MM-DDTHH:MM…` read from its text.
fn parse_utc(iso: &str) -> Option<OffsetDateTime> {
    let b = iso.as_bytes();
    if iso.len() < 16 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| iso.get(r)?.parse::<u16>().ok();
    let month = Month::try_from(u8::try_from(n(5..7)?).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::from(n(0..4)?), month, u8::try_from(n(8..10)?).ok()?).ok()?;
    let time = Time::from_hms(
        u8::try_from(n(11..13)?).ok()?,
        u8::try_from(n(14..16)?).ok()?,
        0,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

/// `2025-06-12T14:03:00Z` → `12/06/2025 à 16:03` (Paris time); anything else as it is.
pub fn timestamp(iso: &str) -> String {
    match parse_utc(iso) {
        Some(utc) => {
            let t = paris(utc);
            format!(
                "{:02}/{:02}/{} à {:02}:{:02}",
                t.day(),
                u8::from(t.month()),
                t.year(),
                t.hour(),
                t.minute()
            )
        }
        None => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn registry_timestamps_read_in_paris_time() {
        // Summer (UTC+2), winter (UTC+1).
        assert_eq!(timestamp("2025-06-12T14:03:00Z"), "12/06/2025 à 16:03");
        assert_eq!(timestamp("2025-01-12T14:03:00Z"), "12/01/2025 à 15:03");
        // Late evening UTC is already the next day in Paris.
        assert_eq!(timestamp("2025-12-31T23:30:00Z"), "01/01/2026 à 00:30");
        assert_eq!(timestamp("hier"), "hier");
        assert_eq!(super::today().len(), 10);
    }

    /// The changes of 2025: 30 March and 26 October, at 01:00 UTC.
    #[test]
    fn the_clock_changes_on_the_last_sundays_of_march_and_october() {
        assert_eq!(timestamp("2025-03-30T00:59:00Z"), "30/03/2025 à 01:59");
        assert_eq!(timestamp("2025-03-30T01:00:00Z"), "30/03/2025 à 03:00");
        assert_eq!(timestamp("2025-10-26T00:59:00Z"), "26/10/2025 à 02:59");
        assert_eq!(timestamp("2025-10-26T01:00:00Z"), "26/10/2025 à 02:00");
    }
}
