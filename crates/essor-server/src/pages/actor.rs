//! An actor page: identity, legal family, activity, headcount, address and territories,
//! where it stands from the QPV in words, a mini map, the provenance line, and its
//! schema.org `Organization` as JSON-LD. Unknown and non-diffusible SIRETs get the same 404.

use super::{Layout, ProvenanceView, errors, format, render};
use crate::AppState;
use crate::store::Actor;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use essor_model::headcount::HeadcountBracket;
use essor_model::{CommuneCode, Siret};
use essor_refdata::cog::cog;
use essor_refdata::nomenclatures;

/// One line of the identity table: label, text, and a link when the value has a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: &'static str,
    pub value: String,
    pub href: Option<String>,
}

fn row(label: &'static str, value: impl Into<String>) -> Row {
    Row {
        label,
        value: value.into(),
        href: None,
    }
}

fn link(label: &'static str, value: impl Into<String>, href: String) -> Row {
    Row {
        label,
        value: value.into(),
        href: Some(href),
    }
}

/// Where the actor stands from the QPV, in words, with the QPV's page.
#[derive(Debug, Clone, PartialEq)]
pub struct Situation {
    pub text: String,
    pub qpv: Option<(String, String)>,
}

#[derive(Debug, Template)]
#[template(path = "actor.html")]
pub struct ActorPage {
    pub layout: Layout,
    pub actor: Actor,
    pub family: &'static str,
    pub identity: Vec<Row>,
    pub activity: Vec<Row>,
    pub place: Vec<Row>,
    pub situation: Situation,
    /// `[lon, lat]`, JSON, when geolocated.
    pub point: Option<String>,
    /// The box the mini map shows: the point and the QPV it is in or near (within 1.5 km),
    /// JSON; empty to centre on the point.
    pub bbox: String,
    /// Codes of the QPV drawn around it (the covering or nearest one), JSON.
    pub map_qpv: String,
    pub provenance: Option<ProvenanceView>,
    pub qpv_geography: String,
    /// JSON-LD, already escaped for a `<script>` element.
    pub json_ld: String,
}

/// The commune of a SIRENE code, arrondissements of Paris, Lyon and Marseille in their city.
fn commune_of(a: &Actor) -> Option<&'static essor_refdata::cog::Commune> {
    let code = CommuneCode::parse(a.commune.as_deref()?).ok()?;
    cog().commune(code.without_arrondissement().as_str())
}

fn identity(a: &Actor) -> Vec<Row> {
    let mut rows = vec![
        row("SIRET", a.siret.to_string()),
        row("SIREN", a.siret.siren().to_string()),
    ];
    if let Some(e) = &a.enseigne {
        rows.push(row("Enseigne", e.clone()));
    }
    rows.push(row(
        "Famille juridique de l'ESS",
        a.legal_family.singular_label(),
    ));
    if !a.categorie_juridique.is_empty() {
        let cj = nomenclatures::categories_juridiques()
            .get(&a.categorie_juridique)
            .map_or(a.categorie_juridique.clone(), |c| {
                format!("{} ({})", c.libelle_niveau3, c.code_niveau3)
            });
        rows.push(row("Catégorie juridique", cj));
    }
    if let Some(rna) = &a.rna {
        rows.push(row("Numéro RNA (association)", rna.clone()));
    }
    rows
}

fn activity(a: &Actor) -> Vec<Row> {
    let mut rows = Vec::new();
    if let Some(naf) = &a.naf {
        match nomenclatures::naf_rev2().get(naf) {
            Some(n) => {
                rows.push(row(
                    "Activité principale (NAF rév. 2)",
                    format!("{} ({naf})", n.libelle_sous_classe),
                ));
                rows.push(row(
                    "Secteur (section NAF)",
                    format!("{} ({})", n.libelle_section, n.code_section),
                ));
            }
            None => rows.push(row("Activité principale (NAF rév. 2)", naf.clone())),
        }
    }
    let bracket = a
        .tranche_effectifs
        .as_deref()
        .and_then(HeadcountBracket::parse);
    let headcount = match bracket {
        Some(b) if b.is_employer() => format!(
            "{} (tranche {} au 31 décembre, soit environ {} emplois estimés)",
            b.label(),
            b.code(),
            format::whole(b.estimated_jobs())
        ),
        Some(b) => b.label().to_owned(),
        None => "Tranche d'effectifs non renseignée".to_owned(),
    };
    rows.push(row("Effectif salarié", headcount));
    rows.push(row("Employeur", if a.employer { "oui" } else { "non" }));
    rows
}

fn place(a: &Actor) -> Vec<Row> {
    let mut rows = Vec::new();
    if let Some(addr) = &a.address {
        rows.push(row("Adresse", addr.clone()));
    }
    if let Some(c) = commune_of(a) {
        let mut name = format!("{} ({})", c.nom, c.code);
        if a.commune.as_deref() != Some(c.code.as_str())
            && let Some(arr) = a.commune.as_deref()
        {
            name.push_str(&format!(", arrondissement {arr}"));
        }
        rows.push(link(
            "Commune",
            name,
            format!("/territoires/commune/{}", c.code),
        ));
        if let Some(e) = c.code_epci.as_deref().and_then(|e| cog().epci(e)) {
            rows.push(link(
                "EPCI",
                e.nom.clone(),
                format!("/territoires/epci/{}", e.code),
            ));
        }
        if let Some(d) = cog().departement(&c.departement) {
            rows.push(link(
                "Département",
                format!("{} ({})", d.nom, d.code),
                format!("/territoires/departement/{}", d.code),
            ));
        }
        if let Some(r) = cog().region(&c.region) {
            rows.push(link(
                "Région",
                r.nom.clone(),
                format!("/territoires/region/{}", r.code),
            ));
        }
    } else if let Some(code) = &a.commune {
        rows.push(row("Commune", format!("code {code} (absent du COG 2026)")));
    }
    rows
}

/// "dans le QPV …", "à 240 m du QPV …".
fn situation(state: &AppState, a: &Actor) -> Situation {
    let layer = state.index.layer();
    let named = |code: &str| {
        let name = layer
            .find(code)
            .map_or_else(|| code.to_owned(), |q| layer.get(q).name.clone());
        (code.to_owned(), name)
    };
    if let Some(code) = &a.qpv_code {
        let (code, name) = named(code);
        return Situation {
            text: format!("Dans le quartier prioritaire {name} ({code})."),
            qpv: Some((code, name)),
        };
    }
    match (&a.nearest_qpv_code, a.distance_m) {
        (Some(code), Some(d)) => {
            let (code, name) = named(code);
            let text = if d <= 1000.0 {
                format!(
                    "À {} du quartier prioritaire {name} ({code}).",
                    format::distance(d)
                )
            } else {
                format!(
                    "À plus d'un kilomètre de tout quartier prioritaire : le plus proche, {name} ({code}), est à {}.",
                    format::distance(d)
                )
            };
            Situation {
                text,
                qpv: Some((code, name)),
            }
        }
        _ => Situation {
            text: "Situation par rapport aux quartiers prioritaires inconnue : l'établissement n'est pas géolocalisé.".into(),
            qpv: None,
        },
    }
}

/// The point and its QPV together, when the QPV is close enough to be seen with it.
fn map_box(state: &AppState, a: &Actor, s: &Situation) -> String {
    use geo::BoundingRect;
    let (Some((lon, lat)), Some((code, _))) = (a.lon_lat, &s.qpv) else {
        return String::new();
    };
    if a.qpv_code.is_none() && a.distance_m.is_none_or(|d| d > 1_500.0) {
        return String::new();
    }
    let Some(r) = state
        .shapes
        .get(code)
        .and_then(|q| q.geometry.bounding_rect())
    else {
        return String::new();
    };
    let b = [
        r.min().x.min(lon),
        r.min().y.min(lat),
        r.max().x.max(lon),
        r.max().y.max(lat),
    ];
    format!("[{:.5},{:.5},{:.5},{:.5}]", b[0], b[1], b[2], b[3])
}

/// The schema.org `Organization` of the page, as JSON-LD.
fn json_ld(a: &Actor, url: &str) -> String {
    let mut ids = vec![
        serde_json::json!({ "@type": "PropertyValue", "propertyID": "SIRET", "value": a.siret.to_string() }),
    ];
    if let Some(rna) = &a.rna {
        ids.push(
            serde_json::json!({ "@type": "PropertyValue", "propertyID": "RNA", "value": rna }),
        );
    }
    let mut org = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": url,
        "url": url,
        "name": a.name,
        "legalName": a.name,
        "identifier": ids,
    });
    if let Some(e) = &a.enseigne {
        org["alternateName"] = serde_json::json!(e);
    }
    if let Some(addr) = &a.address {
        let mut address = serde_json::json!({ "@type": "PostalAddress", "streetAddress": addr, "addressCountry": "FR" });
        if let Some(c) = commune_of(a) {
            address["addressLocality"] = serde_json::json!(c.nom);
        }
        org["address"] = address;
    }
    if let Some(b) = a
        .tranche_effectifs
        .as_deref()
        .and_then(HeadcountBracket::parse)
        && b.is_employer()
    {
        org["numberOfEmployees"] = serde_json::json!({ "@type": "QuantitativeValue", "minValue": b.low(), "maxValue": b.high() });
    }
    if let Some(naf) = &a.naf {
        let label = nomenclatures::naf_rev2()
            .get(naf)
            .map_or(naf.as_str(), |n| n.libelle_sous_classe.as_str());
        org["description"] =
            serde_json::json!(format!("{} — {label}", a.legal_family.singular_label()));
    }
    if let Some((lon, lat)) = a.lon_lat {
        org["location"] = serde_json::json!({ "@type": "Place", "geo": { "@type": "GeoCoordinates", "latitude": lat, "longitude": lon } });
    }
    script_safe(&org.to_string())
}

/// JSON that cannot end or comment its `<script>` block: `<`, `>` and `&` written as JSON
/// escapes (`\u003c`…), which any JSON reader decodes back. Escaping `</` alone let a name
/// with `<!--<script>` put the HTML parser in its "script data escaped" state (issue 11).
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out
}

/// `GET /acteurs/{siret}`.
pub async fn show(State(state): State<AppState>, Path(value): Path<String>) -> Response {
    let Ok(siret) = Siret::parse(&value) else {
        return errors::not_found(
            &state,
            format!("« {value} » n'est pas un SIRET (14 chiffres)."),
        );
    };
    let actor = match state.store.actor(siret).await {
        Ok(Some(actor)) => actor,
        // The same answer for an unknown SIRET and a non-diffusible one.
        Ok(None) => {
            return errors::not_found(
                &state,
                format!("Aucun établissement diffusible de l'ESS avec le SIRET {siret}."),
            );
        }
        Err(e) => {
            tracing::error!(error = %e, "request failed");
            return errors::unavailable(&state);
        }
    };
    let situation = situation(&state, &actor);
    let url = format!("/acteurs/{}", actor.siret);
    let page = ActorPage {
        layout: Layout::new(&state, actor.name.clone(), "annuaire"),
        family: actor.legal_family.singular_label(),
        identity: identity(&actor),
        activity: activity(&actor),
        place: place(&actor),
        point: actor
            .lon_lat
            .map(|(lon, lat)| format!("[{lon:.6},{lat:.6}]")),
        bbox: map_box(&state, &actor, &situation),
        map_qpv: serde_json::to_string(&situation.qpv.iter().map(|q| &q.0).collect::<Vec<_>>())
            .unwrap_or_else(|_| "[]".into()),
        situation,
        provenance: state.store.provenance().map(ProvenanceView::new),
        qpv_geography: state.index.layer().geography.to_string(),
        json_ld: json_ld(&actor, &url),
        actor,
    };
    render(StatusCode::OK, &page)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ActorRecord, Diffusion, LegalFamily};
    use std::sync::LazyLock;

    static STATE: LazyLock<AppState> = LazyLock::new(AppState::embedded);

    fn actor(qpv: Option<&str>, distance: Option<f64>, commune: &str) -> Actor {
        Actor::new(
            ActorRecord {
                siret: Siret::parse("78467169500087").unwrap(),
                name: "Régie de quartier".into(),
                enseigne: Some("La Régie".into()),
                legal_family: LegalFamily::Association,
                categorie_juridique: "9220".into(),
                naf: Some("88.99B".into()),
                tranche_effectifs: Some("12".into()),
                employer: true,
                address: Some("1 rue Danielle Casanova 93200 Saint-Denis".into()),
                commune: Some(commune.into()),
                rna: Some("W931234567".into()),
                lon_lat: Some((2.3815, 48.9177)),
                qpv_code: qpv.map(Into::into),
                nearest_qpv_code: Some("QP093028".into()),
                distance_m: distance,
                band: None,
            },
            Diffusion::Diffusible,
        )
        .unwrap()
    }

    #[test]
    fn the_situation_is_said_in_words_with_the_qpv_name() {
        let inside = situation(&STATE, &actor(Some("QP093028"), Some(0.0), "93066"));
        assert!(
            inside
                .text
                .starts_with("Dans le quartier prioritaire Franc Moisin"),
            "{}",
            inside.text
        );
        let near = situation(&STATE, &actor(None, Some(243.0), "93066"));
        assert!(
            near.text
                .starts_with("À 240\u{a0}m du quartier prioritaire Franc Moisin"),
            "{}",
            near.text
        );
        let far = situation(&STATE, &actor(None, Some(2_340.0), "93066"));
        assert!(far.text.contains("est à 2,3\u{a0}km"), "{}", far.text);
    }

    #[test]
    fn headcount_activity_and_territories_read_as_words_with_links() {
        let a = actor(None, Some(243.0), "75111");
        let activity = activity(&a);
        assert!(
            activity
                .iter()
                .any(|r| r.value == "Action sociale sans hébergement n.c.a. (88.99B)"),
            "{activity:?}"
        );
        assert!(
            activity
                .iter()
                .any(|r| r.value.starts_with("20 à 49 salariés (tranche 12"))
        );
        let place = place(&a);
        let commune = place.iter().find(|r| r.label == "Commune").unwrap();
        assert_eq!(commune.href.as_deref(), Some("/territoires/commune/75056"));
        assert!(commune.value.contains("arrondissement 75111"));
        assert!(
            place
                .iter()
                .any(|r| r.href.as_deref() == Some("/territoires/epci/200054781"))
        );
    }

    #[test]
    fn the_json_ld_is_a_schema_org_organization_that_cannot_close_the_script() {
        let mut a = actor(Some("QP093028"), Some(0.0), "93066");
        let ld: serde_json::Value =
            serde_json::from_str(&json_ld(&a, "/acteurs/78467169500087")).unwrap();
        assert_eq!(ld["@type"], "Organization");
        assert_eq!(ld["identifier"][0]["value"], "78467169500087");
        assert_eq!(ld["identifier"][1]["propertyID"], "RNA");
        assert_eq!(ld["numberOfEmployees"]["minValue"], 20);
        assert_eq!(ld["address"]["addressLocality"], "Saint-Denis");
        let mut record = (*a).clone();
        record.name = "</script><script>alert(1)</script>".into();
        a = Actor::new(record, Diffusion::Diffusible).unwrap();
        assert!(!json_ld(&a, "/x").contains("</script>"));
    }

    /// Issue 11: `<!--<script>` in a name broke the page; no `<`, `>` or `&` is left raw and
    /// the name reads back whole.
    #[test]
    fn a_name_with_a_comment_and_a_script_tag_stays_inside_the_json_ld() {
        let a = actor(Some("QP093028"), Some(0.0), "93066");
        let mut record = (*a).clone();
        let name = "A & B <!--<script> x --></script>";
        record.name = name.into();
        let a = Actor::new(record, Diffusion::Diffusible).unwrap();
        let ld = json_ld(&a, "/x");
        assert!(!ld.contains(['<', '>', '&']), "{ld}");
        assert!(ld.contains("\\u003c!--\\u003cscript\\u003e"), "{ld}");
        let back: serde_json::Value = serde_json::from_str(&ld).unwrap();
        assert_eq!(back["name"], name);
    }
}
