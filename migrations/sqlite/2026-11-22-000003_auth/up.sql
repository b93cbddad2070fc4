-- Organisers sign in with e-mail and password (argon2id PHC string); sessions, API tokens and
-- participant links store only the SHA-256 of their random token, so a database dump grants
-- no access. Rate limiting is in memory (per process), so it needs no table.

CREATE TABLE organisers (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE organiser_sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organiser_id BIGINT NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    organiser_id BIGINT NOT NULL REFERENCES organisers(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

-- Existing events have no owner; only new ones get the creating organiser.
ALTER TABLE events ADD COLUMN organiser_id BIGINT REFERENCES organisers(id) ON DELETE SET NULL;
CREATE INDEX events_organiser ON events (organiser_id);

CREATE TABLE participant_links (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX participant_links_participant ON participant_links (participant_id);
