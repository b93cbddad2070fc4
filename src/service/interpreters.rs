//! Interpreters: a scheduling resource with languages and availability.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::participants::{check_windows, check_zone};
use super::{events, stored_json, to_json, Check};
use crate::db::models::{InterpreterRow, NewInterpreter};
use crate::db::schema::interpreters;
use crate::db::Conn;
use crate::domain::{languages, single_line, Availability, Email};
use crate::error::{AppError, AppResult};
use crate::with_conn;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterpreterInput {
    pub name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[schema(example = "Europe/Berlin")]
    pub time_zone: String,
    /// At least two language codes.
    #[schema(example = json!(["de", "zh", "en"]))]
    pub languages: Vec<String>,
    #[serde(default)]
    pub availability: Availability,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Interpreter {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    pub languages: Vec<String>,
    pub availability: Availability,
}

fn validate(event_id: i64, input: &InterpreterInput) -> AppResult<NewInterpreter> {
    let mut check = Check::new();
    let name = check.take(single_line(&input.name, "name", 200));
    let email = match &input.email {
        Some(e) if !e.trim().is_empty() => {
            check.take(Email::parse(e, "email")).map(|e| e.to_string())
        }
        _ => Some(String::new()),
    };
    let zone = check_zone(&mut check, &input.time_zone);
    let langs = check.take(languages(&input.languages, "languages"));
    if matches!(&langs, Some(l) if l.len() < 2) {
        check.fail("languages", "an interpreter speaks at least two languages");
    }
    check_windows(&mut check, &input.availability);
    check.into_result()?;
    match (name, email, zone, langs) {
        (Some(name), Some(email), Some(zone), Some(langs)) => Ok(NewInterpreter {
            event_id,
            name,
            email,
            time_zone: zone.name().into(),
            languages: to_json(&langs),
            availability: to_json(&input.availability),
        }),
        _ => Err(AppError::Internal(
            "validation passed without values".into(),
        )),
    }
}

fn to_dto(row: InterpreterRow) -> AppResult<Interpreter> {
    Ok(Interpreter {
        languages: stored_json(&row.languages, "languages")?,
        availability: stored_json(&row.availability, "availability")?,
        id: row.id,
        name: row.name,
        email: row.email,
        time_zone: row.time_zone,
    })
}

pub fn create(conn: &mut Conn, event_id: i64, input: &InterpreterInput) -> AppResult<Interpreter> {
    events::row(conn, event_id)?;
    let row = validate(event_id, input)?;
    let stored: InterpreterRow = with_conn!(conn, |c| diesel::insert_into(interpreters::table)
        .values(&row)
        .returning(InterpreterRow::as_returning())
        .get_result(c))?;
    to_dto(stored)
}

pub fn rows(conn: &mut Conn, event_id: i64) -> AppResult<Vec<InterpreterRow>> {
    events::row(conn, event_id)?;
    Ok(with_conn!(conn, |c| interpreters::table
        .filter(interpreters::event_id.eq(event_id))
        .order(interpreters::id)
        .select(InterpreterRow::as_select())
        .load(c))?)
}

pub fn list(conn: &mut Conn, event_id: i64) -> AppResult<Vec<Interpreter>> {
    rows(conn, event_id)?.into_iter().map(to_dto).collect()
}

pub fn delete(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<()> {
    let n = with_conn!(conn, |c| diesel::delete(
        interpreters::table
            .filter(interpreters::id.eq(id))
            .filter(interpreters::event_id.eq(event_id))
    )
    .execute(c))?;
    if n == 0 {
        return Err(AppError::not_found("interpreter", id));
    }
    Ok(())
}
