ALTER TABLE workflows DROP COLUMN post_json;
