-- the audit log names who acted, and keeps the state before and after (PostgreSQL).
ALTER TABLE audit_log ADD COLUMN principal_kind TEXT NOT NULL DEFAULT 'anonymous'
    CHECK (principal_kind IN ('system', 'anonymous', 'link', 'user'));
ALTER TABLE audit_log ADD COLUMN user_id BIGINT;
ALTER TABLE audit_log ADD COLUMN organisation_id BIGINT;
ALTER TABLE audit_log ADD COLUMN principal_detail TEXT;
ALTER TABLE audit_log ADD COLUMN before_json TEXT;
ALTER TABLE audit_log ADD COLUMN after_json TEXT;
UPDATE audit_log SET principal_kind = 'link' WHERE action = 'referral.status';
CREATE INDEX audit_log_by_object ON audit_log (object_type, object_id, id);
CREATE INDEX audit_log_by_organisation ON audit_log (organisation_id, id);
