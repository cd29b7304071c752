-- The roles are the server's, shared by every database migrated on it: only this database's
-- grants are taken back; the roles stay.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM gamme_auth, gamme_procedures, gamme_files, gamme_ai, gamme_work;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM gamme_auth, gamme_procedures, gamme_files, gamme_ai, gamme_work;
REVOKE ALL ON SCHEMA public FROM gamme_auth, gamme_procedures, gamme_files, gamme_ai, gamme_work;
