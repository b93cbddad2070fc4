//! CSV import of participants and requests: organisers live in spreadsheets.
//!
//! An import is all-or-nothing: every row is validated by the same use case as the API, inside
//! one transaction; if any row fails, nothing is stored and every failing row is reported as
//! `rows[N].field`, N being the spreadsheet line (the header is line 1).

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::groups::GroupInput;
use super::participants::ParticipantInput;
use super::requests::{PartyInput, RequestInput};
use super::{events, groups, participants, requests};
use crate::db::Conn;
use crate::domain::Availability;
use crate::error::{AppError, AppResult, FieldError};
use crate::tz::{LocalTime, LocalWindow};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    /// Rows stored.
    pub imported: usize,
    /// Tandems and delegations formed from the `group` column.
    pub groups: usize,
}

/// One parsed CSV: lowercased header names, and rows with their spreadsheet line.
struct Sheet {
    header: Vec<String>,
    rows: Vec<(usize, csv::StringRecord)>,
}

impl Sheet {
    fn parse(text: &[u8], required: &[&str]) -> AppResult<Sheet> {
        let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text); // Excel's UTF-8 BOM
        let mut reader = csv::ReaderBuilder::new()
            .flexible(false)
            .trim(csv::Trim::All)
            .from_reader(text);
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| AppError::invalid("rows[1]", format!("unreadable header: {e}")))?
            .iter()
            .map(|h| h.to_lowercase())
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !header.iter().any(|h| h == r))
            .collect();
        if !missing.is_empty() {
            return Err(AppError::invalid(
                "rows[1]",
                format!("missing column(s): {}", missing.join(", ")),
            ));
        }
        let mut rows = Vec::new();
        let mut errors = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            match record {
                Ok(r) if r.iter().all(str::is_empty) => {}
                Ok(r) => rows.push((line, r)),
                Err(e) => errors.push(FieldError {
                    field: format!("rows[{line}]"),
                    message: format!("unreadable row: {e}"),
                }),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if rows.is_empty() {
            return Err(AppError::invalid("rows", "the file has no data rows"));
        }
        Ok(Sheet { header, rows })
    }

    fn get<'a>(&self, record: &'a csv::StringRecord, column: &str) -> &'a str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| record.get(i))
            .unwrap_or("")
    }
}

/// Prefixes the errors of one row with its line; other errors pass through.
fn at_line(line: usize, error: AppError, errors: &mut Vec<FieldError>) -> AppResult<()> {
    let prefix = |field: &str| format!("rows[{line}].{field}");
    match error {
        AppError::Invalid(list) => errors.extend(list.into_iter().map(|e| FieldError {
            field: prefix(&e.field),
            message: e.message,
        })),
        AppError::Conflict { field, message } => errors.push(FieldError {
            field: prefix(field.as_deref().unwrap_or("row")),
            message,
        }),
        AppError::NotFound { resource, id } => errors.push(FieldError {
            field: format!("rows[{line}]"),
            message: format!("{resource} {id} not found"),
        }),
        other => return Err(other),
    }
    Ok(())
}

fn optional_number(text: &str, field: &str) -> Result<Option<i32>, AppError> {
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| AppError::invalid(field, format!("'{text}' is not a whole number")))
}

fn optional_window(from: &str, to: &str, field: &str) -> Result<Option<LocalWindow>, AppError> {
    match (from.is_empty(), to.is_empty()) {
        (true, true) => Ok(None),
        (false, false) => {
            let parse = |t: &str, f: &str| {
                LocalTime::parse(t)
                    .map_err(|e| AppError::invalid(format!("{field}_{f}"), e.to_string()))
            };
            Ok(Some(LocalWindow {
                from: parse(from, "from")?,
                to: parse(to, "to")?,
            }))
        }
        _ => Err(AppError::invalid(
            field,
            "give both the start and the end, or neither",
        )),
    }
}

fn participant_input(sheet: &Sheet, r: &csv::StringRecord) -> AppResult<ParticipantInput> {
    let organisation = sheet.get(r, "organisation");
    let availability = optional_window(
        sheet.get(r, "available_from"),
        sheet.get(r, "available_to"),
        "available",
    )?;
    let locale = sheet.get(r, "locale");
    Ok(ParticipantInput {
        name: sheet.get(r, "name").into(),
        email: sheet.get(r, "email").into(),
        organisation_id: None,
        organisation: (!organisation.is_empty()).then(|| organisation.to_string()),
        side: sheet.get(r, "side").into(),
        country: sheet.get(r, "country").into(),
        time_zone: sheet.get(r, "time_zone").into(),
        languages: sheet
            .get(r, "languages")
            .split([' ', ',', ';', '/'])
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        availability: Availability {
            daily: availability.into_iter().collect(),
            days: BTreeMap::new(),
        },
        comfort: optional_window(
            sheet.get(r, "comfort_from"),
            sheet.get(r, "comfort_to"),
            "comfort",
        )?,
        max_meetings: optional_number(sheet.get(r, "max_meetings"), "max_meetings")?,
        locale: (!locale.is_empty()).then(|| locale.to_string()),
    })
}

/// Columns: name, email, time_zone (required); organisation, side, country, languages
/// ("de en"), available_from, available_to, comfort_from, comfort_to ("HH:MM", local),
/// max_meetings, locale, group (rows sharing a group name form a tandem — two people — or a
/// delegation).
pub fn participants_csv(conn: &mut Conn, event_id: i64, text: &[u8]) -> AppResult<ImportReport> {
    events::row(conn, event_id)?;
    let sheet = Sheet::parse(text, &["name", "email", "time_zone"])?;
    conn.transaction(|conn| {
        let mut errors = Vec::new();
        let mut groups_by_name: BTreeMap<String, Vec<(usize, i64)>> = BTreeMap::new();
        for (line, record) in &sheet.rows {
            let created = participant_input(&sheet, record)
                .and_then(|input| participants::create(conn, event_id, &input));
            match created {
                Ok(p) => {
                    let group = sheet.get(record, "group");
                    if !group.is_empty() {
                        groups_by_name
                            .entry(group.to_string())
                            .or_default()
                            .push((*line, p.id));
                    }
                }
                Err(e) => at_line(*line, e, &mut errors)?,
            }
        }
        let mut formed = 0;
        for (name, members) in &groups_by_name {
            let input = GroupInput {
                name: name.clone(),
                kind: if members.len() == 2 {
                    "tandem"
                } else {
                    "delegation"
                }
                .into(),
                member_ids: members.iter().map(|(_, id)| *id).collect(),
            };
            match groups::create(conn, event_id, &input) {
                Ok(_) => formed += 1,
                Err(e) => {
                    let first_line = members.first().map_or(0, |(l, _)| *l);
                    at_line(first_line, e, &mut errors)?;
                    if let Some(last) = errors.last_mut() {
                        last.field = format!("rows[{first_line}].group");
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(ImportReport {
            imported: sheet.rows.len(),
            groups: formed,
        })
    })
}

/// A party named in a requests sheet: a participant's e-mail, else a group's name, else
/// (as a target) an organisation's name.
fn resolve_party(
    conn: &mut Conn,
    event_id: i64,
    text: &str,
    field: &str,
    may_be_organisation: bool,
) -> AppResult<PartyInput> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(
            field,
            "must name a participant (e-mail), a group or an organisation",
        ));
    }
    let people = participants::rows(conn, event_id)?;
    if let Some(p) = people.iter().find(|p| p.email.eq_ignore_ascii_case(text)) {
        return Ok(PartyInput {
            kind: "participant".into(),
            id: p.id,
        });
    }
    if let Some(g) = groups::list(conn, event_id)?
        .into_iter()
        .find(|g| g.name == text)
    {
        return Ok(PartyInput {
            kind: "group".into(),
            id: g.id,
        });
    }
    if may_be_organisation {
        if let Some(o) = super::organisations::list(conn, event_id)?
            .into_iter()
            .find(|o| o.name == text)
        {
            return Ok(PartyInput {
                kind: "organisation".into(),
                id: o.id,
            });
        }
    }
    Err(AppError::invalid(
        field,
        format!("'{text}' is no participant e-mail, group or organisation of this event"),
    ))
}

/// Columns: from (a participant's e-mail or a group's name), to (e-mail, group or
/// organisation name) (required); priority (1–5), message, length_slots.
pub fn requests_csv(conn: &mut Conn, event_id: i64, text: &[u8]) -> AppResult<ImportReport> {
    events::row(conn, event_id)?;
    let sheet = Sheet::parse(text, &["from", "to"])?;
    conn.transaction(|conn| {
        let mut errors = Vec::new();
        for (line, r) in &sheet.rows {
            let outcome = (|| {
                let from = resolve_party(conn, event_id, sheet.get(r, "from"), "from", false)?;
                let to = resolve_party(conn, event_id, sheet.get(r, "to"), "to", true)?;
                let input = RequestInput {
                    from,
                    to,
                    priority: optional_number(sheet.get(r, "priority"), "priority")?,
                    message: sheet.get(r, "message").into(),
                    length_slots: optional_number(sheet.get(r, "length_slots"), "length_slots")?,
                };
                requests::create(conn, event_id, &input)
            })();
            if let Err(e) = outcome {
                at_line(*line, e, &mut errors)?;
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        Ok(ImportReport {
            imported: sheet.rows.len(),
            groups: 0,
        })
    })
}
