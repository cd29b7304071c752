-- Signatures that prove who signed (21 CFR Part 11 §11.50, §11.200). Approving a revision,
-- signing off a run and verifying one each need a sign-in younger than a few minutes: the
-- access token says when its holder last proved their password (`auth_time`), and a refresh
-- keeps the time of the sign-in it continues, not the time of the refresh.
--
-- Sessions that exist before the upgrade never count as fresh: their sign-in time is unknown.
ALTER TABLE refresh_tokens ADD COLUMN authenticated_at TIMESTAMPTZ NOT NULL DEFAULT now();
UPDATE refresh_tokens SET authenticated_at = 'epoch';

-- A revision may require that a second person verifies each run of it. It is part of what is
-- approved, so a run follows the rule of the revision it carries out.
ALTER TABLE revisions ADD COLUMN requires_verification BOOLEAN NOT NULL DEFAULT false;

-- One row a signature, never changed: who (the account, and the name printed with the
-- signature), when, what it means, and the SHA-256 of what was signed (the revision's fields and
-- content; the run's results), so a later change to either is visible against it.
CREATE TABLE signatures (
    id UUID PRIMARY KEY,
    subject_type TEXT NOT NULL CHECK (subject_type IN ('revision', 'run')),
    subject_id UUID NOT NULL,
    meaning TEXT NOT NULL CHECK (meaning IN ('approved', 'performed', 'verified')),
    signer_id UUID NOT NULL REFERENCES users (id),
    signer_name TEXT NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL,
    -- When the signer last proved their password before signing.
    authenticated_at TIMESTAMPTZ NOT NULL,
    content_hash TEXT NOT NULL,
    -- A drawn signature, uploaded to the files service (sign-offs).
    image_file_id UUID,
    UNIQUE (subject_type, subject_id, meaning)
);

CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE ON signatures
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER signatures_no_truncate BEFORE TRUNCATE ON signatures
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

GRANT SELECT, INSERT ON signatures TO gamme_procedures;
