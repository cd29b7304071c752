DROP VIEW file_metadata;
