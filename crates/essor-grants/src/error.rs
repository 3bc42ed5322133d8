//! What stops an import before or while it runs. A bad record never does: it is rejected,
//! counted and listed in the report ([`crate::Issue`]); only a file that cannot be read, a
//! header that cannot be mapped or a `--default` that is not valid stops it. Messages are
//! French (they reach users) and name the file, the line and the field.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GrantsError {
    #[error("{}, ligne {line} : lecture impossible", path.display())]
    Read {
        path: PathBuf,
        line: u64,
        #[source]
        source: std::io::Error,
    },
    #[error("{}, ligne {line} : CSV illisible : {reason}", path.display())]
    Csv {
        path: PathBuf,
        line: u64,
        reason: String,
    },
    #[error("{}, ligne {line} : écriture du fichier de sortie impossible", path.display())]
    Write {
        path: PathBuf,
        line: u64,
        #[source]
        source: std::io::Error,
    },
    #[error("{} : fichier vide, sans ligne d'en-tête", path.display())]
    Empty { path: PathBuf },
    #[error(
        "{}, ligne 1 : les colonnes « {first} » et « {second} » désignent toutes deux le champ {field} ; retirez l'une des deux",
        path.display()
    )]
    DuplicateColumn {
        path: PathBuf,
        field: &'static str,
        first: String,
        second: String,
    },
    #[error(
        "{}, ligne 1 : aucune colonne pour le champ obligatoire {field} (colonnes du fichier : {available}) ; renommez la colonne qui le porte, ou donnez sa valeur pour toutes les lignes avec --default {field}=VALEUR",
        path.display()
    )]
    MissingColumn {
        path: PathBuf,
        field: &'static str,
        available: String,
    },
    #[error(
        "option --default « {given} » : champ inconnu du schéma SCDL 2.1.1 (champs : {fields})"
    )]
    UnknownField { given: String, fields: String },
    #[error("option --default « {given} » : forme attendue CHAMP=VALEUR")]
    DefaultShape { given: String },
    #[error("option --default {field}={value} : {reason}")]
    BadDefault {
        field: &'static str,
        value: String,
        reason: String,
    },
}
