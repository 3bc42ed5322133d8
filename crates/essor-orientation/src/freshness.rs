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

/// Days since 1970-01-01 of an ISO date `AAAA-MM-JJ`, or `None` when it is not a real date.
pub fn days_since_epoch(iso: &str) -> Option<i64> {
    let b = iso.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i64 = iso[0..4].parse().ok()?;
    let m: i64 = iso[5..7].parse().ok()?;
    let d: i64 = iso[8..10].parse().ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1..=month_len).contains(&d) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Today's date (UTC) as `AAAA-MM-JJ`, from the system clock.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// The ISO date of a number of days since 1970-01-01.
pub fn civil_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// An ISO date in French words: `2026-12-07` → `7 décembre 2026`.
pub fn french_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ];
    if days_since_epoch(iso).is_none() {
        return iso.to_owned();
    }
    let day: u32 = iso[8..10].parse().unwrap_or(1);
    let month: usize = iso[5..7].parse().unwrap_or(1);
    let day = if day == 1 {
        "1er".to_owned()
    } else {
        day.to_string()
    };
    format!("{day} {} {}", MONTHS[month - 1], &iso[0..4])
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
