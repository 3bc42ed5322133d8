/// `GET /api/v1/territories/{level}/{code}`.
pub mod get;
