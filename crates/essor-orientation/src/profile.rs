//! The project profile: what a holder tells essor about a project, all of it optional.
//!
//! The JSON fields are the contract of `essor orient --profile` and of
//! `POST /api/v1/orientation` (issue 5, point 3). Unknown fields are refused, every one named,
//! so a typo (`employes`) never silently turns a fact into "unknown". [`Profile::from_json`]
//! gives French errors naming the field; plain `serde_json::from_str` works too (same rules,
//! serde's English messages).
//!
//! Two fields extend the issue's list: `age` (age of the holder when a person: it fills
//! `public` with `jeunes_16_18` / `jeunes_18_30`) and `description` (free text, used only as
//! a relevance signal).

use crate::vocab::{Holder, LegalFamily, Need, Public, Stage};
use essor_model::CommuneCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A project profile. Every field may be absent; absent means "unknown", never "no".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder>,
    /// INSEE catégorie juridique, 4 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_family: Option<LegalFamily>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ess: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub founded_year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<Vec<Need>>,
    /// Free words (`alimentation`, `mobilite`, `tiers_lieu`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub themes: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<CommuneCode>,
    /// WGS84 longitude, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// WGS84 latitude, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resident_in_qpv: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub located_in_qpv: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acts_in_qpv: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<Vec<Public>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub informal: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_access: Option<bool>,
    /// Age of the holder, in years, when the holder is a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    /// Free description of the project (relevance signal only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The accepted JSON fields, in documentation order.
pub const PROFILE_FIELDS: &[&str] = &[
    "holder",
    "legal_category",
    "legal_family",
    "ess",
    "employees",
    "founded_year",
    "stage",
    "needs",
    "themes",
    "commune",
    "lon",
    "lat",
    "resident_in_qpv",
    "located_in_qpv",
    "acts_in_qpv",
    "public",
    "informal",
    "bank_access",
    "age",
    "description",
];

/// Why a profile is refused. Messages are French: they reach users.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    #[error("profil : JSON invalide ligne {line}, colonne {column} : {message}")]
    Json {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("profil : un objet JSON {{ … }} est attendu")]
    NotAnObject,
    #[error("profil : champ(s) inconnu(s) {} ; champs acceptés : {}", quoted(.fields), PROFILE_FIELDS.join(", "))]
    UnknownFields { fields: Vec<String> },
    #[error("profil : champ « {field} » : {message}")]
    Field {
        field: &'static str,
        message: String,
    },
}

fn quoted(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| format!("« {f} »"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Profile {
    /// Parses a profile, refusing unknown fields and bad values with a French error that
    /// names the field.
    pub fn from_json(text: &str) -> Result<Self, ProfileError> {
        let value: Value = serde_json::from_str(text).map_err(|e| ProfileError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        Self::from_value(value)
    }

    /// Same as [`Profile::from_json`], from an already parsed JSON value.
    pub fn from_value(value: Value) -> Result<Self, ProfileError> {
        let Value::Object(map) = &value else {
            return Err(ProfileError::NotAnObject);
        };
        let unknown: Vec<String> = map
            .keys()
            .filter(|k| !PROFILE_FIELDS.contains(&k.as_str()))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            return Err(ProfileError::UnknownFields { fields: unknown });
        }
        for (key, v) in map {
            let field = PROFILE_FIELDS
                .iter()
                .copied()
                .find(|f| f == key)
                .expect("checked above");
            check_field(field, v).map_err(|message| ProfileError::Field { field, message })?;
        }
        let profile: Profile = serde_json::from_value(value).map_err(|e| ProfileError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        profile.check()?;
        Ok(profile)
    }

    fn check(&self) -> Result<(), ProfileError> {
        let field = |field, message: &str| {
            Err(ProfileError::Field {
                field,
                message: message.to_owned(),
            })
        };
        match (self.lon, self.lat) {
            (Some(_), None) => {
                return field(
                    "lat",
                    "absent alors que « lon » est donné : donner les deux ou aucun",
                );
            }
            (None, Some(_)) => {
                return field(
                    "lon",
                    "absent alors que « lat » est donné : donner les deux ou aucun",
                );
            }
            (Some(lon), _) if !(-180.0..=180.0).contains(&lon) => {
                return field(
                    "lon",
                    "longitude WGS84 attendue, en degrés, entre -180 et 180",
                );
            }
            (_, Some(lat)) if !(-90.0..=90.0).contains(&lat) => {
                return field("lat", "latitude WGS84 attendue, en degrés, entre -90 et 90");
            }
            _ => {}
        }
        if let Some(c) = &self.legal_category
            && (c.len() != 4 || !c.bytes().all(|b| b.is_ascii_digit()))
        {
            return field(
                "legal_category",
                "code INSEE à 4 chiffres attendu (ex. 9220, 5458)",
            );
        }
        if let Some(y) = self.founded_year
            && !(1800..=2100).contains(&y)
        {
            return field("founded_year", "année de création attendue (ex. 2013)");
        }
        if let Some(a) = self.age
            && a > 120
        {
            return field("age", "âge en années attendu");
        }
        Ok(())
    }

    /// The point, when both coordinates are given.
    pub fn lonlat(&self) -> Option<(f64, f64)> {
        self.lon.zip(self.lat)
    }
}

fn check_field(field: &str, v: &Value) -> Result<(), String> {
    if v.is_null() {
        return Ok(());
    }
    let words = |allowed: &[&str], v: &Value| -> Result<(), String> {
        match v.as_str() {
            Some(s) if allowed.contains(&s) => Ok(()),
            Some(s) => Err(format!(
                "valeur « {s} » invalide ; valeurs possibles : {}",
                allowed.join(", ")
            )),
            None => Err(format!("texte attendu, parmi : {}", allowed.join(", "))),
        }
    };
    let list = |allowed: Option<&[&str]>| -> Result<(), String> {
        let Some(items) = v.as_array() else {
            return Err("liste attendue, ex. [\"a\", \"b\"]".into());
        };
        for item in items {
            match allowed {
                Some(allowed) => words(allowed, item)?,
                None if item.is_string() => {}
                None => return Err(format!("liste de mots attendue, trouvé {item}")),
            }
        }
        Ok(())
    };
    match field {
        "holder" => words(Holder::WORDS, v),
        "legal_family" => words(LegalFamily::WORDS, v),
        "stage" => words(Stage::WORDS, v),
        "needs" => list(Some(Need::WORDS)),
        "public" => list(Some(Public::WORDS)),
        "themes" => list(None),
        "ess" | "resident_in_qpv" | "located_in_qpv" | "acts_in_qpv" | "informal"
        | "bank_access" => {
            if v.is_boolean() {
                Ok(())
            } else {
                Err(format!("true ou false attendu, trouvé {v}"))
            }
        }
        "employees" | "age" => {
            if v.as_u64().is_some_and(|n| n <= u64::from(u32::MAX)) {
                Ok(())
            } else {
                Err(format!("nombre entier positif attendu, trouvé {v}"))
            }
        }
        "founded_year" => {
            if v.as_i64().is_some() {
                Ok(())
            } else {
                Err(format!("année attendue (ex. 2013), trouvé {v}"))
            }
        }
        "lon" | "lat" => {
            if v.is_number() {
                Ok(())
            } else {
                Err(format!("nombre attendu (degrés WGS84), trouvé {v}"))
            }
        }
        "commune" => match v.as_str() {
            Some(s) => CommuneCode::parse(s).map(|_| ()).map_err(|e| e.to_string()),
            None => Err("code commune INSEE attendu en texte, ex. \"93072\"".into()),
        },
        "legal_category" => match v {
            Value::String(_) => Ok(()),
            Value::Number(n) => Err(format!("code attendu en texte, ex. \"{n}\"")),
            _ => Err("code INSEE à 4 chiffres attendu en texte, ex. \"9220\"".into()),
        },
        "description" => {
            if v.is_string() {
                Ok(())
            } else {
                Err("texte attendu".into())
            }
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_s_fields_parse() {
        let p = Profile::from_json(
            r#"{"holder":"structure","legal_category":"9220","legal_family":"association","ess":true,
                "employees":12,"founded_year":2013,"stage":"consolidation","needs":["accompagnement","financement"],
                "themes":["insertion"],"commune":"93072","lon":2.38,"lat":48.95,"resident_in_qpv":false,
                "located_in_qpv":true,"acts_in_qpv":true,"public":["habitants_qpv"],"informal":false,"bank_access":true}"#,
        )
        .unwrap();
        assert_eq!(p.stage, Some(Stage::Consolidation));
        assert_eq!(p.lonlat(), Some((2.38, 48.95)));
        assert_eq!(Profile::from_json("{}").unwrap(), Profile::default());
    }

    #[test]
    fn unknown_fields_are_all_named_in_french() {
        let e =
            Profile::from_json(r#"{"employes": 3, "stage": "idee", "quartier": "x"}"#).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("profil : champ(s) inconnu(s) « employes », « quartier » ; champs acceptés : holder,"), "{msg}");
    }

    #[test]
    fn bad_values_name_their_field() {
        let msg = |json: &str| Profile::from_json(json).unwrap_err().to_string();
        assert_eq!(
            msg(r#"{"stage": "lancement"}"#),
            "profil : champ « stage » : valeur « lancement » invalide ; valeurs possibles : besoin, idee, emergence, \
             creation, developpement, consolidation, changement_echelle"
        );
        assert!(
            msg(r#"{"needs": ["argent"]}"#)
                .starts_with("profil : champ « needs » : valeur « argent » invalide")
        );
        assert_eq!(
            msg(r#"{"employees": -2}"#),
            "profil : champ « employees » : nombre entier positif attendu, trouvé -2"
        );
        assert!(msg(r#"{"commune": "9307"}"#).contains("n'est pas un code commune valide"));
        assert!(msg(r#"{"lon": 2.3}"#).starts_with("profil : champ « lat » : absent"));
        assert!(msg(r#"{"informal": "oui"}"#).contains("true ou false attendu"));
        assert!(msg(r#"[1]"#).contains("objet JSON"));
        assert!(msg(r#"{"holder": "#).starts_with("profil : JSON invalide ligne 1"));
    }
}
