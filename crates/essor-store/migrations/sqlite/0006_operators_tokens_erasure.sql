-- operator organisations receive their referrals; personal API tokens; idle sessions; erased
-- accounts.

-- The operators of the orientation catalogue (`operator_id` of a referral) an organisation
-- answers for: its members with the `operator` role see and move those referrals.
CREATE TABLE organisation_operator (
    organisation_id BIGINT NOT NULL REFERENCES organisation (id),
    operator_id     TEXT NOT NULL,
    linked_at       TEXT NOT NULL,
    PRIMARY KEY (organisation_id, operator_id)
);
CREATE INDEX organisation_operator_by_operator ON organisation_operator (operator_id);

-- Personal API tokens, for scripts: only the SHA-256 of the token is stored; `read` allows
-- reads, `write` reads and writes.
CREATE TABLE api_token (
    id           INTEGER PRIMARY KEY,
    account_id   BIGINT NOT NULL REFERENCES account (id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_token_by_account ON api_token (account_id);

-- A session ends after its absolute lifetime or after a while without use.
ALTER TABLE session ADD COLUMN last_seen_at TEXT;
UPDATE session SET last_seen_at = created_at;

-- An account deleted by its owner keeps its id (its audit rows point to it) and nothing else.
ALTER TABLE account ADD COLUMN erased_at TEXT;
