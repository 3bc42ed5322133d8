//! Finding a territory by what people type (issue 12, point 1): « rennes », « Saint-Étienne »,
//! « 35000 », « 35238 », « QP093028 », « Seine-Saint-Denis », « rennes metropole ».
//!
//! Every région, département, EPCI, commune (with its postcodes) and QPV of the served layer
//! is indexed once, when the [`App`](crate::App) is made (about 38,000 entries, tens of
//! milliseconds): a table of exact codes, the codes sorted for prefixes, and every word of
//! every name sorted, so that a search is a few binary searches and a scan of the entries
//! whose words begin like the longest word typed — microseconds, cheap enough for
//! suggestions at each key stroke.
//!
//! Names are compared through [`name_key`], the COG's own key (case, accents, hyphens and
//! apostrophes ignored), so « saint etienne », « SAINT-ÉTIENNE » and « Saint Étienne » are the
//! same search. Ranking, best first ([`Match`]): an exact code, a postcode, the exact name,
//! a name that begins with the search, names whose words begin with the words of the search,
//! then the QPV of the communes named (« rennes » finds Rennes, Rennes Métropole, then the QPV
//! of Rennes), then codes that begin with the search. Ties go to the larger level, then the
//! larger population, then the name.

use crate::store::{TerritoryLevel, TerritoryRef};
use essor_geo::QpvLayer;
use essor_refdata::cog::{Cog, name_key};
use std::collections::HashMap;

/// How an entry matched a search, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Match {
    /// Its official code (`35238`, `QP093028`, `200023414`, `35`).
    Code,
    /// The same code at a lower priority: a région code, which a département shares (`93`).
    RegionCode,
    /// One of its postcodes (`35000`).
    Postcode,
    /// Its whole name.
    Name,
    /// The beginning of its name.
    NamePrefix,
    /// The beginnings of words of its name, in any order.
    WordPrefix,
    /// The beginnings of words of its name or of its communes' names (a QPV).
    Place,
    /// The beginning of one of its codes.
    CodePrefix,
}

impl Match {
    /// Whether the search named this entry exactly (a code or its whole name).
    pub fn is_exact(self) -> bool {
        self <= Match::Name
    }
}

/// One territory as the search knows it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub level: TerritoryLevel,
    pub code: String,
    pub name: String,
    /// Where it lies or what it is, in French, to tell namesakes apart: « Ille-et-Vilaine
    /// (35) » for a commune, « Métropole · Ille-et-Vilaine » for an EPCI, its communes for a
    /// QPV.
    pub context: String,
    /// Municipal population (COG 2026) for communes and what holds them; INSEE 2013 for the
    /// 2015 QPV; `None` when unknown.
    pub population: Option<u64>,
    key: String,
    words: Vec<String>,
    /// Words of the names of its communes (a QPV's), searched after its own.
    place_words: Vec<String>,
}

impl Entry {
    pub fn reference(&self) -> TerritoryRef {
        TerritoryRef::new(self.level, self.code.clone())
    }

    /// What a territory field shows once it is chosen, and reads back without ambiguity:
    /// « Saint-Denis (93066) ».
    pub fn field_value(&self) -> String {
        format!("{} ({})", self.name, self.code)
    }

    /// The address of its page.
    pub fn href(&self) -> String {
        format!("/territoires/{}/{}", self.level.code(), self.code)
    }
}

/// An entry found, with how it matched.
#[derive(Debug, Clone, Copy)]
pub struct Hit<'a> {
    pub entry: &'a Entry,
    pub matched: Match,
}

/// What a territory field's text designates.
#[derive(Debug, Clone)]
pub enum Resolution<'a> {
    /// One territory, named exactly (by code, postcode or whole name).
    Found(&'a Entry),
    /// Several territories bear that code or name: the user must choose.
    Ambiguous(Vec<&'a Entry>),
    /// None exactly; the closest matches, maybe none.
    Unknown(Vec<&'a Entry>),
}

/// The index of every territory's names and codes.
#[derive(Debug, Default)]
pub struct TerritorySearch {
    entries: Vec<Entry>,
    /// Upper-case code → (entry, how it matches).
    codes: HashMap<String, Vec<(u32, Match)>>,
    /// (upper-case code, entry), sorted, for code prefixes.
    sorted_codes: Vec<(String, u32)>,
    /// (word, entry), sorted: the words of the names and of the QPV's communes.
    words: Vec<(String, u32)>,
}

/// The order of levels when ties are broken: the larger first.
fn level_order(level: TerritoryLevel) -> u8 {
    match level {
        TerritoryLevel::France => 0,
        TerritoryLevel::Region => 1,
        TerritoryLevel::Departement => 2,
        TerritoryLevel::Epci => 3,
        TerritoryLevel::Commune => 4,
        _ => 5,
    }
}

/// The French name of an EPCI's legal nature (`CA` → « Communauté d'agglomération »).
pub fn epci_nature(kind: &str) -> &str {
    match kind {
        "CC" => "Communauté de communes",
        "CA" => "Communauté d'agglomération",
        "CU" => "Communauté urbaine",
        "METRO" => "Métropole",
        "MET69" => "Métropole de Lyon",
        other => other,
    }
}

fn words_of(key: &str) -> Vec<String> {
    key.split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

impl TerritorySearch {
    /// Indexes the COG and a QPV layer.
    pub fn new(cog: &Cog, layer: &QpvLayer) -> Self {
        let mut entries = Vec::new();
        let departement_name = |code: &str| {
            cog.departement(code)
                .map_or_else(|| code.to_owned(), |d| format!("{} ({})", d.nom, d.code))
        };
        let mut population: HashMap<(TerritoryLevel, &str), u64> = HashMap::new();
        let mut epci_departements: HashMap<&str, Vec<&str>> = HashMap::new();
        for c in &cog.communes {
            let p = u64::from(c.population.unwrap_or(0));
            *population
                .entry((TerritoryLevel::Region, &c.region))
                .or_default() += p;
            *population
                .entry((TerritoryLevel::Departement, &c.departement))
                .or_default() += p;
            if let Some(e) = &c.code_epci {
                let d = epci_departements.entry(e).or_default();
                if !d.contains(&c.departement.as_str()) {
                    d.push(&c.departement);
                }
            }
        }
        // Communes come after the régions, départements and EPCI.
        let communes_from = cog.regions.iter().filter(|r| r.is_region()).count()
            + cog.departements.len()
            + cog.epci.len();
        let mut push =
            |level, code: &str, name: &str, context: String, population, places: &[&str]| {
                let key = name_key(name);
                entries.push(Entry {
                    level,
                    code: code.to_owned(),
                    name: name.to_owned(),
                    context,
                    population,
                    words: words_of(&key),
                    place_words: places.iter().flat_map(|p| words_of(&name_key(p))).collect(),
                    key,
                });
            };
        for r in cog.regions.iter().filter(|r| r.is_region()) {
            let p = population
                .get(&(TerritoryLevel::Region, r.code.as_str()))
                .copied();
            push(
                TerritoryLevel::Region,
                &r.code,
                &r.nom,
                String::new(),
                p,
                &[],
            );
        }
        for d in &cog.departements {
            let context = cog
                .region(&d.region)
                .map(|r| r.nom.clone())
                .unwrap_or_default();
            let p = population
                .get(&(TerritoryLevel::Departement, d.code.as_str()))
                .copied();
            push(
                TerritoryLevel::Departement,
                &d.code,
                &d.nom,
                context,
                p,
                &[],
            );
        }
        for e in &cog.epci {
            let departements: Vec<String> = epci_departements
                .get(e.code.as_str())
                .into_iter()
                .flatten()
                .map(|d| departement_name(d))
                .collect();
            let context = format!("{} · {}", epci_nature(&e.kind), departements.join(", "));
            push(
                TerritoryLevel::Epci,
                &e.code,
                &e.nom,
                context,
                Some(u64::from(e.population)),
                &[],
            );
        }
        for c in &cog.communes {
            let context = departement_name(&c.departement);
            push(
                TerritoryLevel::Commune,
                &c.code,
                &c.nom,
                context,
                c.population.map(u64::from),
                &[],
            );
        }
        let populations = essor_refdata::qpv::qpv_2015_population();
        for f in &layer.features {
            let code = f.code.to_string();
            let p = (layer.geography == essor_model::QpvGeography::Qpv2015)
                .then(|| populations.get(&code).map(|p| u64::from(p.population)))
                .flatten();
            let places: Vec<&str> = f.commune_names.iter().map(String::as_str).collect();
            push(
                TerritoryLevel::Qpv,
                &code,
                &f.name,
                f.commune_names.join(", "),
                p,
                &places,
            );
        }

        let mut codes: HashMap<String, Vec<(u32, Match)>> = HashMap::new();
        let mut sorted_codes = Vec::new();
        let mut words = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            let i = i as u32;
            let how = if e.level == TerritoryLevel::Region {
                Match::RegionCode
            } else {
                Match::Code
            };
            codes
                .entry(e.code.to_uppercase())
                .or_default()
                .push((i, how));
            sorted_codes.push((e.code.to_uppercase(), i));
            for w in e.words.iter().chain(&e.place_words) {
                words.push((w.clone(), i));
            }
        }
        for (i, c) in cog.communes.iter().enumerate() {
            let i = (communes_from + i) as u32;
            for postcode in c.codes_postaux.split_whitespace() {
                let at = codes.entry(postcode.to_owned()).or_default();
                if !at.iter().any(|&(j, _)| j == i) {
                    at.push((i, Match::Postcode));
                    sorted_codes.push((postcode.to_owned(), i));
                }
            }
        }
        sorted_codes.sort_unstable();
        sorted_codes.dedup();
        words.sort_unstable();
        words.dedup();
        Self {
            entries,
            codes,
            sorted_codes,
            words,
        }
    }

    /// How many territories are indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry of a territory, by level and code.
    pub fn get(&self, level: TerritoryLevel, code: &str) -> Option<&Entry> {
        self.codes
            .get(&code.trim().to_uppercase())?
            .iter()
            .map(|&(i, _)| &self.entries[i as usize])
            .find(|e| e.level == level)
    }

    /// The territories matching `text`, best first, at most `limit`; only those of `level`
    /// when given. Also reads `niveau:code` (`commune:35238`) and a field's value
    /// « Saint-Denis (93066) ».
    pub fn search(&self, text: &str, level: Option<TerritoryLevel>, limit: usize) -> Vec<Hit<'_>> {
        let text = text.trim();
        let mut best: HashMap<u32, Match> = HashMap::new();
        let mut note = |i: u32, m: Match| {
            best.entry(i).and_modify(|b| *b = (*b).min(m)).or_insert(m);
        };
        if let Some((l, code)) = text.split_once(':')
            && let Some(l) = TerritoryLevel::from_code(l.trim())
        {
            for &(i, _) in self
                .codes
                .get(&code.trim().to_uppercase())
                .into_iter()
                .flatten()
            {
                if self.entries[i as usize].level == l {
                    note(i, Match::Code);
                }
            }
        }
        // « Name (code) », as a field shows a chosen territory.
        if let Some(inner) = text.strip_suffix(')')
            && let Some((name, code)) = inner.rsplit_once('(')
        {
            let key = name_key(name);
            for &(i, _) in self
                .codes
                .get(&code.trim().to_uppercase())
                .into_iter()
                .flatten()
            {
                if self.entries[i as usize].key == key {
                    note(i, Match::Code);
                }
            }
        }
        let upper = text.to_uppercase();
        for &(i, m) in self.codes.get(&upper).into_iter().flatten() {
            note(i, m);
        }
        if upper.len() >= 2 && upper.chars().all(|c| c.is_ascii_alphanumeric()) {
            let from = self
                .sorted_codes
                .partition_point(|(c, _)| c.as_str() < upper.as_str());
            for (c, i) in &self.sorted_codes[from..] {
                if !c.starts_with(&upper) {
                    break;
                }
                note(*i, Match::CodePrefix);
            }
        }
        let key = name_key(text);
        let typed = words_of(&key);
        if let Some(longest) = typed.iter().max_by_key(|w| w.len()) {
            let from = self
                .words
                .partition_point(|(w, _)| w.as_str() < longest.as_str());
            for (w, i) in &self.words[from..] {
                if !w.starts_with(longest.as_str()) {
                    break;
                }
                let e = &self.entries[*i as usize];
                let in_name = |t: &String| e.words.iter().any(|w| w.starts_with(t.as_str()));
                let in_place = |t: &String| {
                    in_name(t) || e.place_words.iter().any(|w| w.starts_with(t.as_str()))
                };
                let m = if e.key == key {
                    Match::Name
                } else if e.key.starts_with(&key) {
                    Match::NamePrefix
                } else if typed.iter().all(in_name) {
                    Match::WordPrefix
                } else if typed.iter().all(in_place) {
                    Match::Place
                } else {
                    continue;
                };
                note(*i, m);
            }
        }
        let mut hits: Vec<Hit<'_>> = best
            .into_iter()
            .map(|(i, matched)| Hit {
                entry: &self.entries[i as usize],
                matched,
            })
            .filter(|h| level.is_none_or(|l| h.entry.level == l))
            .collect();
        hits.sort_by(|a, b| {
            a.matched
                .cmp(&b.matched)
                .then(level_order(a.entry.level).cmp(&level_order(b.entry.level)))
                .then(b.entry.population.cmp(&a.entry.population))
                .then(a.entry.key.cmp(&b.entry.key))
                .then(a.entry.code.cmp(&b.entry.code))
        });
        hits.truncate(limit);
        hits
    }

    /// What a territory field's text designates: one territory when it names one exactly
    /// (its code, `niveau:code`, « Nom (code) », a postcode of one commune, or a name no other
    /// territory of the same rank bears), else the namesakes to choose from, else the closest
    /// matches.
    pub fn resolve(&self, text: &str, level: Option<TerritoryLevel>) -> Resolution<'_> {
        let hits = self.search(text, level, 20);
        let Some(first) = hits.first() else {
            return Resolution::Unknown(Vec::new());
        };
        if !first.matched.is_exact() {
            return Resolution::Unknown(hits.iter().take(10).map(|h| h.entry).collect());
        }
        let same: Vec<&Entry> = hits
            .iter()
            .take_while(|h| h.matched == first.matched)
            .map(|h| h.entry)
            .collect();
        match same.as_slice() {
            [one] => Resolution::Found(one),
            _ => Resolution::Ambiguous(same),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::LazyLock;

    static SEARCH: LazyLock<TerritorySearch> = LazyLock::new(|| {
        TerritorySearch::new(essor_refdata::cog::cog(), &essor_refdata::qpv::qpv_2015())
    });

    fn found(text: &str) -> Vec<(TerritoryLevel, String)> {
        SEARCH
            .search(text, None, 12)
            .iter()
            .map(|h| (h.entry.level, h.entry.code.clone()))
            .collect()
    }

    fn resolved(text: &str) -> Option<String> {
        match SEARCH.resolve(text, None) {
            Resolution::Found(e) => Some(format!("{}:{}", e.level.code(), e.code)),
            _ => None,
        }
    }

    #[test]
    fn rennes_finds_the_commune_then_its_metropole_then_its_qpv() {
        let hits = SEARCH.search("rennes", None, 12);
        assert_eq!(hits[0].entry.code, "35238");
        assert_eq!(hits[0].matched, Match::Name);
        assert_eq!(hits[1].entry.level, TerritoryLevel::Epci);
        assert_eq!(hits[1].entry.name, "Rennes Métropole");
        assert_eq!(hits[1].matched, Match::NamePrefix);
        // Then the other communes named Rennes-…, larger first, then the QPV of Rennes.
        let qpv: Vec<&Hit> = hits
            .iter()
            .filter(|h| h.entry.level == TerritoryLevel::Qpv)
            .collect();
        assert!(qpv.len() >= 3, "{hits:?}");
        assert!(
            qpv.iter()
                .all(|h| h.matched == Match::Place && h.entry.context.contains("Rennes"))
        );
        assert!(hits.iter().any(|h| h.entry.name == "Le Blosne"), "{hits:?}");
    }

    #[test]
    fn accents_case_and_hyphens_do_not_matter() {
        for typed in [
            "saint-etienne",
            "SAINT ÉTIENNE",
            "Saint Etienne",
            "  saint-Étienne ",
        ] {
            let hits = SEARCH.search(typed, Some(TerritoryLevel::Commune), 3);
            assert_eq!(hits[0].entry.code, "42218", "{typed}");
            assert_eq!(hits[0].matched, Match::Name);
        }
        assert_eq!(
            found("ille et vil")[0],
            (TerritoryLevel::Departement, "35".into())
        );
        assert_eq!(
            found("seine saint denis")[0],
            (TerritoryLevel::Departement, "93".into())
        );
    }

    #[test]
    fn codes_come_first_then_postcodes() {
        assert_eq!(found("35238")[0], (TerritoryLevel::Commune, "35238".into()));
        assert_eq!(
            found("qp093028")[0],
            (TerritoryLevel::Qpv, "QP093028".into())
        );
        assert_eq!(
            found("200054781")[0],
            (TerritoryLevel::Epci, "200054781".into())
        );
        // « 93 » is Seine-Saint-Denis before the région Provence-Alpes-Côte d'Azur.
        let two = SEARCH.search("93", None, 2);
        assert_eq!(two[0].entry.level, TerritoryLevel::Departement);
        assert_eq!(two[1].entry.level, TerritoryLevel::Region);
        // 35000 is Rennes's postcode; 75019 one of Paris's.
        assert_eq!(resolved("35000").as_deref(), Some("commune:35238"));
        assert_eq!(resolved("75019").as_deref(), Some("commune:75056"));
        let hits = SEARCH.search("35000", None, 1);
        assert_eq!(hits[0].matched, Match::Postcode);
        // A code being typed.
        assert!(
            found("QP0930")
                .iter()
                .all(|(l, c)| *l == TerritoryLevel::Qpv && c.starts_with("QP0930"))
        );
    }

    #[test]
    fn words_in_any_order_and_being_typed() {
        let hits = SEARCH.search("metropole renn", None, 3);
        assert_eq!(hits[0].entry.name, "Rennes Métropole");
        assert_eq!(hits[0].matched, Match::WordPrefix);
        assert!(SEARCH.search("zzzzqx", None, 5).is_empty());
        assert!(SEARCH.search("   ", None, 5).is_empty());
    }

    #[test]
    fn a_field_resolves_a_name_a_code_or_says_which_namesakes_there_are() {
        assert_eq!(resolved("Rennes").as_deref(), Some("commune:35238"));
        assert_eq!(resolved("commune:93066").as_deref(), Some("commune:93066"));
        assert_eq!(
            resolved("Saint-Denis (93066)").as_deref(),
            Some("commune:93066")
        );
        assert_eq!(
            resolved("ille-et-vilaine").as_deref(),
            Some("departement:35")
        );
        match SEARCH.resolve("saint-denis", Some(TerritoryLevel::Commune)) {
            Resolution::Ambiguous(choices) => {
                let codes: Vec<&str> = choices.iter().map(|e| e.code.as_str()).collect();
                assert!(
                    codes.contains(&"93066") && codes.contains(&"97411"),
                    "{codes:?}"
                );
                // The larger first: Saint-Denis de La Réunion (150,000) before Seine-Saint-Denis's.
                assert_eq!(codes[0], "97411");
            }
            other => panic!("{other:?}"),
        }
        match SEARCH.resolve("renn", None) {
            // Rennes Métropole first: the larger level wins a tie.
            Resolution::Unknown(close) => {
                assert_eq!(close[0].code, "243500139");
                assert_eq!(close[1].code, "35238");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(SEARCH.resolve("zzzzqx", None), Resolution::Unknown(v) if v.is_empty()));
    }

    #[test]
    fn the_index_holds_every_territory_and_searches_fast() {
        let cog = essor_refdata::cog::cog();
        assert_eq!(
            SEARCH.len(),
            18 + cog.departements.len() + cog.epci.len() + cog.communes.len() + 1_514
        );
        let started = std::time::Instant::now();
        for typed in [
            "r", "re", "ren", "renn", "rennes", "saint", "la", "35", "QP0",
        ] {
            assert!(!SEARCH.search(typed, None, 10).is_empty(), "{typed}");
        }
        // Nine searches, the broadest ones (« saint », « la ») among them: well under a
        // second even in a debug build on a busy machine.
        assert!(
            started.elapsed().as_millis() < 1_000,
            "{:?}",
            started.elapsed()
        );
    }
}
