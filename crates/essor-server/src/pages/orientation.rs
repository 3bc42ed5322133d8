//! `/orientation`: a short guided form, then every scheme for the project grouped by
//! eligibility, with the French reasons, the missing information of each scheme to check,
//! who to contact, and a printable summary.
//!
//! Works without JavaScript: the form is a `GET`, the answers live in the query string (a
//! result can be shared or bookmarked), and the server draws the results. With JavaScript
//! (`/assets/static/orientation.js`) the results and the follow-up questions update as the
//! answers change, and a button prints the summary.

use super::orientation_form::{
    FieldIssue, ProfileForm, Section, Settles, capitalised, field_label, question_of, sections,
};
use super::{Layout, dates, render};
use crate::AppState;
use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use essor_orientation::{Effect, Eligibility, MatchResult, Profile, Scheme, profile_summary};
use essor_refdata::cog::cog;

/// One scheme in the results.
#[derive(Debug)]
pub struct ResultView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub label: &'static str,
    /// DSFR badge modifier: `success`, `warning`, `error`.
    pub badge: &'static str,
    pub score: u32,
    /// Conditions met, assets and fit, in French.
    pub why: Vec<String>,
    /// Conditions left unknown.
    pub unknown: Vec<String>,
    /// What would settle it: (anchor of the question, label).
    pub missing: Vec<(String, &'static str)>,
    /// What only the operator can check.
    pub notes: Vec<String>,
    /// The first condition not met (not eligible).
    pub why_not: String,
    /// (name, role).
    pub operators: Vec<(String, Option<String>)>,
    pub contact: String,
    pub link: Option<String>,
    pub amount: Option<String>,
    pub duration: Option<String>,
    /// `/mises-en-relation/nouvelle?…` when referrals are on and the scheme is not excluded.
    pub refer: Option<String>,
}

/// The results, by tier.
#[derive(Debug)]
pub struct Results {
    pub eligible: Vec<ResultView>,
    pub to_check: Vec<ResultView>,
    pub not_eligible: Vec<ResultView>,
}

#[derive(Debug, Template)]
#[template(path = "orientation.html")]
pub struct OrientationPage {
    pub layout: Layout,
    pub sections: Vec<Section>,
    /// Error summary: (anchor, message).
    pub issues: Vec<(String, String)>,
    pub submitted: bool,
    pub results: Option<Results>,
    /// The profile's query string.
    pub query: String,
    /// Absolute address of this result, for sharing and the printout.
    pub share_url: String,
    pub summary: Vec<(&'static str, String)>,
    /// What the QPV engine said about the place.
    pub place: Vec<String>,
    pub catalogue_version: String,
    pub catalogue_date: String,
    pub today: String,
    pub referrals_enabled: bool,
    /// Comma-separated fields whose questions are asked now (read by the script).
    pub asked: String,
}

/// Reads a query string into pairs.
pub fn pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// The commune's name for a code, for summaries.
pub fn commune_name(code: &essor_model::CommuneCode) -> Option<String> {
    let cog = cog();
    cog.commune(code.as_str())
        .or_else(|| cog.commune(code.without_arrondissement().as_str()))
        .map(|c| c.nom.clone())
}

/// French sentences on what the engine found about the place.
fn place_sentences(state: &AppState, profile: &Profile) -> Vec<String> {
    let facts = state.orientation.place(profile);
    let mut out = Vec::new();
    if let Some(code) = &profile.commune {
        let name = commune_name(code).unwrap_or_else(|| code.to_string());
        let region = facts
            .region
            .as_deref()
            .and_then(|r| cog().region(r))
            .map(|r| format!(", région {}", r.nom))
            .unwrap_or_default();
        let qpv = match facts.commune_has_qpv {
            Some(true) => " ; la commune compte au moins un quartier prioritaire".to_owned(),
            Some(false) => " ; la commune ne compte aucun quartier prioritaire, le projet n'est donc pas en QPV".to_owned(),
            None => String::new(),
        };
        out.push(format!("{name} ({code}){region}{qpv}."));
    }
    if profile.lonlat().is_some() {
        let layer = state.index.layer();
        let qpv_name = |code: &essor_model::QpvCode| {
            layer
                .features
                .iter()
                .find(|f| &f.code == code)
                .map_or_else(|| code.to_string(), |f| format!("{} ({code})", f.name))
        };
        match (facts.located_in_qpv, &facts.qpv, facts.distance_m) {
            // Issue 14: only the replaced 2015 polygons could place the point.
            (None, Some(q), Some(d)) if facts.replaced_geography => out.push(format!(
                "À vérifier : dans la {}, le point {} ; cette géographie ne fait plus foi. Vérifiez l'adresse sur {} (simulateur officiel du ministère chargé de la ville).",
                essor_model::QpvGeography::Qpv2015.replaced().unwrap_or_default(),
                if d <= 0.0 {
                    format!("était dans le quartier prioritaire {}", qpv_name(q))
                } else {
                    format!(
                        "était à {} m du quartier prioritaire le plus proche, {}",
                        crate::territories::thousands(d.round() as u64),
                        qpv_name(q)
                    )
                },
                essor_model::QpvGeography::ADDRESS_CHECK_URL
            )),
            (Some(false), _, _)
                if facts.commune_has_qpv == Some(false)
                    && layer.geography.replaced().is_some() =>
            {
                out.push(
                    "Le point est hors QPV : sa commune ne compte aucun quartier prioritaire (géographie 2024)."
                        .into(),
                )
            }
            (Some(true), Some(q), _) => {
                out.push(format!("Le point est dans le quartier prioritaire {}.", qpv_name(q)))
            }
            (Some(false), Some(q), Some(d)) => out.push(format!(
                "Le point est hors QPV, à {} m du quartier prioritaire le plus proche, {}.",
                crate::territories::thousands(d.round() as u64),
                qpv_name(q)
            )),
            _ => out.push("Le point n'a pas pu être situé par rapport aux QPV (hors des territoires pris en charge).".into()),
        }
    }
    out
}

fn view(r: &MatchResult, scheme: Option<&Scheme>, refer: Option<String>) -> ResultView {
    let texts = |effects: &[Effect]| -> Vec<String> {
        r.reasons
            .iter()
            .filter(|x| effects.contains(&x.effect))
            .map(|x| x.text.clone())
            .collect()
    };
    let (label, badge) = match r.eligibility {
        Eligibility::Eligible => ("Éligible", "success"),
        Eligibility::ToCheck => ("À vérifier", "warning"),
        Eligibility::NotEligible => ("Non éligible", "error"),
    };
    let mut missing: Vec<(String, &'static str)> = Vec::new();
    for m in &r.missing {
        let field = question_of(m);
        let anchor = match field {
            "employees" | "founded_year" | "age" | "commune" | "legal_family" => field.to_owned(),
            f => format!("q-{f}"),
        };
        if !missing.iter().any(|(a, _)| *a == anchor) {
            missing.push((anchor, field_label(m)));
        }
    }
    ResultView {
        id: r.id.clone(),
        name: r.name.clone(),
        description: scheme.map(|s| s.description.clone()).unwrap_or_default(),
        label,
        badge,
        score: r.score,
        why: texts(&[Effect::Met, Effect::Asset, Effect::Fit]),
        unknown: texts(&[Effect::Unknown]),
        missing,
        notes: texts(&[Effect::Note]),
        why_not: texts(&[Effect::NotMet])
            .into_iter()
            .next()
            .unwrap_or_default(),
        operators: scheme
            .map(|s| {
                s.operators
                    .iter()
                    .map(|o| (o.name.clone(), o.role.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        contact: scheme.map(|s| s.contact.clone()).unwrap_or_default(),
        link: scheme.and_then(|s| s.link.clone()),
        amount: scheme.and_then(|s| s.amount.clone()),
        duration: scheme.and_then(|s| s.duration.clone()),
        refer,
    }
}

/// How many schemes to check each question could settle.
pub fn settles(results: &[MatchResult]) -> Settles {
    let mut out = Settles::new();
    for r in results
        .iter()
        .filter(|r| r.eligibility == Eligibility::ToCheck)
    {
        let mut seen = std::collections::BTreeSet::new();
        for m in &r.missing {
            let q = question_of(m);
            if seen.insert(q) {
                *out.entry(q).or_default() += 1;
            }
        }
    }
    out
}

fn issue_anchor(i: &FieldIssue) -> String {
    match i.field {
        "" => "formulaire-orientation".to_owned(),
        "employees" | "founded_year" | "age" | "commune" | "legal_family" | "description" => {
            i.field.to_owned()
        }
        "lat" => "lon".to_owned(),
        f => format!("q-{f}"),
    }
}

/// `GET /orientation`.
pub async fn show(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let form = ProfileForm::parse(&pairs(raw.as_deref()));
    let catalogue = &state.orientation.catalogue;
    let results =
        (form.submitted() && form.issues.is_empty()).then(|| state.orientation.run(&form.profile));
    let settled = results.as_deref().map(settles).unwrap_or_default();
    let sections = sections(&form, &settled, &catalogue.condition_themes());
    let query = form.query();
    let referrals_enabled = state.registry.enabled();
    let results_view = results.as_ref().map(|results| {
        let mut out = Results {
            eligible: vec![],
            to_check: vec![],
            not_eligible: vec![],
        };
        for r in results {
            let refer =
                (referrals_enabled && r.eligibility != Eligibility::NotEligible).then(|| {
                    let mut q = form_urlencoded::Serializer::new(String::new());
                    q.append_pair("scheme", &r.id);
                    let q = q.finish();
                    if query.is_empty() {
                        format!("/mises-en-relation/nouvelle?{q}")
                    } else {
                        format!("/mises-en-relation/nouvelle?{q}&{query}")
                    }
                });
            let v = view(r, catalogue.get(&r.id), refer);
            match r.eligibility {
                Eligibility::Eligible => out.eligible.push(v),
                Eligibility::ToCheck => out.to_check.push(v),
                Eligibility::NotEligible => out.not_eligible.push(v),
            }
        }
        out
    });
    let asked: Vec<&str> = sections
        .iter()
        .flat_map(|s| &s.questions)
        .filter(|q| q.visible)
        .map(|q| q.field)
        .collect();
    let status = if form.issues.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let page = OrientationPage {
        layout: Layout::new(
            &state,
            "Orientation : quels dispositifs pour ce projet ?",
            "orientation",
        ),
        issues: form
            .issues
            .iter()
            .map(|i| {
                let what = if i.field.is_empty() {
                    String::new()
                } else {
                    format!("{} : ", capitalised(field_label(i.field)))
                };
                (issue_anchor(i), format!("{what}{}", i.message))
            })
            .collect(),
        submitted: form.submitted(),
        summary: profile_summary(&form.profile, commune_name),
        place: place_sentences(&state, &form.profile),
        share_url: state.absolute(&if query.is_empty() {
            "/orientation".to_owned()
        } else {
            format!("/orientation?{query}")
        }),
        query,
        results: results_view,
        catalogue_version: catalogue.version.clone(),
        catalogue_date: catalogue.date.clone(),
        today: dates::today(),
        referrals_enabled,
        asked: asked.join(","),
        sections,
    };
    render(status, &page)
}
