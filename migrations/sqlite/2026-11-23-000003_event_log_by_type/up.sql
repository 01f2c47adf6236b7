-- Start-up reads the newest alerts back by type; without this it walks the whole log.
CREATE INDEX event_log_by_type ON event_log (event_type, occurred_at);
