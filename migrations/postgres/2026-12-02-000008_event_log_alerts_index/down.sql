DROP INDEX event_log_alerts;
CREATE INDEX event_log_by_type ON event_log (event_type, occurred_at);
