//! Tandems and delegations: named groups whose members attend their meetings together.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{events, Check};
use crate::db::models::{GroupMemberRow, GroupRow, NewGroup};
use crate::db::schema::{group_members, participant_groups, participants};
use crate::db::Conn;
use crate::domain::{single_line, GroupKind};
use crate::error::{AppError, AppResult};
use crate::with_conn;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    #[schema(example = "Tandem Heidelberg")]
    pub name: String,
    /// tandem or delegation.
    #[schema(example = "tandem")]
    pub kind: String,
    /// Participants of the event; a tandem has two, a delegation two or more.
    pub member_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Group {
    pub id: i64,
    pub name: String,
    pub kind: GroupKind,
    pub member_ids: Vec<i64>,
}

fn validate(conn: &mut Conn, event_id: i64, input: &GroupInput) -> AppResult<(NewGroup, Vec<i64>)> {
    let mut check = Check::new();
    let name = check.take(single_line(&input.name, "name", 200));
    let kind = check.take(GroupKind::parse(&input.kind, "kind"));
    let mut members = input.member_ids.clone();
    members.sort_unstable();
    members.dedup();
    if members.len() < 2 {
        check.fail("member_ids", "a group has at least two different members");
    }
    if kind == Some(GroupKind::Tandem) && members.len() > 2 {
        check.fail(
            "member_ids",
            "a tandem has exactly two members (use a delegation for more)",
        );
    }
    let found: i64 = with_conn!(conn, |c| participants::table
        .filter(participants::id.eq_any(&members))
        .filter(participants::event_id.eq(event_id))
        .count()
        .get_result(c))?;
    if found != members.len() as i64 {
        check.fail(
            "member_ids",
            "every member must be a participant of this event",
        );
    }
    check.into_result()?;
    match (name, kind) {
        (Some(name), Some(kind)) => Ok((
            NewGroup {
                event_id,
                name,
                kind: kind.as_str().into(),
            },
            members,
        )),
        _ => Err(AppError::Internal(
            "validation passed without values".into(),
        )),
    }
}

pub fn create(conn: &mut Conn, event_id: i64, input: &GroupInput) -> AppResult<Group> {
    events::row(conn, event_id)?;
    let (row, members) = validate(conn, event_id, input)?;
    let id = conn.transaction(|conn| {
        with_conn!(conn, |c| {
            let id: i64 = diesel::insert_into(participant_groups::table)
                .values(&row)
                .returning(participant_groups::id)
                .get_result(c)
                .map_err(|e| match AppError::from(e) {
                    AppError::Conflict { .. } => AppError::conflict(
                        "name",
                        "a group of this name already exists in the event",
                    ),
                    other => other,
                })?;
            let links: Vec<GroupMemberRow> = members
                .iter()
                .map(|p| GroupMemberRow {
                    group_id: id,
                    participant_id: *p,
                })
                .collect();
            diesel::insert_into(group_members::table)
                .values(&links)
                .execute(c)?;
            Ok::<_, AppError>(id)
        })
    })?;
    get(conn, event_id, id)
}

pub fn list(conn: &mut Conn, event_id: i64) -> AppResult<Vec<Group>> {
    events::row(conn, event_id)?;
    let (rows, links) = with_conn!(conn, |c| {
        let rows: Vec<GroupRow> = participant_groups::table
            .filter(participant_groups::event_id.eq(event_id))
            .order(participant_groups::id)
            .select(GroupRow::as_select())
            .load(c)?;
        let links: Vec<GroupMemberRow> = group_members::table
            .inner_join(participant_groups::table)
            .filter(participant_groups::event_id.eq(event_id))
            .order((group_members::group_id, group_members::participant_id))
            .select(GroupMemberRow::as_select())
            .load(c)?;
        Ok::<_, AppError>((rows, links))
    })?;
    rows.into_iter()
        .map(|row| {
            Ok(Group {
                member_ids: links
                    .iter()
                    .filter(|l| l.group_id == row.id)
                    .map(|l| l.participant_id)
                    .collect(),
                kind: GroupKind::parse(&row.kind, "kind")
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                id: row.id,
                name: row.name,
            })
        })
        .collect()
}

pub fn get(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<Group> {
    list(conn, event_id)?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or_else(|| AppError::not_found("group", id))
}

pub fn delete(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<()> {
    let n = with_conn!(conn, |c| diesel::delete(
        participant_groups::table
            .filter(participant_groups::id.eq(id))
            .filter(participant_groups::event_id.eq(event_id))
    )
    .execute(c))?;
    if n == 0 {
        return Err(AppError::not_found("group", id));
    }
    Ok(())
}
