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

// --- Issue 13: corrected rules, closed schemes, relevance, readable answers ------------------

/// Orients one profile with the embedded catalogue.
fn orient_json(profile: &str) -> Vec<MatchResult> {
    let p = Profile::from_json(profile).unwrap_or_else(|e| panic!("{e}"));
    orient(&catalogue(), &p, &CommuneOnly, &OPTIONS)
}

fn result<'a>(results: &'a [MatchResult], id: &str) -> &'a MatchResult {
    results
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no scheme {id}"))
}

fn not_met_texts(r: &MatchResult) -> Vec<&str> {
    r.reasons
        .iter()
        .filter(|x| x.effect == Effect::NotMet)
        .map(|x| x.text.as_str())
        .collect()
}

fn proposed(r: &MatchResult) -> bool {
    r.eligibility != Eligibility::NotEligible
}

/// Issue 13: « today a commercial company comes out éligible » for adultes-relais. The employer
/// must be a non-profit, a collectivité or public body, an HLM body or run a public service.
#[test]
fn a_commercial_company_cannot_employ_an_adulte_relais_but_an_association_can() {
    let base = r#""holder": "structure", "employees": 12, "stage": "developpement",
                  "acts_in_qpv": true, "needs": ["poste_aide"], "themes": ["mediation"]"#;
    let company = orient_json(&format!(r#"{{{base}, "legal_family": "societe"}}"#));
    let r = result(&company, "adultes-relais");
    assert_eq!(r.eligibility, Eligibility::NotEligible, "{:#?}", r.reasons);
    assert!(
        not_met_texts(r)
            .iter()
            .any(|t| t.contains("employeur autorisé : organisme privé à but non lucratif")),
        "{:#?}",
        r.reasons
    );
    let association = orient_json(&format!(r#"{{{base}, "legal_family": "association"}}"#));
    assert_eq!(
        result(&association, "adultes-relais").eligibility,
        Eligibility::Eligible
    );
    // A social landlord (an HLM body, often a société) may employ one.
    let landlord = orient_json(&format!(
        r#"{{{}, "legal_family": "societe"}}"#,
        base.replace(r#"["mediation"]"#, r#"["mediation", "bailleur_social"]"#)
    ));
    assert_eq!(
        result(&landlord, "adultes-relais").eligibility,
        Eligibility::Eligible
    );
}

/// The adulte-relais conditions on the person hired (26 years or more, jobless, living in a
/// QPV) and the yearly State aid with its year are stated with the scheme.
#[test]
fn the_adultes_relais_entry_states_the_age_of_26_and_the_aid_with_its_year() {
    let c = catalogue();
    let s = c.get("adultes-relais").unwrap();
    assert!(
        s.description.contains("au moins 26 ans"),
        "{}",
        s.description
    );
    assert!(s.amount.as_deref().unwrap().contains("22 810,61 €"));
    assert!(s.amount.as_deref().unwrap().contains("2024"));
}

/// A 25-year-old holder is an adult: not a 16-18 cooperative, but the 18-30 one and adult
/// microcredit apply; a 17-year-old is the reverse.
#[test]
fn a_25_year_old_gets_adult_and_18_30_schemes_and_a_17_year_old_does_not() {
    let at = |age: u32| {
        orient_json(&format!(
            r#"{{"holder": "person", "age": {age}, "resident_in_qpv": true, "stage": "idee",
                 "bank_access": false, "needs": ["accompagnement", "microcredit"]}}"#
        ))
    };
    let adult = at(25);
    assert_eq!(result(&adult, "cjs").eligibility, Eligibility::NotEligible);
    assert!(proposed(result(&adult, "cjm")));
    assert_eq!(
        result(&adult, "adie-microcredit").eligibility,
        Eligibility::Eligible
    );
    let teen = at(17);
    assert!(proposed(result(&teen, "cjs")));
    assert_eq!(result(&teen, "cjm").eligibility, Eligibility::NotEligible);
    let adie = result(&teen, "adie-microcredit");
    assert_eq!(adie.eligibility, Eligibility::NotEligible);
    assert!(
        not_met_texts(adie)
            .iter()
            .any(|t| t.contains("porteur majeur")),
        "{:#?}",
        adie.reasons
    );
}

/// ESUS: structures that hold the agrément de plein droit are not told to apply; the
/// salary rule is the Code du travail's (7 and 10 times the SMIC).
#[test]
fn a_regie_de_quartier_is_not_told_to_apply_for_the_esus_agrement_it_holds_de_plein_droit() {
    let profile = r#"{"holder": "structure", "legal_family": "association", "employees": 30,
        "founded_year": 2005, "stage": "developpement", "located_in_qpv": true,
        "needs": ["agrement"], "themes": ["regie_de_quartier", "insertion"]}"#;
    let results = orient_json(profile);
    let esus = result(&results, "esus");
    assert_eq!(esus.eligibility, Eligibility::NotEligible);
    assert!(
        not_met_texts(esus)
            .iter()
            .any(|t| t.contains("n'a pas déjà l'agrément de plein droit")),
        "{:#?}",
        esus.reasons
    );
    assert_eq!(
        result(&results, "esus-plein-droit").eligibility,
        Eligibility::Eligible
    );
    // An ordinary association still may apply.
    let other = orient_json(&profile.replace("regie_de_quartier", "alimentation"));
    assert_eq!(result(&other, "esus").eligibility, Eligibility::Eligible);
    assert_eq!(
        result(&other, "esus-plein-droit").eligibility,
        Eligibility::NotEligible
    );
    let c = catalogue();
    let text = &c.get("esus").unwrap().description;
    assert!(
        text.contains("7 fois le SMIC") && text.contains("10 fois"),
        "{text}"
    );
    assert!(
        !c.get("esus")
            .unwrap()
            .to_verify
            .iter()
            .any(|t| t.contains("de 1 à 5"))
    );
}

/// Adie: the professional microcredit is for businesses of at most 3 employees, 17,000 € at
/// most since décret 2024-1123, repaid over 5 years at most.
#[test]
fn an_entrepreneur_with_4_employees_is_not_eligible_to_adie_microcredit_and_with_3_is() {
    let with = |n: u32| {
        orient_json(&format!(
            r#"{{"holder": "person", "employees": {n}, "stage": "developpement",
                 "bank_access": false, "needs": ["microcredit"]}}"#
        ))
    };
    let four = with(4);
    let adie = result(&four, "adie-microcredit");
    assert_eq!(adie.eligibility, Eligibility::NotEligible);
    assert!(
        not_met_texts(adie)
            .iter()
            .any(|t| t.contains("3 salariés au plus")),
        "{:#?}",
        adie.reasons
    );
    let three = with(3);
    let adie = result(&three, "adie-microcredit");
    assert_eq!(
        adie.eligibility,
        Eligibility::Eligible,
        "{:#?}",
        adie.reasons
    );
    let c = catalogue();
    let amount = c.get("adie-microcredit").unwrap().amount.clone().unwrap();
    assert!(
        amount.contains("17 000 €") && amount.contains("2024-1123") && amount.contains("5 ans"),
        "{amount}"
    );
}

/// Issue 13: Entrepreneuriat Quartiers 2030 succeeds Entrepreneuriat pour tous, with CitésLab
/// among its tools — not « the successor of CitésLab ».
#[test]
fn entrepreneuriat_quartiers_2030_is_described_as_the_successor_of_entrepreneuriat_pour_tous() {
    let c = catalogue();
    let s = c.get("entrepreneuriat-quartiers-2030").unwrap();
    assert!(!s.name.contains("successeur de CitésLab"), "{}", s.name);
    assert!(s.description.contains("Entrepreneuriat pour tous"));
    assert!(s.description.contains("27 octobre 2023") && s.description.contains("28 mars 2024"));
}

/// A closed scheme stays in the catalogue for history and is never proposed, even to a
/// profile it would otherwise fit (emplois francs ended on 31 December 2024).
#[test]
fn a_closed_scheme_is_never_proposed() {
    let c = catalogue();
    assert_eq!(
        c.get("emplois-francs").unwrap().status,
        essor_orientation::Status::Closed
    );
    let results = orient_json(
        r#"{"holder": "structure", "legal_family": "societe", "employees": 10,
            "stage": "developpement", "located_in_qpv": true, "needs": ["poste_aide"]}"#,
    );
    let r = result(&results, "emplois-francs");
    assert_eq!(r.eligibility, Eligibility::NotEligible);
    assert!(r.reasons[0].text.starts_with("Dispositif fermé"));
    let empty = orient(&c, &Profile::default(), &CommuneOnly, &OPTIONS);
    let runs = all_fixtures().into_iter().map(|(_, f)| run(&f));
    for results in runs.chain([empty]) {
        for r in results {
            let status = c.get(&r.id).unwrap().status;
            if status == essor_orientation::Status::Closed {
                assert_eq!(r.eligibility, Eligibility::NotEligible, "{}", r.id);
            }
        }
    }
}

/// Every proposed scheme says when its facts were checked.
#[test]
fn every_proposed_scheme_says_when_its_facts_were_checked() {
    for (slug, f) in all_fixtures() {
        for r in run(&f).iter().filter(|r| proposed(r)) {
            assert!(
                r.reasons.iter().any(|x| x.condition == "verifie_le"
                    && x.effect == Effect::Note
                    && x.text
                        .starts_with("Information vérifiée le 7 décembre 2026")),
                "{slug}/{}",
                r.id
            );
        }
    }
}

/// The shipped catalogue is fresh today and every entry is stale a year and a half later.
#[test]
fn the_embedded_catalogue_is_fresh_now_and_warns_when_it_ages() {
    let c = catalogue();
    assert!(c.stale_warnings("2026-12-07", 365).is_empty());
    let later = c.stale_warnings("2028-06-01", 365);
    assert_eq!(later.len(), c.schemes.len());
    assert!(
        later[0]
            .to_string()
            .contains("champ « verifie_le » : information vérifiée le 7 décembre 2026"),
        "{}",
        later[0]
    );
}

/// Issue 13, point 5: schemes answering none of the expressed needs are listed apart, not
/// proposed — Fabrique de territoire for an ordinary company, Adie for a cooperation project.
#[test]
fn a_scheme_answering_none_of_the_expressed_needs_is_not_proposed() {
    let company = orient_json(
        r#"{"holder": "structure", "legal_family": "societe", "employees": 30,
            "stage": "developpement", "located_in_qpv": false, "commune": "35238",
            "needs": ["commande_publique"], "themes": ["tiers_lieu"]}"#,
    );
    let r = result(&company, "fabrique-de-territoire");
    assert_eq!(r.eligibility, Eligibility::NotEligible);
    assert!(
        not_met_texts(r)[0].starts_with(
            "Autre dispositif : ne répond à aucun des besoins exprimés (commande publique)"
        ),
        "{:#?}",
        r.reasons
    );
    let cooperation = orient_json(
        r#"{"holder": "collective", "stage": "emergence", "acts_in_qpv": true,
            "bank_access": false, "needs": ["cooperation", "mise_en_reseau"]}"#,
    );
    assert_eq!(
        result(&cooperation, "adie-microcredit").eligibility,
        Eligibility::NotEligible
    );
    for r in cooperation.iter().filter(|r| proposed(r)) {
        let s = catalogue().get(&r.id).unwrap().clone();
        let needs = s.needs();
        assert!(
            needs.contains(&essor_orientation::vocab::Need::Cooperation)
                || needs.contains(&essor_orientation::vocab::Need::MiseEnReseau),
            "{} proposed without answering a need",
            r.id
        );
    }
    // The text rendering lists them apart.
    let text = render_text(&catalogue(), &company);
    assert!(text.contains("Autres dispositifs (ne répondent pas aux besoins exprimés)"));
}

/// Issue 13, point 5: a scheme for another public is not proposed because the public is
/// unknown — the youth cooperative to an adult resident with a business idea, Adie to a group
/// of 16-17 year olds.
#[test]
fn a_scheme_for_another_public_is_not_proposed_because_the_public_is_unknown() {
    let adult = orient_json(
        r#"{"holder": "person", "resident_in_qpv": true, "stage": "idee",
            "needs": ["accompagnement"], "description": "ouvrir un salon de coiffure"}"#,
    );
    let cjs = result(&adult, "cjs");
    assert_eq!(cjs.eligibility, Eligibility::NotEligible);
    assert!(cjs.missing.is_empty());
    assert!(
        not_met_texts(cjs)[0]
            .starts_with("Non proposé : réservé à ce public (jeunes de 16 à 18 ans)"),
        "{:#?}",
        cjs.reasons
    );
    let teens = orient_json(
        r#"{"holder": "collective", "public": ["jeunes_16_18"], "resident_in_qpv": true,
            "stage": "idee", "bank_access": false, "needs": ["microcredit", "accompagnement"]}"#,
    );
    assert_eq!(
        result(&teens, "adie-microcredit").eligibility,
        Eligibility::NotEligible
    );
    assert!(proposed(result(&teens, "cjs")));
}

/// The Rennes association of the issue: a new association in a QPV that wants to create jobs.
/// The PTCE call (for groups of organisations) is not proposed; the best-ranked scheme is made
/// for structures; « Fonds européens » is not eligible without staff.
#[test]
fn a_new_association_in_a_rennes_qpv_gets_schemes_made_for_it_first() {
    let results = orient_json(
        r#"{"holder": "structure", "legal_family": "association", "employees": 0,
            "founded_year": 2026, "stage": "creation", "commune": "35238", "located_in_qpv": true,
            "needs": ["financement", "poste_aide", "accompagnement"], "themes": ["emploi", "insertion"]}"#,
    );
    assert_eq!(
        result(&results, "ptce-ami").eligibility,
        Eligibility::NotEligible
    );
    assert_eq!(
        result(&results, "fonds-europeens").eligibility,
        Eligibility::NotEligible
    );
    let c = catalogue();
    let first = &results[0];
    assert!(
        c.get(&first.id)
            .unwrap()
            .holders
            .contains(&essor_orientation::vocab::Holder::Structure),
        "{}",
        first.id
    );
    let rank = results
        .iter()
        .position(|r| r.id == "contrat-de-ville-aap")
        .unwrap();
    assert!(rank < 5, "contrat de ville ranks {}", rank + 1);
}

/// The informal residents' collective without a bank account of the issue gets the FPH, its
/// usual tool, among the first answers.
#[test]
fn an_informal_collective_without_a_bank_account_gets_the_fph_first() {
    let results = orient_json(
        r#"{"holder": "collective", "informal": true, "bank_access": false,
            "resident_in_qpv": true, "stage": "idee", "needs": ["financement"],
            "themes": ["fete_de_quartier", "lien_social"]}"#,
    );
    let rank = results.iter().position(|r| r.id == "fph").unwrap();
    assert_eq!(results[rank].eligibility, Eligibility::Eligible);
    assert!(rank < 3, "FPH ranks {}", rank + 1);
}

/// Issue 13, point 4: the same profile gets its region's and département's schemes.
#[test]
fn the_same_profile_in_saint_denis_and_in_toulouse_gets_different_schemes() {
    let at = |commune: &str| {
        let results = orient_json(&format!(
            r#"{{"holder": "structure", "legal_family": "association", "ess": true, "employees": 6,
                 "founded_year": 2022, "stage": "developpement", "commune": "{commune}",
                 "located_in_qpv": true, "needs": ["financement", "accompagnement", "locaux"]}}"#
        ));
        results
            .into_iter()
            .filter(|r| r.eligibility != Eligibility::NotEligible)
            .map(|r| r.id)
            .collect::<BTreeSet<String>>()
    };
    let saint_denis = at("93066");
    let toulouse = at("31555");
    assert!(
        saint_denis.contains("seine-saint-denis-ess"),
        "{saint_denis:?}"
    );
    assert!(saint_denis.contains("idf-gamme-up"), "{saint_denis:?}");
    assert!(!toulouse.contains("seine-saint-denis-ess"));
    assert!(!toulouse.contains("idf-gamme-up"));
    assert!(toulouse.contains("occitanie-realis"), "{toulouse:?}");
    assert!(toulouse.contains("toulouse-impact"), "{toulouse:?}");
    assert!(!saint_denis.contains("occitanie-realis"));
    assert!(!saint_denis.contains("toulouse-impact"));
    // The reason names the region in words.
    let lyon = orient_json(
        r#"{"holder": "structure", "legal_family": "association", "stage": "developpement",
            "commune": "69123", "needs": ["accompagnement"]}"#,
    );
    let r = result(&lyon, "occitanie-realis");
    assert!(
        not_met_texts(r)
            .iter()
            .any(|t| t.contains("projet situé en Occitanie (région : Auvergne-Rhône-Alpes)")),
        "{:#?}",
        r.reasons
    );
}

/// Issue 13, point 5: « étape du projet : creation », « information manquante : legal_family »
/// — no field name, code or vocabulary word may reach an answer's text.
#[test]
fn no_field_name_or_code_appears_in_any_answer_text() {
    use essor_orientation::vocab::{Holder, LegalFamily, Need, Public, Stage};
    let mut codes: Vec<String> = essor_orientation::profile::PROFILE_FIELDS
        .iter()
        .map(|f| f.to_string())
        .collect();
    let vocab = Holder::ALL
        .iter()
        .map(|h| (h.word(), h.label()))
        .chain(LegalFamily::ALL.iter().map(|f| (f.word(), f.label())))
        .chain(Stage::ALL.iter().map(|s| (s.word(), s.label())))
        .chain(Need::ALL.iter().map(|n| (n.word(), n.label())))
        .chain(Public::ALL.iter().map(|p| (p.word(), p.label())));
    for (word, label) in vocab {
        // A word that is also French in its own label (« association ») is not a code.
        if !label
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .any(|w| w == word)
        {
            codes.push(word.to_owned());
        }
    }
    // French words that happen to equal a code.
    codes.retain(|c| {
        !["collective", "description", "commune", "public", "age"].contains(&c.as_str())
    });
    // The holder's own theme words (`cooperative`…) are shown as given.
    let has_code = |text: &str, own: &BTreeSet<String>| -> Option<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .filter(|w| !own.contains(*w))
            .find(|w| codes.iter().any(|c| c == w) || (w.contains('_') && !w.is_empty()))
            .map(str::to_owned)
    };
    let extra = [
        r#"{"holder": "person", "stage": "creation"}"#,
        r#"{"holder": "structure", "stage": "creation", "public": ["demandeurs_emploi", "habitants_qpv"]}"#,
        r#"{"stage": "changement_echelle", "commune": "69123"}"#,
        "{}",
    ];
    let themes_of = |v: &serde_json::Value| -> BTreeSet<String> {
        v["themes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str())
            .map(essor_orientation::text::normalize_theme)
            .collect()
    };
    let mut runs: Vec<(String, BTreeSet<String>, Vec<MatchResult>)> = all_fixtures()
        .into_iter()
        .map(|(slug, f)| (slug, themes_of(&f.profile), run(&f)))
        .collect();
    for p in extra {
        runs.push((p.to_owned(), BTreeSet::new(), orient_json(p)));
    }
    let c = catalogue();
    for (slug, own, results) in &runs {
        for r in results {
            for reason in &r.reasons {
                // Shared themes and words are the holder's own free words, shown as given.
                if matches!(reason.condition.as_str(), "themes" | "description") {
                    assert!(
                        !reason.text.contains('_'),
                        "{slug}/{}: {}",
                        r.id,
                        reason.text
                    );
                    continue;
                }
                if let Some(w) = has_code(&reason.text, own) {
                    panic!("{slug}/{}: « {w} » in « {} »", r.id, reason.text);
                }
            }
        }
        let text = render_text(&c, results);
        for line in text.lines() {
            // Scheme ids in brackets and web addresses are not answer text.
            let line = line.split(" [").next().unwrap_or("");
            let trimmed = line.trim_start();
            if trimmed.starts_with("http")
                || trimmed.starts_with("· Thèmes en commun")
                || trimmed.starts_with("· Mots en commun")
            {
                continue;
            }
            if let Some(w) = has_code(line, own) {
                panic!("{slug}: « {w} » in the text rendering: « {line} »");
            }
        }
    }
}
