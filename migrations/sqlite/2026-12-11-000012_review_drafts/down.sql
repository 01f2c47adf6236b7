ALTER TABLE workflows DROP COLUMN review_until;
ALTER TABLE workflows DROP COLUMN draft_version;
ALTER TABLE workflows DROP COLUMN review;
ALTER TABLE user_settings DROP COLUMN review;
