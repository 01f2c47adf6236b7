-- Trace context (issue 14): the W3C traceparent a workflow was started under and an outbox row
-- was recorded under, so the work continues (or links to) that trace wherever it runs; the
-- trace id of each audit record, to go from an event to its trace.
ALTER TABLE workflows ADD COLUMN trace_parent TEXT;
ALTER TABLE outbox ADD COLUMN trace_parent TEXT;
ALTER TABLE event_log ADD COLUMN trace_id TEXT;
