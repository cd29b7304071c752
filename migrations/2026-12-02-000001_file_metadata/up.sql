-- files: what other services may read of an uploaded file (the procedures export describes
-- its attachments with it, and checks that an attached photo or signature was uploaded).
-- Owned by the files service; readers see these columns only, so the files table can change
-- behind it. Read through gamme_db::file_metadata.
CREATE VIEW file_metadata AS
    SELECT id, name, media_type, size_bytes, sha256 FROM files;
