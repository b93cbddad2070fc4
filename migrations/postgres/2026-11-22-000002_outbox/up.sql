-- Mail waiting to go out. A job is written in the same transaction as the change it reports
-- (publishing a schedule), so nothing is announced that was rolled back and nothing
-- committed goes unannounced. dedup_key is also the Message-ID's local part: one key, one
-- message, however often it is retried.
CREATE TABLE outbox_jobs (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    participant_id BIGINT REFERENCES participants(id) ON DELETE SET NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    locked_by TEXT,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_jobs_due ON outbox_jobs(status, next_attempt_at);
CREATE INDEX outbox_jobs_event ON outbox_jobs(event_id, id);

-- A meeting's calendar identity across schedule versions: the UID clients match updates
-- by, and the SEQUENCE raised on every change (RFC 5546).
CREATE TABLE meeting_calendar (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    meeting_key TEXT NOT NULL,
    uid TEXT NOT NULL UNIQUE,
    sequence INTEGER NOT NULL DEFAULT 0,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (event_id, meeting_key)
);

-- The secret in a participant's calendar feed URL (/feeds/{token}.ics).
CREATE TABLE calendar_feeds (
    participant_id BIGINT PRIMARY KEY NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
