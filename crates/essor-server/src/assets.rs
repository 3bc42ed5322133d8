//! The files under the repository's `web/` folder (vendored DSFR and MapLibre, essor's own
//! scripts and styles), compiled into the binary and served under `/assets/`.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "../../web/"]
#[exclude = "*.sh"]
struct Web;

/// `GET /assets/{*path}`.
pub async fn serve(Path(path): Path<String>) -> Response {
    match Web::get(&path) {
        Some(file) => {
            let mime = file.metadata.mimetype();
            // `.mjs` must be served as JavaScript for module scripts and workers.
            let mime = if path.ends_with(".mjs") {
                "text/javascript"
            } else {
                mime
            };
            (
                [
                    (header::CONTENT_TYPE, mime.to_owned()),
                    (header::CACHE_CONTROL, "public, max-age=3600".to_owned()),
                ],
                file.data.into_owned(),
            )
                .into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            format!("fichier « {path} » introuvable"),
        )
            .into_response(),
    }
}

/// Whether an asset exists (for tests of the vendored files).
pub fn exists(path: &str) -> bool {
    Web::get(path).is_some()
}

/// `GET /favicon.ico`: what browsers ask every site for, and the icon of pages that link none
/// (the diagnostic report opened from the server), which answered 404 (issue 12, point 6).
pub async fn favicon() -> Response {
    serve(Path("vendor/dsfr/favicon/favicon.ico".to_owned())).await
}
