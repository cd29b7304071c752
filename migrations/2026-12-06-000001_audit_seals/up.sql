-- The audit chain becomes keyed and is sealed after the fact. A writer only inserts its entry
-- (no lock against other writers, no read of the chain's head), and one sealer at a time appends
-- each committed entry's MAC, in sequence order, to audit_seals: HMAC-SHA256 under a key only the
-- procedures service holds, over the entry and the MAC before it. Whoever can write the tables
-- but lacks the key cannot rebuild a chain that verifies; the chain's head is also written to a
-- checkpoint file outside the database, so removing the tail is found too.
--
-- The plain SHA-256 chain's columns go: existing entries are sealed, as they are, by the first
-- sealing pass after the upgrade.
ALTER TABLE audit_events DROP COLUMN prev_hash, DROP COLUMN hash;

-- Entries other services send (`audit.entry`: user administration, file deletions) carry the
-- message's id, so a message delivered twice is entered once.
ALTER TABLE audit_events ADD COLUMN message_id UUID UNIQUE;

CREATE TABLE audit_seals (
    seq BIGINT PRIMARY KEY REFERENCES audit_events (seq),
    -- Hex HMAC-SHA256(key, previous seal's mac || the entry's canonical JSON).
    mac TEXT NOT NULL,
    sealed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Both tables are append-only: no UPDATE, DELETE or TRUNCATE, whoever asks. The services' roles
-- do not own the tables, so they cannot disable these triggers.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_seals_append_only BEFORE UPDATE OR DELETE ON audit_seals
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_seals_no_truncate BEFORE TRUNCATE ON audit_seals
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

GRANT SELECT, INSERT ON audit_seals TO gamme_procedures;
