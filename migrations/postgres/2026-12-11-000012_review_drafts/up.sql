-- Review before render (issue 35). Each user's choice in /settings: NULL until they choose
-- (the operator's `review_by_default` applies, on unless set otherwise), and off for everyone
-- who used the bot before review existed, so their one-press flow stays as it was.
ALTER TABLE user_settings ADD COLUMN review BOOLEAN;
UPDATE user_settings SET review = FALSE;
-- Each workflow fixes at request time whether it stops for review; a draft under review has a
-- version (bumped by every edit: a stale save is refused) and a time it expires at.
ALTER TABLE workflows ADD COLUMN review BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE workflows ADD COLUMN draft_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workflows ADD COLUMN review_until TIMESTAMP;
