//! How long personal data live in the registry, and the file permissions that guard them.
//!
//! - A referral's **secret link** is valid for [`Retention::link_days`] (180 by default) from
//!   the referral's creation, and can be revoked before; an expired or revoked link opens
//!   nothing (French message, no personal data).
//! - A referral's **name and contact** are erased [`Retention::contact_months`] (24 by
//!   default) after its last change, by [`Registry::purge`](super::Registry::purge): the
//!   server runs it daily, `essor admin purge` on demand. The referral itself (scheme,
//!   operator, statuses, dates) stays, for the figures.
//! - The registry file is created **0600** (SQLite gives its `-wal` and `-shm` files the same
//!   mode) and a folder essor creates for it **0700**; an existing file is tightened to 0600.

use std::path::Path;
use time::{Date, Month, OffsetDateTime};

/// Retention periods of the registry's personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Days a referral's secret link stays valid after its creation.
    pub link_days: u32,
    /// Months after a referral's last change when its name and contact are erased.
    pub contact_months: u32,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            link_days: 180,
            contact_months: 24,
        }
    }
}

/// `t` minus `months` calendar months (the day clamped to the month's length: 31 March minus
/// one month is 28 or 29 February).
pub fn months_before(t: OffsetDateTime, months: u32) -> OffsetDateTime {
    let index = t.year() * 12 + i32::from(u8::from(t.month())) - 1 - months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u8 + 1);
    let month = Month::try_from(month).expect("a month from 1 to 12");
    let day = t.day().min(time::util::days_in_month(month, year));
    let date = Date::from_calendar_date(year, month, day).expect("a clamped calendar date");
    t.replace_date(date)
}

/// Creates `path` empty with mode 0600 when it does not exist, and tightens it (and its
/// `-wal` and `-shm` files) to 0600 when it does.
pub(crate) fn private_file(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                for p in [
                    path.to_owned(),
                    path.with_extension("sqlite-wal"),
                    path.with_extension("sqlite-shm"),
                ] {
                    if p.exists() {
                        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))?;
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates `dir` (and its parents) when absent; a folder created here is 0700.
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_calendar_months_with_the_day_clamped() {
        let at = |s: i64| OffsetDateTime::from_unix_timestamp(s).unwrap();
        // 2026-03-31T12:00:00Z minus 1 month: 2026-02-28; minus 24 months: 2024-03-31.
        let t = at(1_774_958_400);
        assert_eq!((t.year(), u8::from(t.month()), t.day()), (2026, 3, 31));
        let m1 = months_before(t, 1);
        assert_eq!((m1.year(), u8::from(m1.month()), m1.day()), (2026, 2, 28));
        let m24 = months_before(t, 24);
        assert_eq!(
            (m24.year(), u8::from(m24.month()), m24.day()),
            (2024, 3, 31)
        );
        let m13 = months_before(t, 13);
        assert_eq!(
            (m13.year(), u8::from(m13.month()), m13.day()),
            (2025, 2, 28)
        );
        assert_eq!(m24.time(), t.time());
    }
}
