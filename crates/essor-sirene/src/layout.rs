//! The official column lists of the files essor reads, as commented data.
//!
//! Readers select columns **by name** (see [`crate::columns`]); these lists are what INSEE
//! publishes, in INSEE's order, so that tests and the synthetic generator can write files in
//! exactly the official layout. Source: INSEE, "Sirene : fichiers StockUniteLegale et
//! StockEtablissement — description des variables" (data.gouv.fr dataset *Base Sirene des
//! entreprises et de leurs établissements (SIREN, SIRET)*), cross-checked against public
//! loaders that map every column (annuaire-entreprises search-infra views).
//!
//! History, as far as the layouts we accept go:
//! - 2019 ("Sirene 3"): 33 legal-unit columns, 48 establishment columns.
//! - 2023: `societeMissionUniteLegale`; on establishments the address identifier
//!   (`identifiantAdresseEtablissement`), the Lambert coordinates and the "dernier numéro de
//!   voie" pair.
//! - December 2025: `activitePrincipaleNAF25UniteLegale` and
//!   `activitePrincipaleNAF25Etablissement` (NAF 2025, informative until 2027).

/// `StockUniteLegale`, current layout: 35 columns, official order.
pub const STOCK_UNITE_LEGALE: [&str; 35] = [
    "siren",
    "statutDiffusionUniteLegale", // O diffusible, P partiellement diffusible
    "unitePurgeeUniteLegale",
    "dateCreationUniteLegale", // AAAA-MM-JJ
    "sigleUniteLegale",
    "sexeUniteLegale",
    "prenom1UniteLegale",
    "prenom2UniteLegale",
    "prenom3UniteLegale",
    "prenom4UniteLegale",
    "prenomUsuelUniteLegale",
    "pseudonymeUniteLegale",
    "identifiantAssociationUniteLegale", // RNA: W + 9 caractères
    "trancheEffectifsUniteLegale",       // NN, 00, 01 … 53
    "anneeEffectifsUniteLegale",
    "dateDernierTraitementUniteLegale",
    "nombrePeriodesUniteLegale",
    "categorieEntreprise", // PME, ETI, GE
    "anneeCategorieEntreprise",
    "dateDebut",
    "etatAdministratifUniteLegale", // A active, C cessée
    "nomUniteLegale",
    "nomUsageUniteLegale",
    "denominationUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
    "categorieJuridiqueUniteLegale",             // 4 chiffres
    "activitePrincipaleUniteLegale",             // NAF rév. 2, ex. 88.99B
    "nomenclatureActivitePrincipaleUniteLegale", // NAFRev2, NAFRev1, NAF1993, NAP
    "nicSiegeUniteLegale",
    "economieSocialeSolidaireUniteLegale", // O, N
    "societeMissionUniteLegale",           // O, N (2023)
    "caractereEmployeurUniteLegale",       // O, N
    "activitePrincipaleNAF25UniteLegale",  // NAF 2025 (décembre 2025)
];

/// `StockEtablissement`, current layout: 54 columns, official order.
pub const STOCK_ETABLISSEMENT: [&str; 54] = [
    "siren",
    "nic",
    "siret",
    "statutDiffusionEtablissement", // O, P
    "dateCreationEtablissement",
    "trancheEffectifsEtablissement",
    "anneeEffectifsEtablissement",
    "activitePrincipaleRegistreMetiersEtablissement",
    "dateDernierTraitementEtablissement",
    "etablissementSiege", // true, false
    "nombrePeriodesEtablissement",
    "complementAdresseEtablissement",
    "numeroVoieEtablissement",
    "indiceRepetitionEtablissement",
    "dernierNumeroVoieEtablissement",                 // 2023
    "indiceRepetitionDernierNumeroVoieEtablissement", // 2023
    "typeVoieEtablissement",
    "libelleVoieEtablissement",
    "codePostalEtablissement",
    "libelleCommuneEtablissement",
    "libelleCommuneEtrangerEtablissement",
    "distributionSpecialeEtablissement",
    "codeCommuneEtablissement", // COG, arrondissements for Paris, Lyon, Marseille
    "codeCedexEtablissement",
    "libelleCedexEtablissement",
    "codePaysEtrangerEtablissement",
    "libellePaysEtrangerEtablissement",
    "identifiantAdresseEtablissement",        // 2023
    "coordonneeLambertAbscisseEtablissement", // 2023, metres, EPSG of the territory
    "coordonneeLambertOrdonneeEtablissement", // 2023
    "complementAdresse2Etablissement",
    "numeroVoie2Etablissement",
    "indiceRepetition2Etablissement",
    "typeVoie2Etablissement",
    "libelleVoie2Etablissement",
    "codePostal2Etablissement",
    "libelleCommune2Etablissement",
    "libelleCommuneEtranger2Etablissement",
    "distributionSpeciale2Etablissement",
    "codeCommune2Etablissement",
    "codeCedex2Etablissement",
    "libelleCedex2Etablissement",
    "codePaysEtranger2Etablissement",
    "libellePaysEtranger2Etablissement",
    "dateDebut",
    "etatAdministratifEtablissement", // A actif, F fermé
    "enseigne1Etablissement",
    "enseigne2Etablissement",
    "enseigne3Etablissement",
    "denominationUsuelleEtablissement",
    "activitePrincipaleEtablissement", // NAF rév. 2
    "nomenclatureActivitePrincipaleEtablissement",
    "caractereEmployeurEtablissement",      // O, N
    "activitePrincipaleNAF25Etablissement", // NAF 2025 (décembre 2025)
];

/// Columns absent from the 2019 legal-unit layout (33 columns).
pub const ADDED_SINCE_2019_UNITE_LEGALE: [&str; 2] = [
    "societeMissionUniteLegale",
    "activitePrincipaleNAF25UniteLegale",
];

/// Columns absent from the 2019 establishment layout (48 columns).
pub const ADDED_SINCE_2019_ETABLISSEMENT: [&str; 6] = [
    "dernierNumeroVoieEtablissement",
    "indiceRepetitionDernierNumeroVoieEtablissement",
    "identifiantAdresseEtablissement",
    "coordonneeLambertAbscisseEtablissement",
    "coordonneeLambertOrdonneeEtablissement",
    "activitePrincipaleNAF25Etablissement",
];

/// INSEE's "Géolocalisation des établissements du répertoire Sirene pour les études
/// statistiques" (`GeolocalisationEtablissement_Sirene_pour_etudes_statistiques_utf8.csv`),
/// current header, `;`-separated. The Parquet edition may spell the names in capitals; the
/// reader matches them case-insensitively. Older editions lack `x_longitude`/`y_latitude`
/// and the 2024 QPV columns.
pub const GEOLOCALISATION: [&str; 19] = [
    "siret",
    "x",          // metres, in `epsg`
    "y",          //
    "qualite_xy", // geocoding quality code
    "epsg",       // 2154 mainland, 5490 Antilles, 2972 Guyane, 2975 Réunion, 4471 Mayotte
    "plg_qp24",   // QPV 2024 code (QN…), CSZ / HZ / blank: not in a QPV
    "plg_iris",
    "plg_zus",
    "plg_qp15", // QPV 2015 code (QP…), CSZ / HZ / blank: not in a QPV
    "plg_qva",
    "plg_code_commune",
    "distance_precision",
    "qualite_qp24",
    "qualite_iris",
    "qualite_zus",
    "qualite_qp15",
    "qualite_qva",
    "y_latitude", // WGS 84
    "x_longitude",
];

/// The 2019 legal-unit layout: the current one without [`ADDED_SINCE_2019_UNITE_LEGALE`].
pub fn stock_unite_legale_2019() -> Vec<&'static str> {
    without(&STOCK_UNITE_LEGALE, &ADDED_SINCE_2019_UNITE_LEGALE)
}

/// The 2019 establishment layout: the current one without [`ADDED_SINCE_2019_ETABLISSEMENT`].
pub fn stock_etablissement_2019() -> Vec<&'static str> {
    without(&STOCK_ETABLISSEMENT, &ADDED_SINCE_2019_ETABLISSEMENT)
}

fn without(all: &[&'static str], removed: &[&str]) -> Vec<&'static str> {
    all.iter()
        .copied()
        .filter(|c| !removed.contains(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn layouts_have_the_official_widths_and_no_duplicates() {
        assert_eq!(STOCK_UNITE_LEGALE.len(), 35);
        assert_eq!(STOCK_ETABLISSEMENT.len(), 54);
        assert_eq!(stock_unite_legale_2019().len(), 33);
        assert_eq!(stock_etablissement_2019().len(), 48);
        for list in [
            &STOCK_UNITE_LEGALE[..],
            &STOCK_ETABLISSEMENT[..],
            &GEOLOCALISATION[..],
        ] {
            let unique: HashSet<_> = list.iter().collect();
            assert_eq!(unique.len(), list.len());
        }
    }
}
