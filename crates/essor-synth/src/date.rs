//! Calendar dates as days since 1970-01-01 (Parquet's `date32`), written `AAAA-MM-JJ` as
//! SIRENE does. Howard Hinnant's civil-calendar algorithms, exact for any date we draw.

use crate::rng::BlockRng;

/// A day, counted from 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date(pub i32);

/// The stock's reference date: nothing happens after the end of November 2025 (the December
/// 2025 stock is the first with the NAF 2025 columns).
pub(crate) const LAST_DAY: Date = Date::ymd(2025, 11, 30);

impl Date {
    pub(crate) const fn ymd(y: i32, m: u32, d: u32) -> Self {
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = (y - era * 400) as u32;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe as i32 - 719_468)
    }

    pub(crate) fn civil(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = (z - era * 146_097) as u32;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe as i32 + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// `AAAA-MM-JJ`.
    pub(crate) fn write(self, out: &mut Vec<u8>) {
        let (y, m, d) = self.civil();
        let digits = |out: &mut Vec<u8>, v: u32, n: u32| {
            for i in (0..n).rev() {
                out.push(b'0' + (v / 10u32.pow(i) % 10) as u8);
            }
        };
        digits(out, y as u32, 4);
        out.push(b'-');
        digits(out, m, 2);
        out.push(b'-');
        digits(out, d, 2);
    }

    /// A day uniformly drawn in [from, to].
    pub(crate) fn between(rng: &mut BlockRng, from: Date, to: Date) -> Date {
        if to.0 <= from.0 {
            return from;
        }
        Date(from.0 + rng.below((to.0 - from.0) as u64 + 1) as i32)
    }

    /// A creation date from `first_year` to [`LAST_DAY`], piled up near the end when `recent`
    /// is above 1 (most of SIRENE's units were created in the last fifteen years).
    pub(crate) fn created(rng: &mut BlockRng, first_year: u32, recent: f64) -> Date {
        let span = f64::from(2025 - first_year);
        let back = (span * rng.unit().powf(recent)) as i32;
        let year = 2025 - back;
        let start = Date::ymd(year, 1, 1);
        let end = Date::ymd(year, 12, 31).min(LAST_DAY);
        Date::between(rng, start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_print_as_sirene_does() {
        assert_eq!(Date::ymd(1970, 1, 1), Date(0));
        assert_eq!(Date::ymd(2000, 3, 1).civil(), (2000, 3, 1));
        for days in (-30_000..30_000).step_by(7) {
            let (y, m, d) = Date(days).civil();
            assert_eq!(Date::ymd(y, m, d), Date(days));
        }
        let mut out = Vec::new();
        Date::ymd(2010, 3, 15).write(&mut out);
        assert_eq!(out, b"2010-03-15");
    }
}
