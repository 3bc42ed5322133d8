//! SIREN and SIRET that pass the Luhn check, unique by construction.
//!
//! A SIREN is 8 digits and a Luhn check digit. The 8 digits of legal unit number `g` (0, 1, …
//! in file order) are `(g × 48 271 093 + offset) mod 10⁸`: the multiplier is prime to 10⁸, so
//! the map is a permutation of 0…10⁸−1 (unique SIREN for up to 10⁸ units) that scatters
//! consecutive units over the whole range, as real SIREN look; `offset` comes from the seed.
//! A NIC is the establishment's rank in its unit (4 digits, the siège is 0001) and the digit
//! that makes the 14-digit SIRET pass the Luhn check, as INSEE builds them (`…00011`,
//! `…00029`, `…00037`).

/// Units a stock can hold: the 8-digit SIREN bases.
pub(crate) const MAX_UNITS: u64 = 100_000_000;
const MULTIPLIER: u64 = 48_271_093;

/// The Luhn check digit to append to `digits` (its `len` digits, most significant first).
pub(crate) fn luhn_digit(mut number: u64, len: u32) -> u64 {
    let mut sum = 0;
    for position in 0..len {
        let mut d = number % 10;
        number /= 10;
        // The rightmost digit of the prefix becomes the second from the right: doubled.
        if position % 2 == 0 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    (10 - sum % 10) % 10
}

/// Does the number of `len` digits pass the Luhn check?
#[cfg(test)]
pub(crate) fn luhn_valid(number: u64, len: u32) -> bool {
    luhn_digit(number / 10, len - 1) == number % 10
}

/// The SIREN (9 digits) of legal unit number `g`.
pub(crate) fn siren(g: u64, offset: u64) -> u32 {
    debug_assert!(g < MAX_UNITS);
    let base = (g % MAX_UNITS * MULTIPLIER + offset % MAX_UNITS) % MAX_UNITS;
    (base * 10 + luhn_digit(base, 8)) as u32
}

/// The NIC (5 digits) of the `rank`-th establishment (1 = siège) of `siren`.
pub(crate) fn nic(siren: u32, rank: u32) -> u32 {
    let prefix = u64::from(siren) * 10_000 + u64::from(rank);
    rank * 10 + luhn_digit(prefix, 13) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn luhn_matches_known_identifiers() {
        // A textbook number, and a real-looking SIREN (La Poste's 356 000 000).
        assert!(luhn_valid(79_927_398_713, 11));
        assert!(!luhn_valid(79_927_398_710, 11));
        assert!(luhn_valid(356_000_000, 9));
        assert_eq!(luhn_digit(35_600_000, 8), 0);
        // NIC: rank then check digit (the siège is 0001x).
        assert_eq!(nic(356_000_000, 1) / 10, 1);
        assert_eq!(nic(356_000_000, 12) / 10, 12);
    }

    #[test]
    fn sirens_are_unique_and_valid() {
        let sirens: HashSet<u32> = (0..200_000).map(|g| siren(g, 12_345)).collect();
        assert_eq!(sirens.len(), 200_000);
        for &s in sirens.iter().take(1000) {
            assert!(luhn_valid(u64::from(s), 9), "{s}");
            for rank in [1, 2, 17, 9999] {
                let siret = u64::from(s) * 100_000 + u64::from(nic(s, rank));
                assert!(luhn_valid(siret, 14), "{siret}");
            }
        }
    }
}
