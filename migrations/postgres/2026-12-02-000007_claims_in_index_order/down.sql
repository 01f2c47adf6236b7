DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
DROP INDEX received_updates_leased;
DROP INDEX received_updates_due;
CREATE INDEX received_updates_open ON received_updates (update_id) WHERE status IN ('pending', 'claimed');
