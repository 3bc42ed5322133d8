/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`.
pub mod get;
/// `GET /api/v1/map/labels`.
pub mod labels;
