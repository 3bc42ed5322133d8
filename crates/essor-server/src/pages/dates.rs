//! Dates as French pages show them. The registry stores UTC (`2025-06-12T14:03:00Z`); pages
//! say so rather than guess a time zone.

/// Today (UTC), `12/06/2025`.
pub fn today() -> String {
    let d = time::OffsetDateTime::now_utc().date();
    format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year())
}

/// `2025-06-12T14:03:00Z` → `12/06/2025 à 14:03 (UTC)`; anything else as it is.
pub fn timestamp(iso: &str) -> String {
    let b = iso.as_bytes();
    if iso.len() >= 16 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' {
        format!(
            "{}/{}/{} à {} (UTC)",
            &iso[8..10],
            &iso[5..7],
            &iso[..4],
            &iso[11..16]
        )
    } else {
        iso.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn registry_timestamps_read_in_french() {
        assert_eq!(
            super::timestamp("2025-06-12T14:03:00Z"),
            "12/06/2025 à 14:03 (UTC)"
        );
        assert_eq!(super::timestamp("hier"), "hier");
        assert_eq!(super::today().len(), 10);
    }
}
