//! The API documentation, rendered on the server from the OpenAPI document: no script, the
//! DSFR look, and always in step with the handlers.

use super::{Layout, render};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use std::sync::Arc;

/// One parameter of an operation.
#[derive(Debug)]
pub struct Param {
    pub name: String,
    pub location: String,
    pub required: bool,
    pub kind: String,
    pub description: String,
    pub example: String,
}

/// One operation.
#[derive(Debug)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub anchor: String,
    pub summary: String,
    pub description: String,
    pub tag: String,
    pub params: Vec<Param>,
    /// (status, description).
    pub responses: Vec<(String, String)>,
    /// A link that runs the operation with the documented examples, when it is a GET.
    pub example: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "api_docs.html")]
pub struct ApiDocsPage {
    pub layout: Layout,
    pub title: String,
    pub description: String,
    pub version: String,
    pub operations: Vec<Operation>,
}

/// Plain text of a JSON value; Markdown code marks are dropped (the page shows no Markdown).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.replace('`', ""),
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

fn kind(schema: &Value) -> String {
    match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .map(text)
            .filter(|t| t != "null")
            .collect::<Vec<_>>()
            .join(" | "),
        t => text(t),
    }
}

/// Operations in document order.
pub fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let params: Vec<Param> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| Param {
                    name: text(&p["name"]),
                    location: match p["in"].as_str() {
                        Some("path") => "chemin".into(),
                        Some("query") => "requête".into(),
                        other => other.unwrap_or_default().to_owned(),
                    },
                    required: p["required"].as_bool().unwrap_or(false),
                    kind: kind(&p["schema"]),
                    description: text(&p["description"]),
                    example: text(&p["example"]),
                })
                .collect();
            let mut example_path = path.clone();
            let mut query = Vec::new();
            for p in &params {
                if p.example.is_empty() {
                    continue;
                }
                if p.location == "chemin" {
                    example_path = example_path.replace(&format!("{{{}}}", p.name), &p.example);
                } else if p.required || p.name == "zoom" {
                    query.push(format!("{}={}", p.name, p.example));
                }
            }
            let example = (method == "get" && !example_path.contains('{')).then(|| {
                if query.is_empty() {
                    example_path.clone()
                } else {
                    format!("{example_path}?{}", query.join("&"))
                }
            });
            out.push(Operation {
                method: method.to_uppercase(),
                anchor: format!("{method}{}", path.replace(['/', '{', '}', '.'], "-")),
                path: path.clone(),
                summary: text(&op["summary"]),
                description: text(&op["description"]),
                tag: op["tags"].get(0).map(text).unwrap_or_default(),
                params,
                responses: op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(status, r)| (status.clone(), text(&r["description"])))
                    .collect(),
                example,
            });
        }
    }
    out
}

/// `GET /api/docs`.
pub async fn show(State(state): State<AppState>, openapi: Arc<String>) -> Response {
    let doc: Value = serde_json::from_str(&openapi).unwrap_or_default();
    let page = ApiDocsPage {
        layout: Layout::new(&state, "Documentation de l'API", "api"),
        title: text(&doc["info"]["title"]),
        description: text(&doc["info"]["description"]),
        version: text(&doc["info"]["version"]),
        operations: operations(&doc),
    };
    render(StatusCode::OK, &page)
}
