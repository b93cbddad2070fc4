CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',
    rooms INTEGER,
    allow_self_booking BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (end_date >= start_date)
);

CREATE TABLE event_days (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    date DATE NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, date)
);

CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'company',
    country TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    UNIQUE (event_id, name)
);

CREATE TABLE participants (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    organisation_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    side TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '[]',
    availability TEXT NOT NULL DEFAULT '{}',
    comfort_from TEXT,
    comfort_to TEXT,
    max_meetings INTEGER,
    locale TEXT NOT NULL DEFAULT 'en',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (event_id, email)
);

CREATE TABLE participant_groups (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    UNIQUE (event_id, name)
);

CREATE TABLE group_members (
    group_id BIGINT NOT NULL REFERENCES participant_groups(id) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, participant_id)
);

CREATE TABLE interpreters (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    time_zone TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '[]',
    availability TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    day_id BIGINT NOT NULL REFERENCES event_days(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT '',
    host_organisation_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
    start_local TEXT NOT NULL,
    end_local TEXT NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    video_link TEXT NOT NULL DEFAULT '',
    capacity INTEGER,
    audience TEXT NOT NULL DEFAULT 'everyone',
    CHECK (ends_at > starts_at)
);

CREATE TABLE session_attendees (
    session_id BIGINT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, participant_id)
);

CREATE TABLE bilateral_windows (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    day_id BIGINT NOT NULL REFERENCES event_days(id),
    start_local TEXT NOT NULL,
    end_local TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes > 0),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);

CREATE TABLE meeting_requests (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    from_kind TEXT NOT NULL,
    from_id BIGINT NOT NULL,
    to_kind TEXT NOT NULL,
    to_id BIGINT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 1,
    message TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'requested',
    length_slots INTEGER NOT NULL DEFAULT 1 CHECK (length_slots > 0),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX meeting_requests_event ON meeting_requests(event_id, status);

CREATE TABLE schedule_versions (
    id BIGSERIAL PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft',
    summary TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    UNIQUE (event_id, number)
);

CREATE TABLE bookings (
    id BIGSERIAL PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES schedule_versions(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    request_id BIGINT REFERENCES meeting_requests(id) ON DELETE SET NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    room INTEGER,
    interpreter_id BIGINT REFERENCES interpreters(id) ON DELETE SET NULL,
    video_link TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    CHECK (ends_at > starts_at)
);
CREATE INDEX bookings_version ON bookings(version_id);

-- One row per person and occupied slot: the unique index is what makes a double booking
-- impossible, whichever process writes.
CREATE TABLE booking_attendees (
    booking_id BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    version_id BIGINT NOT NULL REFERENCES schedule_versions(id) ON DELETE CASCADE,
    participant_id BIGINT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    slot_start TIMESTAMP NOT NULL,
    PRIMARY KEY (booking_id, participant_id, slot_start),
    UNIQUE (version_id, participant_id, slot_start)
);
