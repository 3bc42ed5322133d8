//! The explainable matcher: a profile in, every scheme of the catalogue out, best first.
//!
//! Eligibility comes from the rules only: a scheme's implicit conditions (the holders and
//! stages it serves, its perimeter) and its explicit `conditions`, each evaluated with
//! three-valued logic. One condition false → `not_eligible`; otherwise one unknown →
//! `to_check`, with the profile fields that would settle it in `missing`; otherwise
//! `eligible`. Every condition leaves a [`Reason`] naming it.
//!
//! The score (0–100) only orders schemes within a tier (eligible, then to check, then not
//! eligible, whose score is 0). It adds the fit to the stated needs (30), the themes (30), the
//! stage (10), the holder (10: a scheme made for one kind of holder fits it better), targeting
//! (5 per explicit condition met, 10, plus 10 when a condition on the public the profile states
//! holds), the scheme's assets (`atouts`, 10) and a plain word
//! overlap between the profile's themes and description and the scheme's text (5), minus 10
//! when the scheme's status is « à vérifier ». Ties break on the id, so the order is
//! deterministic.
//!
//! Three rules keep the answer short and relevant (issue 13, point 5): a closed scheme
//! (`statut = "ferme"`) is never proposed; a scheme that answers none of the needs the holder
//! expressed is listed apart (not eligible, « autre dispositif »); a scheme whose conditions
//! require a public (`public`, `age`) is not proposed to a person who states neither age nor
//! public, rather than proposing a youth scheme to an adult (for a group, the public stays a
//! question and the scheme is to check).

use crate::catalogue::{Catalogue, Condition, Perimeter, Scheme};
use crate::facts::ResolvedFacts;
use crate::freshness::{Status, french_date};
use crate::location::QpvLocator;
use crate::profile::Profile;
use crate::rule::{Expr, FactDef, Literal, Op, Outcome, Truth, fact_def};
use crate::text;
use crate::vocab::{Holder, Need, Stage};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The facts a place (commune, point) gives through the QPV polygons (issue 14).
const PLACE_QPV_FACTS: [&str; 3] = ["implantation_qpv", "proximite_qpv", "action_qpv"];

/// Whether a profile may use a scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Eligibility {
    Eligible,
    ToCheck,
    NotEligible,
}

impl Eligibility {
    /// French label.
    pub fn label(self) -> &'static str {
        match self {
            Eligibility::Eligible => "éligible",
            Eligibility::ToCheck => "à vérifier",
            Eligibility::NotEligible => "non éligible",
        }
    }
}

/// What a reason says about its condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// An eligibility condition holds.
    Met,
    /// An eligibility condition fails: the scheme is not eligible.
    NotMet,
    /// An eligibility condition cannot be decided: information is missing.
    Unknown,
    /// An asset of the scheme holds (raises the score).
    Asset,
    /// Fit to needs, stage or themes (raises or explains the score).
    Fit,
    /// Something only the operator can check; never decides eligibility.
    Note,
}

/// One French explanation, pointing to the condition it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The catalogue field and, for rules, the rule itself: `conditions[1] : employeur = oui`,
    /// `porteurs`, `etapes`, `perimetre`, `besoins`, `themes`, `atouts[0] : …`, `a_verifier`.
    pub condition: String,
    pub effect: Effect,
    pub text: String,
}

/// The answer for one scheme.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchResult {
    pub id: String,
    pub name: String,
    pub eligibility: Eligibility,
    /// 0–100; 0 when not eligible.
    pub score: u32,
    pub reasons: Vec<Reason>,
    /// Profile fields (JSON names) that would settle a `to_check`; empty otherwise.
    pub missing: Vec<String>,
}

/// Settings of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchOptions {
    /// Year used to compute a structure's age from `founded_year`.
    pub reference_year: i32,
}

impl Default for MatchOptions {
    /// The current year (UTC), from the system clock.
    fn default() -> Self {
        Self {
            reference_year: current_year(),
        }
    }
}

fn current_year() -> i32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Civil year from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2)) as i32
}

/// Matches a profile against every scheme of the catalogue, best first.
///
/// `locator` turns the profile's `commune` / `lon`,`lat` into QPV facts; pass
/// [`crate::CommuneOnly`] when no geodata is loaded.
pub fn orient(
    catalogue: &Catalogue,
    profile: &Profile,
    locator: &dyn QpvLocator,
    options: &MatchOptions,
) -> Vec<MatchResult> {
    let location = if profile.commune.is_some() || profile.lonlat().is_some() {
        locator.facts(profile.commune.as_ref(), profile.lonlat())
    } else {
        Default::default()
    };
    let facts = ResolvedFacts::resolve(profile, &location, options.reference_year);
    let profile_words = profile_words(profile);
    let mut results: Vec<MatchResult> = catalogue
        .schemes
        .iter()
        .map(|s| match_scheme(s, profile, &facts, &profile_words))
        .collect();
    results.sort_by(|a, b| {
        a.eligibility
            .cmp(&b.eligibility)
            .then(b.score.cmp(&a.score))
            .then(a.id.cmp(&b.id))
    });
    results
}

fn profile_words(profile: &Profile) -> BTreeSet<String> {
    let mut words: BTreeSet<String> = profile
        .themes
        .iter()
        .flatten()
        .flat_map(|t| text::words(t))
        .collect();
    if let Some(d) = &profile.description {
        words.extend(text::words(d));
    }
    words
}

/// An eligibility rule with where it comes from, ready to evaluate.
struct Check<'a> {
    origin: String,
    label: String,
    expr: std::borrow::Cow<'a, Expr>,
}

fn implicit_checks(scheme: &Scheme) -> Vec<Check<'static>> {
    let mut checks = Vec::new();
    let list = |fact: &str, words: Vec<String>| Expr::Test {
        fact: fact_def(fact).expect("built-in fact"),
        op: Op::In,
        values: words.into_iter().map(Literal::Word).collect(),
    };
    if scheme.holders.len() < Holder::ALL.len() {
        let labels: Vec<&str> = scheme.holders.iter().map(|h| h.label()).collect();
        checks.push(Check {
            origin: "porteurs".into(),
            label: format!("porteur de projet : {}", labels.join(" ou ")),
            expr: std::borrow::Cow::Owned(list(
                "porteur",
                scheme.holders.iter().map(|h| h.word().into()).collect(),
            )),
        });
    }
    if scheme.stages.len() < Stage::ALL.len() {
        let labels: Vec<&str> = scheme.stages.iter().map(|s| s.label()).collect();
        checks.push(Check {
            origin: "etapes".into(),
            label: format!("étape du projet : {}", labels.join(", ")),
            expr: std::borrow::Cow::Owned(list(
                "etape",
                scheme.stages.iter().map(|s| s.word().into()).collect(),
            )),
        });
    }
    match &scheme.perimeter {
        Perimeter::National => {}
        Perimeter::Regions(codes) => checks.push(Check {
            origin: "perimetre".into(),
            label: format!(
                "projet situé en {}",
                codes
                    .iter()
                    .map(|c| crate::location::region_name(c).unwrap_or(c))
                    .collect::<Vec<_>>()
                    .join(" ou ")
            ),
            expr: std::borrow::Cow::Owned(list("region", codes.clone())),
        }),
        Perimeter::Departements(codes) => checks.push(Check {
            origin: "perimetre".into(),
            label: format!(
                "projet situé dans le{} département{} {}",
                if codes.len() > 1 { "s" } else { "" },
                if codes.len() > 1 { "s" } else { "" },
                codes.join(", ")
            ),
            expr: std::borrow::Cow::Owned(list("departement", codes.clone())),
        }),
    }
    checks
}

fn explicit_check<'a>(field: &str, i: usize, c: &'a Condition) -> Check<'a> {
    Check {
        origin: format!("{field}[{i}] : {}", c.rule),
        label: c.label.clone(),
        expr: std::borrow::Cow::Borrowed(&c.expr),
    }
}

fn seen_text(o: &Outcome) -> String {
    if o.seen.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = o.seen.iter().map(|(l, v)| format!("{l} : {v}")).collect();
    format!(" ({})", parts.join(" ; "))
}

fn match_scheme(
    scheme: &Scheme,
    profile: &Profile,
    facts: &ResolvedFacts,
    words: &BTreeSet<String>,
) -> MatchResult {
    let mut reasons = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut failed = false;
    let mut unknown = false;
    let checks = implicit_checks(scheme).into_iter().chain(
        scheme
            .conditions
            .iter()
            .enumerate()
            .map(|(i, c)| explicit_check("conditions", i, c)),
    );
    for check in checks {
        let o = check.expr.eval(facts);
        let (effect, text) = match o.truth {
            Truth::True => (
                Effect::Met,
                format!("Condition remplie : {}{}", check.label, seen_text(&o)),
            ),
            Truth::False => {
                failed = true;
                (
                    Effect::NotMet,
                    format!("Condition non remplie : {}{}", check.label, seen_text(&o)),
                )
            }
            Truth::Unknown => {
                let defs: Vec<&FactDef> = o
                    .unknown
                    .iter()
                    .map(|f| fact_def(f).expect("parsed facts exist"))
                    .collect();
                if targets_a_public(&check.expr)
                    && facts.public.is_none()
                    && facts.holder == Some(Holder::Person)
                {
                    // Issue 13, point 5: a scheme made for another public is not proposed
                    // just because the public is unknown. For a person the holder is the
                    // public: a youth-only scheme needs their age or public. (A group's
                    // public stays a question: the scheme is « à vérifier ».)
                    failed = true;
                    (
                        Effect::NotMet,
                        format!(
                            "Non proposé : réservé à ce public ({}) ; précisez les publics concernés ou l'âge pour le voir",
                            check.label
                        ),
                    )
                } else if excludes_a_public(&check.expr) {
                    // The mirror rule: a scheme is not excluded because the public is unknown
                    // either; the exclusion is shown as something to check, not a missing fact.
                    (
                        Effect::Note,
                        format!("À vérifier : {} (âge ou public non précisé)", check.label),
                    )
                } else {
                    unknown = true;
                    for d in &defs {
                        if !missing.iter().any(|m| m == d.field) {
                            missing.push(d.field.to_owned());
                        }
                    }
                    let mut labels: Vec<&str> = defs.iter().map(|d| d.label).collect();
                    labels.dedup();
                    // Issue 14: a place-derived QPV fact left unknown because the only
                    // polygons at hand are of the replaced 2015 geography says so.
                    let geography = if facts.replaced_geography
                        && o.unknown.iter().any(|f| PLACE_QPV_FACTS.contains(f))
                    {
                        format!(
                            " ; le lieu n'a pu être situé que dans la {}, qui ne fait plus foi : vérifiez l'adresse sur {} (ou répondez à la question)",
                            essor_model::QpvGeography::Qpv2015
                                .replaced()
                                .unwrap_or_default(),
                            essor_model::QpvGeography::ADDRESS_CHECK_URL
                        )
                    } else {
                        String::new()
                    };
                    (
                        Effect::Unknown,
                        format!(
                            "À vérifier : {} — information manquante : {}{geography}",
                            check.label,
                            labels.join(", ")
                        ),
                    )
                }
            }
        };
        reasons.push(Reason {
            condition: check.origin,
            effect,
            text,
        });
    }
    if scheme.status == Status::Closed {
        failed = true;
        reasons.insert(
            0,
            Reason {
                condition: "statut".into(),
                effect: Effect::NotMet,
                text: format!(
                    "Dispositif fermé : il n'est plus proposé (information vérifiée le {})",
                    french_date(&scheme.checked_on)
                ),
            },
        );
    }
    if !failed && let Some(needs) = profile.needs.as_deref().filter(|n| !n.is_empty()) {
        let offered = scheme.needs();
        if !needs.iter().any(|n| offered.contains(n)) {
            // Issue 13, point 5: a scheme that answers none of the expressed needs is listed
            // apart, never proposed.
            failed = true;
            let asked: Vec<&str> = needs.iter().map(|n| n.label()).collect();
            reasons.push(Reason {
                condition: "besoins".into(),
                effect: Effect::NotMet,
                text: format!(
                    "Autre dispositif : ne répond à aucun des besoins exprimés ({})",
                    asked.join(", ")
                ),
            });
        }
    }
    let eligibility = if failed {
        Eligibility::NotEligible
    } else if unknown {
        Eligibility::ToCheck
    } else {
        Eligibility::Eligible
    };
    let score = if failed {
        missing.clear();
        0
    } else {
        let s = fit_score(scheme, profile, facts, words, &mut reasons);
        for note in &scheme.to_verify {
            reasons.push(Reason {
                condition: "a_verifier".into(),
                effect: Effect::Note,
                text: format!("À vérifier auprès de l'opérateur : {note}"),
            });
        }
        reasons.extend(status_notes(scheme));
        s
    };
    MatchResult {
        id: scheme.id.clone(),
        name: scheme.name.clone(),
        eligibility,
        score,
        reasons,
        missing,
    }
}

/// What the scheme's status and last check tell the holder: every answer says when its facts
/// were checked (issue 13, "Done means").
fn status_notes(scheme: &Scheme) -> Vec<Reason> {
    let note = |condition: &str, text: String| Reason {
        condition: condition.into(),
        effect: Effect::Note,
        text,
    };
    let mut out = Vec::new();
    match scheme.status {
        Status::Periodic => out.push(note(
            "statut",
            match &scheme.next_window {
                Some(w) => format!("Appel périodique : {w}"),
                None => "Appel périodique : prochaine ouverture à confirmer auprès de l'opérateur"
                    .to_owned(),
            },
        )),
        Status::ToVerify => out.push(note(
            "statut",
            "Statut à vérifier : ce dispositif n'a pas pu être confirmé par une source officielle récente"
                .to_owned(),
        )),
        Status::Open | Status::Closed => {}
    }
    let first = scheme
        .sources
        .first()
        .map_or_else(String::new, |r| format!(" (source : {})", r.title));
    out.push(note(
        "verifie_le",
        format!(
            "Information vérifiée le {}{first}",
            french_date(&scheme.checked_on)
        ),
    ));
    out
}

/// True when a rule reads only who the project is for (`public`, `age`) and requires a
/// public rather than excluding one: the kind of condition that tells a scheme made for
/// another public.
fn targets_a_public(e: &Expr) -> bool {
    fn positive(e: &Expr) -> bool {
        match e {
            Expr::Test { .. } => true,
            Expr::Not(_) => false,
            Expr::And(p) | Expr::Or(p) => p.iter().all(positive),
        }
    }
    let facts = e.facts();
    !facts.is_empty() && facts.iter().all(|f| matches!(*f, "public" | "age")) && positive(e)
}

/// True when a rule reads only who the project is for and excludes a public (`non …`): a
/// safeguard such as « porteur majeur », which an unstated public must not turn into a
/// missing fact for every adult.
fn excludes_a_public(e: &Expr) -> bool {
    let facts = e.facts();
    !facts.is_empty()
        && facts.iter().all(|f| matches!(*f, "public" | "age"))
        && !targets_a_public(e)
}

fn fit_score(
    scheme: &Scheme,
    profile: &Profile,
    facts: &ResolvedFacts,
    words: &BTreeSet<String>,
    reasons: &mut Vec<Reason>,
) -> u32 {
    let mut score = 0.0_f64;
    let fit = |reasons: &mut Vec<Reason>, condition: &str, effect: Effect, text: String| {
        reasons.push(Reason {
            condition: condition.into(),
            effect,
            text,
        });
    };

    // Needs: the share of the stated needs the scheme answers (30).
    let offered = scheme.needs();
    match profile.needs.as_deref() {
        Some(needs) if !needs.is_empty() => {
            let hits: Vec<Need> = needs
                .iter()
                .copied()
                .filter(|n| offered.contains(n))
                .collect();
            score += 30.0 * hits.len() as f64 / needs.len() as f64;
            // A scheme answering none of the needs is not eligible and never scored.
            let labels: Vec<&str> = hits.iter().map(|n| n.label()).collect();
            fit(
                reasons,
                "besoins",
                Effect::Fit,
                format!("Répond aux besoins : {}", labels.join(", ")),
            );
        }
        _ => score += 10.0,
    }

    // Stage: a scheme made for few stages fits better than one open to all (10).
    match profile.stage {
        Some(stage) if scheme.stages.contains(&stage) => {
            score += match scheme.stages.len() {
                0..=3 => 10.0,
                4..=5 => 7.0,
                _ => 4.0,
            };
        }
        _ => score += 3.0,
    }

    // Holder: a scheme made for few kinds of holders fits better than one open to all (10).
    if profile.holder.is_some() || facts.holder.is_some() {
        score += match scheme.holders.len() {
            1 => 10.0,
            2 => 6.0,
            3 => 3.0,
            _ => 0.0,
        };
    }

    // Themes: exact theme of the scheme counts fully, a word of its text half (30): when the
    // holder names the field of the project, schemes made for that field come first.
    if let Some(themes) = facts.themes.as_ref().filter(|t| !t.is_empty()) {
        let scheme_words: BTreeSet<String> =
            text::words(&format!("{} {}", scheme.name, scheme.description))
                .into_iter()
                .collect();
        let mut total = 0.0;
        let mut shared = Vec::new();
        for t in themes {
            if scheme.themes.contains(t) {
                total += 1.0;
                shared.push(t.clone());
            } else if t.split('_').all(|w| scheme_words.contains(w)) {
                total += 0.5;
                shared.push(t.clone());
            }
        }
        score += 30.0 * (total / themes.len() as f64).min(1.0);
        if !shared.is_empty() {
            fit(
                reasons,
                "themes",
                Effect::Fit,
                format!(
                    "Thèmes en commun : {}",
                    shared
                        .iter()
                        .map(|t| t.replace('_', " "))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }

    // Targeting: each explicit condition met shows the scheme was made for this case (10);
    // a scheme made for the very public the profile states (16-18 year olds…) more so (+10).
    let met: Vec<&Condition> = scheme
        .conditions
        .iter()
        .filter(|c| c.expr.eval(facts).truth == Truth::True)
        .collect();
    score += (5 * met.len()).min(10) as f64;
    if met.iter().any(|c| targets_a_public(&c.expr)) {
        score += 10.0;
    }

    // Assets (10).
    let mut asset_points = 0;
    for (i, a) in scheme.assets.iter().enumerate() {
        if a.expr.eval(facts).truth == Truth::True {
            asset_points += a.points;
            fit(
                reasons,
                &format!("atouts[{i}] : {}", a.rule),
                Effect::Asset,
                format!("Atout : {}", a.label),
            );
        }
    }
    score += f64::from(asset_points.min(10));

    // Word overlap with the scheme's text (10).
    if !words.is_empty() {
        let scheme_text = format!(
            "{} {} {}",
            scheme.name,
            scheme.description,
            scheme.themes.join(" ")
        );
        let scheme_words: BTreeSet<String> = text::words(&scheme_text).into_iter().collect();
        let common: Vec<&String> = words.intersection(&scheme_words).collect();
        score += 5.0 * (common.len() as f64 / words.len().min(8) as f64).min(1.0);
        if !common.is_empty() {
            let list: Vec<&str> = common.iter().take(6).map(|s| s.as_str()).collect();
            fit(
                reasons,
                "description",
                Effect::Fit,
                format!("Mots en commun avec le dispositif : {}", list.join(", ")),
            );
        }
    }
    // A scheme whose status could not be confirmed comes after a confirmed one (10).
    if scheme.status == Status::ToVerify {
        score -= 10.0;
    }
    score.round().clamp(0.0, 100.0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_year_is_plausible() {
        let y = current_year();
        assert!((2024..2100).contains(&y), "{y}");
    }
}
