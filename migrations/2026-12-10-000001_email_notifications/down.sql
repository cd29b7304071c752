DROP TABLE notification_emails;
DROP TABLE notification_languages;
ALTER TABLE notification_preferences DROP COLUMN email;
