//! Selecting schemes of the catalogue: by kind, stage, holder, need, and words.
//!
//! Within one filter the values are alternatives (`kind=pret,garantie`: either); filters
//! combine (`kind=pret&stage=creation`: both). Words must all appear in the scheme's name,
//! description, themes or operators, compared without case or accents.

use essor_orientation::text;
use essor_orientation::vocab::{Holder, Kind, Need, Stage};
use essor_orientation::{Catalogue, Scheme};

/// A validated selection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemeQuery {
    pub kinds: Vec<Kind>,
    pub stages: Vec<Stage>,
    pub holders: Vec<Holder>,
    pub needs: Vec<Need>,
    /// Folded words.
    pub words: Vec<String>,
}

impl SchemeQuery {
    /// True when nothing is filtered.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Does `scheme` belong to the selection?
    pub fn accepts(&self, scheme: &Scheme) -> bool {
        let kinds = self.kinds.is_empty() || self.kinds.iter().any(|k| scheme.kinds.contains(k));
        let stages =
            self.stages.is_empty() || self.stages.iter().any(|s| scheme.stages.contains(s));
        let holders =
            self.holders.is_empty() || self.holders.iter().any(|h| scheme.holders.contains(h));
        let offered = scheme.needs();
        let needs = self.needs.is_empty() || self.needs.iter().any(|n| offered.contains(n));
        if !(kinds && stages && holders && needs) {
            return false;
        }
        if self.words.is_empty() {
            return true;
        }
        let operators: Vec<&str> = scheme.operators.iter().map(|o| o.name.as_str()).collect();
        let haystack: std::collections::BTreeSet<String> = text::words(&format!(
            "{} {} {} {}",
            scheme.name,
            scheme.description,
            scheme.themes.join(" "),
            operators.join(" ")
        ))
        .into_iter()
        .collect();
        self.words
            .iter()
            .all(|w| haystack.contains(w) || haystack.iter().any(|h| h.starts_with(w.as_str())))
    }

    /// The schemes of the selection, in catalogue order.
    pub fn select<'a>(&self, catalogue: &'a Catalogue) -> Vec<&'a Scheme> {
        catalogue
            .schemes
            .iter()
            .filter(|s| self.accepts(s))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_combine_and_words_ignore_accents() {
        let c = Catalogue::embedded().unwrap();
        let all = SchemeQuery::default().select(&c);
        assert_eq!(all.len(), c.schemes.len());
        let microcredit = SchemeQuery {
            kinds: vec![Kind::Microcredit],
            ..Default::default()
        }
        .select(&c);
        let ids: Vec<&str> = microcredit.iter().map(|s| s.id.as_str()).collect();
        assert!(
            ids.contains(&"adie-microcredit") && ids.contains(&"adie-informel"),
            "{ids:?}"
        );
        assert!(!ids.contains(&"dla"));
        let youth = SchemeQuery {
            words: text::words("coopérative jeunesse"),
            ..Default::default()
        }
        .select(&c);
        assert!(youth.iter().any(|s| s.id == "cjs"), "{youth:?}");
        let none = SchemeQuery {
            kinds: vec![Kind::Microcredit],
            holders: vec![Holder::Collectivite],
            ..Default::default()
        }
        .select(&c);
        assert!(none.is_empty());
    }
}
