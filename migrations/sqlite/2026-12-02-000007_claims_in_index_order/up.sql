-- Claims read due rows in claim order straight from an index and stop at the batch size. The
-- earlier indexes could not give that order for "pending, or leased and lapsed", so every claim
-- sorted the whole backlog (14 ms a claim with 50k replies waiting, most of the database's time).
DROP INDEX received_updates_open;
CREATE INDEX received_updates_due ON received_updates (update_id) WHERE status = 'pending';
CREATE INDEX received_updates_leased ON received_updates (lease_until) WHERE status = 'claimed';
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at, created_at, id) WHERE status = 'pending';
