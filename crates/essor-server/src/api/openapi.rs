//! The frame of the OpenAPI document; paths come from the handlers through the router.

use utoipa::Number;
use utoipa::OpenApi;
use utoipa::openapi::schema::{ArrayItems, KnownFormat, Schema, SchemaFormat};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "essor — API ouverte",
        description = "L'économie sociale et solidaire dans les quartiers prioritaires (QPV) : localisation par rapport aux QPV, contours, acteurs diffusibles de l'ESS, indicateurs par territoire, catalogue des dispositifs et orientation des projets, mises en relation avec leurs opérateurs. JSON et GeoJSON (WGS84), messages d'erreur en français. Les établissements non diffusibles (statutDiffusion = P) ne sont jamais exposés individuellement.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(super::tiles::get::tile),
    tags(
        (name = "géographie", description = "QPV et situation d'un point"),
        (name = "acteurs", description = "Établissements diffusibles de l'ESS"),
        (name = "territoires", description = "Indicateurs par territoire"),
        (name = "orientation", description = "Catalogue des dispositifs d'accompagnement et de financement, et orientation d'un projet"),
        (name = "mises en relation", description = "Mises en relation avec les opérateurs des dispositifs, suivies par un lien secret"),
        (name = "carte", description = "Tuiles vectorielles du fond de carte"),
        (name = "service", description = "État du service"),
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

/// What the handlers' descriptions cannot say alone, added to the generated document:
///
/// - every error answer is `application/problem+json` (RFC 9457, [`crate::error`]);
/// - the answers of the layers of [`crate::security`]: 414 and 400 for a query string over
///   the caps on every operation; 403 (cross-site), 413 (body), 415 (not JSON) and 429 (rate
///   limit, except the orientation, which writes nothing) on writes;
/// - `u32` values: utoipa says `int32`, which stops at 2,147,483,647, while the server takes
///   up to 4,294,967,295 (`page=2147483648` is valid), so they become `int64` with that
///   maximum.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            (false, item.get.as_mut()),
            (true, item.post.as_mut()),
            (true, item.patch.as_mut()),
            (true, item.put.as_mut()),
            (true, item.delete.as_mut()),
        ];
        for (write, operation) in operations {
            let Some(operation) = operation else {
                continue;
            };
            let mut added = vec![
                ("414", "Chaîne de requête trop longue (8 Kio au plus)"),
                ("400", "Requête incorrecte (dont plus de 100 paramètres)"),
            ];
            if write {
                added.extend([
                    (
                        "403",
                        "Écriture depuis la page d'un autre site (Origin ou Sec-Fetch-Site)",
                    ),
                    ("413", "Corps de requête trop volumineux (64 Kio au plus)"),
                    ("415", "Corps envoyé sans Content-Type: application/json"),
                ]);
                if path != "/api/v1/orientation" {
                    added.push((
                        "429",
                        "Trop d'écritures depuis cette adresse ; réessayer après Retry-After secondes",
                    ));
                }
            }
            let responses = &mut operation.responses.responses;
            for (status, description) in added {
                responses.entry(status.to_owned()).or_insert_with(|| {
                    RefOr::T(
                        ResponseBuilder::new()
                            .description(description)
                            .content(
                                "application/json",
                                ContentBuilder::new()
                                    .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                                    .build(),
                            )
                            .build(),
                    )
                });
            }
            for (status, response) in responses.iter_mut() {
                if let (true, RefOr::T(response)) =
                    (status.starts_with('4') || status.starts_with('5'), response)
                    && let Some(body) = response.content.shift_remove("application/json")
                {
                    response
                        .content
                        .insert(crate::error::PROBLEM_JSON.to_owned(), body);
                }
            }
            for parameter in operation.parameters.iter_mut().flatten() {
                parameter.schema.iter_mut().for_each(widen_u32);
            }
        }
    }
    if let Some(components) = doc.components.as_mut() {
        components.schemas.values_mut().for_each(widen_u32);
        // The personal API tokens of signed-in people (`Mon compte` → `Jetons d'API`).
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        components.add_security_scheme(
            "jeton",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Jeton d'API personnel, créé sur la page « Mon compte » → « Jetons d'API » ; portée lecture ou lecture et écriture.",
                    ))
                    .build(),
            ),
        );
    }
    doc
}

/// `int32` with a non-negative minimum is a `u32`: `int64`, at most `u32::MAX`.
fn widen_u32(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(object) => {
            let int32 = matches!(
                object.format,
                Some(SchemaFormat::KnownFormat(KnownFormat::Int32))
            );
            let unsigned = match object.minimum {
                Some(Number::Int(m)) => m >= 0,
                Some(Number::UInt(_)) => true,
                Some(Number::Float(m)) => m >= 0.0,
                None => false,
            };
            if int32 && unsigned {
                object.format = Some(SchemaFormat::KnownFormat(KnownFormat::Int64));
                object
                    .maximum
                    .get_or_insert(Number::UInt(u32::MAX as usize));
            }
            object.properties.values_mut().for_each(widen_u32);
        }
        Schema::Array(array) => {
            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                widen_u32(items);
            }
        }
        Schema::OneOf(one) => one.items.iter_mut().for_each(widen_u32),
        Schema::AllOf(all) => all.items.iter_mut().for_each(widen_u32),
        Schema::AnyOf(any) => any.items.iter_mut().for_each(widen_u32),
        _ => {}
    }
}
