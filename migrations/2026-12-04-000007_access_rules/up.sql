-- Who may see what, written once in SQL so that every service (files, procedures, the AI
-- worker) asks the same question and lists can be filtered in the query, paging exact.
-- Roles are the users.role values; editors and admins see everything.
-- The functions run with their owner's rights (SECURITY DEFINER, search path pinned): a service's
-- role asks "may this person see it?" and learns a yes or no, without read rights on the other
-- services' tables the answer depends on (files does not read runs or revisions).

-- procedures: who may see a run. Its technician, editors and admins always; anyone else
-- (technicians, viewers) once it is completed and signed off: the equipment's history is
-- the team's, a run in progress is its technician's until signed off.
CREATE FUNCTION run_visible_to(run_id UUID, reader_id UUID, reader_role TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT reader_role IN ('admin', 'editor')
        OR EXISTS (SELECT 1 FROM runs r
                   WHERE r.id = run_id AND (r.technician_id = reader_id OR r.status = 'completed'))
$$;

-- procedures: who may see a revision. Editors and admins every one; others the published
-- revision of a procedure that is not archived.
CREATE FUNCTION revision_visible_to(revision_id UUID, reader_id UUID, reader_role TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT reader_role IN ('admin', 'editor')
        OR EXISTS (SELECT 1 FROM revisions v JOIN procedures p ON p.id = v.procedure_id
                   WHERE v.id = revision_id AND v.status = 'published' AND p.archived_at IS NULL)
$$;

-- procedures: whether the reader may see what a `file_references` row names.
CREATE FUNCTION file_reference_visible_to(source TEXT, source_id UUID, reader_id UUID, reader_role TEXT)
RETURNS BOOLEAN LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT CASE source
        WHEN 'revision' THEN revision_visible_to(source_id, reader_id, reader_role)
        WHEN 'run' THEN run_visible_to(source_id, reader_id, reader_role)
        ELSE FALSE
    END
$$;

-- files: who may see a file. Its uploader, editors and admins; anyone else when something
-- they may see uses it. Read through gamme_db::file_access.
CREATE FUNCTION file_visible_to(file_id UUID, reader_id UUID, reader_role TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT reader_role IN ('admin', 'editor')
        OR EXISTS (SELECT 1 FROM files f WHERE f.id = file_id AND f.uploader_id = reader_id)
        OR EXISTS (SELECT 1 FROM file_references r
                   WHERE r.file_id = file_visible_to.file_id
                     AND file_reference_visible_to(r.source, r.source_id, reader_id, reader_role))
$$;

-- auth: a temporary password (one an admin handed out) stops signing in after a while.
ALTER TABLE users ADD COLUMN temporary_password_expires_at TIMESTAMPTZ;
