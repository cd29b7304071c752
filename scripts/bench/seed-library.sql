-- Seeds a migrated Gamme database with a library of published procedures, straight in SQL (the
-- API takes hours for 100,000): for the search benchmarks and scripts/bench.sh.
--
--   psql -v ON_ERROR_STOP=1 -v procedures=100000 -f scripts/bench/seed-library.sql <database url>
--
-- Variables: `procedures` (10000), `steps` per procedure (30, ten to a section), `prefix` of the
-- codes (LIB: LIB-000001, …; use another one to add a second library beside the first).
--
-- What it writes, in one transaction: a user seed.library@gamme.test (editor, no usable
-- password) who authored and approved everything, unless it exists; then per procedure n one
-- procedure with revision 1 published (title "Inspection <noun> <n>", description "Inspection
-- périodique du <noun> numéro <n>.", tags bench and ligne-1 … ligne-7), its sections and steps
-- (the 30-step content of scripts/bench/seed.py: "Step k: <kind> check", a body about the
-- coupling and the seals, a caution on each section's first step, units and options), and its
-- revision_search row. Procedure n is about the noun n mod 10 (pompe, vanne, …), as in seed.py:
-- `pompe` matches a tenth of the library, `inspection` all of it, `coupling` all of it in the
-- steps only, `ligne-3` is the tag of a seventh.
--
-- The search documents are built like services/procedures/src/search.rs `index` builds them: the
-- same text (section titles, then each step's title, body, warning and options, one a line; the
-- description followed by the tags, tools, parts and PPE) and the same tsvector expressions. If
-- `index` changes, change them here.

\if :{?procedures}
\else
    \set procedures 10000
\endif
\if :{?steps}
\else
    \set steps 30
\endif
\if :{?prefix}
\else
    \set prefix LIB
\endif

BEGIN;

INSERT INTO users (id, email, display_name, password_hash, role)
VALUES (gen_random_uuid(), 'seed.library@gamme.test', 'Library seed', '!', 'editor')
ON CONFLICT (email) DO NOTHING;

CREATE TEMP TABLE seed_procedures ON COMMIT DROP AS
SELECT n,
       (ARRAY['pompe', 'vanne', 'compresseur', 'moteur', 'convoyeur', 'chaudière', 'ventilateur',
              'transformateur', 'échangeur', 'réducteur'])[n % 10 + 1] AS noun,
       gen_random_uuid() AS procedure_id,
       gen_random_uuid() AS revision_id,
       format('%s-%s', :'prefix', lpad(n::text, 6, '0')) AS code,
       (SELECT id FROM users WHERE email = 'seed.library@gamme.test') AS author_id
FROM generate_series(1, :procedures) n;

INSERT INTO procedures (id, code, created_by)
SELECT procedure_id, code, author_id FROM seed_procedures;

INSERT INTO revisions (id, procedure_id, number, status, title, description, tags, language,
                       author_id, submitted_at, reviewed_by, reviewed_at, published_at)
SELECT revision_id, procedure_id, 1, 'published', format('Inspection %s %s', noun, n),
       format('Inspection périodique du %s numéro %s.', noun, n), ARRAY['bench', 'ligne-' || (n % 7 + 1)],
       'fr', author_id, now(), author_id, now(), now()
FROM seed_procedures;

UPDATE procedures p SET published_revision_id = s.revision_id, latest_revision_id = s.revision_id
FROM seed_procedures s WHERE p.id = s.procedure_id;

CREATE TEMP TABLE seed_sections ON COMMIT DROP AS
SELECT p.revision_id, k AS position, gen_random_uuid() AS id, format('Section %s', k + 1) AS title
FROM seed_procedures p, generate_series(0, (:steps - 1) / 10) k;

INSERT INTO sections (id, revision_id, position, title)
SELECT id, revision_id, position, title FROM seed_sections;

CREATE TEMP TABLE seed_steps ON COMMIT DROP AS
SELECT gen_random_uuid() AS id, revision_id, section_id, section_position, position, kind,
       format('Step %s: %s check', position + 1, kind) AS title,
       repeat('Check the **coupling** and the seals; write what you see. ', 3) AS body,
       CASE WHEN position % 10 = 0 THEN 'caution' END AS warning_level,
       CASE WHEN position % 10 = 0 THEN 'Hot surfaces' END AS warning_text,
       CASE WHEN kind = 'choice' THEN ARRAY['clear', 'dark', 'milky'] ELSE '{}' END AS options
FROM (
    SELECT p.revision_id, sec.id AS section_id, sec.position AS section_position, i AS position,
           (ARRAY['instruction', 'checkbox', 'pass_fail', 'number', 'text', 'choice'])[i % 6 + 1] AS kind
    FROM seed_procedures p
    CROSS JOIN generate_series(0, :steps - 1) i
    JOIN seed_sections sec ON sec.revision_id = p.revision_id AND sec.position = i / 10
) numbered;

INSERT INTO steps (id, revision_id, key, section_id, position, kind, title, body, warning_level,
                   warning_text, unit, min_value, max_value, options)
SELECT id, revision_id, gen_random_uuid(), section_id, position, kind, title, body, warning_level,
       warning_text, CASE WHEN kind = 'number' THEN 'bar' END, CASE WHEN kind = 'number' THEN 2.0 END,
       CASE WHEN kind = 'number' THEN 3.0 END, options
FROM seed_steps;

-- The steps' text as search::index joins it: each section's title, then its steps.
CREATE TEMP TABLE seed_texts ON COMMIT DROP AS
SELECT revision_id, string_agg(line, '' ORDER BY section_position, position) AS text
FROM (
    SELECT revision_id, position AS section_position, -1 AS position, title || E'\n' AS line
    FROM seed_sections
    UNION ALL
    SELECT revision_id, section_position, position,
           title || E'\n' || body || E'\n' || coalesce(warning_text || E'\n', '')
               || CASE WHEN cardinality(options) > 0 THEN array_to_string(options, E'\n') || E'\n' ELSE '' END
    FROM seed_steps
) lines
GROUP BY revision_id;

-- search::index: heading (A), summary (heading and B), document (summary and C), tags.
INSERT INTO revision_search (revision_id, heading, summary, document, tags)
SELECT revision_id, heading, heading || labels, heading || labels || steps, tags
FROM (
    SELECT r.id AS revision_id, ARRAY(SELECT lower(t) FROM unnest(r.tags) t) AS tags,
           setweight(to_tsvector('gamme_simple', p.code || ' ' || r.title), 'A')
               || setweight(to_tsvector('gamme_fr', r.title), 'A')
               || setweight(to_tsvector('gamme_en', r.title), 'A') AS heading,
           setweight(to_tsvector('gamme_fr', r.description || ' ' || labels.text), 'B')
               || setweight(to_tsvector('gamme_en', r.description || ' ' || labels.text), 'B') AS labels,
           setweight(to_tsvector('gamme_fr', t.text), 'C') || setweight(to_tsvector('gamme_en', t.text), 'C') AS steps
    FROM seed_procedures s
    JOIN revisions r ON r.id = s.revision_id
    JOIN procedures p ON p.id = s.procedure_id
    JOIN seed_texts t ON t.revision_id = s.revision_id
    CROSS JOIN LATERAL (
        SELECT concat_ws(' ', array_to_string(r.tags, ' '), array_to_string(r.tools, ' '),
                         array_to_string(r.parts, ' '), array_to_string(r.ppe, ' ')) AS text
    ) labels
) documents;

COMMIT;

-- Statistics for the planner, and the visibility map for index-only scans.
VACUUM ANALYZE procedures;
VACUUM ANALYZE revisions;
VACUUM ANALYZE revision_search;
