-- accounts: organisations, their territories, users, memberships with roles, sessions.
CREATE TABLE organisation (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('commune', 'epci', 'departement', 'region', 'service_etat', 'financeur', 'structure_accompagnement', 'acteur_ess', 'collectif_habitants')),
    name       TEXT NOT NULL,
    -- Checked by essor (Luhn) when given; the SIREN is the SIRET's first nine digits.
    siret      TEXT,
    siren      TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX organisation_by_name ON organisation (name);

-- The territories an organisation works on (its scope).
CREATE TABLE organisation_territory (
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    level           TEXT NOT NULL CHECK (level IN ('qpv', 'commune', 'epci', 'departement', 'region')),
    code            TEXT NOT NULL,
    PRIMARY KEY (organisation_id, level, code)
);

-- A person who signs in. Personal data, kept minimal: an e-mail address (lower case) and a
-- display name. The password is kept only as an Argon2id hash (PHC string).
CREATE TABLE account (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    disabled_at   TEXT
);

-- Administrators of the instance (organisations and accounts), apart from any organisation.
CREATE TABLE instance_admin (
    account_id BIGINT PRIMARY KEY REFERENCES account (id),
    granted_at TEXT NOT NULL
);

CREATE TABLE membership (
    account_id      BIGINT NOT NULL REFERENCES account (id),
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    role            TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'reviewer', 'funder', 'operator', 'contributor', 'moderator')),
    granted_at      TEXT NOT NULL,
    PRIMARY KEY (account_id, organisation_id, role)
);
CREATE INDEX membership_by_organisation ON membership (organisation_id, role);

-- Signed-in sessions: only the SHA-256 of the cookie's token is stored.
CREATE TABLE session (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    account_id   BIGINT NOT NULL REFERENCES account (id),
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    revoked_at   TEXT
);
CREATE INDEX session_by_account ON session (account_id);

-- Failed sign-ins, for throttling (per account and per address); purged after a day.
CREATE TABLE login_failure (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX login_failure_by_key ON login_failure (key, at);
