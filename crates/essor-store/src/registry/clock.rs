//! The application clock: every time a write records (creation, change, audit row) comes
//! from one [`Clock`] handed to the registry, never from the database's own `now`, so tests
//! can fix and move time (expiry, retention) and every backend stamps alike.

use std::fmt;
use std::sync::Mutex;
use time::OffsetDateTime;

/// Where the registry takes the time from.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that shows what it is told (tests).
#[derive(Debug)]
pub struct FixedClock(Mutex<OffsetDateTime>);

impl FixedClock {
    pub fn new(at: OffsetDateTime) -> Self {
        Self(Mutex::new(at))
    }

    /// Moves the clock to `at`.
    pub fn set(&self, at: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    /// Moves the clock on by `by`.
    pub fn advance(&self, by: time::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A time as the registry stores it: UTC, to the second, `2026-12-07T19:42:51Z` (sorts as
/// text, and is what the registry always wrote).
pub fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_utc_to_the_second() {
        // 2026-03-02T08:05:07.9Z, seen from UTC+1.
        let t = (OffsetDateTime::from_unix_timestamp(1_772_438_707).unwrap()
            + time::Duration::milliseconds(900))
        .to_offset(time::UtcOffset::from_hms(1, 0, 0).unwrap());
        assert_eq!(stamp(t), "2026-03-02T08:05:07Z");
        let c = FixedClock::new(t);
        c.advance(time::Duration::days(30));
        assert_eq!(stamp(c.now()), "2026-04-01T08:05:07Z");
    }
}
