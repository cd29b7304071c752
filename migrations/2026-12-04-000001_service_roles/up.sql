-- One login role per service, each with rights on its own tables (docs/architecture.md, "Who
-- owns what") and read rights only on what it reads of another owner: a view, or the tables
-- behind a read model in crates/db. The tables stay owned by the migrating user, so no service
-- can alter a table, disable a trigger (the audit log's append-only rule) or grant rights on.
-- The roles have no password here: gamme-migrate sets each one from GAMME_DB_PASSWORD_<SVC>.
--
-- Roles belong to the whole server while grants belong to one database, and the tests migrate
-- many databases at once: a role another database already made is not an error.
DO $$
DECLARE
    name text;
BEGIN
    FOREACH name IN ARRAY ARRAY['gamme_auth', 'gamme_procedures', 'gamme_files', 'gamme_ai', 'gamme_work'] LOOP
        BEGIN
            EXECUTE format(
                'CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', name);
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
        END;
        -- A role of that name made by hand with more rights is brought down to these.
        IF EXISTS (SELECT 1 FROM pg_roles
                   WHERE rolname = name
                     AND (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls
                          OR NOT rolcanlogin)) THEN
            EXECUTE format(
                'ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', name);
        END IF;
    END LOOP;
END
$$;

GRANT USAGE ON SCHEMA public TO gamme_auth, gamme_procedures, gamme_files, gamme_ai, gamme_work;

-- Every service publishes through its outbox rows (crates/bus: enqueue, lease, delete).
GRANT SELECT, INSERT, UPDATE, DELETE ON outbox
    TO gamme_auth, gamme_procedures, gamme_files, gamme_ai, gamme_work;
GRANT USAGE, SELECT ON SEQUENCE outbox_id_seq
    TO gamme_auth, gamme_procedures, gamme_files, gamme_ai, gamme_work;

-- auth: accounts, sessions, signing keys.
GRANT SELECT, INSERT, UPDATE, DELETE ON users, refresh_tokens, signing_keys, login_throttle TO gamme_auth;

-- What every other service may read of a user (gamme_db::users: UserStatus, Person,
-- display_names; the token extractor's check): never the password hash.
GRANT SELECT (id, email, display_name, role, is_active, must_change_password, tokens_valid_after) ON users
    TO gamme_procedures, gamme_files, gamme_ai, gamme_work;

-- procedures: the asset tree, procedures and revisions, runs, search.
GRANT SELECT, INSERT, UPDATE, DELETE ON
    assets, procedures, procedure_assets, revisions, reviews, sections, steps, step_attachments,
    revision_search, runs, run_step_results
    TO gamme_procedures;
-- The audit log: appended and read, never changed (the trigger refuses UPDATE and DELETE too).
GRANT SELECT, INSERT ON audit_events TO gamme_procedures;
GRANT USAGE, SELECT ON SEQUENCE audit_events_seq_seq TO gamme_procedures;
-- What procedures reads of others: files' view, work's view.
-- file_references is its own view (who uses a file), file_uploads files' (who uploaded it): a
-- run's photos and signatures must be its technician's and no other run's.
GRANT SELECT ON file_metadata, work_order_starts, file_references, file_uploads TO gamme_procedures;

-- files: the stored files and their text.
GRANT SELECT, INSERT, UPDATE, DELETE ON files, file_texts TO gamme_files;
-- What files reads of others: procedures' view of who uses a file.
GRANT SELECT ON file_references TO gamme_files;

-- ai-worker: its jobs; it reads document text and revision content (ai-worker's sources.rs).
GRANT SELECT, INSERT, UPDATE, DELETE ON ai_jobs TO gamme_ai;
-- gamme_db::documents and revision_texts (the texts it reads), the view file_metadata (does a
-- named document exist).
GRANT SELECT ON files, file_texts, procedures, revisions, sections, steps, file_metadata TO gamme_ai;

-- work: teams, meters, plans, work orders.
GRANT SELECT, INSERT, UPDATE, DELETE ON
    teams, team_members, asset_teams, site_settings, procedure_settings, meters, meter_readings,
    meter_sources, plans, work_orders, work_order_comments, work_order_history, work_order_signals
    TO gamme_work;
GRANT USAGE, SELECT ON SEQUENCE work_orders_number_seq, work_order_history_id_seq TO gamme_work;
-- What work reads of others: gamme_db::asset_tree, procedure_refs, run_results, files' view.
GRANT SELECT ON assets, procedures, revisions, steps, runs, run_step_results, file_uploads TO gamme_work;
