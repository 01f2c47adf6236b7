-- Outbox ids are `<correlation>:<what>` (ASCII). Compared bytewise, a correlation's rows are one
-- range of the primary key, so the trace finds them (`id LIKE '<correlation>:%'`) without
-- reading the whole table, which now keeps sent rows as long as the event log.
ALTER TABLE outbox ALTER COLUMN id TYPE TEXT COLLATE "C";
