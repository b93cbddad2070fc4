//! Table definitions shared by the SQLite and PostgreSQL migrations (written by hand: the two
//! dialects' DDL differ only in how ids are generated).

diesel::table! {
    events (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        time_zone -> Text,
        start_date -> Date,
        end_date -> Date,
        description -> Text,
        status -> Text,
        rooms -> Nullable<Integer>,
        allow_self_booking -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        organiser_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    event_days (id) {
        id -> BigInt,
        event_id -> BigInt,
        date -> Date,
        title -> Text,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        event_id -> BigInt,
        name -> Text,
        kind -> Text,
        country -> Text,
        website -> Text,
    }
}

diesel::table! {
    participants (id) {
        id -> BigInt,
        event_id -> BigInt,
        organisation_id -> Nullable<BigInt>,
        name -> Text,
        email -> Text,
        side -> Text,
        country -> Text,
        time_zone -> Text,
        languages -> Text,
        availability -> Text,
        comfort_from -> Nullable<Text>,
        comfort_to -> Nullable<Text>,
        max_meetings -> Nullable<Integer>,
        locale -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    participant_groups (id) {
        id -> BigInt,
        event_id -> BigInt,
        name -> Text,
        kind -> Text,
    }
}

diesel::table! {
    group_members (group_id, participant_id) {
        group_id -> BigInt,
        participant_id -> BigInt,
    }
}

diesel::table! {
    interpreters (id) {
        id -> BigInt,
        event_id -> BigInt,
        name -> Text,
        email -> Text,
        time_zone -> Text,
        languages -> Text,
        availability -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        event_id -> BigInt,
        day_id -> BigInt,
        kind -> Text,
        title -> Text,
        theme -> Text,
        host_organisation_id -> Nullable<BigInt>,
        start_local -> Text,
        end_local -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        video_link -> Text,
        capacity -> Nullable<Integer>,
        audience -> Text,
    }
}

diesel::table! {
    session_attendees (session_id, participant_id) {
        session_id -> BigInt,
        participant_id -> BigInt,
    }
}

diesel::table! {
    bilateral_windows (id) {
        id -> BigInt,
        event_id -> BigInt,
        day_id -> BigInt,
        start_local -> Text,
        end_local -> Text,
        slot_minutes -> Integer,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
    }
}

diesel::table! {
    meeting_requests (id) {
        id -> BigInt,
        event_id -> BigInt,
        from_kind -> Text,
        from_id -> BigInt,
        to_kind -> Text,
        to_id -> BigInt,
        priority -> Integer,
        message -> Text,
        status -> Text,
        length_slots -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    schedule_versions (id) {
        id -> BigInt,
        event_id -> BigInt,
        number -> Integer,
        status -> Text,
        summary -> Text,
        created_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    bookings (id) {
        id -> BigInt,
        version_id -> BigInt,
        event_id -> BigInt,
        request_id -> Nullable<BigInt>,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        room -> Nullable<Integer>,
        interpreter_id -> Nullable<BigInt>,
        video_link -> Text,
        source -> Text,
        pinned -> Bool,
    }
}

diesel::table! {
    booking_attendees (booking_id, participant_id, slot_start) {
        booking_id -> BigInt,
        version_id -> BigInt,
        participant_id -> BigInt,
        slot_start -> Timestamp,
    }
}

diesel::table! {
    outbox_jobs (id) {
        id -> BigInt,
        event_id -> BigInt,
        kind -> Text,
        participant_id -> Nullable<BigInt>,
        dedup_key -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    meeting_calendar (id) {
        id -> BigInt,
        event_id -> BigInt,
        meeting_key -> Text,
        uid -> Text,
        sequence -> Integer,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        cancelled -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (participant_id) {
        participant_id -> BigInt,
        token -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(event_days -> events (event_id));
diesel::joinable!(organisations -> events (event_id));
diesel::joinable!(participants -> events (event_id));
diesel::joinable!(participants -> organisations (organisation_id));
diesel::joinable!(participant_groups -> events (event_id));
diesel::joinable!(group_members -> participant_groups (group_id));
diesel::joinable!(group_members -> participants (participant_id));
diesel::joinable!(interpreters -> events (event_id));
diesel::joinable!(sessions -> event_days (day_id));
diesel::joinable!(session_attendees -> sessions (session_id));
diesel::joinable!(session_attendees -> participants (participant_id));
diesel::joinable!(bilateral_windows -> event_days (day_id));
diesel::joinable!(meeting_requests -> events (event_id));
diesel::joinable!(schedule_versions -> events (event_id));
diesel::joinable!(bookings -> schedule_versions (version_id));
diesel::joinable!(booking_attendees -> bookings (booking_id));
diesel::joinable!(booking_attendees -> participants (participant_id));
diesel::joinable!(outbox_jobs -> events (event_id));
diesel::joinable!(meeting_calendar -> events (event_id));
diesel::joinable!(calendar_feeds -> participants (participant_id));

diesel::table! {
    organisers (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organiser_sessions (id) {
        id -> BigInt,
        organiser_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        organiser_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    participant_links (id) {
        id -> BigInt,
        event_id -> BigInt,
        participant_id -> BigInt,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(events -> organisers (organiser_id));
diesel::joinable!(organiser_sessions -> organisers (organiser_id));
diesel::joinable!(api_tokens -> organisers (organiser_id));
diesel::joinable!(participant_links -> participants (participant_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisers,
    organiser_sessions,
    api_tokens,
    participant_links,
    events,
    event_days,
    organisations,
    participants,
    participant_groups,
    group_members,
    interpreters,
    sessions,
    session_attendees,
    bilateral_windows,
    meeting_requests,
    schedule_versions,
    bookings,
    booking_attendees,
    outbox_jobs,
    meeting_calendar,
    calendar_feeds,
);
