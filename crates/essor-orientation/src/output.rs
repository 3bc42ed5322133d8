//! The two renderings of an orientation: the JSON contract and a French text for terminals.

use crate::catalogue::Catalogue;
use crate::matcher::{Effect, Eligibility, MatchResult};
use serde::{Deserialize, Serialize};
use std::fmt::Write;

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
        catalogue.date,
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
                    r.missing.join(", ")
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
    let not: Vec<&MatchResult> = results
        .iter()
        .filter(|r| r.eligibility == Eligibility::NotEligible)
        .collect();
    if !not.is_empty() {
        let _ = writeln!(out, "\nNon éligibles\n");
        for r in not {
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
