//! Row structs (what a query returns) and insert forms, one pair per table.
//! Times are UTC `NaiveDateTime`; zones are stored next to them as IANA names.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::*;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = events, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct EventRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub time_zone: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub description: String,
    pub status: String,
    pub rooms: Option<i32>,
    pub allow_self_booking: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = events)]
pub struct NewEvent {
    pub name: String,
    pub kind: String,
    pub time_zone: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub description: String,
    pub status: String,
    pub rooms: Option<i32>,
    pub allow_self_booking: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = event_days, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct DayRow {
    pub id: i64,
    pub event_id: i64,
    pub date: NaiveDate,
    pub title: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = event_days)]
pub struct NewDay {
    pub event_id: i64,
    pub date: NaiveDate,
    pub title: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organisations, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct OrganisationRow {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub website: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = organisations)]
pub struct NewOrganisation {
    pub event_id: i64,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub website: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = participants, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct ParticipantRow {
    pub id: i64,
    pub event_id: i64,
    pub organisation_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub side: String,
    pub country: String,
    pub time_zone: String,
    pub languages: String,
    pub availability: String,
    pub comfort_from: Option<String>,
    pub comfort_to: Option<String>,
    pub max_meetings: Option<i32>,
    pub locale: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = participants, treat_none_as_null = true)]
pub struct NewParticipant {
    pub event_id: i64,
    pub organisation_id: Option<i64>,
    pub name: String,
    pub email: String,
    pub side: String,
    pub country: String,
    pub time_zone: String,
    pub languages: String,
    pub availability: String,
    pub comfort_from: Option<String>,
    pub comfort_to: Option<String>,
    pub max_meetings: Option<i32>,
    pub locale: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = participant_groups, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct GroupRow {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = participant_groups)]
pub struct NewGroup {
    pub event_id: i64,
    pub name: String,
    pub kind: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = group_members, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct GroupMemberRow {
    pub group_id: i64,
    pub participant_id: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = interpreters, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct InterpreterRow {
    pub id: i64,
    pub event_id: i64,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub languages: String,
    pub availability: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = interpreters)]
pub struct NewInterpreter {
    pub event_id: i64,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub languages: String,
    pub availability: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = sessions, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SessionRow {
    pub id: i64,
    pub event_id: i64,
    pub day_id: i64,
    pub kind: String,
    pub title: String,
    pub theme: String,
    pub host_organisation_id: Option<i64>,
    pub start_local: String,
    pub end_local: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub video_link: String,
    pub capacity: Option<i32>,
    pub audience: String,
}

#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
pub struct NewSession {
    pub event_id: i64,
    pub day_id: i64,
    pub kind: String,
    pub title: String,
    pub theme: String,
    pub host_organisation_id: Option<i64>,
    pub start_local: String,
    pub end_local: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub video_link: String,
    pub capacity: Option<i32>,
    pub audience: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_attendees, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct SessionAttendeeRow {
    pub session_id: i64,
    pub participant_id: i64,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = bilateral_windows, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct WindowRow {
    pub id: i64,
    pub event_id: i64,
    pub day_id: i64,
    pub start_local: String,
    pub end_local: String,
    pub slot_minutes: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = bilateral_windows)]
pub struct NewWindow {
    pub event_id: i64,
    pub day_id: i64,
    pub start_local: String,
    pub end_local: String,
    pub slot_minutes: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = meeting_requests, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct RequestRow {
    pub id: i64,
    pub event_id: i64,
    pub from_kind: String,
    pub from_id: i64,
    pub to_kind: String,
    pub to_id: i64,
    pub priority: i32,
    pub message: String,
    pub status: String,
    pub length_slots: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = meeting_requests)]
pub struct NewRequest {
    pub event_id: i64,
    pub from_kind: String,
    pub from_id: i64,
    pub to_kind: String,
    pub to_id: i64,
    pub priority: i32,
    pub message: String,
    pub status: String,
    pub length_slots: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = schedule_versions, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct VersionRow {
    pub id: i64,
    pub event_id: i64,
    pub number: i32,
    pub status: String,
    pub summary: String,
    pub created_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = schedule_versions)]
pub struct NewVersion {
    pub event_id: i64,
    pub number: i32,
    pub status: String,
    pub summary: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = bookings, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct BookingRow {
    pub id: i64,
    pub version_id: i64,
    pub event_id: i64,
    pub request_id: Option<i64>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub room: Option<i32>,
    pub interpreter_id: Option<i64>,
    pub video_link: String,
    pub source: String,
    pub pinned: bool,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = bookings)]
pub struct NewBooking {
    pub version_id: i64,
    pub event_id: i64,
    pub request_id: Option<i64>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub room: Option<i32>,
    pub interpreter_id: Option<i64>,
    pub video_link: String,
    pub source: String,
    pub pinned: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = booking_attendees, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct BookingAttendeeRow {
    pub booking_id: i64,
    pub version_id: i64,
    pub participant_id: i64,
    pub slot_start: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organisers, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct OrganiserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organisers)]
pub struct NewOrganiser {
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organiser_sessions)]
pub struct NewOrganiserSession {
    pub organiser_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct NewApiToken {
    pub organiser_id: i64,
    pub name: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = participant_links)]
pub struct NewParticipantLink {
    pub event_id: i64,
    pub participant_id: i64,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = outbox_jobs, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct OutboxJobRow {
    pub id: i64,
    pub event_id: i64,
    pub kind: String,
    pub participant_id: Option<i64>,
    pub dedup_key: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub locked_by: Option<String>,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outbox_jobs)]
pub struct NewOutboxJob {
    pub event_id: i64,
    pub kind: String,
    pub participant_id: Option<i64>,
    pub dedup_key: String,
    pub payload: String,
    pub status: String,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = meeting_calendar, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct MeetingCalendarRow {
    pub id: i64,
    pub event_id: i64,
    pub meeting_key: String,
    pub uid: String,
    pub sequence: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub cancelled: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = meeting_calendar)]
pub struct NewMeetingCalendar {
    pub event_id: i64,
    pub meeting_key: String,
    pub uid: String,
    pub sequence: i32,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub cancelled: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_feeds, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct CalendarFeedRow {
    pub participant_id: i64,
    pub token: String,
    pub created_at: NaiveDateTime,
}
