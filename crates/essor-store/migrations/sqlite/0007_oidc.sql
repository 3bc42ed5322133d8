-- OpenID Connect sign-in (ProConnect or another provider): the identities linked to accounts,
-- and the sign-ins under way. Depends on 0004 (account) only.

-- An identity of a provider (issuer + subject, as the ID token names it) linked to an account.
-- The e-mail address is the one the provider vouched for when the link was made.
CREATE TABLE oidc_identity (
    id           INTEGER PRIMARY KEY,
    issuer       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    account_id   BIGINT NOT NULL REFERENCES account (id),
    email        TEXT NOT NULL,
    linked_at    TEXT NOT NULL,
    last_used_at TEXT NOT NULL,
    UNIQUE (issuer, subject),
    -- One identity per provider and account: a new subject never takes an account over.
    UNIQUE (issuer, account_id)
);

-- A sign-in sent to the provider and not yet back: only the SHA-256 of the browser's secret
-- (from which state, nonce and PKCE verifier are derived) is stored. Single use, 10 minutes.
CREATE TABLE oidc_login (
    id          INTEGER PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    next_path   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX oidc_login_by_time ON oidc_login (created_at);
