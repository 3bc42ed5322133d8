-- invitations and password resets: single-use links sent by e-mail, of which only the
-- SHA-256 of the token is stored; each expires, and is marked used by a conditional update.

-- An invitation to join an organisation with a role. Accepting it creates the account of
-- the address (or gives the role to the account that already has it).
CREATE TABLE invitation (
    id              INTEGER PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    email           TEXT NOT NULL,
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    role            TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'reviewer', 'funder', 'operator', 'contributor', 'moderator')),
    -- The account that invited; NULL when essor itself did (`essor admin inviter`).
    created_by      BIGINT REFERENCES account (id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT,
    -- The account that accepted it.
    account_id      BIGINT REFERENCES account (id)
);
CREATE INDEX invitation_by_organisation ON invitation (organisation_id);

-- A link to choose a new password, asked for from the sign-in page.
CREATE TABLE password_reset (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES account (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_reset_by_account ON password_reset (account_id, created_at);
