//! The 2026 administrative geography: every current commune with its département, région
//! and EPCI (from `@etalab/decoupage-administratif` 6.0.0, INSEE COG 2026 and DGCL).

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

const COMMUNES: &[u8] = include_bytes!("../../../data/cog/communes_2026.csv");
const EPCI: &[u8] = include_bytes!("../../../data/cog/epci_2026.csv");
const DEPARTEMENTS: &[u8] = include_bytes!("../../../data/cog/departements_2026.csv");
const REGIONS: &[u8] = include_bytes!("../../../data/cog/regions_2026.csv");

/// One current commune (34,969 in 2026).
#[derive(Debug, Clone, Deserialize)]
pub struct Commune {
    #[serde(rename = "code_insee")]
    pub code: String,
    pub nom: String,
    /// `metro`, `drom` or `com`.
    pub zone: String,
    pub departement: String,
    pub region: String,
    #[serde(rename = "population_municipale", default)]
    pub population: Option<u32>,
    /// SIREN of the EPCI à fiscalité propre; none for 98 communes (COM, 4 islands).
    #[serde(deserialize_with = "empty_is_none")]
    pub code_epci: Option<String>,
    /// La Poste codes, space-separated (`75001 75002 …` for Paris); empty for a few COM.
    #[serde(default)]
    pub codes_postaux: String,
}

/// One EPCI à fiscalité propre (1,255 in 2026).
#[derive(Debug, Clone, Deserialize)]
pub struct Epci {
    #[serde(rename = "code_epci")]
    pub code: String,
    pub nom: String,
    /// CC, CA, CU, METRO, MET69.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(rename = "population_municipale")]
    pub population: u32,
    pub nb_communes: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Departement {
    pub code: String,
    pub nom: String,
    pub region: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub code: String,
    pub nom: String,
    /// `metro`, `drom` or `com`: the 8 collectivités d'outre-mer the table lists are not
    /// régions.
    pub zone: String,
}

impl Region {
    /// Whether it is one of the 18 régions (not a collectivité d'outre-mer).
    pub fn is_region(&self) -> bool {
        self.zone != "com"
    }
}

fn empty_is_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = String::deserialize(d)?;
    Ok(if s.is_empty() { None } else { Some(s) })
}

/// The tables, with lookups by code.
#[derive(Debug)]
pub struct Cog {
    pub communes: Vec<Commune>,
    pub epci: Vec<Epci>,
    pub departements: Vec<Departement>,
    pub regions: Vec<Region>,
    commune_by_code: HashMap<String, usize>,
    epci_by_code: HashMap<String, usize>,
    departement_by_code: HashMap<String, usize>,
    region_by_code: HashMap<String, usize>,
    /// (département, [`name_key`] of the name) → commune, for files that name communes.
    commune_by_name: HashMap<(String, String), usize>,
    /// EPCI code → its communes, in table order.
    communes_by_epci: HashMap<String, Vec<usize>>,
}

/// The key commune names are matched on: lower case, no accents, no punctuation, and the
/// arrondissements of Paris, Lyon and Marseille as files name them (`Lyon 8ème
/// arrondissement`, `Paris 19e Arrondissement`) folded into their city.
pub fn name_key(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        let base = match c {
            'à' | 'â' | 'ä' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ÿ' | 'Ÿ' => 'y',
            'ç' | 'Ç' => 'c',
            'œ' | 'Œ' => {
                out.push_str("oe");
                continue;
            }
            c if c.is_alphanumeric() => c.to_ascii_lowercase(),
            _ => ' ',
        };
        out.push(base);
    }
    let key = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for city in ["paris", "lyon", "marseille"] {
        if let Some(rest) = key.strip_prefix(city).and_then(|r| r.strip_prefix(' '))
            && rest.starts_with(|c: char| c.is_ascii_digit())
        {
            return city.to_owned();
        }
    }
    key
}

fn positions<T>(items: &[T], key: impl Fn(&T) -> &str) -> HashMap<String, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, x)| (key(x).to_owned(), i))
        .collect()
}

static COG: LazyLock<Cog> = LazyLock::new(|| {
    let communes: Vec<Commune> = crate::parse_csv("communes_2026.csv", COMMUNES, b',');
    let epci: Vec<Epci> = crate::parse_csv("epci_2026.csv", EPCI, b',');
    let departements: Vec<Departement> =
        crate::parse_csv("departements_2026.csv", DEPARTEMENTS, b',');
    let regions: Vec<Region> = crate::parse_csv("regions_2026.csv", REGIONS, b',');
    let commune_by_name = communes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.code_epci.is_some() || c.zone != "com")
        .map(|(i, c)| ((c.departement.clone(), name_key(&c.nom)), i))
        .collect();
    let mut communes_by_epci: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, c) in communes.iter().enumerate() {
        if let Some(e) = &c.code_epci {
            communes_by_epci.entry(e.clone()).or_default().push(i);
        }
    }
    Cog {
        commune_by_name,
        communes_by_epci,
        commune_by_code: positions(&communes, |c| &c.code),
        epci_by_code: positions(&epci, |e| &e.code),
        departement_by_code: positions(&departements, |d| &d.code),
        region_by_code: positions(&regions, |r| &r.code),
        communes,
        epci,
        departements,
        regions,
    }
});

/// The embedded 2026 COG.
pub fn cog() -> &'static Cog {
    &COG
}

impl Cog {
    pub fn commune(&self, code: &str) -> Option<&Commune> {
        self.commune_by_code.get(code).map(|&i| &self.communes[i])
    }
    /// A commune of a département by name, as files without codes name them (the 2015 QPV
    /// layer's `COMMUNE_QP`). Accents, case, punctuation and arrondissements are ignored.
    pub fn commune_by_name(&self, departement: &str, name: &str) -> Option<&Commune> {
        self.commune_by_name
            .get(&(departement.to_owned(), name_key(name)))
            .map(|&i| &self.communes[i])
    }
    pub fn epci(&self, code: &str) -> Option<&Epci> {
        self.epci_by_code.get(code).map(|&i| &self.epci[i])
    }
    /// The communes of an EPCI, in table order (none for an unknown code). A lookup: a
    /// territory page asks for them on every request.
    pub fn communes_of_epci(&self, code: &str) -> impl Iterator<Item = &Commune> {
        self.communes_by_epci
            .get(code)
            .into_iter()
            .flatten()
            .map(|&i| &self.communes[i])
    }
    pub fn departement(&self, code: &str) -> Option<&Departement> {
        self.departement_by_code
            .get(code)
            .map(|&i| &self.departements[i])
    }
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.region_by_code.get(code).map(|&i| &self.regions[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn communes_are_found_by_the_names_qpv_files_give() {
        let cog = cog();
        assert_eq!(
            cog.commune_by_name("93", "SAINT DENIS").unwrap().code,
            "93066"
        );
        assert_eq!(
            cog.commune_by_name("69", "Lyon 8ème arrondissement")
                .unwrap()
                .code,
            "69123"
        );
        assert_eq!(
            cog.commune_by_name("75", "Paris 19e Arrondissement")
                .unwrap()
                .code,
            "75056"
        );
        assert_eq!(cog.commune_by_name("33", "Lormont").unwrap().code, "33249");
        assert_eq!(
            name_key("Saint-Étienne-du-Rouvray"),
            "saint etienne du rouvray"
        );
        assert_eq!(name_key("CŒUR"), "coeur");
    }

    #[test]
    fn the_communes_of_an_epci_are_those_whose_epci_it_is() {
        let cog = cog();
        // The Métropole du Grand Paris: Paris, Saint-Denis and 128 more.
        let members: Vec<&str> = cog
            .communes_of_epci("200054781")
            .map(|c| c.code.as_str())
            .collect();
        let scan: Vec<&str> = cog
            .communes
            .iter()
            .filter(|c| c.code_epci.as_deref() == Some("200054781"))
            .map(|c| c.code.as_str())
            .collect();
        assert_eq!(members, scan);
        assert!(members.contains(&"75056") && members.contains(&"93066"));
        assert_eq!(members.len(), 130);
        assert_eq!(cog.communes_of_epci("000000000").count(), 0);
    }

    #[test]
    fn the_tables_have_the_published_counts() {
        let cog = cog();
        assert_eq!(cog.communes.len(), 34_969);
        assert_eq!(cog.epci.len(), 1_255);
        assert_eq!(cog.departements.len(), 109);
        assert_eq!(cog.regions.len(), 26);
        assert_eq!(
            cog.communes
                .iter()
                .filter(|c| c.code_epci.is_none())
                .count(),
            98
        );
    }

    #[test]
    fn saint_denis_is_in_the_metropole_du_grand_paris_in_ile_de_france() {
        // 200054781 is the Métropole du Grand Paris (the EPCI à fiscalité propre); Plaine
        // Commune (200057867) is an établissement public territorial inside it.
        let cog = cog();
        let sd = cog.commune("93066").unwrap();
        assert_eq!(sd.nom, "Saint-Denis");
        assert_eq!(sd.code_epci.as_deref(), Some("200054781"));
        assert_eq!(
            cog.epci("200054781").unwrap().nom,
            "Métropole du Grand Paris"
        );
        assert_eq!(cog.departement("93").unwrap().nom, "Seine-Saint-Denis");
        assert_eq!(cog.region(&sd.region).unwrap().nom, "Île-de-France");
    }
}
