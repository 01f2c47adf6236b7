ALTER TABLE workflows DROP COLUMN accent;
ALTER TABLE workflows DROP COLUMN brand_json;
DROP TABLE brand_assets;
DROP TABLE brand_kits;
