-- Work is owned through leases in the store, never through process memory: a replica that claims
-- a row writes its id and an expiry; any replica may claim the row again once the lease expired.
ALTER TABLE received_updates ADD COLUMN lease_owner TEXT;
ALTER TABLE received_updates ADD COLUMN lease_until TIMESTAMP;
ALTER TABLE received_updates ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
-- "dispatched" becomes "claimed"; a claim with no expiry is taken again at once.
UPDATE received_updates SET status = 'claimed' WHERE status = 'dispatched';
DROP INDEX received_updates_pending;
CREATE INDEX received_updates_open ON received_updates (update_id) WHERE status IN ('pending', 'claimed');

ALTER TABLE workflows ADD COLUMN lease_owner TEXT;
ALTER TABLE workflows ADD COLUMN lease_until TIMESTAMP;

-- Everything the bot owes Telegram, one row per call, written before the call is made.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    method TEXT NOT NULL,
    payload TEXT NOT NULL,
    workflow_id TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_until TIMESTAMP,
    last_error TEXT,
    message_ids TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE status = 'sending';
CREATE INDEX outbox_by_workflow ON outbox (workflow_id) WHERE workflow_id IS NOT NULL;

-- Album parts already sent keep their record under the id the outbox gives them; the rest are
-- enqueued again by their resumed workflow.
INSERT INTO outbox (id, chat_id, method, payload, workflow_id, status, attempts, next_attempt_at,
                    message_ids, created_at, sent_at)
SELECT 'album:' || s.workflow_id || ':' || s.part, w.chat_id, 'album_part', '{}', s.workflow_id,
       'sent', 1, s.attempted_at, s.message_ids, s.attempted_at, s.sent_at
FROM workflow_sends s JOIN workflows w ON w.id = s.workflow_id
WHERE s.status = 'sent';
DROP TABLE workflow_sends;
