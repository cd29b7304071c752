ALTER TABLE steps
    DROP CONSTRAINT steps_limit_source_whole,
    DROP COLUMN limit_source_passage,
    DROP COLUMN limit_source_page,
    DROP COLUMN limit_source_file_id;
