//! INSEE nomenclatures with their labels: NAF rév. 2 (sous-classe to section), NAF 2025,
//! catégories juridiques (niveaux I, II, III), tranches d'effectifs.

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

const NAF_REV2: &[u8] = include_bytes!("../../../data/nomenclatures/naf_rev2.csv");
const NAF_2025: &[u8] = include_bytes!("../../../data/nomenclatures/naf_2025.csv");
const CATEGORIES: &[u8] = include_bytes!("../../../data/nomenclatures/categories_juridiques.csv");
const TRANCHES: &[u8] = include_bytes!("../../../data/nomenclatures/tranches_effectifs.csv");

/// A NAF rév. 2 sous-classe (`88.99B`) with its hierarchy.
#[derive(Debug, Clone, Deserialize)]
pub struct NafRev2 {
    pub code_sous_classe: String,
    pub libelle_sous_classe: String,
    pub code_division: String,
    pub libelle_division: String,
    pub code_section: String,
    pub libelle_section: String,
}

/// A NAF 2025 code and label.
#[derive(Debug, Clone, Deserialize)]
pub struct Naf2025 {
    pub code: String,
    pub libelle: String,
}

/// A catégorie juridique, niveau III, with niveaux II and I.
#[derive(Debug, Clone, Deserialize)]
pub struct CategorieJuridique {
    pub code_niveau3: String,
    pub libelle_niveau3: String,
    pub code_niveau2: String,
    pub libelle_niveau2: String,
    pub code_niveau1: String,
    pub libelle_niveau1: String,
}

/// A tranche d'effectifs code (`NN`, `00`, `01`…`53`) and label.
#[derive(Debug, Clone, Deserialize)]
pub struct TrancheEffectifs {
    pub code: String,
    pub libelle: String,
}

/// One nomenclature, in file order, with a lookup by code.
#[derive(Debug)]
pub struct Nomenclature<T> {
    pub entries: Vec<T>,
    by_code: HashMap<String, usize>,
}

impl<T> Nomenclature<T> {
    fn new(entries: Vec<T>, code: impl Fn(&T) -> &str) -> Self {
        let by_code = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (code(e).to_owned(), i))
            .collect();
        Self { entries, by_code }
    }
    pub fn get(&self, code: &str) -> Option<&T> {
        self.by_code.get(code).map(|&i| &self.entries[i])
    }
}

static NAF2: LazyLock<Nomenclature<NafRev2>> = LazyLock::new(|| {
    Nomenclature::new(
        crate::parse_csv("naf_rev2.csv", NAF_REV2, b','),
        |n: &NafRev2| &n.code_sous_classe,
    )
});
static NAF25: LazyLock<Nomenclature<Naf2025>> = LazyLock::new(|| {
    Nomenclature::new(
        crate::parse_csv("naf_2025.csv", NAF_2025, b','),
        |n: &Naf2025| &n.code,
    )
});
static CJ: LazyLock<Nomenclature<CategorieJuridique>> = LazyLock::new(|| {
    Nomenclature::new(
        crate::parse_csv("categories_juridiques.csv", CATEGORIES, b','),
        |c: &CategorieJuridique| &c.code_niveau3,
    )
});
static TE: LazyLock<Nomenclature<TrancheEffectifs>> = LazyLock::new(|| {
    Nomenclature::new(
        crate::parse_csv("tranches_effectifs.csv", TRANCHES, b','),
        |t: &TrancheEffectifs| &t.code,
    )
});

pub fn naf_rev2() -> &'static Nomenclature<NafRev2> {
    &NAF2
}
pub fn naf_2025() -> &'static Nomenclature<Naf2025> {
    &NAF25
}
pub fn categories_juridiques() -> &'static Nomenclature<CategorieJuridique> {
    &CJ
}
pub fn tranches_effectifs() -> &'static Nomenclature<TrancheEffectifs> {
    &TE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nomenclatures_have_their_published_sizes_and_labels() {
        assert_eq!(naf_rev2().entries.len(), 732);
        assert_eq!(naf_2025().entries.len(), 747);
        assert_eq!(categories_juridiques().entries.len(), 260);
        assert_eq!(tranches_effectifs().entries.len(), 16);
        assert_eq!(naf_rev2().get("88.99B").unwrap().code_section, "Q");
        assert_eq!(
            categories_juridiques().get("9220").unwrap().code_niveau2,
            "92"
        );
        assert!(
            tranches_effectifs()
                .get("53")
                .unwrap()
                .libelle
                .contains("10 000")
        );
    }
}
