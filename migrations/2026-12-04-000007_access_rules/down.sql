ALTER TABLE users DROP COLUMN temporary_password_expires_at;
DROP FUNCTION file_visible_to(UUID, UUID, TEXT);
DROP FUNCTION file_reference_visible_to(TEXT, UUID, UUID, TEXT);
DROP FUNCTION revision_visible_to(UUID, UUID, TEXT);
DROP FUNCTION run_visible_to(UUID, UUID, TEXT);
