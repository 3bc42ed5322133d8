//! essor-server's integration tests, one binary (ripgrep's habit): the API against a real
//! server on loopback, the OpenAPI snapshot, and the pages in headless Chromium
//! (`browser.rs`, `orientation_pages.rs`).

mod accounts;
mod api;
mod browser;
mod dossier;
mod openapi;
mod orientation;
mod orientation_pages;
mod policy;
mod roles;
mod security;
mod sqlite;
mod support;
mod territories;
