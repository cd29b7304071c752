-- Search pages whose cost follows the page, not the number of matches: besides the whole
-- document, each revision keeps its heading (code and title, weight A) and its summary (the
-- heading with the description and labels, weights A and B). A search lists the procedures whose
-- heading matches, then those whose summary matches, then those matched in their steps, each
-- tier by code, so Postgres walks an index in that order and stops at the page's end instead of
-- ranking every match (services/procedures/src/search.rs).
-- The revision's tags, lower-cased, are kept there too: a search filtered by tag reads both
-- from the same row, and a sparse tier's index is intersected with the tags' one.
ALTER TABLE revision_search
    ADD COLUMN heading TSVECTOR NOT NULL DEFAULT '',
    ADD COLUMN summary TSVECTOR NOT NULL DEFAULT '',
    ADD COLUMN tags TEXT[] NOT NULL DEFAULT '{}';

-- The same expressions as search::index writes.
UPDATE revision_search s
SET heading = v.heading, summary = v.heading || v.labels, tags = v.tags
FROM (
    SELECT r.id,
           ARRAY(SELECT lower(t) FROM unnest(r.tags) t) AS tags,
           setweight(to_tsvector('gamme_simple', p.code || ' ' || r.title), 'A')
               || setweight(to_tsvector('gamme_fr', r.title), 'A')
               || setweight(to_tsvector('gamme_en', r.title), 'A') AS heading,
           setweight(to_tsvector('gamme_fr', r.description || ' ' || labels.text), 'B')
               || setweight(to_tsvector('gamme_en', r.description || ' ' || labels.text), 'B') AS labels
    FROM revisions r
    JOIN procedures p ON p.id = r.procedure_id
    CROSS JOIN LATERAL (
        SELECT concat_ws(' ', array_to_string(r.tags, ' '), array_to_string(r.tools, ' '),
                         array_to_string(r.parts, ' '), array_to_string(r.ppe, ' ')) AS text
    ) labels
) v
WHERE v.id = s.revision_id;

ALTER TABLE revision_search
    ALTER COLUMN heading DROP DEFAULT, ALTER COLUMN summary DROP DEFAULT, ALTER COLUMN tags DROP DEFAULT;

-- For words few procedures hold: their matches are read from these and sorted. Without the
-- pending list (fastupdate) every search would also scan the entries not yet merged; revisions
-- change seldom, so each write merges its own.
CREATE INDEX revision_search_heading ON revision_search USING GIN (heading) WITH (fastupdate = off);
CREATE INDEX revision_search_summary ON revision_search USING GIN (summary) WITH (fastupdate = off);
CREATE INDEX revision_search_tags ON revision_search USING GIN (tags) WITH (fastupdate = off);
ALTER INDEX revision_search_document SET (fastupdate = off);
SELECT gin_clean_pending_list('revision_search_document'::regclass);

-- A hit found in an index is joined back to the procedure that shows its revision.
CREATE INDEX procedures_published_revision ON procedures (published_revision_id);
CREATE INDEX procedures_latest_revision ON procedures (latest_revision_id);
