//! What can go wrong while writing a synthetic stock. Messages are French and name the file:
//! they reach users.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    #[error("nombre d'établissements invalide : {requested} (attendu : de 1 à {max})")]
    InvalidCount { requested: u64, max: u64 },
    #[error("{} : création du dossier de sortie impossible : {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} : écriture impossible : {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} : écriture Parquet impossible : {reason}", path.display())]
    Parquet { path: PathBuf, reason: String },
}
