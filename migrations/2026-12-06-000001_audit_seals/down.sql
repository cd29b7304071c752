DROP TABLE audit_seals;
ALTER TABLE audit_events DROP COLUMN message_id;
DROP TRIGGER audit_events_no_truncate ON audit_events;
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
-- The plain chain cannot be rebuilt from what is left: its columns come back empty.
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '', ADD COLUMN hash TEXT;
