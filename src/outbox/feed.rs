//! A participant's calendar subscription (`GET /feeds/{token}.ics`, METHOD:PUBLISH): their
//! sessions and the meetings of the published schedule. Meetings carry the same UID and
//! SEQUENCE as the invitations, so a client that has both sees one entry, not two.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::plan::keyed;
use crate::calendar::{self, CalEvent, Ics, Person};
use crate::db::models::{MeetingCalendarRow, ParticipantRow};
use crate::db::schema::{calendar_feeds, meeting_calendar, participants};
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::service::itinerary::{self, ItemKind};
use crate::service::schedule;
use crate::with_conn;

/// The feed behind `token`, with `organizer` as ORGANIZER (the configured sender).
pub fn for_token(conn: &mut Conn, token: &str, organizer: &str) -> AppResult<Ics> {
    let person: Option<ParticipantRow> = with_conn!(conn, |c| calendar_feeds::table
        .inner_join(participants::table)
        .filter(calendar_feeds::token.eq(token))
        .select(ParticipantRow::as_select())
        .first(c)
        .optional())?;
    let person = person.ok_or_else(|| AppError::not_found("calendar feed", token))?;
    let published = schedule::published(conn, person.event_id)?;
    // Without a published schedule only the sessions: a draft is not announced.
    let plan = itinerary::for_participant(
        conn,
        person.event_id,
        person.id,
        published.as_ref().map(|s| s.version.id),
    )?;
    let identity: BTreeMap<i64, MeetingCalendarRow> = match &published {
        None => BTreeMap::new(),
        Some(s) => {
            let rows: Vec<MeetingCalendarRow> = with_conn!(conn, |c| meeting_calendar::table
                .filter(meeting_calendar::event_id.eq(person.event_id))
                .select(MeetingCalendarRow::as_select())
                .load(c))?;
            let by_key: BTreeMap<String, MeetingCalendarRow> = rows
                .into_iter()
                .map(|r| (r.meeting_key.clone(), r))
                .collect();
            keyed(&s.bookings)
                .into_iter()
                .filter_map(|(key, b)| Some((b.id, by_key.get(&key)?.clone())))
                .collect()
        }
    };
    let organizer = super::organizer(organizer);
    let domain = organizer
        .email
        .rsplit_once('@')
        .map_or("matchtour", |(_, d)| d)
        .to_owned();
    let stamp = published
        .as_ref()
        .and_then(|s| s.version.published_at)
        .unwrap_or(person.created_at)
        .and_utc();
    let events: Vec<CalEvent> = plan
        .items
        .into_iter()
        .filter(|item| item.kind == ItemKind::Session || published.is_some())
        .map(|item| {
            let (uid, sequence, dtstamp) = match (item.kind, identity.get(&item.id)) {
                (ItemKind::Meeting, Some(row)) => (
                    row.uid.clone(),
                    u32::try_from(row.sequence).unwrap_or_default(),
                    row.updated_at.and_utc(),
                ),
                (ItemKind::Meeting, None) => (format!("booking-{}@{domain}", item.id), 0, stamp),
                (ItemKind::Session, _) => (format!("session-{}@{domain}", item.id), 0, stamp),
            };
            let mut local_times = vec![item.when.clone()];
            local_times.extend(
                item.counterparts
                    .iter()
                    .map(|c| c.name.clone())
                    .reduce(|a, b| format!("{a}, {b}")),
            );
            CalEvent {
                uid,
                sequence,
                dtstamp,
                start: item.starts_at,
                end: item.ends_at,
                summary: item.title,
                description: String::new(),
                local_times,
                location: None,
                url: item.video_link.as_deref().and_then(super::web_link),
                organizer: Person {
                    name: organizer.name.clone(),
                    email: organizer.email.clone(),
                },
                attendees: Vec::new(),
            }
        })
        .collect();
    calendar::render_feed(&format!("{} – {}", plan.event.name, person.name), &events)
        .map_err(|e| AppError::Internal(format!("calendar feed: {e}")))
}
