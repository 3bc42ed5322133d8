-- secret links expire and can be revoked; contact details are erased after retention (PostgreSQL).
ALTER TABLE referral ADD COLUMN link_expires_at TEXT;
ALTER TABLE referral ADD COLUMN link_revoked_at TEXT;
ALTER TABLE referral ADD COLUMN contact_erased_at TEXT;
UPDATE referral SET link_expires_at =
    to_char((created_at::timestamptz + interval '180 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
CREATE INDEX referral_by_update ON referral (contact_erased_at, updated_at);
