//! Events and their days.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{now, Check, Page};
use crate::db::models::{DayRow, EventRow, NewDay, NewEvent};
use crate::db::schema::{bilateral_windows, event_days, events, organisers, sessions};
use crate::db::Conn;
use crate::domain::{optional_text, single_line, EventKind, EventStatus};
use crate::error::{AppError, AppResult};
use crate::tz::Zone;
use crate::with_conn;

/// Longest event we schedule: a forum or a tour of a few weeks at most.
const MAX_EVENT_DAYS: i64 = 60;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    #[schema(example = "InnoHealth China matchmaking tour")]
    pub name: String,
    /// matchmaking_tour, collaboration_week, online_event or forum.
    #[schema(example = "matchmaking_tour")]
    pub kind: String,
    /// The organiser's IANA time zone: the programme and slot grid are entered in it.
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[serde(default)]
    pub description: String,
    /// draft (default), open_for_requests, scheduled or published.
    #[serde(default)]
    pub status: Option<String>,
    /// Parallel meetings per slot; absent means unlimited.
    #[serde(default)]
    pub rooms: Option<i32>,
    #[serde(default)]
    pub allow_self_booking: bool,
    /// Programme days; absent means every date from start_date to end_date.
    #[serde(default)]
    pub days: Option<Vec<NaiveDate>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Day {
    pub id: i64,
    pub date: NaiveDate,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    pub id: i64,
    pub name: String,
    pub kind: EventKind,
    pub time_zone: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub description: String,
    pub status: EventStatus,
    pub rooms: Option<i32>,
    pub allow_self_booking: bool,
    pub days: Vec<Day>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: chrono::NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub updated_at: chrono::NaiveDateTime,
}

struct ValidEvent {
    row: NewEvent,
    days: Vec<NaiveDate>,
}

fn validate(input: &EventInput) -> AppResult<ValidEvent> {
    let mut check = Check::new();
    let name = check.take(single_line(&input.name, "name", 200));
    let kind = check.take(EventKind::parse(&input.kind, "kind"));
    let status = match &input.status {
        Some(s) => check.take(EventStatus::parse(s, "status")),
        None => Some(EventStatus::Draft),
    };
    let zone = match Zone::parse(&input.time_zone) {
        Ok(z) => Some(z),
        Err(e) => {
            check.fail("time_zone", e.to_string());
            None
        }
    };
    let description = check.take(optional_text(&input.description, "description", 20_000));
    if input.end_date < input.start_date {
        check.fail("end_date", "must not be before start_date");
    } else if (input.end_date - input.start_date).num_days() >= MAX_EVENT_DAYS {
        check.fail(
            "end_date",
            format!("an event lasts at most {MAX_EVENT_DAYS} days"),
        );
    }
    if let Some(rooms) = input.rooms {
        if rooms < 1 {
            check.fail("rooms", "must be at least 1 (or absent for unlimited)");
        }
    }
    let days = match &input.days {
        Some(days) => {
            let mut sorted = days.clone();
            sorted.sort();
            sorted.dedup();
            for (i, d) in days.iter().enumerate() {
                if *d < input.start_date || *d > input.end_date {
                    check.fail(
                        format!("days[{i}]"),
                        format!("{d} is outside the event's dates"),
                    );
                }
            }
            if sorted.is_empty() {
                check.fail("days", "an event needs at least one day");
            }
            sorted
        }
        None => input
            .start_date
            .iter_days()
            .take_while(|d| *d <= input.end_date)
            .collect(),
    };
    check.into_result()?;
    let (Some(name), Some(kind), Some(status), Some(zone), Some(description)) =
        (name, kind, status, zone, description)
    else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let at = now();
    Ok(ValidEvent {
        row: NewEvent {
            name,
            kind: kind.as_str().into(),
            time_zone: zone.name().into(),
            start_date: input.start_date,
            end_date: input.end_date,
            description,
            status: status.as_str().into(),
            rooms: input.rooms,
            allow_self_booking: input.allow_self_booking,
            created_at: at,
            updated_at: at,
        },
        days,
    })
}

fn to_event(row: EventRow, days: Vec<DayRow>) -> AppResult<Event> {
    Ok(Event {
        id: row.id,
        kind: EventKind::parse(&row.kind, "kind").map_err(|e| AppError::Internal(e.to_string()))?,
        status: EventStatus::parse(&row.status, "status")
            .map_err(|e| AppError::Internal(e.to_string()))?,
        name: row.name,
        time_zone: row.time_zone,
        start_date: row.start_date,
        end_date: row.end_date,
        description: row.description,
        rooms: row.rooms,
        allow_self_booking: row.allow_self_booking,
        days: days
            .into_iter()
            .map(|d| Day {
                id: d.id,
                date: d.date,
                title: d.title,
            })
            .collect(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// Creates an event owned by `organiser_id`; `None` (the demo command) gives it to the first
/// organiser, or to nobody until the first organiser signs up and adopts it.
pub fn create(conn: &mut Conn, input: &EventInput, organiser_id: Option<i64>) -> AppResult<Event> {
    let valid = validate(input)?;
    let organiser_id = match organiser_id {
        Some(id) => Some(id),
        None => first_organiser(conn)?,
    };
    let id = with_conn!(conn, |c| c.transaction::<_, AppError, _>(|c| {
        let id: i64 = diesel::insert_into(events::table)
            .values((&valid.row, events::organiser_id.eq(organiser_id)))
            .returning(events::id)
            .get_result(c)?;
        let days: Vec<NewDay> = valid
            .days
            .iter()
            .map(|d| NewDay {
                event_id: id,
                date: *d,
                title: String::new(),
            })
            .collect();
        diesel::insert_into(event_days::table)
            .values(&days)
            .execute(c)?;
        Ok(id)
    }))?;
    get(conn, id)
}

/// Replaces the event's fields; days are added for new dates, and days outside the new
/// range are refused while they still hold sessions or windows (the database says so).
pub fn update(conn: &mut Conn, id: i64, input: &EventInput) -> AppResult<Event> {
    let mut valid = validate(input)?;
    with_conn!(conn, |c| {
        c.transaction::<_, AppError, _>(|c| {
        let existing: EventRow = events::table
            .find(id)
            .select(EventRow::as_select())
            .first(c)
            .optional()?
            .ok_or_else(|| AppError::not_found("event", id))?;
        valid.row.created_at = existing.created_at;
        diesel::update(events::table.find(id)).set(&valid.row).execute(c)?;
        let have: Vec<NaiveDate> = event_days::table
            .filter(event_days::event_id.eq(id))
            .select(event_days::date)
            .load(c)?;
        let dropped: Vec<NaiveDate> = have.iter().filter(|d| !valid.days.contains(d)).copied().collect();
        if !dropped.is_empty() {
            let dropped_ids: Vec<i64> = event_days::table
                .filter(event_days::event_id.eq(id))
                .filter(event_days::date.eq_any(&dropped))
                .select(event_days::id)
                .load(c)?;
            let in_use: i64 = sessions::table.filter(sessions::day_id.eq_any(&dropped_ids)).count().get_result(c)?;
            let windows_in_use: i64 = bilateral_windows::table
                .filter(bilateral_windows::day_id.eq_any(&dropped_ids))
                .count()
                .get_result(c)?;
            if in_use + windows_in_use > 0 {
                return Err(AppError::conflict(
                    "days",
                    "a day that would be removed still has sessions or bilateral windows: delete them first",
                ));
            }
            diesel::delete(
                event_days::table
                    .filter(event_days::event_id.eq(id))
                    .filter(event_days::date.eq_any(&dropped)),
            )
            .execute(c)?;
        }
        let added: Vec<NewDay> = valid
            .days
            .iter()
            .filter(|d| !have.contains(d))
            .map(|d| NewDay {
                event_id: id,
                date: *d,
                title: String::new(),
            })
            .collect();
        diesel::insert_into(event_days::table).values(&added).execute(c)?;
        Ok(())
    })
    })?;
    get(conn, id)
}

pub fn get(conn: &mut Conn, id: i64) -> AppResult<Event> {
    let (row, days) = with_conn!(conn, |c| {
        let row: Option<EventRow> = events::table
            .find(id)
            .select(EventRow::as_select())
            .first(c)
            .optional()?;
        let days: Vec<DayRow> = event_days::table
            .filter(event_days::event_id.eq(id))
            .order(event_days::date)
            .select(DayRow::as_select())
            .load(c)?;
        Ok::<_, AppError>((row, days))
    })?;
    to_event(row.ok_or_else(|| AppError::not_found("event", id))?, days)
}

/// The stored row, or a 404.
pub fn row(conn: &mut Conn, id: i64) -> AppResult<EventRow> {
    with_conn!(conn, |c| events::table
        .find(id)
        .select(EventRow::as_select())
        .first(c)
        .optional())?
    .ok_or_else(|| AppError::not_found("event", id))
}

pub fn zone_of(row: &EventRow) -> AppResult<Zone> {
    Zone::parse(&row.time_zone).map_err(|e| AppError::Internal(e.to_string()))
}

/// The first organiser to sign up (who installed the service) holds the events without an
/// owner: those made before sign-in existed (adopted at that signup) and the demo event.
pub fn first_organiser(conn: &mut Conn) -> AppResult<Option<i64>> {
    Ok(with_conn!(conn, |c| organisers::table
        .select(diesel::dsl::min(organisers::id))
        .first::<Option<i64>>(c))?)
}

/// Whether `organiser_id` may reach event `id` (false when there is no such event).
pub fn owned_by(conn: &mut Conn, id: i64, organiser_id: i64) -> AppResult<bool> {
    let n: i64 = with_conn!(conn, |c| events::table
        .filter(events::id.eq(id))
        .filter(events::organiser_id.eq(organiser_id))
        .count()
        .get_result(c))?;
    Ok(n > 0)
}

/// The events of one organiser.
pub fn list(
    conn: &mut Conn,
    organiser_id: i64,
    page: i64,
    per_page: i64,
) -> AppResult<Page<Event>> {
    let (rows, total) = with_conn!(conn, |c| {
        let rows: Vec<EventRow> = events::table
            .filter(events::organiser_id.eq(organiser_id))
            .order(events::id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select(EventRow::as_select())
            .load(c)?;
        let total: i64 = events::table
            .filter(events::organiser_id.eq(organiser_id))
            .count()
            .get_result(c)?;
        Ok::<_, AppError>((rows, total))
    })?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut days: Vec<DayRow> = with_conn!(conn, |c| event_days::table
        .filter(event_days::event_id.eq_any(&ids))
        .order(event_days::date)
        .select(DayRow::as_select())
        .load(c))?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        let (mine, rest): (Vec<DayRow>, Vec<DayRow>) =
            days.into_iter().partition(|d| d.event_id == row.id);
        days = rest;
        items.push(to_event(row, mine)?);
    }
    Ok(Page {
        items,
        page,
        per_page,
        total,
    })
}

pub fn delete(conn: &mut Conn, id: i64) -> AppResult<()> {
    let n = with_conn!(conn, |c| diesel::delete(events::table.find(id)).execute(c))?;
    if n == 0 {
        return Err(AppError::not_found("event", id));
    }
    Ok(())
}

/// The day of `event_id` on `date`, or an error naming `field`.
pub fn day_on(conn: &mut Conn, event_id: i64, date: NaiveDate, field: &str) -> AppResult<DayRow> {
    with_conn!(conn, |c| event_days::table
        .filter(event_days::event_id.eq(event_id))
        .filter(event_days::date.eq(date))
        .select(DayRow::as_select())
        .first(c)
        .optional())?
    .ok_or_else(|| AppError::invalid(field, format!("{date} is not a day of this event")))
}

pub fn days(conn: &mut Conn, event_id: i64) -> AppResult<Vec<DayRow>> {
    Ok(with_conn!(conn, |c| event_days::table
        .filter(event_days::event_id.eq(event_id))
        .order(event_days::date)
        .select(DayRow::as_select())
        .load(c))?)
}
