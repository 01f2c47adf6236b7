DROP TABLE outbox;
CREATE TABLE workflow_sends (
    workflow_id TEXT NOT NULL REFERENCES workflows(id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    method TEXT NOT NULL,
    status TEXT NOT NULL,
    message_ids TEXT,
    attempted_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    PRIMARY KEY (workflow_id, part)
);
ALTER TABLE workflows DROP COLUMN lease_until;
ALTER TABLE workflows DROP COLUMN lease_owner;
DROP INDEX received_updates_open;
UPDATE received_updates SET status = 'dispatched' WHERE status = 'claimed';
CREATE INDEX received_updates_pending ON received_updates (status) WHERE status = 'pending';
ALTER TABLE received_updates DROP COLUMN attempts;
ALTER TABLE received_updates DROP COLUMN lease_until;
ALTER TABLE received_updates DROP COLUMN lease_owner;
