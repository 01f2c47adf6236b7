CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT,
    username TEXT,
    language_code TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_settings (
    user_id INTEGER PRIMARY KEY NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    style TEXT NOT NULL,
    slides INTEGER NOT NULL,
    size TEXT NOT NULL,
    lang TEXT,
    delivery TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE received_updates (
    update_id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    processed_at TIMESTAMP
);
CREATE INDEX received_updates_pending ON received_updates (status) WHERE status = 'pending';

CREATE TABLE event_log (
    id TEXT PRIMARY KEY NOT NULL,
    event_type TEXT NOT NULL,
    correlation_id TEXT NOT NULL,
    causation_id TEXT,
    source TEXT NOT NULL,
    payload TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL
);
CREATE INDEX event_log_occurred_at ON event_log (occurred_at);
CREATE INDEX event_log_correlation ON event_log (correlation_id);

CREATE TABLE carousels (
    id TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER,
    topic TEXT NOT NULL,
    slides INTEGER NOT NULL,
    style TEXT NOT NULL,
    content_source TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX carousels_by_user ON carousels (user_id, created_at);
