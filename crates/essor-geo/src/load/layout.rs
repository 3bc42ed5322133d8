//! The field layouts of the official QPV files, detected from field names (case-insensitive).
//!
//! | meaning | 2015 layout (CGET shapefile) | 2024 layout (ANCT) |
//! | --- | --- | --- |
//! | code | `CODE_QP` | `code_qp` |
//! | name | `NOM_QP` | `lib_qp` |
//! | communes | `COMMUNE_QP` (names) | `lib_com` (names), `insee_com` (codes) |
//! | département / région | — | `insee_dep` / `insee_reg` |
//! | EPCI | — | `siren_epci` / `lib_epci` |

use super::{LoadError, LoadOptions};
use std::path::Path;

/// Which official layout a file follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Qpv2015,
    Qpv2024,
}

impl std::str::FromStr for Layout {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "2015" => Ok(Self::Qpv2015),
            "2024" => Ok(Self::Qpv2024),
            other => Err(format!(
                "structure « {other} » inconnue (attendu : 2015 ou 2024)"
            )),
        }
    }
}

/// The actual field names of one file for each meaning.
#[derive(Debug, Clone)]
pub struct FieldMap {
    pub code: String,
    pub name: String,
    pub communes: Option<String>,
    pub commune_codes: Option<String>,
    pub departement: Option<String>,
    pub region: Option<String>,
    pub epci_siren: Option<String>,
    pub epci_name: Option<String>,
}

#[derive(Debug)]
pub(crate) enum ResolveError {
    UnknownLayout,
    MissingField(String),
}

impl ResolveError {
    pub(crate) fn into_load_error(self, path: &Path, fields: &[String]) -> LoadError {
        let available = fields.join(", ");
        match self {
            Self::UnknownLayout => LoadError::UnknownLayout {
                path: path.to_owned(),
                available,
            },
            Self::MissingField(field) => LoadError::MissingField {
                path: path.to_owned(),
                field,
                available,
            },
        }
    }
}

impl FieldMap {
    pub(crate) fn resolve(fields: &[String], options: &LoadOptions) -> Result<Self, ResolveError> {
        let find = |wanted: &str| {
            fields
                .iter()
                .find(|f| f.eq_ignore_ascii_case(wanted))
                .cloned()
        };
        let layout = match options.layout {
            Some(l) => Some(l),
            None if find("lib_qp").is_some() => Some(Layout::Qpv2024),
            None if find("nom_qp").is_some() => Some(Layout::Qpv2015),
            None => None,
        };
        let (code, name, communes) = match layout {
            Some(Layout::Qpv2015) => ("code_qp", "nom_qp", "commune_qp"),
            Some(Layout::Qpv2024) => ("code_qp", "lib_qp", "lib_com"),
            None if options.code_field.is_some() && options.name_field.is_some() => ("", "", ""),
            None => return Err(ResolveError::UnknownLayout),
        };
        let required = |over: &Option<String>, default: &str| -> Result<String, ResolveError> {
            let wanted = over.as_deref().unwrap_or(default);
            find(wanted).ok_or_else(|| ResolveError::MissingField(wanted.to_owned()))
        };
        Ok(Self {
            code: required(&options.code_field, code)?,
            name: required(&options.name_field, name)?,
            communes: find(communes),
            commune_codes: find("insee_com"),
            departement: find("insee_dep"),
            region: find("insee_reg"),
            epci_siren: find("siren_epci"),
            epci_name: find("lib_epci"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn both_official_layouts_are_detected() {
        let f2015 = FieldMap::resolve(
            &fields(&["CODE_QP", "NOM_QP", "COMMUNE_QP"]),
            &LoadOptions::default(),
        )
        .unwrap();
        assert_eq!(
            (f2015.code.as_str(), f2015.name.as_str()),
            ("CODE_QP", "NOM_QP")
        );
        assert_eq!(f2015.communes.as_deref(), Some("COMMUNE_QP"));
        let names2024 = [
            "code_qp",
            "lib_qp",
            "insee_com",
            "lib_com",
            "insee_dep",
            "insee_reg",
            "siren_epci",
            "lib_epci",
        ];
        let f2024 = FieldMap::resolve(&fields(&names2024), &LoadOptions::default()).unwrap();
        assert_eq!(f2024.name, "lib_qp");
        assert_eq!(f2024.commune_codes.as_deref(), Some("insee_com"));
        assert_eq!(f2024.epci_siren.as_deref(), Some("siren_epci"));
    }

    #[test]
    fn overrides_name_the_fields_of_other_files() {
        let opts = LoadOptions {
            code_field: Some("CODE".into()),
            name_field: Some("LIBELLE".into()),
            ..Default::default()
        };
        let map = FieldMap::resolve(&fields(&["CODE", "LIBELLE"]), &opts).unwrap();
        assert_eq!(map.code, "CODE");
        assert!(matches!(
            FieldMap::resolve(&fields(&["A", "B"]), &LoadOptions::default()),
            Err(ResolveError::UnknownLayout)
        ));
        let opts = LoadOptions {
            name_field: Some("NOM".into()),
            ..Default::default()
        };
        let err = FieldMap::resolve(&fields(&["CODE_QP", "NOM_QP"]), &opts).unwrap_err();
        assert!(matches!(err, ResolveError::MissingField(f) if f == "NOM"));
    }
}
