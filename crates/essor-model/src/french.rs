//! Numbers the French way, for pages: digits grouped by three with a narrow no-break space
//! (U+202F, « 114 891 »), a decimal comma (« 4,5 »), a no-break space before « % » and units
//! (« 12,3 % », « 240 m »), a true minus sign (« −0,4 point »). Missing values say why:
//! « non publié » (absent from the data: statistical secrecy or unknown), « sans objet »
//! (a share of nothing).

/// Narrow no-break space: the thousands separator.
const THIN: char = '\u{202F}';
/// No-break space: before « % » and units.
const NBSP: char = '\u{A0}';

/// What a page writes for a value the data do not give.
pub const NOT_PUBLISHED: &str = "non publié";
/// What a page writes for a share whose denominator is zero.
pub const NOT_APPLICABLE: &str = "sans objet";

fn group(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(THIN);
        }
        out.push(c);
    }
    out
}

/// A whole number: « 1 234 567 ».
pub fn count(n: u64) -> String {
    group(&n.to_string())
}

/// A number with `decimals` digits after the comma, rounded half away from zero:
/// « 1 234,5 », « −3,2 ».
pub fn decimal(v: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let rounded = (v.abs() * scale).round() / scale;
    let text = format!("{rounded:.decimals$}");
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if v < 0.0 && rounded > 0.0 {
        "\u{2212}"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", group(int))
    } else {
        format!("{sign}{},{frac}", group(int))
    }
}

/// A number rounded to a whole: « 10 035 » (estimated jobs are midpoints of brackets, so
/// they are shown without their half).
pub fn whole(v: f64) -> String {
    decimal(v, 0)
}

/// A share (0–1) as a percentage with one decimal: « 12,3 % ».
pub fn percent(share: f64) -> String {
    format!("{}{NBSP}%", decimal(share * 100.0, 1))
}

/// A difference of two shares in percentage points, signed: « +1,4 point », « −12,0 points ».
pub fn points(difference: f64) -> String {
    let p = difference * 100.0;
    let text = decimal(p, 1);
    let sign = if (p * 10.0).round() > 0.0 { "+" } else { "" };
    let unit = if (p.abs() * 10.0).round() >= 20.0 {
        "points"
    } else {
        "point"
    };
    format!("{sign}{text}{NBSP}{unit}")
}

/// A low–high range: « 10 020 – 10 049 ».
pub fn range(low: f64, high: f64) -> String {
    format!("{}{NBSP}–{NBSP}{}", whole(low), whole(high))
}

/// A distance: metres rounded to 10 m under 1 km (« 240 m »), else kilometres with one
/// decimal (« 1,3 km »).
pub fn distance(m: f64) -> String {
    if m < 995.0 {
        format!("{}{NBSP}m", whole((m / 10.0).round() * 10.0))
    } else {
        format!("{}{NBSP}km", decimal(m / 1000.0, 1))
    }
}

/// A date `AAAA-MM-JJ` in words: « 2 mars 2026 », « 1er janvier 2026 »; anything else as given.
pub fn date(iso: &str) -> String {
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
    let parts: Vec<&str> = iso.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return iso.to_owned();
    };
    match (y.parse::<u32>(), m.parse::<usize>(), d.parse::<u32>()) {
        (Ok(y), Ok(m @ 1..=12), Ok(d @ 1..=31)) => {
            let day = if d == 1 {
                "1er".to_owned()
            } else {
                d.to_string()
            };
            format!("{day} {} {y}", MONTHS[m - 1])
        }
        _ => iso.to_owned(),
    }
}

/// The letter without its accent, for the accented letters of French (lower case); any
/// other character unchanged. For anchors and for comparing names (`Numéraire` ~ `numeraire`).
pub fn strip_accent(c: char) -> char {
    match c {
        'à' | 'â' | 'ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'î' | 'ï' => 'i',
        'ô' | 'ö' => 'o',
        'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        _ => c,
    }
}

/// A number as people write it in French and spreadsheet files, read back without changing
/// its value: the canonical decimal text (`-` sign, digits, `.` decimal point, no grouping)
/// or `None` when it is not a number. `137 825,00` → `137825.00`, `1.234.567,8` →
/// `1234567.8`, `1,234.5` → `1234.5`, `2400.0` → `2400.0`, `2.186E+13` → `21860000000000`,
/// `12 €` → `12`. Digits are kept as written (no rounding, no float): the decimal separator
/// is the last `,` or `.` when both appear, a lone `,` or `.` otherwise; a separator that
/// repeats, or a space, groups thousands and must be followed by exactly three digits.
pub fn parse_decimal(text: &str) -> Option<String> {
    let mut t = text.trim();
    for unit in ["€", "EUR", "eur"] {
        t = t.strip_suffix(unit).unwrap_or(t).trim_end();
    }
    let (negative, t) = match t.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mantissa, exponent) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.strip_prefix('+').unwrap_or(e).parse::<i32>().ok()?),
        None => (t, 0),
    };
    let is_space = |c: char| matches!(c, ' ' | NBSP | THIN | '\u{2009}');
    let last_comma = mantissa.rfind(',');
    let last_dot = mantissa.rfind('.');
    let decimal_at = match (last_comma, last_dot) {
        (Some(c), Some(d)) => Some(c.max(d)),
        (Some(c), None) if mantissa.matches(',').count() == 1 => Some(c),
        (None, Some(d)) if mantissa.matches('.').count() == 1 => Some(d),
        _ => None,
    };
    let (int_part, frac_part) = match decimal_at {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, ""),
    };
    if !frac_part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // The integer part: digit groups; every group after the first has three digits.
    let groups: Vec<&str> = int_part
        .split(|c: char| is_space(c) || c == ',' || c == '.')
        .collect();
    let grouped = groups.len() > 1;
    let mut int_digits = String::with_capacity(int_part.len());
    for (i, g) in groups.iter().enumerate() {
        let ok = g.bytes().all(|b| b.is_ascii_digit())
            && if i == 0 {
                !grouped || (1..=3).contains(&g.len())
            } else {
                g.len() == 3
            };
        if !ok {
            return None;
        }
        int_digits.push_str(g);
    }
    if int_digits.is_empty() && frac_part.is_empty() {
        return None;
    }
    let (int_digits, frac_digits) = shift_point(int_digits, frac_part.to_owned(), exponent)?;
    let mut out = String::with_capacity(int_digits.len() + frac_digits.len() + 2);
    if negative {
        out.push('-');
    }
    out.push_str(if int_digits.is_empty() {
        "0"
    } else {
        &int_digits
    });
    if !frac_digits.is_empty() {
        out.push('.');
        out.push_str(&frac_digits);
    }
    Some(out)
}

/// Moves the decimal point of `int.frac` by `exponent` places (scientific notation written by
/// spreadsheets), padding with zeros; leading zeros of the integer part are dropped (the
/// caller writes `0` for an empty one).
fn shift_point(mut int: String, mut frac: String, exponent: i32) -> Option<(String, String)> {
    if exponent.unsigned_abs() > 40 {
        return None;
    }
    if exponent > 0 {
        let moved = (exponent as usize).min(frac.len());
        int.push_str(&frac[..moved]);
        frac.drain(..moved);
        int.extend(std::iter::repeat_n('0', exponent as usize - moved));
    } else if exponent < 0 {
        let moved = (exponent.unsigned_abs() as usize).min(int.len());
        let tail = int.split_off(int.len() - moved);
        let zeros = exponent.unsigned_abs() as usize - moved;
        frac = "0".repeat(zeros) + &tail + &frac;
    }
    let trimmed = int.trim_start_matches('0');
    Some((trimmed.to_owned(), frac))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_back_with_their_digits() {
        // Issue 16, point 7: amounts of real grant files.
        for (text, canonical) in [
            ("137 825,00", "137825.00"),
            ("137\u{a0}825,00", "137825.00"),
            ("137\u{202f}825,00 €", "137825.00"),
            ("2400.0", "2400.0"),
            ("99786.57", "99786.57"),
            ("1.234.567,89", "1234567.89"),
            ("1,234,567.89", "1234567.89"),
            ("1,234,567", "1234567"),
            ("-5,5", "-5.5"),
            ("+12", "12"),
            (",5", "0.5"),
            ("0,45", "0.45"),
            ("21860194600000.0", "21860194600000.0"),
            ("2.18601946E+13", "21860194600000"),
            ("1.5e-2", "0.015"),
            ("100000,1", "100000.1"),
            ("007", "7"),
            ("0", "0"),
        ] {
            assert_eq!(parse_decimal(text).as_deref(), Some(canonical), "{text}");
        }
        for text in [
            "",
            "abc",
            "1 23",
            "12,5%",
            "1.2.3,4,5",
            "1,23,456",
            "--1",
            "€",
            "1e",
            "12 34,5",
        ] {
            assert_eq!(parse_decimal(text), None, "{text}");
        }
    }

    #[test]
    fn dates_are_written_in_words() {
        assert_eq!(date("2026-03-02"), "2 mars 2026");
        assert_eq!(date("2026-01-01"), "1er janvier 2026");
        assert_eq!(date("hier"), "hier");
    }

    #[test]
    fn thousands_are_grouped_with_narrow_no_break_spaces() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1\u{202F}000");
        assert_eq!(count(114_891), "114\u{202F}891");
        assert_eq!(count(68_952_941), "68\u{202F}952\u{202F}941");
    }

    #[test]
    fn decimals_take_a_comma_and_round_half_away_from_zero() {
        assert_eq!(decimal(21_811.5, 1), "21\u{202F}811,5");
        assert_eq!(decimal(0.125, 2), "0,13");
        assert_eq!(decimal(-3.25, 1), "\u{2212}3,3");
        assert_eq!(decimal(-0.04, 1), "0,0", "no minus sign on a rounded zero");
        assert_eq!(whole(10_034.5), "10\u{202F}035");
        assert_eq!(whole(2.5), "3");
    }

    #[test]
    fn shares_are_percentages_and_differences_are_points() {
        assert_eq!(percent(0.886484), "88,6\u{A0}%");
        assert_eq!(percent(1.0), "100,0\u{A0}%");
        assert_eq!(percent(0.0), "0,0\u{A0}%");
        assert_eq!(points(0.014), "+1,4\u{A0}point");
        assert_eq!(points(-0.12), "\u{2212}12,0\u{A0}points");
        assert_eq!(points(0.0), "0,0\u{A0}point");
        assert_eq!(points(0.02), "+2,0\u{A0}points");
    }

    #[test]
    fn ranges_and_distances_read_as_french() {
        assert_eq!(
            range(10_020.0, 10_049.0),
            "10\u{202F}020\u{A0}–\u{A0}10\u{202F}049"
        );
        assert_eq!(distance(0.0), "0\u{A0}m");
        assert_eq!(distance(243.7), "240\u{A0}m");
        assert_eq!(distance(503.4), "500\u{A0}m");
        assert_eq!(distance(996.0), "1,0\u{A0}km");
        assert_eq!(distance(1_260.0), "1,3\u{A0}km");
    }
}
