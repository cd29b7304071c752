-- files: uploaded files' metadata (the bytes live on the files volume, content-addressed by
-- SHA-256, so the same bytes uploaded twice are stored once) and the text extracted from them.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- unaccent() is only STABLE (its dictionary could change), which a generated column refuses;
-- naming the dictionary makes this wrapper safe to declare IMMUTABLE.
CREATE FUNCTION files_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

CREATE TABLE files (
    -- UUIDv7: ordering by id is ordering by upload time, which the list's cursor relies on
    id UUID PRIMARY KEY,
    uploader_id UUID NOT NULL REFERENCES users (id),
    -- display only: cleaned of paths and control characters; never used to find the bytes
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    -- decided from the bytes against the allow-list
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256 TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- made off the request path, after file.uploaded
    thumbnail_status TEXT NOT NULL DEFAULT 'pending'
        CHECK (thumbnail_status IN ('pending', 'ready', 'not_applicable', 'refused', 'failed')),
    -- why a thumbnail was refused or failed, for the operator (never shown as-is to users)
    thumbnail_note TEXT,
    text_status TEXT NOT NULL DEFAULT 'pending'
        CHECK (text_status IN ('pending', 'extracted', 'no_text_layer', 'not_applicable', 'failed')),
    text_pages INTEGER,
    text_note TEXT
);
CREATE INDEX files_sha256 ON files (sha256);
CREATE INDEX files_uploader_id ON files (uploader_id, id);

-- Text per page, cut into chunks of one to two kB for full-text search and for the AI
-- worker's citations (file + page).
CREATE TABLE file_texts (
    file_id UUID NOT NULL REFERENCES files (id) ON DELETE CASCADE,
    page INTEGER NOT NULL CHECK (page >= 1),
    chunk INTEGER NOT NULL CHECK (chunk >= 0),
    body TEXT NOT NULL,
    -- 'simple' keeps French and English words as written; unaccent makes "purge" find "purgé"
    search TSVECTOR NOT NULL GENERATED ALWAYS AS (to_tsvector('simple', files_unaccent(body))) STORED,
    PRIMARY KEY (file_id, page, chunk)
);
CREATE INDEX file_texts_search ON file_texts USING GIN (search);
