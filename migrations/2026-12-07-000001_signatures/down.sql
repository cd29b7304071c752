DROP TABLE signatures;
ALTER TABLE revisions DROP COLUMN requires_verification;
ALTER TABLE refresh_tokens DROP COLUMN authenticated_at;
