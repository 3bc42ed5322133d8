//! An actor page, with its schema.org `Organization` as JSON-LD.

use super::{Layout, errors, render};
use crate::AppState;
use crate::store::Actor;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use essor_model::Siret;

#[derive(Debug, Template)]
#[template(path = "actor.html")]
pub struct ActorPage {
    pub layout: Layout,
    pub actor: Actor,
    pub family: &'static str,
    /// (label, value) rows of the identity table.
    pub rows: Vec<(&'static str, String)>,
    /// JSON-LD, already escaped for a `<script>` element.
    pub json_ld: String,
}

fn rows(a: &Actor) -> Vec<(&'static str, String)> {
    let refdata = essor_refdata::nomenclatures::naf_rev2();
    let mut rows = vec![
        ("SIRET", a.siret.to_string()),
        ("Famille juridique", a.legal_family.label().to_owned()),
    ];
    let cj = essor_refdata::nomenclatures::categories_juridiques()
        .get(&a.categorie_juridique)
        .map_or(a.categorie_juridique.clone(), |c| {
            format!("{} ({})", c.libelle_niveau3, c.code_niveau3)
        });
    rows.push(("Catégorie juridique", cj));
    if let Some(naf) = &a.naf {
        let label = refdata.get(naf).map_or(naf.clone(), |n| {
            format!("{} ({naf})", n.libelle_sous_classe)
        });
        rows.push(("Activité (NAF)", label));
    }
    if let Some(t) = &a.tranche_effectifs {
        let label = essor_refdata::nomenclatures::tranches_effectifs()
            .get(t)
            .map_or(t.clone(), |t| t.libelle.clone());
        rows.push(("Effectifs", label));
    }
    rows.push((
        "Employeur",
        if a.employer { "oui" } else { "non" }.to_owned(),
    ));
    if let Some(addr) = &a.address {
        rows.push(("Adresse", addr.clone()));
    }
    if let Some(c) = a
        .commune
        .as_deref()
        .and_then(|c| essor_refdata::cog::cog().commune(c))
    {
        rows.push(("Commune", format!("{} ({})", c.nom, c.code)));
    }
    match (&a.qpv_code, &a.nearest_qpv_code, a.distance_m) {
        (Some(q), _, _) => rows.push(("Quartier prioritaire", format!("dans le QPV {q}"))),
        (None, Some(n), Some(d)) => {
            rows.push(("Quartier prioritaire", format!("à {d:.0} m du QPV {n}")))
        }
        _ => {}
    }
    rows
}

fn json_ld(a: &Actor) -> String {
    let mut org = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": a.name,
        "identifier": { "@type": "PropertyValue", "propertyID": "SIRET", "value": a.siret.to_string() },
    });
    if let Some(addr) = &a.address {
        org["address"] = serde_json::json!({ "@type": "PostalAddress", "streetAddress": addr, "addressCountry": "FR" });
    }
    if let Some((lon, lat)) = a.lon_lat {
        org["location"] = serde_json::json!({ "@type": "Place", "geo": { "@type": "GeoCoordinates", "latitude": lat, "longitude": lon } });
    }
    org.to_string().replace("</", "<\\/")
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
        Ok(None) => {
            return errors::not_found(
                &state,
                format!("Aucun établissement diffusible de l'ESS avec le SIRET {siret}."),
            );
        }
        Err(e) => {
            eprintln!("essor-server: {e}");
            return errors::not_found(&state, "Les données sont momentanément indisponibles.");
        }
    };
    let page = ActorPage {
        layout: Layout::new(&state, actor.name.clone(), ""),
        family: actor.legal_family.label(),
        rows: rows(&actor),
        json_ld: json_ld(&actor),
        actor,
    };
    render(StatusCode::OK, &page)
}
