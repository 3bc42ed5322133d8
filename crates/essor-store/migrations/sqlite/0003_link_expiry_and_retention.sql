-- secret links expire and can be revoked; contact details are erased after retention.
-- A link opens nothing after link_expires_at, nor once revoked. Links made before this
-- migration expire 180 days after their referral's creation (the default retention).
ALTER TABLE referral ADD COLUMN link_expires_at TEXT;
ALTER TABLE referral ADD COLUMN link_revoked_at TEXT;
-- When the name and contact were erased (retention), if they were.
ALTER TABLE referral ADD COLUMN contact_erased_at TEXT;
UPDATE referral SET link_expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+180 days');
CREATE INDEX referral_by_update ON referral (contact_erased_at, updated_at);
