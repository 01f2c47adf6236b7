ALTER TABLE workflows DROP COLUMN content_lang;
ALTER TABLE user_settings DROP COLUMN content_lang;
