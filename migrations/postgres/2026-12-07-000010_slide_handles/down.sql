ALTER TABLE workflows DROP COLUMN handle;
ALTER TABLE user_settings DROP COLUMN handle;
