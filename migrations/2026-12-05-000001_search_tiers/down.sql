DROP INDEX procedures_latest_revision;
DROP INDEX procedures_published_revision;
ALTER INDEX revision_search_document RESET (fastupdate);
DROP INDEX revision_search_tags;
DROP INDEX revision_search_summary;
DROP INDEX revision_search_heading;
ALTER TABLE revision_search DROP COLUMN tags, DROP COLUMN summary, DROP COLUMN heading;
