//! The snapshot's tables. A snapshot is rebuilt, never migrated: a reader refuses a file
//! whose `schema` differs from [`VERSION`] and says to run `essor ingest` again.

/// Bump when the tables change.
pub const VERSION: u32 = 2;

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
    band                TEXT,
    -- How many searchable words the actor has (see `text.rs`): BM25's document length.
    words               INTEGER NOT NULL
);

-- The full-text postings: every stemmed, accent-folded word of the actors (see `text.rs`)
-- with the ids holding it (`ids`: ascending u32, little-endian) and its occurrences in each
-- (`tfs`: one byte per id). The server keeps them in memory (`search.rs`).
CREATE TABLE terms (
    term TEXT PRIMARY KEY,
    ids  BLOB NOT NULL,
    tfs  BLOB NOT NULL
) WITHOUT ROWID;

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
