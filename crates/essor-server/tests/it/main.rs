//! essor-server's integration tests, one binary (ripgrep's habit): the API against a real
//! server on loopback, the OpenAPI snapshot, and the pages in headless Chromium.

mod api;
mod browser;
mod dossier;
mod openapi;
mod support;
