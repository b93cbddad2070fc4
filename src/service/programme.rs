//! The programme: sessions per day and bilateral meeting windows, entered in the event's
//! local time and stored as UTC instants next to the local wall-clock values.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{events, Check};
use crate::db::models::{DayRow, NewSession, NewWindow, SessionAttendeeRow, SessionRow, WindowRow};
use crate::db::schema::{
    bilateral_windows, event_days, organisations, participants, session_attendees, sessions,
};
use crate::db::Conn;
use crate::domain::{optional_text, single_line, Audience, DomainError, SessionKind};
use crate::error::{AppError, AppResult};
use crate::tz::{local_to_utc, LocalTime, Zone};
use crate::with_conn;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// The programme day (a date of the event).
    pub date: NaiveDate,
    /// plenary, presentation, showcase, company_visit, roundtable, investor_meeting or break.
    #[schema(example = "plenary")]
    pub kind: String,
    pub title: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub host_organisation_id: Option<i64>,
    /// Start, "HH:MM" in the event's time zone.
    #[schema(example = "08:00")]
    pub start: String,
    /// End, "HH:MM" in the event's time zone, after the start.
    #[schema(example = "08:30")]
    pub end: String,
    #[serde(default)]
    pub video_link: String,
    #[serde(default)]
    pub capacity: Option<i32>,
    /// everyone (default) or named: then attendee_ids lists who attends.
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub attendee_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    pub id: i64,
    pub date: NaiveDate,
    pub kind: SessionKind,
    pub title: String,
    pub theme: String,
    pub host_organisation_id: Option<i64>,
    /// Wall-clock start and end in `time_zone`, as entered.
    pub start_local: String,
    pub end_local: String,
    pub time_zone: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub video_link: String,
    pub capacity: Option<i32>,
    pub audience: Audience,
    pub attendee_ids: Vec<i64>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowInput {
    pub date: NaiveDate,
    /// First slot's start, "HH:MM" in the event's time zone.
    #[schema(example = "08:40")]
    pub start: String,
    /// Last slot's end, "HH:MM" in the event's time zone.
    #[schema(example = "12:20")]
    pub end: String,
    #[schema(example = 20)]
    pub slot_minutes: i32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Window {
    pub id: i64,
    pub date: NaiveDate,
    pub start_local: String,
    pub end_local: String,
    pub time_zone: String,
    pub slot_minutes: i32,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub slots: Vec<Slot>,
}

/// A validated start–end pair on one date, as instants.
struct Span {
    start: LocalTime,
    end: LocalTime,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
}

fn span(check: &mut Check, date: NaiveDate, start: &str, end: &str, zone: Zone) -> Option<Span> {
    let start =
        check.take(LocalTime::parse(start).map_err(|e| DomainError::new("start", e.to_string())));
    let end = check.take(LocalTime::parse(end).map_err(|e| DomainError::new("end", e.to_string())));
    let (start, end) = (start?, end?);
    let starts_at = check.take(
        local_to_utc(date, start.time(), zone)
            .map_err(|e| DomainError::new("start", e.to_string())),
    );
    let ends_at = check.take(
        local_to_utc(date, end.time(), zone).map_err(|e| DomainError::new("end", e.to_string())),
    );
    let (starts_at, ends_at) = (starts_at?, ends_at?);
    if ends_at <= starts_at {
        check.fail("end", "must be after start");
        return None;
    }
    Some(Span {
        start,
        end,
        starts_at: starts_at.naive_utc(),
        ends_at: ends_at.naive_utc(),
    })
}

fn valid_link(check: &mut Check, link: &str) -> String {
    let link = link.trim();
    let web_address = link.starts_with("https://") || link.starts_with("http://");
    if !link.is_empty() && (!web_address || link.contains(char::is_whitespace)) {
        check.fail("video_link", "must be an http(s) address");
    }
    link.to_string()
}

fn to_session(
    row: SessionRow,
    date: NaiveDate,
    zone: Zone,
    attendee_ids: Vec<i64>,
) -> AppResult<Session> {
    Ok(Session {
        id: row.id,
        date,
        kind: SessionKind::parse(&row.kind, "kind")
            .map_err(|e| AppError::Internal(e.to_string()))?,
        audience: Audience::parse(&row.audience, "audience")
            .map_err(|e| AppError::Internal(e.to_string()))?,
        title: row.title,
        theme: row.theme,
        host_organisation_id: row.host_organisation_id,
        start_local: row.start_local,
        end_local: row.end_local,
        time_zone: zone.name().to_string(),
        starts_at: row.starts_at.and_utc(),
        ends_at: row.ends_at.and_utc(),
        video_link: row.video_link,
        capacity: row.capacity,
        attendee_ids,
    })
}

fn validate_session(
    conn: &mut Conn,
    event_id: i64,
    input: &SessionInput,
) -> AppResult<(NewSession, Vec<i64>)> {
    let event = events::row(conn, event_id)?;
    let zone = events::zone_of(&event)?;
    let day = events::day_on(conn, event_id, input.date, "date")?;
    let mut check = Check::new();
    let kind = check.take(SessionKind::parse(&input.kind, "kind"));
    let title = check.take(single_line(&input.title, "title", 300));
    let theme = check.take(optional_text(&input.theme, "theme", 300));
    let audience = match &input.audience {
        Some(a) => check.take(Audience::parse(a, "audience")),
        None if input.attendee_ids.is_empty() => Some(Audience::Everyone),
        None => Some(Audience::Named),
    };
    let span = span(&mut check, input.date, &input.start, &input.end, zone);
    let video_link = valid_link(&mut check, &input.video_link);
    if matches!(input.capacity, Some(c) if c < 1) {
        check.fail("capacity", "must be at least 1");
    }
    if audience == Some(Audience::Everyone) && !input.attendee_ids.is_empty() {
        check.fail(
            "attendee_ids",
            "only sessions with audience 'named' list attendees",
        );
    }
    if let Some(host) = input.host_organisation_id {
        let found: i64 = with_conn!(conn, |c| organisations::table
            .filter(organisations::id.eq(host))
            .filter(organisations::event_id.eq(event_id))
            .count()
            .get_result(c))?;
        if found == 0 {
            check.fail(
                "host_organisation_id",
                format!("organisation {host} is not part of this event"),
            );
        }
    }
    let mut attendees = input.attendee_ids.clone();
    attendees.sort_unstable();
    attendees.dedup();
    if !attendees.is_empty() {
        let found: i64 = with_conn!(conn, |c| participants::table
            .filter(participants::id.eq_any(&attendees))
            .filter(participants::event_id.eq(event_id))
            .count()
            .get_result(c))?;
        if found != attendees.len() as i64 {
            check.fail(
                "attendee_ids",
                "every attendee must be a participant of this event",
            );
        }
    }
    check.into_result()?;
    let (Some(kind), Some(title), Some(theme), Some(audience), Some(span)) =
        (kind, title, theme, audience, span)
    else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    Ok((
        NewSession {
            event_id,
            day_id: day.id,
            kind: kind.as_str().into(),
            title,
            theme,
            host_organisation_id: input.host_organisation_id,
            start_local: span.start.to_string(),
            end_local: span.end.to_string(),
            starts_at: span.starts_at,
            ends_at: span.ends_at,
            video_link,
            capacity: input.capacity,
            audience: audience.as_str().into(),
        },
        attendees,
    ))
}

fn attendee_links(session_id: i64, attendees: &[i64]) -> Vec<SessionAttendeeRow> {
    attendees
        .iter()
        .map(|p| SessionAttendeeRow {
            session_id,
            participant_id: *p,
        })
        .collect()
}

pub fn create_session(conn: &mut Conn, event_id: i64, input: &SessionInput) -> AppResult<Session> {
    let (row, attendees) = validate_session(conn, event_id, input)?;
    let id = with_conn!(conn, |c| c.transaction::<_, AppError, _>(|c| {
        let id: i64 = diesel::insert_into(sessions::table)
            .values(&row)
            .returning(sessions::id)
            .get_result(c)?;
        diesel::insert_into(session_attendees::table)
            .values(attendee_links(id, &attendees))
            .execute(c)?;
        Ok(id)
    }))?;
    get_session(conn, event_id, id)
}

pub fn update_session(
    conn: &mut Conn,
    event_id: i64,
    id: i64,
    input: &SessionInput,
) -> AppResult<Session> {
    get_session(conn, event_id, id)?;
    let (row, attendees) = validate_session(conn, event_id, input)?;
    with_conn!(conn, |c| c.transaction::<_, AppError, _>(|c| {
        diesel::update(sessions::table.find(id))
            .set(&row)
            .execute(c)?;
        diesel::delete(session_attendees::table.filter(session_attendees::session_id.eq(id)))
            .execute(c)?;
        diesel::insert_into(session_attendees::table)
            .values(attendee_links(id, &attendees))
            .execute(c)?;
        Ok(())
    }))?;
    get_session(conn, event_id, id)
}

pub fn list_sessions(conn: &mut Conn, event_id: i64) -> AppResult<Vec<Session>> {
    let event = events::row(conn, event_id)?;
    let zone = events::zone_of(&event)?;
    let (rows, links) = with_conn!(conn, |c| {
        let rows: Vec<(SessionRow, NaiveDate)> = sessions::table
            .inner_join(event_days::table)
            .filter(sessions::event_id.eq(event_id))
            .order((sessions::starts_at, sessions::id))
            .select((SessionRow::as_select(), event_days::date))
            .load(c)?;
        let links: Vec<SessionAttendeeRow> = session_attendees::table
            .inner_join(sessions::table)
            .filter(sessions::event_id.eq(event_id))
            .select(SessionAttendeeRow::as_select())
            .load(c)?;
        Ok::<_, AppError>((rows, links))
    })?;
    rows.into_iter()
        .map(|(row, date)| {
            let ids = links
                .iter()
                .filter(|l| l.session_id == row.id)
                .map(|l| l.participant_id)
                .collect();
            to_session(row, date, zone, ids)
        })
        .collect()
}

pub fn get_session(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<Session> {
    list_sessions(conn, event_id)?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::not_found("session", id))
}

pub fn delete_session(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<()> {
    let n = with_conn!(conn, |c| diesel::delete(
        sessions::table
            .filter(sessions::id.eq(id))
            .filter(sessions::event_id.eq(event_id))
    )
    .execute(c))?;
    if n == 0 {
        return Err(AppError::not_found("session", id));
    }
    Ok(())
}

/// The slots of a window, laid on the event's local wall clock (so a 09:00 grid stays at
/// 09:00 local across a DST switch); a last partial slot is dropped.
pub fn window_slots(row: &WindowRow, date: NaiveDate, zone: Zone) -> AppResult<Vec<Slot>> {
    let parse = |t: &str| {
        LocalTime::parse(t).map_err(|e| AppError::Internal(format!("stored window time: {e}")))
    };
    let grid = crate::tz::slot_grid(
        date,
        parse(&row.start_local)?,
        parse(&row.end_local)?,
        i64::from(row.slot_minutes),
        zone,
    )
    .map_err(|e| AppError::Internal(format!("stored window {}: {e}", row.id)))?;
    Ok(grid
        .into_iter()
        .map(|s| Slot {
            start: s.start,
            end: s.end,
        })
        .collect())
}

/// Every bilateral slot of the event in time order, with the date of its window.
pub fn event_slots(
    conn: &mut Conn,
    event_id: i64,
    zone: Zone,
) -> AppResult<Vec<(NaiveDate, Slot)>> {
    let mut slots = Vec::new();
    for (window, day) in window_rows(conn, event_id)? {
        slots.extend(
            window_slots(&window, day.date, zone)?
                .into_iter()
                .map(|s| (day.date, s)),
        );
    }
    Ok(slots)
}

fn to_window(row: WindowRow, date: NaiveDate, zone: Zone) -> AppResult<Window> {
    Ok(Window {
        slots: window_slots(&row, date, zone)?,
        id: row.id,
        date,
        start_local: row.start_local,
        end_local: row.end_local,
        time_zone: zone.name().to_string(),
        slot_minutes: row.slot_minutes,
        starts_at: row.starts_at.and_utc(),
        ends_at: row.ends_at.and_utc(),
    })
}

pub fn create_window(conn: &mut Conn, event_id: i64, input: &WindowInput) -> AppResult<Window> {
    let event = events::row(conn, event_id)?;
    let zone = events::zone_of(&event)?;
    let day = events::day_on(conn, event_id, input.date, "date")?;
    let mut check = Check::new();
    let span = span(&mut check, input.date, &input.start, &input.end, zone);
    if !(5..=240).contains(&input.slot_minutes) {
        check.fail("slot_minutes", "must be between 5 and 240 minutes");
    }
    if let Some(span) = &span {
        if check.is_ok() {
            if let Err(e) = crate::tz::slot_grid(
                input.date,
                span.start,
                span.end,
                i64::from(input.slot_minutes),
                zone,
            ) {
                check.fail("end", e.to_string());
            }
        }
        let overlapping: i64 = with_conn!(conn, |c| bilateral_windows::table
            .filter(bilateral_windows::event_id.eq(event_id))
            .filter(bilateral_windows::starts_at.lt(span.ends_at))
            .filter(bilateral_windows::ends_at.gt(span.starts_at))
            .count()
            .get_result(c))?;
        if overlapping > 0 {
            check.fail("start", "overlaps another bilateral window of this event");
        }
    }
    check.into_result()?;
    let Some(span) = span else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let row = NewWindow {
        event_id,
        day_id: day.id,
        start_local: span.start.to_string(),
        end_local: span.end.to_string(),
        slot_minutes: input.slot_minutes,
        starts_at: span.starts_at,
        ends_at: span.ends_at,
    };
    let stored: WindowRow = with_conn!(conn, |c| diesel::insert_into(bilateral_windows::table)
        .values(&row)
        .returning(WindowRow::as_returning())
        .get_result(c))?;
    to_window(stored, day.date, zone)
}

/// Every window of the event with its day, in time order.
pub fn window_rows(conn: &mut Conn, event_id: i64) -> AppResult<Vec<(WindowRow, DayRow)>> {
    Ok(with_conn!(conn, |c| bilateral_windows::table
        .inner_join(event_days::table)
        .filter(bilateral_windows::event_id.eq(event_id))
        .order(bilateral_windows::starts_at)
        .select((WindowRow::as_select(), DayRow::as_select()))
        .load(c))?)
}

pub fn list_windows(conn: &mut Conn, event_id: i64) -> AppResult<Vec<Window>> {
    let event = events::row(conn, event_id)?;
    let zone = events::zone_of(&event)?;
    window_rows(conn, event_id)?
        .into_iter()
        .map(|(w, d)| to_window(w, d.date, zone))
        .collect()
}

pub fn delete_window(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<()> {
    let n = with_conn!(conn, |c| diesel::delete(
        bilateral_windows::table
            .filter(bilateral_windows::id.eq(id))
            .filter(bilateral_windows::event_id.eq(event_id))
    )
    .execute(c))?;
    if n == 0 {
        return Err(AppError::not_found("window", id));
    }
    Ok(())
}
