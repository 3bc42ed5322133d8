//! One cell of a grant file read into the SCDL 2.1.1 form of its field, or told apart as
//! unreadable. Each reader either keeps the value, writes it the schema's way and says why
//! (a [`Cell::Corrected`], listed in the report), or gives the reason it cannot be read
//! ([`Cell::Invalid`]). Nothing here guesses: a SIRET that fails its check stays failed, a
//! date that is not a calendar date is refused, an amount keeps every digit.

use crate::schema::{Field, MAX_ID_RAE, MAX_TEXT, fold};
use essor_model::french::parse_decimal;
use essor_model::{Rna, Siren, Siret};

/// A non-empty cell, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// The value as the file wrote it (surrounding spaces aside).
    Kept(String),
    /// The value written the schema's way, and why (for the report).
    Corrected(String, String),
    /// Why the value cannot be read as the field.
    Invalid(String),
}

/// Reads the non-empty, trimmed text of `field`.
pub fn read(field: Field, text: &str) -> Cell {
    match field {
        Field::IdAttribuant | Field::IdBeneficiaire => siret(text),
        Field::RnaBeneficiaire => rna(text),
        Field::DateConvention => date_cell(text),
        Field::DatesPeriodeVersement => period(text),
        Field::Montant => amount(text),
        Field::Nature => nature(text),
        Field::ConditionsVersement => conditions(text),
        Field::NotificationUe => notification(text),
        Field::PourcentageSubvention => percentage(text),
        Field::IdRae if text.chars().count() > MAX_ID_RAE => Cell::Invalid(format!(
            "identifiant RAE de plus de {MAX_ID_RAE} caractères"
        )),
        Field::Objet => bounded_text(text),
        _ => Cell::Kept(text.to_owned()),
    }
}

fn kept_or_corrected(text: &str, value: String, why: impl FnOnce() -> String) -> Cell {
    if value == text {
        Cell::Kept(value)
    } else {
        Cell::Corrected(value, why())
    }
}

/// The digits of an identifier written as a number: spaces taken away, a float's `.0` or
/// exponent (`21860194600000.0`, `2.18601946E+13`) undone. `None` if it has a fraction.
fn identifier_digits(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    // `02544006600915.0`: the digits as written, leading zero included.
    let (int, frac) = compact.split_once('.').unwrap_or((&compact, ""));
    if int.bytes().all(|b| b.is_ascii_digit()) && frac.bytes().all(|b| b == b'0') {
        return Some(int.to_owned());
    }
    let number = parse_decimal(&compact)?;
    match number.split_once('.') {
        None => Some(number),
        Some((int, frac)) if frac.bytes().all(|b| b == b'0') => Some(int.to_owned()),
        Some(_) => None,
    }
}

/// A SIRET: 14 digits passing INSEE's check. A float's `.0` and spaces are undone; a
/// 13-digit number gets back the leading zero a spreadsheet took away only if the result
/// passes the check. A SIRET failing the check is refused, the message saying whether its
/// SIREN (the first 9 digits) is valid: the NIC of a SIRET written as a float is often lost.
pub fn siret(text: &str) -> Cell {
    let Some(mut digits) = identifier_digits(text) else {
        return Cell::Invalid("SIRET illisible : 14 chiffres attendus".to_owned());
    };
    let mut why = Vec::new();
    if digits != text {
        why.push("SIRET écrit comme un nombre (espaces ou décimales retirés)");
    }
    if digits.len() == 13 && Siret::parse(&format!("0{digits}")).is_ok_and(Siret::checksum_ok) {
        digits.insert(0, '0');
        why.push("zéro initial rétabli (perdu par un tableur), clé de contrôle vérifiée");
    }
    if digits.len() == 9 {
        let siren_ok = Siren::parse(&digits).is_ok_and(Siren::checksum_ok);
        return Cell::Invalid(format!(
            "SIREN {digits} {} au lieu d'un SIRET : le schéma SCDL 2.1.1 demande les 14 chiffres de l'établissement",
            if siren_ok { "valide" } else { "invalide" }
        ));
    }
    let Ok(parsed) = Siret::parse(&digits) else {
        return Cell::Invalid(format!("SIRET {digits} : 14 chiffres attendus"));
    };
    if !parsed.checksum_ok() {
        let siren = parsed.siren();
        return Cell::Invalid(if siren.checksum_ok() {
            format!(
                "SIRET {digits} invalide (clé de contrôle fausse, NIC probablement perdu) ; seul son SIREN {siren} est valide, or le schéma SCDL 2.1.1 demande un SIRET valide"
            )
        } else {
            format!(
                "SIRET {digits} invalide (clé de contrôle fausse, SIREN {siren} invalide aussi)"
            )
        });
    }
    kept_or_corrected(text, digits, || why.join(" ; "))
}

/// An RNA number: `W` and 9 digits (the schema's pattern), upper-cased.
pub fn rna(text: &str) -> Cell {
    match Rna::parse(text) {
        Ok(rna) if rna.as_str()[1..].bytes().all(|b| b.is_ascii_digit()) => {
            kept_or_corrected(text, rna.as_str().to_owned(), || {
                "numéro RNA écrit en majuscule".to_owned()
            })
        }
        _ => Cell::Invalid(format!(
            "numéro RNA « {text} » invalide : W suivi de 9 chiffres attendu"
        )),
    }
}

/// A calendar date, ISO `AAAA-MM-JJ`, from `AAAA-MM-JJ`, `AAAA/MM/JJ`, `JJ/MM/AAAA`,
/// `JJ-MM-AAAA` or `JJ.MM.AAAA`, a time after it (`2017-04-13 00:00:00`, `…T00:00:00`)
/// ignored. `None` when it is none of these or not a real day.
pub fn date(text: &str) -> Option<String> {
    let text = text.trim();
    let day_part = match text.split_once(['T', ' ']) {
        // Only a time of day may follow the date.
        Some((day, time))
            if time.contains(':')
                && time
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b":.Z+".contains(&b)) =>
        {
            day
        }
        Some(_) => return None,
        None => text,
    };
    let parts: Vec<&str> = day_part.split(['-', '/', '.']).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = match (a.len(), c.len()) {
        (4, 1..=2) => (a, b, c),
        (1..=2, 4) => (c, b, a),
        _ => return None,
    };
    if !(1..=2).contains(&m.len())
        || ![y, m, d]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (y, m, d): (i32, u8, u8) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let day = time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    ))
}

fn date_cell(text: &str) -> Cell {
    match date(text) {
        Some(iso) => kept_or_corrected(text, iso, || "date écrite au format AAAA-MM-JJ".to_owned()),
        None => Cell::Invalid(format!("date « {text} » illisible ou inexistante")),
    }
}

/// A payment date or period: `AAAA-MM-JJ` or `AAAA-MM-JJ/AAAA-MM-JJ`, from one date or two
/// joined by `/`, `_` (the separator of the 2017 regulation), `-`, a space or `au`
/// (« du 01/01/2017 au 31/12/2017 »).
pub fn period(text: &str) -> Cell {
    let why = || "période écrite AAAA-MM-JJ/AAAA-MM-JJ".to_owned();
    if let Some(iso) = date(text) {
        return kept_or_corrected(text, iso, why);
    }
    let lower = text.to_lowercase();
    let lower = lower.trim().strip_prefix("du ").unwrap_or(lower.trim());
    let lower = lower.replace(" au ", "_");
    for (i, c) in lower.char_indices() {
        if matches!(c, '_' | '/' | '-' | ' ') {
            let (start, end) = (&lower[..i], &lower[i + c.len_utf8()..]);
            if let (Some(s), Some(e)) = (date(start), date(end)) {
                return kept_or_corrected(text, format!("{s}/{e}"), why);
            }
        }
    }
    Cell::Invalid(format!(
        "date ou période « {text} » illisible : AAAA-MM-JJ ou AAAA-MM-JJ/AAAA-MM-JJ attendu"
    ))
}

/// An amount in euros, every digit kept: `137 825,00` → `137825.00`.
pub fn amount(text: &str) -> Cell {
    match parse_decimal(text) {
        Some(n) => kept_or_corrected(text, n, || {
            "montant écrit avec un point décimal, sans séparateur de milliers (valeur inchangée)"
                .to_owned()
        }),
        None => Cell::Invalid(format!("montant « {text} » illisible")),
    }
}

/// `aide en numéraire`, `aide en nature` or both joined by `;`, whatever the case, accents
/// and separator (`,`, `/`, `+`, `et`).
pub fn nature(text: &str) -> Cell {
    let lower = text.to_lowercase();
    let mut kinds: Vec<&str> = Vec::new();
    for part in lower
        .split([';', ',', '/', '+'])
        .flat_map(|p| p.split(" et "))
    {
        let kind = match fold(part).as_str() {
            "aideennumeraire" | "numeraire" => "aide en numéraire",
            "aideennature" | "nature" => "aide en nature",
            "" => continue,
            _ => {
                return Cell::Invalid(format!(
                    "nature « {text} » inconnue : « aide en numéraire », « aide en nature » ou les deux séparées par « ; » attendu"
                ));
            }
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Cell::Invalid(format!("nature « {text} » illisible"));
    }
    kept_or_corrected(text, kinds.join(";"), || {
        "nature écrite comme le schéma l'énumère".to_owned()
    })
}

/// `unique`, `échelonné`, `autre`, or a free description of at most 256 characters.
pub fn conditions(text: &str) -> Cell {
    let known = match fold(text).as_str() {
        "unique" => Some("unique"),
        "echelonne" => Some("échelonné"),
        "autre" => Some("autre"),
        _ => None,
    };
    match known {
        Some(v) => kept_or_corrected(text, v.to_owned(), || {
            "valeur écrite comme le schéma la nomme".to_owned()
        }),
        None => bounded_text(text),
    }
}

/// Text of at most [`MAX_TEXT`] characters: a longer one is cut at 255 and ends with `…`.
fn bounded_text(text: &str) -> Cell {
    let len = text.chars().count();
    if len <= MAX_TEXT {
        return Cell::Kept(text.to_owned());
    }
    let mut cut: String = text.chars().take(MAX_TEXT - 1).collect();
    cut.push('…');
    Cell::Corrected(
        cut,
        format!("texte de {len} caractères coupé à {MAX_TEXT} (limite du schéma)"),
    )
}

/// `oui` or `non`, from the usual ways of writing yes and no.
pub fn notification(text: &str) -> Cell {
    let v = match fold(text).as_str() {
        "oui" | "o" | "yes" | "y" | "true" | "vrai" | "1" => "oui",
        "non" | "n" | "no" | "false" | "faux" | "0" => "non",
        _ => {
            return Cell::Invalid(format!("« {text} » n'est ni « oui » ni « non »"));
        }
    };
    kept_or_corrected(text, v.to_owned(), || "écrit « oui » ou « non »".to_owned())
}

/// A share between 0.01 and 1. `45 %` and `45` (over 1, hence a percentage) become `0.45`.
pub fn percentage(text: &str) -> Cell {
    let (number, percent_sign) = match text.trim().strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (text.trim(), false),
    };
    let Some(n) = parse_decimal(number) else {
        return Cell::Invalid(format!("pourcentage « {text} » illisible"));
    };
    let value: f64 = n.parse().expect("a canonical decimal parses");
    let (share, why) = if percent_sign || (value > 1.0 && value <= 100.0) {
        let share = parse_decimal(&format!("{n}e-2")).expect("a shifted decimal");
        (
            share,
            "pourcentage sur 100 écrit en nombre décimal (45 % → 0.45)",
        )
    } else {
        (n, "nombre écrit avec un point décimal")
    };
    let v: f64 = share.parse().expect("a canonical decimal parses");
    if !(0.01..=1.0).contains(&v) {
        return Cell::Invalid(format!(
            "pourcentage « {text} » hors de l'intervalle 0.01 à 1 du schéma"
        ));
    }
    kept_or_corrected(text, share, || why.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(v: &str) -> Cell {
        Cell::Kept(v.to_owned())
    }
    fn value(c: &Cell) -> Option<&str> {
        match c {
            Cell::Kept(v) | Cell::Corrected(v, _) => Some(v),
            Cell::Invalid(_) => None,
        }
    }

    #[test]
    fn siret_written_as_floats_are_read_and_checked() {
        // Issue 16, point 7: Haute-Garonne keeps its SIRET, Poitiers lost its NIC.
        assert_eq!(siret("21310458100011"), kept("21310458100011"));
        assert_eq!(value(&siret("52499120500013.0")), Some("52499120500013"));
        assert_eq!(
            siret("02544006600915.0"),
            Cell::Corrected(
                "02544006600915".into(),
                "SIRET écrit comme un nombre (espaces ou décimales retirés)".into()
            )
        );
        assert_eq!(value(&siret("5.2499120500013E+13")), Some("52499120500013"));
        assert_eq!(value(&siret("524 991 205 00013")), Some("52499120500013"));
        // The leading zero of 00572131100026 (a real SIRET shape) taken away by a spreadsheet.
        let padded = siret("572131100026");
        assert!(matches!(padded, Cell::Invalid(_)), "12 digits stay refused");
        let Cell::Invalid(why) = siret("21860194600000.0") else {
            panic!("a lost NIC fails the check")
        };
        assert!(why.contains("seul son SIREN 218601946 est valide"), "{why}");
        assert!(
            matches!(siret("218601946"), Cell::Invalid(w) if w.contains("SIREN 218601946 valide"))
        );
        assert!(matches!(siret("2186019460001.5"), Cell::Invalid(_)));
        assert!(matches!(siret("abc"), Cell::Invalid(_)));
    }

    #[test]
    fn a_thirteen_digit_siret_gets_its_zero_back_only_when_the_check_passes() {
        // A SIREN starting with 0 and one of its SIRET, both passing the check.
        let with_zero = (0..10)
            .map(|d| format!("01234567{d}"))
            .filter(|siren| Siren::parse(siren).unwrap().checksum_ok())
            .flat_map(|siren| (10..20).map(move |nic| format!("{siren}000{nic}")))
            .find(|s| Siret::parse(s).unwrap().checksum_ok())
            .unwrap();
        let cell = siret(&with_zero[1..]);
        assert_eq!(value(&cell), Some(with_zero.as_str()), "{cell:?}");
    }

    #[test]
    fn dates_and_periods_are_written_the_iso_way() {
        assert_eq!(date("2017-04-13").as_deref(), Some("2017-04-13"));
        assert_eq!(date("13/04/2017").as_deref(), Some("2017-04-13"));
        assert_eq!(date("5-1-2017").as_deref(), Some("2017-01-05"));
        assert_eq!(date("2017/04/13").as_deref(), Some("2017-04-13"));
        assert_eq!(date("2017-04-13 00:00:00").as_deref(), Some("2017-04-13"));
        assert_eq!(date("2017-04-13T10:00:00Z").as_deref(), Some("2017-04-13"));
        assert_eq!(date("2016-02-29").as_deref(), Some("2016-02-29"));
        for bad in [
            "2017-02-29",
            "2017-30-05",
            "13-04-17",
            "2017",
            "DELIB 06FIN",
            "",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        assert_eq!(
            period("2017-01-01_2017-12-31"),
            Cell::Corrected(
                "2017-01-01/2017-12-31".into(),
                "période écrite AAAA-MM-JJ/AAAA-MM-JJ".into()
            )
        );
        assert_eq!(
            period("2017-03-30/2017-05-24"),
            kept("2017-03-30/2017-05-24")
        );
        assert_eq!(period("2016-12-06"), kept("2016-12-06"));
        assert_eq!(
            value(&period("du 01/01/2017 au 31/12/2017")),
            Some("2017-01-01/2017-12-31")
        );
        assert_eq!(
            value(&period("01/01/2017-31/12/2017")),
            Some("2017-01-01/2017-12-31")
        );
        assert_eq!(
            value(&period("2017-01-01 2017-12-31")),
            Some("2017-01-01/2017-12-31")
        );
        assert!(matches!(period("2017-03-02/2017-30-05"), Cell::Invalid(_)));
        assert!(matches!(period("toute l'année"), Cell::Invalid(_)));
    }

    #[test]
    fn amounts_keep_every_digit() {
        assert_eq!(value(&amount("137 825,00")), Some("137825.00"));
        assert_eq!(amount("2400.0"), kept("2400.0"));
        assert_eq!(value(&amount("100000,1")), Some("100000.1"));
        assert!(matches!(amount("dix mille"), Cell::Invalid(_)));
    }

    #[test]
    fn closed_vocabularies_are_written_as_the_schema_names_them() {
        assert_eq!(
            value(&nature("Aide en numéraire")),
            Some("aide en numéraire")
        );
        assert_eq!(
            value(&nature("AIDE EN NUMERAIRE")),
            Some("aide en numéraire")
        );
        assert_eq!(
            value(&nature("aide en numéraire,aide en nature")),
            Some("aide en numéraire;aide en nature")
        );
        assert_eq!(
            nature("aide en nature;aide en numéraire"),
            kept("aide en nature;aide en numéraire")
        );
        assert!(matches!(nature("prêt"), Cell::Invalid(_)));
        assert_eq!(value(&conditions("Echelonné")), Some("échelonné"));
        assert_eq!(value(&conditions("Unique")), Some("unique"));
        assert_eq!(conditions("unique;échelonné"), kept("unique;échelonné"));
        assert_eq!(value(&notification("NON")), Some("non"));
        assert_eq!(value(&notification("yes")), Some("oui"));
        assert!(matches!(notification("peut-être"), Cell::Invalid(_)));
        assert_eq!(rna("W751234567"), kept("W751234567"));
        assert_eq!(value(&rna("w751234567")), Some("W751234567"));
        assert!(matches!(rna("W3222"), Cell::Invalid(_)));
        assert!(matches!(rna("W12345678A"), Cell::Invalid(_)));
    }

    #[test]
    fn shares_are_decimals_between_a_hundredth_and_one() {
        assert_eq!(percentage("1.0"), kept("1.0"));
        assert_eq!(percentage("0.45"), kept("0.45"));
        assert_eq!(value(&percentage("0,5")), Some("0.5"));
        assert_eq!(value(&percentage("45 %")), Some("0.45"));
        assert_eq!(value(&percentage("100")), Some("1.00"));
        assert_eq!(value(&percentage("80")), Some("0.80"));
        assert!(matches!(percentage("0"), Cell::Invalid(_)));
        assert!(matches!(percentage("250"), Cell::Invalid(_)));
        assert!(matches!(percentage("beaucoup"), Cell::Invalid(_)));
    }

    #[test]
    fn long_texts_are_cut_to_the_schemas_limit() {
        let long = "é".repeat(300);
        let Cell::Corrected(cut, why) = read(Field::Objet, &long) else {
            panic!("cut")
        };
        assert_eq!(cut.chars().count(), MAX_TEXT);
        assert!(cut.ends_with('…'));
        assert!(why.contains("300"));
        assert!(matches!(read(Field::IdRae, "123456"), Cell::Invalid(_)));
        assert_eq!(read(Field::IdRae, "12345"), kept("12345"));
    }
}
