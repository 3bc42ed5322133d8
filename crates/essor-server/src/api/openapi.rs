//! The frame of the OpenAPI document; paths come from the handlers through the router.

use utoipa::OpenApi;

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
