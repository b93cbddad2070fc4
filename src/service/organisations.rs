//! Organisations taking part in an event (universities, companies, investors, ...).

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{events, Check};
use crate::db::models::{NewOrganisation, OrganisationRow};
use crate::db::schema::organisations;
use crate::db::Conn;
use crate::domain::{optional_text, single_line, OrganisationKind};
use crate::error::{AppError, AppResult};
use crate::with_conn;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    pub name: String,
    /// university, institute, company, startup, investor, government, association or other.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub website: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: OrganisationKind,
    pub country: String,
    pub website: String,
}

fn validate(event_id: i64, input: &OrganisationInput) -> AppResult<NewOrganisation> {
    let mut check = Check::new();
    let name = check.take(single_line(&input.name, "name", 200));
    let kind = match &input.kind {
        Some(k) => check.take(OrganisationKind::parse(k, "kind")),
        None => Some(OrganisationKind::Company),
    };
    let country = check.take(optional_text(&input.country, "country", 100));
    let website = check.take(optional_text(&input.website, "website", 500));
    check.into_result()?;
    match (name, kind, country, website) {
        (Some(name), Some(kind), Some(country), Some(website)) => Ok(NewOrganisation {
            event_id,
            name,
            kind: kind.as_str().into(),
            country,
            website,
        }),
        _ => Err(AppError::Internal(
            "validation passed without values".into(),
        )),
    }
}

fn to_dto(row: OrganisationRow) -> AppResult<Organisation> {
    Ok(Organisation {
        id: row.id,
        kind: OrganisationKind::parse(&row.kind, "kind")
            .map_err(|e| AppError::Internal(e.to_string()))?,
        name: row.name,
        country: row.country,
        website: row.website,
    })
}

fn duplicate_name(e: AppError) -> AppError {
    match e {
        AppError::Conflict { .. } => AppError::conflict(
            "name",
            "an organisation of this name is already part of the event",
        ),
        other => other,
    }
}

pub fn create(
    conn: &mut Conn,
    event_id: i64,
    input: &OrganisationInput,
) -> AppResult<Organisation> {
    events::row(conn, event_id)?;
    let row = validate(event_id, input)?;
    let stored: OrganisationRow = with_conn!(conn, |c| diesel::insert_into(organisations::table)
        .values(&row)
        .returning(OrganisationRow::as_returning())
        .get_result(c))
    .map_err(|e| duplicate_name(e.into()))?;
    to_dto(stored)
}

pub fn update(
    conn: &mut Conn,
    event_id: i64,
    id: i64,
    input: &OrganisationInput,
) -> AppResult<Organisation> {
    get(conn, event_id, id)?;
    let row = validate(event_id, input)?;
    with_conn!(conn, |c| diesel::update(organisations::table.find(id))
        .set(&row)
        .execute(c))
    .map_err(|e| duplicate_name(e.into()))?;
    get(conn, event_id, id)
}

pub fn get(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<Organisation> {
    let row: Option<OrganisationRow> = with_conn!(conn, |c| organisations::table
        .filter(organisations::id.eq(id))
        .filter(organisations::event_id.eq(event_id))
        .select(OrganisationRow::as_select())
        .first(c)
        .optional())?;
    to_dto(row.ok_or_else(|| AppError::not_found("organisation", id))?)
}

pub fn list(conn: &mut Conn, event_id: i64) -> AppResult<Vec<Organisation>> {
    events::row(conn, event_id)?;
    let rows: Vec<OrganisationRow> = with_conn!(conn, |c| organisations::table
        .filter(organisations::event_id.eq(event_id))
        .order(organisations::name)
        .select(OrganisationRow::as_select())
        .load(c))?;
    rows.into_iter().map(to_dto).collect()
}

/// The id of the event's organisation called `name`, created if it does not exist yet
/// (spreadsheets name organisations, not ids).
pub fn find_or_create(conn: &mut Conn, event_id: i64, name: &str) -> AppResult<i64> {
    let existing: Option<i64> = with_conn!(conn, |c| organisations::table
        .filter(organisations::event_id.eq(event_id))
        .filter(organisations::name.eq(name))
        .select(organisations::id)
        .first(c)
        .optional())?;
    match existing {
        Some(id) => Ok(id),
        None => Ok(create(
            conn,
            event_id,
            &OrganisationInput {
                name: name.to_string(),
                kind: None,
                country: String::new(),
                website: String::new(),
            },
        )?
        .id),
    }
}

pub fn delete(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<()> {
    let n = with_conn!(conn, |c| diesel::delete(
        organisations::table
            .filter(organisations::id.eq(id))
            .filter(organisations::event_id.eq(event_id))
    )
    .execute(c))?;
    if n == 0 {
        return Err(AppError::not_found("organisation", id));
    }
    Ok(())
}
