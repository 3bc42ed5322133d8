/// `GET /api/v1/locate`.
pub mod get;
