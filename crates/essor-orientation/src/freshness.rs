//! How fresh and how open each scheme is: its status, the date its facts were last checked,
//! and the warnings for facts checked too long ago (issue 13, point 1).
//!
//! Schemes change every year (amounts, calls, eligibility). A project holder who follows an
//! out-of-date answer loses months, so every entry carries `verifie_le` and a `statut`; the
//! catalogue refuses an entry without them, and [`crate::Catalogue::stale_warnings`] lists
//! the entries whose check is older than a configurable age, for the CLI and the pages
//! (« information vérifiée le … »). A `ferme` scheme stays in the file for history but the
//! matcher never proposes it.

use serde::Serialize;

/// Whether a scheme can be used today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Open all year (a standing offer, a right, a permanent desk).
    Open,
    /// Open through calls or campaigns that come back (yearly call, prize…).
    Periodic,
    /// Ended: kept for history, never proposed.
    Closed,
    /// Could not be confirmed against an official source at the last check.
    ToVerify,
}

impl Status {
    /// The words accepted in the catalogue (ASCII first, accented spelling accepted too).
    pub const WORDS: &'static [&'static str] =
        &["ouvert", "appel periodique", "ferme", "a verifier"];

    /// Parses a catalogue word, with or without accents.
    pub fn from_word(word: &str) -> Option<Self> {
        match word {
            "ouvert" => Some(Status::Open),
            "appel periodique" | "appel périodique" => Some(Status::Periodic),
            "ferme" | "fermé" => Some(Status::Closed),
            "a verifier" | "à vérifier" => Some(Status::ToVerify),
            _ => None,
        }
    }

    /// French label for users.
    pub fn label(self) -> &'static str {
        match self {
            Status::Open => "ouvert",
            Status::Periodic => "appel périodique",
            Status::Closed => "fermé",
            Status::ToVerify => "à vérifier",
        }
    }
}

/// Default age after which a check is stale: one year of facts (amounts are yearly).
pub const DEFAULT_MAX_AGE_DAYS: u32 = 365;

/// The Julian day of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// Days since 1970-01-01 of an ISO date `AAAA-MM-JJ`, or `None` when it is not a real date.
pub fn days_since_epoch(iso: &str) -> Option<i64> {
    let b = iso.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let month = time::Month::try_from(iso[5..7].parse::<u8>().ok()?).ok()?;
    let date =
        time::Date::from_calendar_date(iso[0..4].parse().ok()?, month, iso[8..10].parse().ok()?)
            .ok()?;
    Some(i64::from(date.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY)
}

/// The ISO date of a number of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> String {
    let date = i32::try_from(days + UNIX_EPOCH_JULIAN_DAY)
        .ok()
        .and_then(|j| time::Date::from_julian_day(j).ok())
        .unwrap_or(time::Date::MIN);
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Today's date (UTC) as `AAAA-MM-JJ`, from the system clock.
pub fn today_utc() -> String {
    let today = time::OffsetDateTime::now_utc().date();
    civil_from_days(i64::from(today.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY)
}

/// An ISO date in French words: `2026-12-07` → `7 décembre 2026` (essor's one French date
/// writer, [`essor_model::french::date`]).
pub fn french_date(iso: &str) -> String {
    essor_model::french::date(iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_bad_dates_are_refused() {
        assert_eq!(days_since_epoch("1970-01-01"), Some(0));
        assert_eq!(days_since_epoch("2026-12-07"), Some(20_794));
        for iso in ["2024-02-29", "2026-12-07", "2000-03-01", "1999-12-31"] {
            assert_eq!(civil_from_days(days_since_epoch(iso).unwrap()), iso);
        }
        assert_eq!(days_since_epoch("2025-02-29"), None);
        assert_eq!(days_since_epoch("2026-13-01"), None);
        assert_eq!(days_since_epoch("07/12/2026"), None);
    }

    #[test]
    fn statuses_accept_accents_and_speak_french() {
        assert_eq!(Status::from_word("fermé"), Some(Status::Closed));
        assert_eq!(
            Status::from_word("appel periodique"),
            Some(Status::Periodic)
        );
        assert_eq!(Status::from_word("clos"), None);
        assert_eq!(Status::ToVerify.label(), "à vérifier");
        assert_eq!(french_date("2026-12-07"), "7 décembre 2026");
        assert_eq!(french_date("2025-01-01"), "1er janvier 2025");
    }
}
