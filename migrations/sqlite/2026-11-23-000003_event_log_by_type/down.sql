DROP INDEX event_log_by_type;
