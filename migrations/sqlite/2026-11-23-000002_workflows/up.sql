-- One row per carousel request: the durable workflow (requested → writing → rendering → sending →
-- done | failed | cancelled). Each finished step's output is kept, so a restart resumes from it.
CREATE TABLE workflows (
    id TEXT PRIMARY KEY NOT NULL,
    correlation_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    request_message_id INTEGER,
    status_message_id INTEGER,
    topic TEXT NOT NULL,
    lang TEXT NOT NULL,
    style TEXT,
    slides INTEGER NOT NULL,
    size TEXT NOT NULL,
    delivery TEXT NOT NULL,
    state TEXT NOT NULL,
    slides_json TEXT,
    content_source TEXT,
    error TEXT,
    cancel_requested BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    deadline_at TIMESTAMP
);
CREATE INDEX workflows_by_user_state ON workflows (user_id, state);
CREATE INDEX workflows_by_state ON workflows (state);

-- The delivery outbox: one row per album part, written before the Bot API call ("sending") and
-- marked after it ("sent"), so a resumed workflow never sends a part twice.
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
