//! The méthodologie written next to every figure: sources, rules, what is approximate.
//! French: it reaches users. Other tools check these numbers: the rules here are exactly the
//! code's (issue 3, point 3).

use crate::diagnose::RunReport;
use essor_geo::QpvLayer;

/// The rules, as Markdown (also embedded in the HTML report).
pub fn rules() -> &'static str {
    r#"## Méthodologie

**Source.** Base Sirene des entreprises et de leurs établissements (INSEE, stocks
`StockUniteLegale` et `StockEtablissement`, Licence Ouverte 2.0) ; géographie prioritaire
(ANCT) ; Code officiel géographique 2026 (INSEE) ; populations municipales (INSEE).

**Règles de calcul** (identiques pour tous les territoires) :

- *Établissement actif* : `etatAdministratifEtablissement = A`. Toutes les données portent sur
  les établissements actifs.
- *ESS* : l'unité légale porte `economieSocialeSolidaireUniteLegale = O` (jointure sur le SIREN).
  Un établissement dont l'unité légale est absente du stock est compté hors ESS et privé.
- *Famille juridique* (catégorie juridique de l'unité légale) : **association** 9210 à 9260
  (niveau II 92) ; **fondation** 9300 ; **mutuelle** 8210, 8250, 8290, 6411 ; **coopérative**
  niveaux II 51 et 63 et codes 5203, 5307, 5309, 5443, 5451, 5453–5455, 5458–5460, 5543, 5547,
  5551–5555, 5558–5560, 5643, 5647, 5651–5655, 5658–5660, 6543, 6551, 6554, 6558, 6560, 6595,
  6596 ; **société commerciale de l'ESS** : tout autre code d'une unité ESS.
- *Employeur* : `trancheEffectifsEtablissement` de 01 à 53.
- *Emplois estimés* : centre de la tranche (01 → 1,5 ; 02 → 4 ; 03 → 7,5 ; 11 → 14,5 ;
  12 → 34,5 ; 21 → 74,5 ; 22 → 149,5 ; 31 → 224,5 ; 32 → 374,5 ; 41 → 749,5 ; 42 → 1 499,5 ;
  51 → 3 499,5 ; 52 → 7 499,5 ; 53 → 10 000), 0 sinon ; les bornes basse et haute des tranches
  donnent la fourchette (`jobs_low`, `jobs_high`). Ce sont des **estimations** : la source ne
  donne que des tranches d'effectifs.
- *Privé* : catégorie juridique de niveau I ni 4 (personnes morales de droit public soumises
  au droit commercial) ni 7 (administrations).
- *Secteurs* : section NAF rév. 2 de l'activité principale de l'établissement ; groupes ESS :
  action sociale (divisions 87–88), enseignement (85), santé (86), sport et loisirs (93), arts
  et spectacles (90–91), activités financières et d'assurance (64–66), autres.
- *Commune* : `codeCommuneEtablissement`, arrondissements de Paris, Lyon et Marseille ramenés à
  75056, 69123 et 13055 ; EPCI, département et région d'après le COG 2026. Un code absent du
  COG est compté sous son propre code et signalé.
- *QPV* : fichier de géolocalisation INSEE quand il est fourni (`plg_qp15` ou `plg_qp24` selon
  la géographie ; `CSZ`, `HZ` ou vide : hors QPV) ; sinon coordonnées Lambert de Sirene,
  projetées dans le système de leur territoire (EPSG 2154 en métropole ; 5490 pour 971, 972,
  977, 978 ; 2972 pour 973 ; 2975 pour 974 ; 4471 pour 976) et situées par rapport aux
  polygones officiels (un point sur la limite est dans le QPV).
- *Abords* : distance au QPV le plus proche mesurée dans la projection du territoire ;
  `qpv_300m_total` et `qpv_500m_total` regroupent les établissements dans un QPV ou à moins de
  300 m / 500 m d'un QPV ; `qpv_500m` : un QPV et ses 500 m alentour.
- *Parts* : `ess_jobs_share = ess_jobs / jobs` ; `ess_private_jobs_share = ess_jobs /
  private_jobs` ; parts des familles parmi les établissements employeurs de l'ESS ;
  `ess_jobs_share_<secteur>` : part de l'ESS dans les emplois du secteur ;
  `ess_jobs_part_<secteur>` : part du secteur dans les emplois de l'ESS.
- *Densités* : pour 10 000 habitants (population municipale 2026 ; population 2013 des QPV de
  la géographie 2015).
- *Diffusion* : les unités et établissements en diffusion partielle (`statutDiffusion = P`)
  sont comptés dans les agrégats mais jamais montrés ni exportés individuellement.
"#
}

/// The run's own facts: inputs, geography, what could not be used.
pub fn run_facts(report: &RunReport, layer: &QpvLayer, inputs: &str) -> String {
    let mut s = format!(
        "## Données de ce calcul\n\n- Fichiers : {inputs}\n- Géographie prioritaire : {} ({} QPV ; {})\n- Unités légales lues : {}\n- Établissements lus : {} dont {} actifs\n- Établissements actifs localisés : {} (dont {} par le fichier de géolocalisation) ; non localisés : {} ; hors des territoires pris en charge : {}\n- Établissements actifs sans unité légale dans le stock : {}\n- Établissements actifs sans code commune : {}\n",
        layer.geography,
        layer.len(),
        layer.source,
        report.legal_units,
        report.establishments,
        report.active_establishments,
        report.located,
        report.located_by_geoloc,
        report.unlocated,
        report.outside_territories,
        report.without_legal_unit,
        report.without_commune,
    );
    if !report.unknown_communes.is_empty() {
        let list: Vec<String> = report
            .unknown_communes
            .iter()
            .map(|(c, n)| format!("{c} ({n})"))
            .collect();
        s.push_str(&format!(
            "- Codes commune absents du COG 2026, comptés sous leur propre code : {}\n",
            list.join(", ")
        ));
    }
    if !report.unknown_qpv_codes.is_empty() {
        let list: Vec<String> = report
            .unknown_qpv_codes
            .iter()
            .map(|(c, n)| format!("{c} ({n})"))
            .collect();
        s.push_str(&format!(
            "- Codes QPV du fichier de géolocalisation absents de la géographie utilisée : {}\n",
            list.join(", ")
        ));
    }
    if report.anomaly_count > 0 {
        s.push_str(&format!(
            "- Anomalies dans les fichiers : {} (premières ci-dessous)\n",
            report.anomaly_count
        ));
        for a in report.anomalies.iter().take(20) {
            s.push_str(&format!("  - {a}\n"));
        }
    }
    if !report.missing_optional_columns.is_empty() {
        s.push_str(&format!(
            "- Colonnes facultatives absentes (ancien format) : {}\n",
            report.missing_optional_columns.join(" ; ")
        ));
    }
    s
}
