//! French full-text normalisation, shared by the index (at ingest) and the queries (at
//! search time), so that both sides agree word for word: split on anything that is not a
//! letter or a digit, lower-case, drop French stop words and elided articles (`l'`, `d'`),
//! stem with the Snowball French stemmer, then fold the accents away. « Jardins solidaires »,
//! « jardin solidaire » and « JARDINS SOLIDAIRES » give the same words; so do « régie » and
//! « regie ».

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Words too common to search on: articles, prepositions, conjunctions.
const STOP_WORDS: &[&str] = &[
    "a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "ou", "par",
    "pour", "qu", "que", "sur", "un", "une", "à", "s", "n", "c", "j", "m", "t", "y",
];

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::French))
}

/// The searchable words of a text, in order (duplicates kept).
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter_map(|w| {
            let lower = w.to_lowercase();
            if STOP_WORDS.contains(&lower.as_str()) {
                return None;
            }
            Some(fold(&stemmer().stem(&lower)))
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// The word being typed: the last of the search when it does not end with a space, folded
/// but not stemmed (a stem of half a word means little), to match as a prefix.
fn typed(search: &str) -> Option<String> {
    if search.ends_with(|c: char| !c.is_alphanumeric()) {
        return None;
    }
    let last = search.rsplit(|c: char| !c.is_alphanumeric()).next()?;
    let folded = fold(last);
    (!folded.is_empty() && !STOP_WORDS.contains(&folded.as_str())).then_some(folded)
}

/// A parsed search: every word required; the last one, while the user is still typing it
/// (no trailing space), either as its stem or as a prefix of what is typed. « jardins soli »
/// requires `jardin` and either `sol` or a word beginning with `soli`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The required words but the last, stemmed.
    pub words: Vec<String>,
    /// The last word, stemmed.
    pub last: String,
    /// What is typed of the last word, folded, when the search does not end with a space.
    pub prefix: Option<String>,
}

impl Query {
    /// `None` when the search has no searchable word (only stop words or punctuation).
    pub fn parse(search: &str) -> Option<Self> {
        let mut words = words(search);
        let last = words.pop()?;
        Some(Self {
            words,
            last,
            prefix: typed(search),
        })
    }

    /// Whether a document (its [`words`]) matches.
    pub fn matches(&self, document: &[String]) -> bool {
        self.words.iter().all(|w| document.contains(w))
            && document.iter().any(|d| {
                *d == self.last || self.prefix.as_deref().is_some_and(|p| d.starts_with(p))
            })
    }
}

/// Whether a document (its [`words`]) matches a search (see [`Query`]): for stores without
/// an index.
pub fn matches(document: &[String], search: &str) -> bool {
    Query::parse(search).is_some_and(|q| q.matches(document))
}

/// Lower-case ASCII letters for the Latin letters French uses (œ → oe, ç → c, é → e…).
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => out.push('a'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' | 'ý' => out.push('y'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_case_and_accents_give_the_same_words() {
        assert_eq!(words("Jardins Solidaires"), words("jardin solidaire"));
        assert_eq!(words("RÉGIE DE QUARTIER"), words("regie quartier"));
        assert_eq!(words("Mécanique de rue"), words("mecanique rue"));
    }

    #[test]
    fn stop_words_and_elisions_are_dropped() {
        assert_eq!(words("l'insertion et d'emploi"), words("insertion emploi"));
        assert!(words("de la").is_empty());
    }

    #[test]
    fn the_last_word_is_a_prefix_while_typing() {
        let q = Query::parse("jardins soli").unwrap();
        assert_eq!(q.words, vec!["jardin"]);
        assert_eq!(q.last, "sol");
        assert_eq!(q.prefix.as_deref(), Some("soli"));
        assert_eq!(Query::parse("jardins ").unwrap().prefix, None);
        assert_eq!(Query::parse(" de la "), None);
    }

    #[test]
    fn matches_follows_the_index_semantics() {
        let doc = words("ASSOCIATION FICTIVE DES JARDINS PARTAGÉS");
        assert!(matches(&doc, "jardin partag"));
        assert!(matches(&doc, "jardin parta"));
        assert!(matches(&doc, "JARDINS PART"));
        assert!(matches(&doc, "Jardins partagés"));
        assert!(!matches(&doc, "jardins ouvriers"));
        assert!(!matches(&doc, "de la"));
    }

    #[test]
    fn folding_covers_french_letters() {
        assert_eq!(fold("Œuvre Ça Été"), "oeuvre ca ete");
    }
}
