//! Meeting requests between participants, groups and organisations, and their life:
//! requested -> accepted | declined | cancelled | expired; accepted -> cancelled.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{events, now, Check};
use crate::db::models::{NewRequest, RequestRow};
use crate::db::schema::{meeting_requests, organisations, participant_groups, participants};
use crate::db::Conn;
use crate::domain::{optional_text, PartyKind, RequestStatus};
use crate::error::{AppError, AppResult};
use crate::with_conn;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestInput {
    /// Who asks: a participant or a group.
    pub from: PartyInput,
    /// Whom: a participant, a group or an organisation.
    pub to: PartyInput,
    /// 1 (nice to have) to 5 (essential); default 1.
    #[serde(default)]
    pub priority: Option<i32>,
    #[serde(default)]
    pub message: String,
    /// Requested length in slots (default 1).
    #[serde(default)]
    pub length_slots: Option<i32>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartyInput {
    #[schema(example = "participant")]
    pub kind: String,
    pub id: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingRequest {
    pub id: i64,
    pub from: PartyRefOut,
    pub to: PartyRefOut,
    pub priority: i32,
    pub message: String,
    pub status: RequestStatus,
    pub length_slots: i32,
    /// The other side asked for the same meeting too.
    pub mutual: bool,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: chrono::NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct PartyRefOut {
    pub kind: PartyKind,
    pub id: i64,
}

/// Requests that still want a meeting.
const LIVE: [&str; 2] = ["requested", "accepted"];

fn party_exists(conn: &mut Conn, event_id: i64, kind: PartyKind, id: i64) -> AppResult<bool> {
    let n: i64 = with_conn!(conn, |c| match kind {
        PartyKind::Participant => participants::table
            .filter(participants::id.eq(id))
            .filter(participants::event_id.eq(event_id))
            .count()
            .get_result(c),
        PartyKind::Group => participant_groups::table
            .filter(participant_groups::id.eq(id))
            .filter(participant_groups::event_id.eq(event_id))
            .count()
            .get_result(c),
        PartyKind::Organisation => organisations::table
            .filter(organisations::id.eq(id))
            .filter(organisations::event_id.eq(event_id))
            .count()
            .get_result(c),
    })?;
    Ok(n > 0)
}

fn validate(conn: &mut Conn, event_id: i64, input: &RequestInput) -> AppResult<NewRequest> {
    let mut check = Check::new();
    let from_kind = check.take(PartyKind::parse(&input.from.kind, "from.kind"));
    let to_kind = check.take(PartyKind::parse(&input.to.kind, "to.kind"));
    if from_kind == Some(PartyKind::Organisation) {
        check.fail("from.kind", "requests come from a participant or a group");
    }
    let priority = input.priority.unwrap_or(1);
    if !(1..=5).contains(&priority) {
        check.fail("priority", "must be between 1 and 5");
    }
    let length = input.length_slots.unwrap_or(1);
    if !(1..=8).contains(&length) {
        check.fail("length_slots", "must be between 1 and 8 slots");
    }
    let message = check.take(optional_text(&input.message, "message", 2000));
    if let Some(kind) = from_kind {
        if !party_exists(conn, event_id, kind, input.from.id)? {
            check.fail(
                "from.id",
                format!("{kind} {} is not part of this event", input.from.id),
            );
        }
    }
    if let Some(kind) = to_kind {
        if !party_exists(conn, event_id, kind, input.to.id)? {
            check.fail(
                "to.id",
                format!("{kind} {} is not part of this event", input.to.id),
            );
        }
    }
    if from_kind == to_kind && input.from.id == input.to.id {
        check.fail("to", "a party cannot request a meeting with itself");
    }
    check.into_result()?;
    let (Some(from_kind), Some(to_kind), Some(message)) = (from_kind, to_kind, message) else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    let at = now();
    Ok(NewRequest {
        event_id,
        from_kind: from_kind.as_str().into(),
        from_id: input.from.id,
        to_kind: to_kind.as_str().into(),
        to_id: input.to.id,
        priority,
        message,
        status: RequestStatus::Requested.as_str().into(),
        length_slots: length,
        created_at: at,
        updated_at: at,
    })
}

fn internal(e: crate::domain::DomainError) -> AppError {
    AppError::Internal(e.to_string())
}

fn to_dto(row: RequestRow, all: &[RequestRow]) -> AppResult<MeetingRequest> {
    let mutual = all.iter().any(|o| {
        o.id != row.id
            && LIVE.contains(&o.status.as_str())
            && o.from_kind == row.to_kind
            && o.from_id == row.to_id
            && o.to_kind == row.from_kind
            && o.to_id == row.from_id
    });
    Ok(MeetingRequest {
        id: row.id,
        from: PartyRefOut {
            kind: PartyKind::parse(&row.from_kind, "from.kind").map_err(internal)?,
            id: row.from_id,
        },
        to: PartyRefOut {
            kind: PartyKind::parse(&row.to_kind, "to.kind").map_err(internal)?,
            id: row.to_id,
        },
        priority: row.priority,
        message: row.message,
        status: RequestStatus::parse(&row.status, "status").map_err(internal)?,
        length_slots: row.length_slots,
        mutual,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

pub fn rows(conn: &mut Conn, event_id: i64) -> AppResult<Vec<RequestRow>> {
    events::row(conn, event_id)?;
    Ok(with_conn!(conn, |c| meeting_requests::table
        .filter(meeting_requests::event_id.eq(event_id))
        .order(meeting_requests::id)
        .select(RequestRow::as_select())
        .load(c))?)
}

pub fn create(conn: &mut Conn, event_id: i64, input: &RequestInput) -> AppResult<MeetingRequest> {
    events::row(conn, event_id)?;
    let row = validate(conn, event_id, input)?;
    let id = conn.transaction(|conn| {
        with_conn!(conn, |c| {
            let open: i64 = meeting_requests::table
                .filter(meeting_requests::event_id.eq(event_id))
                .filter(meeting_requests::from_kind.eq(&row.from_kind))
                .filter(meeting_requests::from_id.eq(row.from_id))
                .filter(meeting_requests::to_kind.eq(&row.to_kind))
                .filter(meeting_requests::to_id.eq(row.to_id))
                .filter(meeting_requests::status.eq_any(LIVE))
                .count()
                .get_result(c)?;
            if open > 0 {
                return Err(AppError::conflict(
                    "to",
                    "this meeting has already been requested",
                ));
            }
            let id: i64 = diesel::insert_into(meeting_requests::table)
                .values(&row)
                .returning(meeting_requests::id)
                .get_result(c)?;
            Ok(id)
        })
    })?;
    get(conn, event_id, id)
}

pub fn get(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<MeetingRequest> {
    let all = rows(conn, event_id)?;
    let row = all
        .iter()
        .find(|r| r.id == id)
        .cloned()
        .ok_or_else(|| AppError::not_found("request", id))?;
    to_dto(row, &all)
}

pub fn list(conn: &mut Conn, event_id: i64) -> AppResult<Vec<MeetingRequest>> {
    let all = rows(conn, event_id)?;
    all.iter().cloned().map(|r| to_dto(r, &all)).collect()
}

/// Moves a request to `to`, if its life allows it.
pub fn transition(
    conn: &mut Conn,
    event_id: i64,
    id: i64,
    to: RequestStatus,
) -> AppResult<MeetingRequest> {
    conn.transaction(|conn| {
        let current = get(conn, event_id, id)?;
        let allowed = matches!(
            (current.status, to),
            (RequestStatus::Requested, RequestStatus::Accepted)
                | (RequestStatus::Requested, RequestStatus::Declined)
                | (RequestStatus::Requested, RequestStatus::Cancelled)
                | (RequestStatus::Requested, RequestStatus::Expired)
                | (RequestStatus::Accepted, RequestStatus::Cancelled)
        );
        if !allowed {
            return Err(AppError::conflict(
                "status",
                format!("a request that is {} cannot become {}", current.status, to),
            ));
        }
        with_conn!(conn, |c| diesel::update(meeting_requests::table.find(id))
            .set((
                meeting_requests::status.eq(to.as_str()),
                meeting_requests::updated_at.eq(now())
            ))
            .execute(c))?;
        get(conn, event_id, id)
    })
}
