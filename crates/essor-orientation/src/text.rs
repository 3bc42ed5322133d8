//! Small French text helpers for theme matching and the relevance signal: lowercase, strip
//! accents, split into words, drop the commonest short words, crude plural folding.
//!
//! This is a second signal only (eligibility never depends on it), so simple and predictable
//! beats clever: no stemming library, no dictionary.

/// Lowercases and strips French diacritics (`é` → `e`, `œ` → `oe`).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' => out.push('i'),
            'ô' | 'ö' | 'ó' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ç' => out.push('c'),
            'ÿ' => out.push('y'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            '’' => out.push('\''),
            c => out.push(c),
        }
    }
    out
}

/// A theme as compared: folded, words joined by `_` (`Tiers-lieux` → `tiers_lieu`).
pub fn normalize_theme(s: &str) -> String {
    words(s).join("_")
}

const STOPWORDS: &[&str] = &[
    "les", "des", "une", "pour", "dans", "par", "sur", "avec", "aux", "qui", "que", "est", "sont",
    "leur", "leurs", "ces", "son", "ses", "pas", "plus", "the", "and", "ont", "etre", "tout",
    "tous", "entre", "elle", "elles",
];

/// Content words of a text: folded, split on anything not alphanumeric, at least 3
/// characters, stopwords removed, a final `s` or `x` dropped (`quartiers` → `quartier`).
pub fn words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !STOPWORDS.contains(w))
        .map(|w| {
            let w = w
                .strip_suffix(['s', 'x'])
                .filter(|r| r.chars().count() >= 3)
                .unwrap_or(w);
            w.to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_normalize_across_spellings() {
        assert_eq!(normalize_theme("Tiers-lieux"), "tier_lieu");
        assert_eq!(normalize_theme("tiers_lieu"), "tier_lieu");
        assert_eq!(normalize_theme("Mobilité"), "mobilite");
        assert_eq!(words("Les régies de quartier"), vec!["regie", "quartier"]);
    }
}
