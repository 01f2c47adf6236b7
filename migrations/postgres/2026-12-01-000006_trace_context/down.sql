ALTER TABLE event_log DROP COLUMN trace_id;
ALTER TABLE outbox DROP COLUMN trace_parent;
ALTER TABLE workflows DROP COLUMN trace_parent;
