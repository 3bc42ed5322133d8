//! The two renderings of an orientation: the JSON contract and a French text for terminals.

use crate::catalogue::Catalogue;
use crate::matcher::{Effect, Eligibility, MatchResult};
use crate::profile::Profile;
use essor_model::CommuneCode;
use serde::{Deserialize, Serialize};
use std::fmt::Write;

/// A profile in French, one `(label, value)` line per field given, in the form's order: the
/// summary printed with an orientation and attached to a referral. `commune_name` names a
/// commune code (the caller holds the COG); without a name the code is shown alone.
pub fn profile_summary(
    profile: &Profile,
    commune_name: impl Fn(&CommuneCode) -> Option<String>,
) -> Vec<(&'static str, String)> {
    let yes_no = |b: bool| if b { "oui" } else { "non" }.to_owned();
    let list = |items: Vec<&str>| items.join(", ");
    let mut lines = Vec::new();
    let mut push = |label: &'static str, value: Option<String>| {
        if let Some(v) = value {
            lines.push((label, v));
        }
    };
    push(
        "Porteur du projet",
        profile.holder.map(|h| h.label().to_owned()),
    );
    push("Étape", profile.stage.map(|s| s.label().to_owned()));
    push(
        "Besoins",
        profile
            .needs
            .as_ref()
            .map(|n| list(n.iter().map(|x| x.label()).collect())),
    );
    push(
        "Commune",
        profile.commune.map(|c| match commune_name(&c) {
            Some(name) => format!("{name} ({c})"),
            None => c.to_string(),
        }),
    );
    push(
        "Coordonnées (WGS84)",
        profile.lonlat().map(|(lon, lat)| format!("{lon}, {lat}")),
    );
    push(
        "Porteur habitant un QPV",
        profile.resident_in_qpv.map(yes_no),
    );
    push("Implanté dans un QPV", profile.located_in_qpv.map(yes_no));
    push("Agit au bénéfice d'un QPV", profile.acts_in_qpv.map(yes_no));
    push(
        "Famille juridique",
        profile.legal_family.map(|f| f.label().to_owned()),
    );
    push("Catégorie juridique INSEE", profile.legal_category.clone());
    push("Structure de l'ESS", profile.ess.map(yes_no));
    push("Salariés", profile.employees.map(|n| n.to_string()));
    push(
        "Année de création",
        profile.founded_year.map(|y| y.to_string()),
    );
    push("Âge du porteur", profile.age.map(|a| format!("{a} ans")));
    push(
        "Publics",
        profile.public.as_ref().map(|p| {
            if p.is_empty() {
                "aucun en particulier".to_owned()
            } else {
                list(p.iter().map(|x| x.label()).collect())
            }
        }),
    );
    push("Activité informelle", profile.informal.map(yes_no));
    push("Accès au crédit bancaire", profile.bank_access.map(yes_no));
    push(
        "Thèmes",
        profile.themes.as_ref().map(|t| {
            if t.is_empty() {
                "aucun en particulier".to_owned()
            } else {
                t.join(", ")
            }
        }),
    );
    push("Description", profile.description.clone());
    lines
}

/// The JSON answer of `essor orient` and `POST /api/v1/orientation`:
/// `{ "results": [ { "id", "name", "eligibility", "score", "reasons", "missing" } ] }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrientationReport {
    /// Every scheme of the catalogue, best first.
    pub results: Vec<MatchResult>,
}

impl OrientationReport {
    pub fn new(results: Vec<MatchResult>) -> Self {
        Self { results }
    }

    /// Pretty JSON, ending with a newline.
    pub fn to_json_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("plain data serializes");
        s.push('\n');
        s
    }
}

/// A French text rendering for `--format text`: eligible schemes with their reasons and where
/// to go, schemes to check with what is missing, then one line per scheme that does not fit.
pub fn render_text(catalogue: &Catalogue, results: &[MatchResult]) -> String {
    let mut out = String::new();
    let count = |e: Eligibility| results.iter().filter(|r| r.eligibility == e).count();
    let _ = writeln!(
        out,
        "Orientation : {} dispositifs examinés (catalogue {} du {}) — {} éligibles, {} à vérifier, {} non éligibles",
        results.len(),
        catalogue.version,
        crate::freshness::french_date(&catalogue.date),
        count(Eligibility::Eligible),
        count(Eligibility::ToCheck),
        count(Eligibility::NotEligible),
    );
    for (tier, title) in [
        (Eligibility::Eligible, "Dispositifs éligibles"),
        (Eligibility::ToCheck, "À vérifier"),
    ] {
        let tier_results: Vec<&MatchResult> =
            results.iter().filter(|r| r.eligibility == tier).collect();
        if tier_results.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}\n");
        for (rank, r) in tier_results.iter().enumerate() {
            let _ = writeln!(
                out,
                "{:>2}. {} [{}] — score {}",
                rank + 1,
                r.name,
                r.id,
                r.score
            );
            for reason in &r.reasons {
                let mark = match reason.effect {
                    Effect::Met => "✓",
                    Effect::NotMet => "✗",
                    Effect::Unknown => "?",
                    Effect::Asset => "+",
                    Effect::Fit => "·",
                    Effect::Note => "!",
                };
                let _ = writeln!(out, "      {mark} {}", reason.text);
            }
            if !r.missing.is_empty() {
                let _ = writeln!(
                    out,
                    "      Informations à compléter : {}",
                    r.missing
                        .iter()
                        .map(|f| crate::rule::field_label(f))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            if let Some(s) = catalogue.get(&r.id) {
                let ops: Vec<&str> = s.operators.iter().map(|o| o.name.as_str()).collect();
                let _ = writeln!(out, "      Opérateurs : {}", ops.join(" ; "));
                if let Some(a) = &s.amount {
                    let _ = writeln!(out, "      Montant : {a}");
                }
                if let Some(d) = &s.duration {
                    let _ = writeln!(out, "      Durée : {d}");
                }
                let _ = writeln!(out, "      Où s'adresser : {}", s.contact);
                if let Some(l) = &s.link {
                    let _ = writeln!(out, "      {l}");
                }
            }
            out.push('\n');
        }
    }
    // Not proposed: first the schemes that do not fit, then, apart, those that answer none of
    // the expressed needs (issue 13, point 5).
    let off_need = |r: &&MatchResult| {
        r.reasons
            .iter()
            .any(|x| x.effect == Effect::NotMet && x.condition == "besoins")
    };
    let not: Vec<&MatchResult> = results
        .iter()
        .filter(|r| r.eligibility == Eligibility::NotEligible)
        .collect();
    for (title, list) in [
        (
            "Non éligibles",
            not.iter()
                .filter(|r| !off_need(r))
                .copied()
                .collect::<Vec<_>>(),
        ),
        (
            "Autres dispositifs (ne répondent pas aux besoins exprimés)",
            not.iter().filter(|r| off_need(r)).copied().collect(),
        ),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{title}\n");
        for r in list {
            let why = r
                .reasons
                .iter()
                .find(|x| x.effect == Effect::NotMet)
                .map_or("", |x| x.text.as_str());
            let _ = writeln!(out, "  - {} [{}] : {}", r.name, r.id, why);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_summary_speaks_french_and_names_the_commune() {
        let p = Profile::from_json(
            r#"{"holder":"collective","stage":"emergence","commune":"35238","acts_in_qpv":true,"public":["jeunes_16_18"]}"#,
        )
        .unwrap();
        let lines = profile_summary(&p, |c| (c.as_str() == "35238").then(|| "Rennes".to_owned()));
        assert_eq!(
            lines,
            vec![
                (
                    "Porteur du projet",
                    "collectif d'habitants ou groupe informel".to_owned()
                ),
                ("Étape", "émergence".to_owned()),
                ("Commune", "Rennes (35238)".to_owned()),
                ("Agit au bénéfice d'un QPV", "oui".to_owned()),
                ("Publics", "jeunes de 16 à 18 ans".to_owned()),
            ]
        );
        assert!(profile_summary(&Profile::default(), |_| None).is_empty());
    }
}
