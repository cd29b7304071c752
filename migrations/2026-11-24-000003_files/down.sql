DROP TABLE file_texts;
DROP TABLE files;
DROP FUNCTION files_unaccent(text);
-- unaccent stays: other owners' search may use it.
