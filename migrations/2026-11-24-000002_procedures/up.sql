-- Procedures service: the asset tree, procedures with numbered revisions, their sections and
-- steps, reviews, runs with their step results, search documents and the hash-chained audit log.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Accent-insensitive French and English stemming: `vérifier` and `verifier` meet, as do
-- `pompes` and `pompe`.
CREATE TEXT SEARCH CONFIGURATION gamme_fr (COPY = french);
ALTER TEXT SEARCH CONFIGURATION gamme_fr
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION gamme_en (COPY = english);
ALTER TEXT SEARCH CONFIGURATION gamme_en
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
-- For prefix matches while a person types: no stemming, accents folded.
CREATE TEXT SEARCH CONFIGURATION gamme_simple (COPY = simple);
ALTER TEXT SEARCH CONFIGURATION gamme_simple
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;

-- Site → area → equipment (equipment may hold sub-equipment).
CREATE TABLE assets (
    id UUID PRIMARY KEY,
    parent_id UUID REFERENCES assets (id),
    kind TEXT NOT NULL CHECK (kind IN ('site', 'area', 'equipment')),
    code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 64),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    manufacturer TEXT,
    model TEXT,
    serial_number TEXT,
    location TEXT,
    archived_at TIMESTAMPTZ,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((kind = 'site') = (parent_id IS NULL))
);
CREATE INDEX assets_parent ON assets (parent_id);

CREATE TABLE procedures (
    id UUID PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    -- the revision people read and run, and the newest one (what editors work on)
    published_revision_id UUID,
    latest_revision_id UUID,
    archived_at TIMESTAMPTZ,
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE procedure_assets (
    procedure_id UUID NOT NULL REFERENCES procedures (id),
    asset_id UUID NOT NULL REFERENCES assets (id),
    PRIMARY KEY (procedure_id, asset_id)
);
CREATE INDEX procedure_assets_asset ON procedure_assets (asset_id);

CREATE TABLE revisions (
    id UUID PRIMARY KEY,
    procedure_id UUID NOT NULL REFERENCES procedures (id),
    number INTEGER NOT NULL CHECK (number >= 1),
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published', 'superseded', 'archived')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    tags TEXT[] NOT NULL DEFAULT '{}',
    language TEXT NOT NULL,
    estimated_minutes INTEGER,
    tools TEXT[] NOT NULL DEFAULT '{}',
    parts TEXT[] NOT NULL DEFAULT '{}',
    ppe TEXT[] NOT NULL DEFAULT '{}',
    -- the revision this one was copied from, and for a translation, its source
    based_on_revision_id UUID REFERENCES revisions (id),
    translated_from_revision_id UUID REFERENCES revisions (id),
    author_id UUID NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMPTZ,
    reviewed_by UUID REFERENCES users (id),
    reviewed_at TIMESTAMPTZ,
    published_at TIMESTAMPTZ,
    superseded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (procedure_id, number)
);
-- At most one revision of a procedure is being written or reviewed, and one is published.
CREATE UNIQUE INDEX revisions_one_open ON revisions (procedure_id) WHERE status IN ('draft', 'in_review');
CREATE UNIQUE INDEX revisions_one_published ON revisions (procedure_id) WHERE status = 'published';

ALTER TABLE procedures
    ADD FOREIGN KEY (published_revision_id) REFERENCES revisions (id),
    ADD FOREIGN KEY (latest_revision_id) REFERENCES revisions (id);

-- Every decision on a submitted revision, kept after later ones.
CREATE TABLE reviews (
    id UUID PRIMARY KEY,
    revision_id UUID NOT NULL REFERENCES revisions (id),
    reviewer_id UUID NOT NULL REFERENCES users (id),
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    comment TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX reviews_revision ON reviews (revision_id);

CREATE TABLE sections (
    id UUID PRIMARY KEY,
    revision_id UUID NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    title TEXT NOT NULL,
    UNIQUE (revision_id, position) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE steps (
    id UUID PRIMARY KEY,
    revision_id UUID NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
    -- the same step across revisions keeps its key: diffs and statistics follow it
    key UUID NOT NULL,
    section_id UUID REFERENCES sections (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 0),
    kind TEXT NOT NULL CHECK (kind IN ('instruction', 'checkbox', 'pass_fail', 'number', 'text', 'choice', 'photo', 'signature')),
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    warning_level TEXT CHECK (warning_level IN ('note', 'caution', 'warning', 'danger')),
    warning_text TEXT,
    required BOOLEAN NOT NULL DEFAULT TRUE,
    unit TEXT,
    min_value DOUBLE PRECISION,
    max_value DOUBLE PRECISION,
    options TEXT[] NOT NULL DEFAULT '{}',
    CHECK (min_value IS NULL OR max_value IS NULL OR min_value <= max_value),
    UNIQUE (revision_id, position) DEFERRABLE INITIALLY DEFERRED,
    UNIQUE (revision_id, key)
);

CREATE TABLE step_attachments (
    step_id UUID NOT NULL REFERENCES steps (id) ON DELETE CASCADE,
    file_id UUID NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (step_id, file_id)
);
CREATE INDEX step_attachments_file ON step_attachments (file_id);

-- Kept out of schema.rs (see diesel.toml): written and read with SQL by the search module.
CREATE TABLE revision_search (
    revision_id UUID PRIMARY KEY REFERENCES revisions (id) ON DELETE CASCADE,
    document TSVECTOR NOT NULL
);
CREATE INDEX revision_search_document ON revision_search USING GIN (document);

CREATE TABLE runs (
    id UUID PRIMARY KEY,
    procedure_id UUID NOT NULL REFERENCES procedures (id),
    revision_id UUID NOT NULL REFERENCES revisions (id),
    asset_id UUID REFERENCES assets (id),
    technician_id UUID NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
    outcome TEXT CHECK (outcome IN ('passed', 'failed')),
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    completed_at TIMESTAMPTZ,
    signoff_name TEXT,
    signoff_at TIMESTAMPTZ,
    signature_file_id UUID,
    CHECK ((status = 'completed') = (completed_at IS NOT NULL))
);
CREATE INDEX runs_procedure ON runs (procedure_id, started_at DESC);
CREATE INDEX runs_asset ON runs (asset_id, started_at DESC);
CREATE INDEX runs_technician ON runs (technician_id, started_at DESC);

-- One result per step of a run; `id` is the client's, so a retried call finds its result.
CREATE TABLE run_step_results (
    id UUID PRIMARY KEY,
    run_id UUID NOT NULL REFERENCES runs (id),
    step_id UUID NOT NULL REFERENCES steps (id),
    value JSONB,
    note TEXT,
    photo_ids UUID[] NOT NULL DEFAULT '{}',
    passed BOOLEAN,
    out_of_limit BOOLEAN NOT NULL DEFAULT FALSE,
    recorded_by UUID NOT NULL REFERENCES users (id),
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- client ids of the entries this one replaced: a late retry of one of them changes nothing
    replaced_ids UUID[] NOT NULL DEFAULT '{}',
    UNIQUE (run_id, step_id)
);

-- Append-only: each entry's hash covers its content and the previous entry's hash.
CREATE TABLE audit_events (
    seq BIGSERIAL PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_id UUID NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id UUID NOT NULL,
    procedure_id UUID,
    before JSONB,
    after JSONB,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_events_procedure ON audit_events (procedure_id, seq);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id, seq);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- What the files service reads to tell who uses a file; `protected` forbids deleting it.
CREATE VIEW file_references AS
    SELECT a.file_id, 'revision'::text AS source, s.revision_id AS source_id,
           r.status IN ('published', 'superseded') AS protected
    FROM step_attachments a JOIN steps s ON s.id = a.step_id JOIN revisions r ON r.id = s.revision_id
    UNION ALL
    SELECT unnest(res.photo_ids), 'run', res.run_id, ru.status = 'completed'
    FROM run_step_results res JOIN runs ru ON ru.id = res.run_id
    UNION ALL
    SELECT ru.signature_file_id, 'run', ru.id, ru.status = 'completed'
    FROM runs ru WHERE ru.signature_file_id IS NOT NULL;
