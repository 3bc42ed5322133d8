//! Fatal errors: the file cannot be read at all. Bad rows are not errors; they go to the
//! [`crate::RejectReport`] and reading goes on.
//!
//! Messages are French (they reach users through the CLI) and always name the file; a line
//! or a column when there is one.

use crate::FileKind;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SireneError {
    #[error("{} : lecture impossible : {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{} : fichier vide, la ligne d'en-tête manque", path.display())]
    Empty { path: PathBuf },

    #[error(
        "{} : colonne(s) obligatoire(s) absente(s) pour un fichier {kind} : {}. \
         Colonnes présentes : {}. Vérifiez que le fichier est bien un {kind} (séparateur, en-tête).",
        path.display(), missing.join(", "), available.join(", ")
    )]
    MissingColumns {
        path: PathBuf,
        kind: FileKind,
        missing: Vec<String>,
        available: Vec<String>,
    },

    #[error(
        "{} : colonne « {column} » en double (colonnes {first} et {second}) ; un fichier {kind} \
         nomme chaque colonne une fois : renommez ou supprimez l'une d'elles.",
        path.display()
    )]
    DuplicateColumn {
        path: PathBuf,
        kind: FileKind,
        column: String,
        /// 1-based positions in the header.
        first: usize,
        second: usize,
    },

    #[error("{}, ligne {line} : CSV illisible : {message}", path.display())]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },

    #[error("{} : fichier Parquet illisible : {source}", path.display())]
    Parquet {
        path: PathBuf,
        #[source]
        source: parquet::errors::ParquetError,
    },

    #[error("{}, colonne {column} : conversion Arrow impossible : {source}", path.display())]
    Arrow {
        path: PathBuf,
        column: String,
        #[source]
        source: arrow_schema::ArrowError,
    },

    #[error(
        "{} : {dropped} ligne(s) rejetée(s) sur {rows} ({:.3} %), au-delà du seuil toléré de {:.3} %. \
         Voir le rapport des rejets pour les lignes et champs en cause.",
        path.display(), share * 100.0, budget * 100.0
    )]
    RejectBudgetExceeded {
        path: PathBuf,
        dropped: u64,
        rows: u64,
        share: f64,
        budget: f64,
    },
}

impl SireneError {
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}
