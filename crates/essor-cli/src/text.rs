//! French number formatting for messages: `12 345`, `36,2 %`.

/// Groups thousands with a narrow no-break space, as French typography does (one
/// implementation for pages and messages).
pub use essor_model::french::count;

/// A share as a French percentage with one decimal: `0.3625` → `36,3 %`.
pub fn percent(share: f64) -> String {
    format!("{:.1}\u{A0}%", share * 100.0).replace('.', ",")
}

/// `part / whole`, 0 when `whole` is 0.
pub fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// `part / whole` for amounts, 0 when `whole` is 0.
pub fn share_f(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_numbers() {
        assert_eq!(count(0), "0");
        assert_eq!(count(1234567), "1\u{202F}234\u{202F}567");
        assert_eq!(percent(0.3626), "36,3\u{A0}%");
        assert_eq!(share(1, 0), 0.0);
    }
}
