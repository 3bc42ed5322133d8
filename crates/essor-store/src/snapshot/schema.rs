//! The snapshot's tables. A snapshot is rebuilt, never migrated: a reader refuses a file
//! whose `schema` differs from [`VERSION`] and says to run `essor ingest` again.

/// Bump when the tables change.
pub const VERSION: u32 = 1;

pub const CREATE: &str = "
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- One row per diffusible ESS establishment, in SIRET order (id = rank).
CREATE TABLE actors (
    id                  INTEGER PRIMARY KEY,
    siret               TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    enseigne            TEXT,
    family              TEXT NOT NULL,
    categorie_juridique TEXT NOT NULL,
    naf                 TEXT,
    sector              TEXT NOT NULL,
    tranche_effectifs   TEXT,
    employer            INTEGER NOT NULL,
    jobs                REAL NOT NULL,
    address             TEXT,
    commune             TEXT,
    commune_cog         TEXT,
    departement         TEXT,
    region              TEXT,
    epci                TEXT,
    rna                 TEXT,
    lon                 REAL,
    lat                 REAL,
    qpv                 TEXT,
    nearest_qpv         TEXT,
    distance_m          REAL,
    band                TEXT
);

-- Stemmed, accent-folded words of each actor (see `text.rs`); rowid = actors.id. The
-- words are not stored again (contentless table).
CREATE VIRTUAL TABLE actors_fts USING fts5(
    words,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- The columns of `indicators.csv`, in order; `figures.vals` is a JSON array in this order.
CREATE TABLE figure_columns (
    ordinal INTEGER PRIMARY KEY,
    name    TEXT NOT NULL
);

CREATE TABLE figures (
    level TEXT NOT NULL,
    code  TEXT NOT NULL,
    name  TEXT NOT NULL,
    vals  TEXT NOT NULL,
    PRIMARY KEY (level, code)
) WITHOUT ROWID;
";
