-- The brand kit (issue 35): one per user, versioned like a draft (a stale save is refused).
-- `awaiting` is the image the user said they are about to send in the chat (avatar or logo),
-- taken until `awaiting_until`.
CREATE TABLE brand_kits (
    user_id INTEGER PRIMARY KEY NOT NULL,
    handle TEXT NOT NULL,
    name TEXT NOT NULL,
    accent TEXT,
    fonts TEXT NOT NULL,
    avatar_id TEXT,
    logo_id TEXT,
    version BIGINT NOT NULL,
    awaiting TEXT,
    awaiting_until TIMESTAMP,
    updated_at TIMESTAMP NOT NULL
);
-- Its images, resized and encoded (at most 512 KB each). An image the kit no longer shows is
-- kept while a carousel that is still being made draws with it.
CREATE TABLE brand_assets (
    id TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    mime TEXT NOT NULL,
    bytes BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX brand_assets_by_user ON brand_assets (user_id);
-- The kit a carousel is drawn with, fixed when its drawing starts (a resumed run draws the same);
-- NULL: drawn without a kit (the handle column alone), as before kits.
ALTER TABLE workflows ADD COLUMN brand_json TEXT;
-- A draft's own accent colour chosen in the editor (#rrggbb); NULL: the kit's, else the style's.
ALTER TABLE workflows ADD COLUMN accent TEXT;
