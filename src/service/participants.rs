//! Participants: persons with an IANA time zone, languages and availability in their own
//! local time.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{events, now, organisations, stored_json, to_json, Check, Page};
use crate::db::models::{NewParticipant, ParticipantRow};
use crate::db::schema::{organisations as orgs, participants};
use crate::db::Conn;
use crate::domain::{languages, optional_text, single_line, Availability, Email, Locale};
use crate::error::{AppError, AppResult};
use crate::tz::{LocalTime, LocalWindow, Zone};
use crate::with_conn;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    #[schema(example = "Dr. Wang Li")]
    pub name: String,
    #[schema(example = "wang.li@example.cn")]
    pub email: String,
    /// An organisation of the event, by id ...
    #[serde(default)]
    pub organisation_id: Option<i64>,
    /// ... or by name (created when new).
    #[serde(default)]
    pub organisation: Option<String>,
    /// The side of the event the person belongs to, e.g. "DE" or "CN".
    #[serde(default)]
    pub side: String,
    #[serde(default)]
    pub country: String,
    #[schema(example = "Asia/Shanghai")]
    pub time_zone: String,
    #[serde(default)]
    #[schema(example = json!(["zh", "en"]))]
    pub languages: Vec<String>,
    /// Availability in the participant's own local time.
    #[serde(default)]
    pub availability: Availability,
    /// Comfort hours ("HH:MM" from/to, local): meetings outside are possible but avoided.
    #[serde(default)]
    #[schema(value_type = Option<Object>, example = json!({"from": "08:00", "to": "19:00"}))]
    pub comfort: Option<LocalWindow>,
    #[serde(default)]
    pub max_meetings: Option<i32>,
    /// en, de or zh: the language of emails and pages.
    #[serde(default)]
    pub locale: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Participant {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub organisation_id: Option<i64>,
    pub organisation: Option<String>,
    pub side: String,
    pub country: String,
    pub time_zone: String,
    pub languages: Vec<String>,
    pub availability: Availability,
    #[schema(value_type = Option<Object>)]
    pub comfort: Option<LocalWindow>,
    pub max_meetings: Option<i32>,
    pub locale: Locale,
}

pub(crate) fn check_windows(check: &mut Check, availability: &Availability) {
    let all = availability
        .daily
        .iter()
        .map(|w| ("availability.daily".to_string(), w))
        .chain(availability.days.iter().flat_map(|(d, ws)| {
            ws.iter()
                .map(move |w| (format!("availability.days.{d}"), w))
        }));
    for (field, window) in all {
        if window.from == window.to {
            check.fail(field, "a window must not start and end at the same time");
        }
    }
}

pub(crate) fn check_zone(check: &mut Check, name: &str) -> Option<Zone> {
    match Zone::parse(name) {
        Ok(z) => Some(z),
        Err(e) => {
            check.fail("time_zone", e.to_string());
            None
        }
    }
}

fn validate(conn: &mut Conn, event_id: i64, input: &ParticipantInput) -> AppResult<NewParticipant> {
    let mut check = Check::new();
    let name = check.take(single_line(&input.name, "name", 200));
    let email = check.take(Email::parse(&input.email, "email"));
    let side = check.take(optional_text(&input.side, "side", 50));
    let country = check.take(optional_text(&input.country, "country", 100));
    let zone = check_zone(&mut check, &input.time_zone);
    let langs = check.take(languages(&input.languages, "languages"));
    check_windows(&mut check, &input.availability);
    if let Some(window) = &input.comfort {
        if window.from == window.to {
            check.fail(
                "comfort",
                "comfort hours must not start and end at the same time",
            );
        }
    }
    if matches!(input.max_meetings, Some(m) if m < 0) {
        check.fail("max_meetings", "must not be negative");
    }
    let locale = match &input.locale {
        Some(l) => check.take(Locale::parse(l, "locale")),
        None => Some(Locale::En),
    };
    let organisation_id = match (&input.organisation_id, &input.organisation) {
        (Some(_), Some(_)) => {
            check.fail(
                "organisation",
                "give organisation_id or organisation, not both",
            );
            None
        }
        (Some(id), None) => {
            let found: i64 = with_conn!(conn, |c| orgs::table
                .filter(orgs::id.eq(*id))
                .filter(orgs::event_id.eq(event_id))
                .count()
                .get_result(c))?;
            if found == 0 {
                check.fail(
                    "organisation_id",
                    format!("organisation {id} is not part of this event"),
                );
            }
            Some(*id)
        }
        (None, Some(name)) => match check.take(single_line(name, "organisation", 200)) {
            Some(name) if check.is_ok() => {
                Some(organisations::find_or_create(conn, event_id, &name)?)
            }
            _ => None,
        },
        (None, None) => None,
    };
    check.into_result()?;
    let (Some(name), Some(email), Some(side), Some(country), Some(zone), Some(langs), Some(locale)) =
        (name, email, side, country, zone, langs, locale)
    else {
        return Err(AppError::Internal(
            "validation passed without values".into(),
        ));
    };
    Ok(NewParticipant {
        event_id,
        organisation_id,
        name,
        email: email.to_string(),
        side,
        country,
        time_zone: zone.name().into(),
        languages: to_json(&langs),
        availability: to_json(&input.availability),
        comfort_from: input.comfort.map(|w| w.from.to_string()),
        comfort_to: input.comfort.map(|w| w.to.to_string()),
        max_meetings: input.max_meetings,
        locale: locale.as_str().into(),
        created_at: now(),
    })
}

fn parse_comfort(from: Option<&str>, to: Option<&str>) -> AppResult<Option<LocalWindow>> {
    match (from, to) {
        (Some(from), Some(to)) => {
            let parse =
                |t: &str| LocalTime::parse(t).map_err(|e| AppError::Internal(e.to_string()));
            Ok(Some(LocalWindow {
                from: parse(from)?,
                to: parse(to)?,
            }))
        }
        _ => Ok(None),
    }
}

pub fn to_dto(row: ParticipantRow, organisation: Option<String>) -> AppResult<Participant> {
    Ok(Participant {
        languages: stored_json(&row.languages, "languages")?,
        availability: stored_json(&row.availability, "availability")?,
        comfort: parse_comfort(row.comfort_from.as_deref(), row.comfort_to.as_deref())?,
        locale: Locale::parse(&row.locale, "locale")
            .map_err(|e| AppError::Internal(e.to_string()))?,
        id: row.id,
        name: row.name,
        email: row.email,
        organisation_id: row.organisation_id,
        organisation,
        side: row.side,
        country: row.country,
        time_zone: row.time_zone,
        max_meetings: row.max_meetings,
    })
}

fn duplicate_email(e: AppError) -> AppError {
    match e {
        AppError::Conflict { .. } => AppError::conflict(
            "email",
            "a participant with this e-mail address is already registered for the event",
        ),
        other => other,
    }
}

pub fn create(conn: &mut Conn, event_id: i64, input: &ParticipantInput) -> AppResult<Participant> {
    events::row(conn, event_id)?;
    conn.transaction(|conn| {
        let row = validate(conn, event_id, input)?;
        let id: i64 = with_conn!(conn, |c| diesel::insert_into(participants::table)
            .values(&row)
            .returning(participants::id)
            .get_result(c))
        .map_err(|e| duplicate_email(e.into()))?;
        get(conn, event_id, id)
    })
}

pub fn update(
    conn: &mut Conn,
    event_id: i64,
    id: i64,
    input: &ParticipantInput,
) -> AppResult<Participant> {
    conn.transaction(|conn| {
        let existing = row(conn, event_id, id)?;
        let mut new = validate(conn, event_id, input)?;
        new.created_at = existing.created_at;
        with_conn!(conn, |c| diesel::update(participants::table.find(id))
            .set(&new)
            .execute(c))
        .map_err(|e| duplicate_email(e.into()))?;
        get(conn, event_id, id)
    })
}

pub fn row(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<ParticipantRow> {
    with_conn!(conn, |c| participants::table
        .filter(participants::id.eq(id))
        .filter(participants::event_id.eq(event_id))
        .select(ParticipantRow::as_select())
        .first(c)
        .optional())?
    .ok_or_else(|| AppError::not_found("participant", id))
}

pub fn get(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<Participant> {
    let row = row(conn, event_id, id)?;
    let organisation = match row.organisation_id {
        Some(org) => with_conn!(conn, |c| orgs::table
            .find(org)
            .select(orgs::name)
            .first(c)
            .optional())?,
        None => None,
    };
    to_dto(row, organisation)
}

/// Every participant row of the event (for the solver and the mail).
pub fn rows(conn: &mut Conn, event_id: i64) -> AppResult<Vec<ParticipantRow>> {
    Ok(with_conn!(conn, |c| participants::table
        .filter(participants::event_id.eq(event_id))
        .order(participants::id)
        .select(ParticipantRow::as_select())
        .load(c))?)
}

pub fn list(
    conn: &mut Conn,
    event_id: i64,
    page: i64,
    per_page: i64,
) -> AppResult<Page<Participant>> {
    events::row(conn, event_id)?;
    let (rows, total) = with_conn!(conn, |c| {
        let rows: Vec<(ParticipantRow, Option<String>)> = participants::table
            .left_join(orgs::table)
            .filter(participants::event_id.eq(event_id))
            .order(participants::id)
            .limit(per_page)
            .offset((page - 1) * per_page)
            .select((ParticipantRow::as_select(), orgs::name.nullable()))
            .load(c)?;
        let total: i64 = participants::table
            .filter(participants::event_id.eq(event_id))
            .count()
            .get_result(c)?;
        Ok::<_, AppError>((rows, total))
    })?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|(r, o)| to_dto(r, o))
            .collect::<AppResult<_>>()?,
        page,
        per_page,
        total,
    })
}

pub fn delete(conn: &mut Conn, event_id: i64, id: i64) -> AppResult<()> {
    let n = with_conn!(conn, |c| diesel::delete(
        participants::table
            .filter(participants::id.eq(id))
            .filter(participants::event_id.eq(event_id))
    )
    .execute(c))?;
    if n == 0 {
        return Err(AppError::not_found("participant", id));
    }
    Ok(())
}

/// Languages and zone of a stored row, parsed.
pub fn zone_of(row: &ParticipantRow) -> AppResult<Zone> {
    Zone::parse(&row.time_zone).map_err(|e| AppError::Internal(e.to_string()))
}
