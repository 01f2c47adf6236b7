-- Slides show the requester's own name, never the bot's (issue 32): whose name each user wants
-- on their slides, and the footer text each workflow fixed when it was requested (re-rendering
-- draws the same). Rows from before carry no handle; the renderer's default applies to them.
ALTER TABLE user_settings ADD COLUMN handle TEXT NOT NULL DEFAULT 'username';
ALTER TABLE workflows ADD COLUMN handle TEXT;
