-- referrals, their history and the audit log.
CREATE TABLE referral (
    id                INTEGER PRIMARY KEY,
    -- SHA-256 of the secret link's token, hexadecimal; the token itself is never stored.
    token_hash        TEXT NOT NULL UNIQUE,
    scheme_id         TEXT NOT NULL,
    scheme_name       TEXT NOT NULL,
    operator_id       TEXT NOT NULL,
    operator_name     TEXT NOT NULL,
    catalogue_version TEXT NOT NULL,
    -- Personal data, kept minimal: who is referred and the one contact they agreed to give.
    person            TEXT NOT NULL,
    contact           TEXT NOT NULL,
    consent_at        TEXT NOT NULL,
    referrer          TEXT NOT NULL,
    profile_json      TEXT NOT NULL,
    eligibility       TEXT NOT NULL CHECK (eligibility IN ('eligible', 'to_check', 'not_eligible')),
    status            TEXT NOT NULL CHECK (status IN ('proposee', 'acceptee', 'en_cours', 'terminee', 'refusee', 'pas_pour_nous')),
    status_reason     TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE INDEX referral_by_operator ON referral (operator_id, status);
CREATE INDEX referral_by_status ON referral (status, updated_at);

CREATE TABLE referral_event (
    id          INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referral (id),
    at          TEXT NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    reason      TEXT
);
CREATE INDEX referral_event_by_referral ON referral_event (referral_id, id);

-- One row per write to the registry, in the write's own transaction. No personal data.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   INTEGER NOT NULL,
    channel     TEXT NOT NULL,
    detail      TEXT NOT NULL
);
