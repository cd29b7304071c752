-- Where a number step's limit was read: the uploaded document, its page and the exact passage
-- that states the unit, minimum and maximum. A limit without one was typed by a person (or
-- changed by one after it was read), and the reviewer is told so. All three or none.
ALTER TABLE steps
    ADD COLUMN limit_source_file_id uuid,
    ADD COLUMN limit_source_page integer,
    ADD COLUMN limit_source_passage text,
    ADD CONSTRAINT steps_limit_source_whole CHECK (
        (limit_source_file_id IS NULL AND limit_source_page IS NULL AND limit_source_passage IS NULL)
        OR (limit_source_file_id IS NOT NULL AND limit_source_page >= 1
            AND length(limit_source_passage) BETWEEN 1 AND 2000)
    );
