-- What each user has used of the work that costs a model call or a full render, per kind, in the
-- current minute and day (both as numbers: minutes and days since the Unix epoch, UTC). One row
-- per user and kind, counted and checked in one statement, so replicas share the quotas.
CREATE TABLE usage_quotas (
    user_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    minute BIGINT NOT NULL,
    minute_count INTEGER NOT NULL,
    day BIGINT NOT NULL,
    day_count INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
);
