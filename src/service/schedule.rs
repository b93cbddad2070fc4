//! Schedules: versions of bookings (draft, published, superseded), bookings placed by the
//! solver, the organiser or a participant, publishing, and the CSV export.
//!
//! A booking stores one `booking_attendees` row per person and occupied slot; the unique
//! index on (version, person, slot) is what makes a double booking impossible, whichever
//! process writes. Rooms and interpreters are checked inside the same transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{events, now, programme, Check};
use crate::db::models::{BookingAttendeeRow, BookingRow, NewBooking, NewVersion, VersionRow};
use crate::db::schema::{
    booking_attendees, bookings, interpreters, participants, schedule_versions,
};
use crate::db::Conn;
use crate::domain::{BookingSource, VersionStatus};
use crate::error::{AppError, AppResult};
use crate::with_conn;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Version {
    pub id: i64,
    pub number: i32,
    pub status: VersionStatus,
    /// What produced it: the solver's score breakdown, or the organiser's note.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::option::serialize")]
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Booking {
    pub id: i64,
    pub version_id: i64,
    pub request_id: Option<i64>,
    pub participant_ids: Vec<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub room: Option<i32>,
    pub interpreter_id: Option<i64>,
    pub video_link: String,
    pub source: BookingSource,
    pub pinned: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Schedule {
    pub version: Version,
    pub bookings: Vec<Booking>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingInput {
    /// The request this meeting honours, if any.
    #[serde(default)]
    pub request_id: Option<i64>,
    /// Everyone who attends (two or more participants of the event).
    pub participant_ids: Vec<i64>,
    /// The start of a bilateral slot (UTC instant).
    pub start: DateTime<Utc>,
    /// Consecutive slots (default 1).
    #[serde(default)]
    pub length_slots: Option<i32>,
    #[serde(default)]
    pub interpreter_id: Option<i64>,
    #[serde(default)]
    pub video_link: String,
    /// Keep it where it is when the solver re-plans.
    #[serde(default)]
    pub pinned: bool,
}

fn internal(e: crate::domain::DomainError) -> AppError {
    AppError::Internal(e.to_string())
}

fn to_version(row: VersionRow) -> AppResult<Version> {
    Ok(Version {
        id: row.id,
        number: row.number,
        status: VersionStatus::parse(&row.status, "status").map_err(internal)?,
        summary: serde_json::from_str(&row.summary).unwrap_or(serde_json::Value::Null),
        created_at: row.created_at,
        published_at: row.published_at,
    })
}

pub fn versions(conn: &mut Conn, event_id: i64) -> AppResult<Vec<Version>> {
    events::row(conn, event_id)?;
    let rows: Vec<VersionRow> = with_conn!(conn, |c| schedule_versions::table
        .filter(schedule_versions::event_id.eq(event_id))
        .order(schedule_versions::number.desc())
        .select(VersionRow::as_select())
        .load(c))?;
    rows.into_iter().map(to_version).collect()
}

fn version_row(conn: &mut Conn, event_id: i64, version_id: i64) -> AppResult<VersionRow> {
    with_conn!(conn, |c| schedule_versions::table
        .filter(schedule_versions::id.eq(version_id))
        .filter(schedule_versions::event_id.eq(event_id))
        .select(VersionRow::as_select())
        .first(c)
        .optional())?
    .ok_or_else(|| AppError::not_found("schedule version", version_id))
}

/// The published version, if any.
pub fn published(conn: &mut Conn, event_id: i64) -> AppResult<Option<Schedule>> {
    let row: Option<VersionRow> = with_conn!(conn, |c| schedule_versions::table
        .filter(schedule_versions::event_id.eq(event_id))
        .filter(schedule_versions::status.eq(VersionStatus::Published.as_str()))
        .select(VersionRow::as_select())
        .first(c)
        .optional())?;
    match row {
        Some(row) => Ok(Some(schedule(conn, event_id, row.id)?)),
        None => Ok(None),
    }
}

pub fn schedule(conn: &mut Conn, event_id: i64, version_id: i64) -> AppResult<Schedule> {
    let version = version_row(conn, event_id, version_id)?;
    let (rows, attendees) = with_conn!(conn, |c| {
        let rows: Vec<BookingRow> = bookings::table
            .filter(bookings::version_id.eq(version_id))
            .order((bookings::starts_at, bookings::id))
            .select(BookingRow::as_select())
            .load(c)?;
        let attendees: Vec<BookingAttendeeRow> = booking_attendees::table
            .filter(booking_attendees::version_id.eq(version_id))
            .select(BookingAttendeeRow::as_select())
            .load(c)?;
        Ok::<_, AppError>((rows, attendees))
    })?;
    let mut people: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for a in attendees {
        let list = people.entry(a.booking_id).or_default();
        if !list.contains(&a.participant_id) {
            list.push(a.participant_id);
        }
    }
    let bookings = rows
        .into_iter()
        .map(|b| {
            let mut participant_ids = people.remove(&b.id).unwrap_or_default();
            participant_ids.sort_unstable();
            Ok(Booking {
                source: BookingSource::parse(&b.source, "source").map_err(internal)?,
                id: b.id,
                version_id: b.version_id,
                request_id: b.request_id,
                participant_ids,
                starts_at: b.starts_at.and_utc(),
                ends_at: b.ends_at.and_utc(),
                room: b.room,
                interpreter_id: b.interpreter_id,
                video_link: b.video_link,
                pinned: b.pinned,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(Schedule {
        version: to_version(version)?,
        bookings,
    })
}

/// A new empty draft version (the solver fills it, or the organiser by hand).
pub fn new_draft(
    conn: &mut Conn,
    event_id: i64,
    summary: &serde_json::Value,
) -> AppResult<VersionRow> {
    events::row(conn, event_id)?;
    conn.transaction(|conn| {
        with_conn!(conn, |c| {
            let last: Option<i32> = schedule_versions::table
                .filter(schedule_versions::event_id.eq(event_id))
                .select(diesel::dsl::max(schedule_versions::number))
                .first(c)?;
            let row = NewVersion {
                event_id,
                number: last.unwrap_or(0) + 1,
                status: VersionStatus::Draft.as_str().into(),
                summary: summary.to_string(),
                created_at: now(),
            };
            Ok(diesel::insert_into(schedule_versions::table)
                .values(&row)
                .returning(VersionRow::as_returning())
                .get_result(c)
                .map_err(|e| match AppError::from(e) {
                    AppError::Conflict { .. } => AppError::conflict(
                        "version",
                        "another schedule version was created at the same moment; try again",
                    ),
                    other => other,
                })?)
        })
    })
}

/// One row per person and occupied slot of a booking: what the unique index guards.
fn attendee_rows(
    booking_id: i64,
    version_id: i64,
    persons: &[i64],
    slots: &[NaiveDateTime],
) -> Vec<BookingAttendeeRow> {
    persons
        .iter()
        .flat_map(|p| {
            slots.iter().map(move |s| BookingAttendeeRow {
                booking_id,
                version_id,
                participant_id: *p,
                slot_start: *s,
            })
        })
        .collect()
}

/// Places a booking in a version, refusing double bookings of people, rooms and interpreters.
pub fn book(
    conn: &mut Conn,
    event_id: i64,
    version_id: i64,
    input: &BookingInput,
    source: BookingSource,
) -> AppResult<Booking> {
    let event = events::row(conn, event_id)?;
    let version = version_row(conn, event_id, version_id)?;
    if version.status == VersionStatus::Superseded.as_str() {
        return Err(AppError::conflict(
            "version",
            "this schedule version has been replaced; book in the current one",
        ));
    }
    let zone = events::zone_of(&event)?;
    let slots: Vec<programme::Slot> = programme::event_slots(conn, event_id, zone)?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let mut check = Check::new();
    let length = input.length_slots.unwrap_or(1);
    if !(1..=8).contains(&length) {
        check.fail("length_slots", "must be between 1 and 8 slots");
    }
    let mut people = input.participant_ids.clone();
    people.sort_unstable();
    people.dedup();
    if people.len() < 2 {
        check.fail(
            "participant_ids",
            "a meeting has at least two different participants",
        );
    }
    let known: i64 = with_conn!(conn, |c| participants::table
        .filter(participants::id.eq_any(&people))
        .filter(participants::event_id.eq(event_id))
        .count()
        .get_result(c))?;
    if known != people.len() as i64 {
        check.fail(
            "participant_ids",
            "every participant must belong to this event",
        );
    }
    if let Some(interpreter) = input.interpreter_id {
        let found: i64 = with_conn!(conn, |c| interpreters::table
            .filter(interpreters::id.eq(interpreter))
            .filter(interpreters::event_id.eq(event_id))
            .count()
            .get_result(c))?;
        if found == 0 {
            check.fail(
                "interpreter_id",
                format!("interpreter {interpreter} is not part of this event"),
            );
        }
    }
    // The occupied slots: `length` slots from `start`, each starting where the last ended.
    let first = slots.iter().position(|s| s.start == input.start);
    let occupied: Vec<&programme::Slot> = match first {
        None => {
            check.fail(
                "start",
                "is not the start of a bilateral slot of this event",
            );
            Vec::new()
        }
        Some(i) => {
            let run: Vec<&programme::Slot> =
                slots[i..].iter().take(length.max(1) as usize).collect();
            let contiguous = run.windows(2).all(|p| p[0].end == p[1].start);
            if run.len() != length.max(1) as usize || !contiguous {
                check.fail(
                    "length_slots",
                    "the meeting would run past the end of the bilateral window",
                );
            }
            run
        }
    };
    check.into_result()?;
    let (Some(first_slot), Some(last_slot)) = (occupied.first(), occupied.last()) else {
        return Err(AppError::Internal("validation passed without slots".into()));
    };
    let starts_at = first_slot.start.naive_utc();
    let ends_at = last_slot.end.naive_utc();
    let slot_starts: Vec<NaiveDateTime> = occupied.iter().map(|s| s.start.naive_utc()).collect();
    let row = NewBooking {
        version_id,
        event_id,
        request_id: input.request_id,
        starts_at,
        ends_at,
        room: None,
        interpreter_id: input.interpreter_id,
        video_link: input.video_link.trim().to_string(),
        source: source.as_str().into(),
        pinned: input.pinned,
    };
    let id = conn.transaction(|conn| {
        with_conn!(conn, |c| {
            // Rooms: the lowest room free over every occupied slot.
            let overlapping: Vec<BookingRow> = bookings::table
                .filter(bookings::version_id.eq(version_id))
                .filter(bookings::starts_at.lt(ends_at))
                .filter(bookings::ends_at.gt(starts_at))
                .select(BookingRow::as_select())
                .load(c)?;
            if let Some(interpreter) = input.interpreter_id {
                if overlapping
                    .iter()
                    .any(|b| b.interpreter_id == Some(interpreter))
                {
                    return Err(AppError::conflict(
                        "interpreter_id",
                        "the interpreter is already booked then",
                    ));
                }
            }
            let taken: Vec<i32> = overlapping.iter().filter_map(|b| b.room).collect();
            let room = (1..).find(|r| !taken.contains(r)).unwrap_or(1);
            if let Some(rooms) = event.rooms {
                if room > rooms {
                    return Err(AppError::conflict(
                        "start",
                        "every room is taken in that slot",
                    ));
                }
            }
            let id: i64 = diesel::insert_into(bookings::table)
                .values(NewBooking {
                    room: Some(room),
                    ..row.clone()
                })
                .returning(bookings::id)
                .get_result(c)?;
            let attendees = attendee_rows(id, version_id, &people, &slot_starts);
            diesel::insert_into(booking_attendees::table)
                .values(&attendees)
                .execute(c)
                .map_err(|e| match AppError::from(e) {
                    AppError::Conflict { .. } => AppError::conflict(
                        "start",
                        "a participant already has a meeting in that slot",
                    ),
                    other => other,
                })?;
            Ok::<_, AppError>(id)
        })
    })?;
    schedule(conn, event_id, version_id)?
        .bookings
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| AppError::Internal("booking vanished".into()))
}

pub fn unbook(conn: &mut Conn, event_id: i64, version_id: i64, booking_id: i64) -> AppResult<()> {
    version_row(conn, event_id, version_id)?;
    let n = with_conn!(conn, |c| diesel::delete(
        bookings::table
            .filter(bookings::id.eq(booking_id))
            .filter(bookings::version_id.eq(version_id))
    )
    .execute(c))?;
    if n == 0 {
        return Err(AppError::not_found("booking", booking_id));
    }
    Ok(())
}

/// Publishes a draft: it becomes the published version and the previous one is superseded.
/// In the same transaction, the mail this causes is queued in the outbox (an itinerary per
/// participant the first time, then updates and cancellations for what changed; see
/// [`crate::outbox::plan`]), so a publication is never announced without being stored nor
/// stored without being announced.
pub fn publish(conn: &mut Conn, event_id: i64, version_id: i64) -> AppResult<Schedule> {
    conn.transaction(|conn| {
        let version = version_row(conn, event_id, version_id)?;
        if version.status != VersionStatus::Draft.as_str() {
            return Err(AppError::conflict(
                "version",
                format!(
                    "version {} is {}, only a draft can be published",
                    version.number, version.status
                ),
            ));
        }
        let previous: Option<i64> = with_conn!(conn, |c| schedule_versions::table
            .filter(schedule_versions::event_id.eq(event_id))
            .filter(schedule_versions::status.eq(VersionStatus::Published.as_str()))
            .select(schedule_versions::id)
            .first(c)
            .optional())?;
        with_conn!(conn, |c| {
            diesel::update(
                schedule_versions::table
                    .filter(schedule_versions::event_id.eq(event_id))
                    .filter(schedule_versions::status.eq(VersionStatus::Published.as_str())),
            )
            .set(schedule_versions::status.eq(VersionStatus::Superseded.as_str()))
            .execute(c)?;
            diesel::update(schedule_versions::table.find(version_id))
                .set((
                    schedule_versions::status.eq(VersionStatus::Published.as_str()),
                    schedule_versions::published_at.eq(Some(now())),
                ))
                .execute(c)?;
            Ok::<_, AppError>(())
        })?;
        crate::outbox::plan::enqueue_publication(conn, event_id, previous, version_id)?;
        schedule(conn, event_id, version_id)
    })
}

/// The schedule as CSV: one line per meeting and participant, times in UTC and in the
/// participant's own zone.
pub fn export_csv(conn: &mut Conn, event_id: i64, version_id: i64) -> AppResult<Vec<u8>> {
    let schedule = schedule(conn, event_id, version_id)?;
    let people: BTreeMap<i64, crate::db::models::ParticipantRow> =
        super::participants::rows(conn, event_id)?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| AppError::Internal(format!("csv: {e}"));
    out.write_record([
        "booking",
        "start_utc",
        "end_utc",
        "participant",
        "email",
        "time_zone",
        "local_start",
        "local_end",
        "with",
        "room",
        "interpreter_id",
        "video_link",
    ])
    .map_err(csv_error)?;
    for booking in &schedule.bookings {
        for pid in &booking.participant_ids {
            let Some(person) = people.get(pid) else {
                continue;
            };
            let zone = super::participants::zone_of(person)?;
            let local = |t: DateTime<Utc>| {
                crate::tz::utc_to_local(t, zone)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            };
            let others: Vec<&str> = booking
                .participant_ids
                .iter()
                .filter(|o| *o != pid)
                .filter_map(|o| people.get(o).map(|p| p.name.as_str()))
                .collect();
            out.write_record([
                booking.id.to_string(),
                booking.starts_at.to_rfc3339(),
                booking.ends_at.to_rfc3339(),
                person.name.clone(),
                person.email.clone(),
                person.time_zone.clone(),
                local(booking.starts_at),
                local(booking.ends_at),
                others.join("; "),
                booking.room.map(|r| r.to_string()).unwrap_or_default(),
                booking
                    .interpreter_id
                    .map(|i| i.to_string())
                    .unwrap_or_default(),
                booking.video_link.clone(),
            ])
            .map_err(csv_error)?;
        }
    }
    out.into_inner()
        .map_err(|e| AppError::Internal(format!("csv: {e}")))
}

/// Stores planned bookings (from the solver) in `version_id` in one go: rooms numbered per
/// slot, one attendee row per person and occupied slot (`slot_starts` lists every slot
/// start of the event). The unique indexes still refuse any double booking.
pub fn store(
    conn: &mut Conn,
    version_id: i64,
    planned: Vec<(NewBooking, Vec<i64>)>,
    slot_starts: &[NaiveDateTime],
) -> AppResult<()> {
    let mut rooms_used: BTreeMap<NaiveDateTime, i32> = BTreeMap::new();
    conn.transaction(|conn| {
        with_conn!(conn, |c| {
            for (mut booking, persons) in planned {
                booking.version_id = version_id;
                let occupied: Vec<NaiveDateTime> = slot_starts
                    .iter()
                    .copied()
                    .filter(|s| *s >= booking.starts_at && *s < booking.ends_at)
                    .collect();
                let room = occupied
                    .iter()
                    .map(|s| rooms_used.get(s).copied().unwrap_or(0))
                    .max()
                    .unwrap_or(0)
                    + 1;
                for s in &occupied {
                    rooms_used.insert(*s, room);
                }
                booking.room = Some(room);
                let id: i64 = diesel::insert_into(bookings::table)
                    .values(&booking)
                    .returning(bookings::id)
                    .get_result(c)?;
                let attendees = attendee_rows(id, version_id, &persons, &occupied);
                diesel::insert_into(booking_attendees::table)
                    .values(&attendees)
                    .execute(c)?;
            }
            Ok::<_, AppError>(())
        })
    })
}
