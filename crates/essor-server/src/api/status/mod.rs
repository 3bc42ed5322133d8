/// `GET /api/v1/status`.
pub mod get;
