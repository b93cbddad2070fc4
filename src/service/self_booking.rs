//! A participant books an open slot with another participant in the published schedule.
//!
//! Exactly one of several simultaneous attempts on the same person and slot wins: the unique
//! index on `booking_attendees (version, participant, slot)` decides, in whichever process
//! the requests land; the others get 409 from [`schedule::book`].

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{events, schedule};
use crate::db::schema::schedule_versions;
use crate::db::Conn;
use crate::domain::{BookingSource, VersionStatus};
use crate::error::{AppError, AppResult};
use crate::service::schedule::{Booking, BookingInput};
use crate::with_conn;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfBookingInput {
    /// The other participant.
    pub with: i64,
    /// The start of a free bilateral slot (UTC instant).
    pub start: DateTime<Utc>,
    /// Consecutive slots (default 1).
    #[serde(default)]
    pub length_slots: Option<i32>,
    /// The request this meeting honours, if any.
    #[serde(default)]
    pub request_id: Option<i64>,
}

pub fn book(
    conn: &mut Conn,
    event_id: i64,
    participant_id: i64,
    input: &SelfBookingInput,
) -> AppResult<Booking> {
    let event = events::row(conn, event_id)?;
    if !event.allow_self_booking {
        return Err(AppError::Forbidden(
            "this event does not let participants book meetings themselves".into(),
        ));
    }
    if input.with == participant_id {
        return Err(AppError::invalid(
            "with",
            "a meeting needs another participant",
        ));
    }
    let published: Option<i64> = with_conn!(conn, |c| schedule_versions::table
        .filter(schedule_versions::event_id.eq(event_id))
        .filter(schedule_versions::status.eq(VersionStatus::Published.as_str()))
        .select(schedule_versions::id)
        .first(c)
        .optional())?;
    let Some(version_id) = published else {
        return Err(AppError::conflict(
            "version",
            "the schedule is not published yet; booking opens when it is",
        ));
    };
    schedule::book(
        conn,
        event_id,
        version_id,
        &BookingInput {
            request_id: input.request_id,
            participant_ids: vec![participant_id, input.with],
            start: input.start,
            length_slots: input.length_slots,
            interpreter_id: None,
            video_link: String::new(),
            pinned: false,
        },
        BookingSource::SelfBooked,
    )
}
