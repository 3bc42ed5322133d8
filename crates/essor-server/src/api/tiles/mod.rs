/// `GET /tiles/{layer}/{z}/{x}/{y}.mvt`.
pub mod get;
