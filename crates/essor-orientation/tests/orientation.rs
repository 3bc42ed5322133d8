//! Orientation of real situations from the seed documents (issue 5, "Done means").
//!
//! Each fixture in `tests/fixtures/orientation/` (repository root) holds a profile written from
//! a situation of a seed document, the seed file and passage it comes from, the schemes that
//! must be proposed (eligible or to check, within the first `top` results) and those that must
//! be `not_eligible`. One test per fixture, named as a sentence; then properties that hold for
//! every fixture.

use essor_model::CommuneCode;
use essor_orientation::{
    Catalogue, CommuneOnly, Effect, Eligibility, LocationFacts, MatchOptions, MatchResult,
    OrientationReport, Profile, QpvLocator, orient, render_text,
};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    name: String,
    source: SeedSource,
    profile: serde_json::Value,
    must_include: Vec<String>,
    must_exclude: Vec<String>,
    top: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedSource {
    file: String,
    passage: String,
}

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/orientation")
}

fn catalogue() -> Catalogue {
    Catalogue::embedded().unwrap_or_else(|e| panic!("{e}"))
}

const OPTIONS: MatchOptions = MatchOptions {
    reference_year: 2025,
};

fn load(slug: &str) -> Fixture {
    let path = fixtures_dir().join(format!("{slug}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(fixture: &Fixture) -> Vec<MatchResult> {
    let profile = Profile::from_value(fixture.profile.clone())
        .unwrap_or_else(|e| panic!("{}: {e}", fixture.name));
    orient(&catalogue(), &profile, &CommuneOnly, &OPTIONS)
}

/// Runs a fixture and checks its must-include and must-exclude lists.
fn check(slug: &str) {
    let fixture = load(slug);
    let results = run(&fixture);
    let summary = || {
        results
            .iter()
            .map(|r| format!("{:>3} {:<13?} {}", r.score, r.eligibility, r.id))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for id in &fixture.must_include {
        let rank = results
            .iter()
            .position(|r| &r.id == id)
            .unwrap_or_else(|| panic!("{slug}: no scheme {id}"));
        let r = &results[rank];
        assert_ne!(
            r.eligibility,
            Eligibility::NotEligible,
            "{slug}: {id} must be proposed\n{:#?}",
            r.reasons
        );
        assert!(
            rank < fixture.top,
            "{slug}: {id} ranks {} (top {} required)\n{}",
            rank + 1,
            fixture.top,
            summary()
        );
    }
    for id in &fixture.must_exclude {
        let r = results
            .iter()
            .find(|r| &r.id == id)
            .unwrap_or_else(|| panic!("{slug}: no scheme {id}"));
        assert_eq!(
            r.eligibility,
            Eligibility::NotEligible,
            "{slug}: {id} must be excluded\n{:#?}",
            r.reasons
        );
    }
}

// --- One test per situation ---------------------------------------------------------------

/// Seed 001, CJS de Maurepas / La Bellangerais: "une aventure collective pour des jeunes de 16 à
/// 18 ans qui créent et pilotent une entreprise coopérative le temps d'un été".
#[test]
fn a_summer_youth_cooperative_in_maurepas_is_pointed_to_the_cjs() {
    check("maurepas_summer_youth_cooperative");
}

/// Seed 003, mécanique de rue à Stains: "réfléchir au développement d'un garage solidaire sous
/// forme coopérative ou de micro ateliers coopératifs".
#[test]
fn a_street_mechanics_collective_in_stains_is_pointed_to_formalisation_not_to_employer_schemes() {
    check("stains_street_mechanics_collective");
}

/// Seed 003, Kaweni (Mamoudzou): "accompagner les vendeuses de rue de Kaweni qui vendent des
/// repas à la population et aux scolaires".
#[test]
fn the_kaweni_street_vendors_are_pointed_to_the_adie_informal_programme() {
    check("kaweni_street_vendors");
}

/// Seed 004, Les Rayons: "une Régie de quartier, une structure associative loi 1901 d'insertion
/// par l'activité économique … à Stains".
#[test]
fn an_employer_regie_de_quartier_consolidating_is_pointed_to_the_dla_first() {
    check("employer_regie_de_quartier_consolidating");
}

/// Seed 002, Réso solidaire (Maurepas): "La difficulté pour le Réso solidaire étant alors de
/// trouver un porteur de projet, qui serait accompagné dans le cadre d'une fabrique à initiatives".
#[test]
fn a_collectivite_with_an_unmet_need_and_no_holder_is_pointed_to_the_fabrique_a_initiatives() {
    check("collectivite_with_unmet_need_and_no_holder");
}

/// Seed 004, tiers-lieu Sainte-Marthe: "Installé dans le quartier prioritaire Grand Centre de
/// Grasse, le tiers-lieu Sainte Marthe est porté par la SCIC Tetris."
#[test]
fn a_tiers_lieu_run_by_a_scic_in_a_qpv_is_pointed_to_the_fabrique_de_territoire_label() {
    check("tiers_lieu_in_a_qpv");
}

/// Seed 004, Conciergerie solidaire Ampère: "SCIC créée par la Régie des Ecrivains…"; ESUS:
/// "Il permet de bénéficier de la finance solidaire".
#[test]
fn a_scic_seeking_the_esus_agrement_is_pointed_to_the_ddets() {
    check("scic_seeking_esus");
}

/// Seed 004, PTCE CI&EL: "né fin 2020 de la volonté de 13 associations … de conjuguer leurs
/// efforts".
#[test]
fn associations_forming_a_ptce_are_pointed_to_the_ami_ptce_emergents() {
    check("ptce_forming");
}

/// Seed 004: "les CJM s'adressent aux jeunes de 18 à 30 ans" (and KPA-Cité La Rochelle, "une
/// coopérative de jeunes en coeur de quartier").
#[test]
fn a_young_person_of_22_in_a_qpv_is_pointed_to_the_cjm_not_to_the_cjs() {
    check("young_adult_testing_a_collective_activity");
}

/// Seed 004, Le comptoir des entrepreneurs (Narbonne): "porteurs et porteuses de projet
/// éloigné-e-s de l'emploi"; seed 002: the Adie's "micro-crédits accompagnés".
#[test]
fn a_woman_of_a_qpv_creating_her_business_without_bank_access_is_pointed_to_adie_microcredit() {
    check("woman_creating_without_bank_access");
}

/// Seed 004, ACSBE: "créée en 1991 sur le quartier prioritaire Franc-Moisin / Bel air à
/// Saint-Denis (93)".
#[test]
fn a_community_health_association_in_a_qpv_is_pointed_to_adultes_relais_and_fonjep_posts() {
    check("health_association_employing_mediators");
}

/// Seed 001, Garage solidaire du Hainaut: "les porteurs du garage solidaire ont été en contact
/// avec CitésLab, qui leur a permis de passer de l'idée au projet. La Boutique de Gestion les a
/// ensuite accompagnés".
#[test]
fn young_people_starting_a_solidarity_garage_are_pointed_to_entrepreneuriat_quartiers_2030_and_bge()
{
    check("young_people_starting_a_solidarity_garage");
}

/// Seed 003, VRAC: "propose aux habitant.e.s de quartiers prioritaires des produits de qualité";
/// seed 001: VRAC nominated for "s'engager pour les quartiers".
#[test]
fn a_buying_group_of_qpv_residents_scaling_up_is_pointed_to_foundations_and_prizes() {
    check("buying_group_scaling_up");
}

/// Seed 002, PAR ENchantement: "la pérennisation de ses financements qu'elle souhaiterait
/// obtenir au titre de l'insertion professionnelle".
#[test]
fn an_insertion_micro_creche_seeking_lasting_funding_is_pointed_to_iae_and_the_dla() {
    check("insertion_micro_creche_seeking_lasting_funding");
}

/// Seed 002, Plaine de Saveurs: "des personnes ayant démarré une activité informelle de
/// restauration, afin de tester leur activité".
#[test]
fn a_resident_cooking_informally_in_la_courneuve_is_pointed_to_a_culinary_incubator() {
    check("informal_caterer_in_la_courneuve");
}

/// Seed 003, Timbre de Maurepas: "Les occupants, toutes des structures de l'ESS, ne payent que
/// les charges en contrepartie de temps pour faire vivre le lieu".
#[test]
fn ess_structures_looking_for_transitional_premises_are_pointed_to_temporary_occupation() {
    check("ess_structures_looking_for_transitional_premises");
}

/// Seed 003, Chêne des Anglais (Nantes): "Vilogia s'est rapproché des Ecossolies afin de
/// vérifier l'opportunité de créer une activité d'économie sociale et solidaire".
#[test]
fn a_social_landlord_with_an_empty_ground_floor_is_pointed_to_the_fabrique_a_initiatives() {
    check("social_landlord_with_an_empty_ground_floor");
}

/// Seed 004, EmerJean (Villeurbanne Saint-Jean): "propose à toutes les personnes qui sont
/// privées durablement d'emploi de retrouver une activité".
#[test]
fn a_collectivite_launching_a_zero_long_term_unemployment_territory_is_pointed_to_tzcld() {
    check("collectivite_launching_a_zero_long_term_unemployment_territory");
}

/// Seed 003, Saint-Etienne Métropole: "des formations développées avec l'ARADEL ont permis aux
/// responsables de services de s'acculturer".
#[test]
fn a_collectivite_whose_services_work_in_silos_is_pointed_to_cross_training() {
    check("collectivite_training_its_services_together");
}

/// Seed 004, Les Rayons (Stains): "Créée en 2013, elle a été préfigurée dès 2011".
#[test]
fn a_town_and_its_residents_creating_a_regie_de_quartier_are_pointed_to_the_cnlrq() {
    check("collectivite_creating_a_regie_de_quartier");
}

/// Seed 002, Seine-Saint-Denis: "coconstruction du cahier des charges avec des SIAE".
#[test]
fn a_departement_co_writing_its_contracts_with_insertion_structures_is_pointed_to_social_clauses() {
    check("departement_buying_from_insertion_structures");
}

/// Seed 000, atelier 1 (L'Accorderie): "Développer mises à disposition de locaux pour des projets
/// non encore formalisés".
#[test]
fn residents_who_want_to_create_an_association_are_pointed_to_guid_asso() {
    check("residents_creating_an_association");
}

/// Seed 001, régie de territoire CUCM Bassin Nord: "gère en plus depuis 2015 un Atelier Chantier
/// d'Insertion (ACI)".
#[test]
fn a_regie_de_territoire_extending_its_insertion_garden_is_pointed_to_iae_and_fonjep() {
    check("regie_de_territoire_extending_its_insertion_garden");
}

/// Seed 004, La Ferme des possibles: "une SCIC regroupant des structures d'insertion par
/// l'activité économique et des ESAT".
#[test]
fn an_insertion_scic_farm_needing_equity_is_pointed_to_solidarity_finance_and_esus() {
    check("insertion_scic_farm_needing_equity");
}

/// Seed 004, Migracoop: "un programme porté depuis 2019 par l'association Meltingcoop et
/// l'association Réveil, en direction d'entrepreneurs migrants".
#[test]
fn an_association_running_ephemeral_cooperatives_for_migrants_is_pointed_to_territorial_cooperatives()
 {
    check("association_running_ephemeral_cooperatives_for_migrants");
}

/// Seed 004, PôPE: "la création d'un tiers-lieu autour de la petite enfance".
#[test]
fn an_early_childhood_ptce_opening_a_tiers_lieu_is_pointed_to_ptce_and_tiers_lieu_schemes() {
    check("early_childhood_ptce_opening_a_tiers_lieu");
}

/// Seed 001, fonds de garantie Nord Actif / Pas-de-Calais Actif: "permettra à des commerçants et
/// artisans de s'installer".
#[test]
fn a_shopkeeper_company_seeking_a_guaranteed_loan_is_pointed_to_france_active_guarantee_only() {
    check("shopkeeper_company_seeking_a_guaranteed_loan");
}

/// Seed 002, Trélaz' et Vous: "permet aux jeunes de créer collectivement leurs propres jobs d'été".
#[test]
fn a_17_year_old_looking_for_a_collective_summer_job_is_pointed_to_the_cjs_not_the_cjm() {
    check("teenager_looking_for_a_summer_job_project");
}

/// Seed 004: "proposer un parcours lisible et efficace aux porteurs de projet ESS".
#[test]
fn a_resident_who_only_has_an_idea_gets_general_advice_and_is_told_what_is_missing() {
    check("resident_with_only_an_idea");
    let results = run(&load("resident_with_only_an_idea"));
    let eq = results
        .iter()
        .find(|r| r.id == "entrepreneuriat-quartiers-2030")
        .unwrap();
    assert_eq!(eq.eligibility, Eligibility::ToCheck);
    assert_eq!(eq.missing, vec!["located_in_qpv", "resident_in_qpv"]);
}

// --- Properties over every fixture ---------------------------------------------------------

fn all_fixtures() -> Vec<(String, Fixture)> {
    let mut out: Vec<(String, Fixture)> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let slug = p.file_stem().unwrap().to_string_lossy().into_owned();
            let f = load(&slug);
            (slug, f)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn there_are_at_least_25_situations_and_each_has_its_own_test() {
    let fixtures = all_fixtures();
    assert!(fixtures.len() >= 25, "{} fixtures", fixtures.len());
    let this_file = include_str!("orientation.rs");
    for (slug, f) in &fixtures {
        assert!(
            this_file.contains(&format!("check(\"{slug}\")")),
            "fixture {slug} has no test"
        );
        assert!(
            !f.must_include.is_empty() && !f.must_exclude.is_empty(),
            "{slug}: both lists are needed"
        );
        let c = catalogue();
        for id in f.must_include.iter().chain(&f.must_exclude) {
            assert!(c.get(id).is_some(), "{slug}: unknown scheme {id}");
        }
    }
}

#[test]
fn every_not_eligible_carries_a_reason_and_every_to_check_a_missing_item() {
    let empty = orient(&catalogue(), &Profile::default(), &CommuneOnly, &OPTIONS);
    let runs = all_fixtures().into_iter().map(|(slug, f)| (slug, run(&f)));
    for (slug, results) in runs.chain([("empty profile".to_owned(), empty)]) {
        for r in results {
            match r.eligibility {
                Eligibility::NotEligible => {
                    assert!(
                        r.reasons.iter().any(|x| x.effect == Effect::NotMet),
                        "{slug}/{}",
                        r.id
                    );
                    assert!(r.missing.is_empty(), "{slug}/{}", r.id);
                    assert_eq!(r.score, 0, "{slug}/{}", r.id);
                }
                Eligibility::ToCheck => {
                    assert!(!r.missing.is_empty(), "{slug}/{}", r.id);
                    assert!(
                        r.reasons.iter().any(|x| x.effect == Effect::Unknown),
                        "{slug}/{}",
                        r.id
                    );
                    assert!(
                        r.reasons.iter().all(|x| x.effect != Effect::NotMet),
                        "{slug}/{}",
                        r.id
                    );
                }
                Eligibility::Eligible => {
                    assert!(r.missing.is_empty(), "{slug}/{}", r.id);
                    assert!(
                        r.reasons
                            .iter()
                            .all(|x| !matches!(x.effect, Effect::NotMet | Effect::Unknown)),
                        "{slug}/{}",
                        r.id
                    );
                }
            }
            for reason in &r.reasons {
                assert!(
                    !reason.condition.is_empty() && !reason.text.is_empty(),
                    "{slug}/{}",
                    r.id
                );
            }
        }
    }
}

#[test]
fn every_scheme_is_answered_once_best_first() {
    let c = catalogue();
    let ids: BTreeSet<&str> = c.schemes.iter().map(|s| s.id.as_str()).collect();
    for (slug, f) in all_fixtures() {
        let results = run(&f);
        let got: BTreeSet<&str> = results.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(results.len(), c.schemes.len(), "{slug}");
        assert_eq!(got, ids, "{slug}");
        for pair in results.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(
                a.eligibility < b.eligibility
                    || (a.eligibility == b.eligibility && a.score >= b.score),
                "{slug}: {} before {}",
                a.id,
                b.id
            );
        }
    }
}

#[test]
fn matching_is_deterministic() {
    for (slug, f) in all_fixtures() {
        assert_eq!(run(&f), run(&f), "{slug}");
    }
}

// --- Sources ---------------------------------------------------------------------------------

/// Whitespace collapsed, typographic apostrophes straightened: the seeds break lines mid-sentence.
fn normalize(s: &str) -> String {
    s.replace(['’', '‘'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The seed documents live in `shared/seeds/` beside the repository (see PRODUCT.md); CI runs
/// with `shared/` beside the clone.
fn seeds_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seeds");
    dir.is_dir().then_some(dir)
}

#[test]
fn every_quoted_passage_is_found_in_its_seed_document() {
    let Some(dir) = seeds_dir() else {
        eprintln!("shared/seeds not found beside the repository: passages not checked");
        return;
    };
    let read = |file: &str| {
        normalize(
            &std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}")),
        )
    };
    let mut checked = 0;
    for s in &catalogue().schemes {
        if let essor_orientation::Source::Seed { file, passage } = &s.source {
            assert!(
                read(file).contains(&normalize(passage)),
                "scheme {}: passage not found in {file}",
                s.id
            );
            checked += 1;
        }
    }
    for (slug, f) in all_fixtures() {
        assert!(
            read(&f.source.file).contains(&normalize(&f.source.passage)),
            "fixture {slug}: passage not found"
        );
        checked += 1;
    }
    assert!(checked > 60, "{checked}");
}

#[test]
fn every_scheme_has_official_sources_and_the_required_ids_exist() {
    let c = catalogue();
    let required = [
        "dla",
        "france-active",
        "adie-microcredit",
        "adie-informel",
        "entrepreneuriat-quartiers-2030",
        "fabrique-a-initiatives",
        "incubateur-ess",
        "bge",
        "cae",
        "cjs",
        "cjm",
        "ptce-ami",
        "fabrique-de-territoire",
        "manufacture-de-proximite",
        "esus",
        "tzcld",
        "guid-asso",
        "adultes-relais",
        "fonjep",
        "contrat-de-ville-aap",
        "face-sengager-pour-les-quartiers",
        "fonciere-solidaire",
        "clauses-sociales",
        "fph",
        "fdva-formation",
        "fdva-fonctionnement",
        "pec-cui-cae",
        "caf-animation-vie-sociale",
        "cites-educatives",
        "charte-insertion-anru",
        "fdi-siae",
        "fiso",
        "banque-des-territoires-tiers-lieux",
        "banque-des-territoires-foncieres",
        "service-civique",
        "talents-des-cites",
        "french-tech-tremplin",
        "acre-arce",
        "contrats-a-impact",
        "pret-d-honneur",
        "france-travail-aides-embauche",
        "emplois-francs",
    ];
    for id in required {
        assert!(c.get(id).is_some(), "missing required scheme {id}");
    }
    // Issue 13: every scheme cites official sources and a check date; the seed citations of
    // the first catalogue stay as secondary sources (checked against the seeds above).
    for s in &c.schemes {
        assert!(!s.sources.is_empty(), "{}: no official source", s.id);
        assert!(
            s.sources.iter().all(|r| r.link.starts_with("http")),
            "{}",
            s.id
        );
        assert!(
            s.checked_on.as_str() >= "2026-01-01",
            "{}: {}",
            s.id,
            s.checked_on
        );
    }
    let seeded = c
        .schemes
        .iter()
        .filter(|s| matches!(s.source, essor_orientation::Source::Seed { .. }))
        .count();
    assert!(seeded >= 35, "{seeded} seed citations kept");
}

// --- Location through the locator seam -----------------------------------------------------

/// Stands in for the geodata engine: one point inside a QPV, everything else outside.
struct OnePointInQpv;

impl QpvLocator for OnePointInQpv {
    fn facts(&self, _commune: Option<&CommuneCode>, lonlat: Option<(f64, f64)>) -> LocationFacts {
        let inside = lonlat == Some((2.3795, 48.9566));
        LocationFacts {
            located_in_qpv: Some(inside),
            near_qpv: Some(inside),
            commune_has_qpv: Some(true),
            departement: Some("93".into()),
            region: Some("11".into()),
            ..LocationFacts::default()
        }
    }
}

fn eq2030(profile: &str, locator: &dyn QpvLocator) -> MatchResult {
    let p = Profile::from_json(profile).unwrap();
    orient(&catalogue(), &p, locator, &OPTIONS)
        .into_iter()
        .find(|r| r.id == "entrepreneuriat-quartiers-2030")
        .unwrap()
}

#[test]
fn a_point_inside_a_qpv_settles_the_location_condition() {
    let base = r#""holder": "person", "stage": "creation", "resident_in_qpv": false"#;
    let inside = eq2030(
        &format!("{{{base}, \"lon\": 2.3795, \"lat\": 48.9566}}"),
        &OnePointInQpv,
    );
    assert_eq!(
        inside.eligibility,
        Eligibility::Eligible,
        "{:#?}",
        inside.reasons
    );
    let outside = eq2030(
        &format!("{{{base}, \"lon\": 2.0, \"lat\": 48.0}}"),
        &OnePointInQpv,
    );
    assert_eq!(outside.eligibility, Eligibility::NotEligible);
    let unlocated = eq2030(&format!("{{{base}}}"), &OnePointInQpv);
    assert_eq!(unlocated.eligibility, Eligibility::ToCheck);
    assert_eq!(unlocated.missing, vec!["located_in_qpv"]);
}

#[test]
fn explicit_booleans_in_the_profile_win_over_the_locator() {
    let p = r#"{"holder": "person", "stage": "creation", "resident_in_qpv": false, "located_in_qpv": false,
                "lon": 2.3795, "lat": 48.9566}"#;
    assert_eq!(
        eq2030(p, &OnePointInQpv).eligibility,
        Eligibility::NotEligible
    );
}

#[test]
fn a_regional_perimeter_is_decided_from_the_commune_code() {
    let text = essor_orientation::catalogue::EMBEDDED_TOML.replacen(
        "perimetre = \"national\"\ncontact = \"La Fabrique à initiatives",
        "perimetre = { regions = [\"53\"] }\ncontact = \"La Fabrique à initiatives",
        1,
    );
    let c = Catalogue::from_toml_str(&text, "test").unwrap();
    let run = |commune: &str| {
        let p = Profile::from_json(&format!(
            r#"{{"holder": "collectivite", "stage": "besoin", "commune": "{commune}"}}"#
        ))
        .unwrap();
        orient(&c, &p, &CommuneOnly, &OPTIONS)
            .into_iter()
            .find(|r| r.id == "fabrique-a-initiatives")
            .unwrap()
    };
    assert_eq!(run("35238").eligibility, Eligibility::Eligible);
    let lille = run("59350");
    assert_eq!(lille.eligibility, Eligibility::NotEligible);
    assert!(
        lille
            .reasons
            .iter()
            .any(|r| r.condition == "perimetre" && r.effect == Effect::NotMet)
    );
}

// --- Output -----------------------------------------------------------------------------------

#[test]
fn the_json_report_has_exactly_the_contract_fields() {
    let results = run(&load("kaweni_street_vendors"));
    let json: serde_json::Value =
        serde_json::from_str(&OrientationReport::new(results).to_json_pretty()).unwrap();
    let list = json["results"].as_array().unwrap();
    assert_eq!(list.len(), catalogue().schemes.len());
    let keys: BTreeSet<&str> = list[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["eligibility", "id", "missing", "name", "reasons", "score"])
    );
    let reason = list[0]["reasons"][0].as_object().unwrap();
    assert!(reason.contains_key("condition") && reason.contains_key("text"));
    assert_eq!(list.last().unwrap()["eligibility"], "not_eligible");
    let report: OrientationReport = serde_json::from_value(json).unwrap();
    assert_eq!(report.results[0].eligibility, Eligibility::Eligible);
}

#[test]
fn the_text_rendering_gives_reasons_contacts_and_exclusions_in_french() {
    let c = catalogue();
    let results = run(&load("employer_regie_de_quartier_consolidating"));
    let text = render_text(&c, &results);
    assert!(
        text.starts_with(&format!(
            "Orientation : {} dispositifs examinés (catalogue 2026.1 du 7 décembre 2026)",
            c.schemes.len()
        )),
        "{text}"
    );
    assert!(text.contains("Dispositifs éligibles"));
    assert!(
        text.contains(". Dispositif local d'accompagnement (DLA) [dla] — score "),
        "{text}"
    );
    assert!(text.contains("✓ Condition remplie : structure employeuse (au moins un salarié) (structure employeuse : oui)"));
    assert!(text.contains("Où s'adresser : Le DLA de votre département"));
    assert!(text.contains("Non éligibles"));
    assert!(
        text.contains("[cjs] : Condition non remplie : étape du projet"),
        "{text}"
    );
}
