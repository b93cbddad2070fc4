//! Golden hours of an event: per event day, the windows in the organiser's zone in which at
//! least a share of the event's participants are inside their comfort hours, with counts
//! per side (the participant's `side`). The computation is [`crate::tz::golden_hours`];
//! this use case gathers the participants and reads the query.
//!
//! A participant without comfort hours counts as comfortable 08:00–18:00 in their own
//! zone ([`DEFAULT_COMFORT`]); one without a side is counted under "unassigned".

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{events, participants, Check};
use crate::db::models::ParticipantRow;
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::tz::{
    format_range_dual, golden_hours, GoldenHoursInput, GoldenParticipant, GoldenWindow, LocalTime,
    LocalWindow, Locale, Zone,
};

/// Comfort hours assumed for participants who gave none, in their own zone.
pub const DEFAULT_COMFORT: (u32, u32) = (8, 18);
/// The side of participants who have none.
const NO_SIDE: &str = "unassigned";

/// `?share=&step=&from=&to=&lang=`, read as text so a bad value is a 422 naming it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct GoldenQuery {
    /// Minimum share of all participants that must be comfortable, 0–1 (default 0.8).
    pub share: Option<String>,
    /// Grid step in minutes, 1–1440 (default 15).
    pub step: Option<String>,
    /// Start of the part of each day to consider, "HH:MM" in the organiser's zone
    /// (default 00:00 when `to` is given; the whole day when both are absent).
    pub from: Option<String>,
    /// End of that part, "HH:MM" (default 00:00, the end of the day).
    pub to: Option<String>,
    /// Language of the `label`s: en (default), de or zh.
    pub lang: Option<String>,
}

/// A validated [`GoldenQuery`].
#[derive(Debug, Clone, PartialEq)]
struct Params {
    share: f64,
    step_minutes: i64,
    daytime: Option<LocalWindow>,
    locale: Locale,
}

fn parse_query(q: &GoldenQuery) -> AppResult<Params> {
    let mut check = Check::new();
    let share = match q.share.as_deref().map(str::trim) {
        None | Some("") => Some(0.8),
        Some(text) => match text.parse::<f64>() {
            Ok(v) if (0.0..=1.0).contains(&v) => Some(v),
            _ => {
                check.fail("share", format!("'{text}' is not a number between 0 and 1"));
                None
            }
        },
    };
    let step = match q.step.as_deref().map(str::trim) {
        None | Some("") => Some(15),
        Some(text) => match text.parse::<i64>() {
            Ok(v) if (1..=1440).contains(&v) => Some(v),
            _ => {
                check.fail(
                    "step",
                    format!("'{text}' is not a whole number of minutes between 1 and 1440"),
                );
                None
            }
        },
    };
    let mut time = |field: &str, value: &Option<String>| match value.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match LocalTime::parse(text) {
            Ok(t) => Some(Some(t)),
            Err(e) => {
                check.fail(field, e.to_string());
                Some(None)
            }
        },
    };
    let from = time("from", &q.from);
    let to = time("to", &q.to);
    let locale = match q.lang.as_deref().map(str::trim) {
        None | Some("") => Some(Locale::En),
        Some(text) => match text.parse::<Locale>() {
            Ok(l) => Some(l),
            Err(e) => {
                check.fail("lang", e.to_string());
                None
            }
        },
    };
    check.into_result()?;
    let midnight = LocalTime::MIDNIGHT;
    let daytime = match (from, to) {
        (None, None) => None,
        (from, to) => Some(LocalWindow::new(
            from.flatten().unwrap_or(midnight),
            to.flatten().unwrap_or(midnight),
        )),
    };
    match (share, step, locale) {
        (Some(share), Some(step_minutes), Some(locale)) => Ok(Params {
            share,
            step_minutes,
            daytime,
            locale,
        }),
        _ => Err(AppError::Internal(
            "validation passed without values".into(),
        )),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct SideComfort {
    /// The fewest comfortable participants of this side at any time in the window.
    pub comfortable: usize,
    /// All participants of this side.
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct GoldenHoursWindow {
    /// `[start_utc, end_utc)`.
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// Start and end, "HH:MM" in the organiser's zone (an end of 00:00 is midnight).
    pub from: String,
    pub to: String,
    /// The window in the organiser's zone and in every other participant zone:
    /// "08:00–12:00 CET · 15:00–19:00 Beijing".
    pub label: String,
    pub sides: BTreeMap<String, SideComfort>,
    /// The fewest comfortable participants (all sides) at any time in the window.
    pub comfortable: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct GoldenHoursDay {
    pub date: NaiveDate,
    pub windows: Vec<GoldenHoursWindow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GoldenHours {
    pub event_id: i64,
    /// The organiser's (event's) zone, in which days and windows are laid out.
    pub time_zone: String,
    pub share: f64,
    pub step_minutes: i64,
    /// The part of each day considered, when limited.
    #[schema(value_type = Option<Object>, example = json!({"from": "06:00", "to": "20:00"}))]
    pub daytime: Option<LocalWindow>,
    pub participants: usize,
    /// How many of them had no comfort hours and were counted with 08:00–18:00 local.
    pub assumed_comfort: usize,
    pub days: Vec<GoldenHoursDay>,
}

fn default_comfort() -> AppResult<LocalWindow> {
    match (
        LocalTime::new(DEFAULT_COMFORT.0, 0),
        LocalTime::new(DEFAULT_COMFORT.1, 0),
    ) {
        (Some(from), Some(to)) => Ok(LocalWindow::new(from, to)),
        _ => Err(AppError::Internal("default comfort hours".into())),
    }
}

/// The participant's comfort window, or `None` when they gave none.
fn comfort_of(row: &ParticipantRow) -> AppResult<Option<LocalWindow>> {
    let parse = |t: &str| LocalTime::parse(t).map_err(|e| AppError::Internal(e.to_string()));
    match (row.comfort_from.as_deref(), row.comfort_to.as_deref()) {
        (Some(from), Some(to)) => Ok(Some(LocalWindow::new(parse(from)?, parse(to)?))),
        _ => Ok(None),
    }
}

/// The organiser's side of the window, then every other zone's.
fn label(window: &GoldenWindow, organiser: Zone, others: &[Zone], locale: Locale) -> String {
    let (start, end) = (window.start_utc, window.end_utc);
    let Some((first, rest)) = others.split_first() else {
        let dual = format_range_dual(start, end, organiser, organiser, locale);
        return dual
            .split_once(" · ")
            .map_or(dual.clone(), |(a, _)| a.to_string());
    };
    let mut text = format_range_dual(start, end, organiser, *first, locale);
    for zone in rest {
        let dual = format_range_dual(start, end, organiser, *zone, locale);
        if let Some((_, theirs)) = dual.split_once(" · ") {
            text.push_str(" · ");
            text.push_str(theirs);
        }
    }
    text
}

fn to_window(
    window: GoldenWindow,
    organiser: Zone,
    others: &[Zone],
    locale: Locale,
) -> GoldenHoursWindow {
    GoldenHoursWindow {
        label: label(&window, organiser, others, locale),
        from: window.local_start.format("%H:%M").to_string(),
        to: window.local_end.format("%H:%M").to_string(),
        start_utc: window.start_utc,
        end_utc: window.end_utc,
        sides: window
            .sides
            .into_iter()
            .map(|(side, c)| {
                (
                    side,
                    SideComfort {
                        comfortable: c.comfortable,
                        total: c.total,
                    },
                )
            })
            .collect(),
        comfortable: window.comfortable,
        total: window.total,
    }
}

/// Golden hours for every day of the event. 404 for an unknown event, 422 naming the
/// query field for a bad share, step, from, to or lang.
pub fn for_event(conn: &mut Conn, event_id: i64, query: &GoldenQuery) -> AppResult<GoldenHours> {
    let params = parse_query(query)?;
    let event = events::row(conn, event_id)?;
    let organiser = events::zone_of(&event)?;
    let days: Vec<NaiveDate> = events::days(conn, event_id)?
        .into_iter()
        .map(|d| d.date)
        .collect();
    let fallback = default_comfort()?;
    let mut assumed = 0;
    let mut people = Vec::new();
    let mut zones = BTreeSet::new();
    for row in participants::rows(conn, event_id)? {
        let zone = participants::zone_of(&row)?;
        let comfort = match comfort_of(&row)? {
            Some(window) => window,
            None => {
                assumed += 1;
                fallback
            }
        };
        if zone != organiser {
            zones.insert(zone.name());
        }
        let side = row.side.trim();
        people.push(GoldenParticipant {
            zone,
            comfort,
            side: if side.is_empty() { NO_SIDE } else { side }.to_string(),
        });
    }
    let others: Vec<Zone> = zones
        .into_iter()
        .map(Zone::parse)
        .collect::<Result<_, _>>()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let input = GoldenHoursInput {
        days,
        organiser_zone: organiser,
        participants: people,
        share: params.share,
        step_minutes: params.step_minutes,
        daytime: params.daytime,
    };
    // Share and step were checked above, so an error here is ours.
    let computed = golden_hours(&input).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(GoldenHours {
        event_id,
        time_zone: organiser.name().to_string(),
        share: params.share,
        step_minutes: params.step_minutes,
        daytime: params.daytime,
        participants: input.participants.len(),
        assumed_comfort: assumed,
        days: computed
            .into_iter()
            .map(|day| GoldenHoursDay {
                date: day.date,
                windows: day
                    .windows
                    .into_iter()
                    .map(|w| to_window(w, organiser, &others, params.locale))
                    .collect(),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> GoldenQuery {
        let mut q = GoldenQuery::default();
        for (k, v) in pairs {
            let v = Some(v.to_string());
            match *k {
                "share" => q.share = v,
                "step" => q.step = v,
                "from" => q.from = v,
                "to" => q.to = v,
                "lang" => q.lang = v,
                other => panic!("unknown key {other}"),
            }
        }
        q
    }

    fn fields(err: AppError) -> Vec<String> {
        match err {
            AppError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected invalid input, got {other}"),
        }
    }

    #[test]
    fn defaults_are_four_fifths_in_quarter_hours_over_the_whole_day() {
        let p = parse_query(&GoldenQuery::default()).unwrap();
        assert_eq!((p.share, p.step_minutes, p.daytime), (0.8, 15, None));
        assert_eq!(p.locale, Locale::En);
    }

    #[test]
    fn a_daytime_range_is_read_in_the_organisers_zone() {
        let p = parse_query(&query(&[
            ("share", "0.6"),
            ("step", "30"),
            ("from", "06:00"),
            ("to", "20:00"),
            ("lang", "de"),
        ]))
        .unwrap();
        assert_eq!(p.share, 0.6);
        assert_eq!(p.step_minutes, 30);
        assert_eq!(p.daytime, Some(LocalWindow::parse("06:00-20:00").unwrap()));
        assert_eq!(p.locale, Locale::De);
        // Only a start: until the end of the day.
        let p = parse_query(&query(&[("from", "06:00")])).unwrap();
        assert_eq!(p.daytime.unwrap().to.to_string(), "00:00");
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let err = parse_query(&query(&[
            ("share", "1.5"),
            ("step", "0"),
            ("from", "25:00"),
            ("to", "noon"),
            ("lang", "fr"),
        ]))
        .unwrap_err();
        assert_eq!(fields(err), ["share", "step", "from", "to", "lang"]);
        for (key, bad) in [
            ("share", "NaN"),
            ("share", "-0.1"),
            ("step", "1441"),
            ("step", "7.5"),
        ] {
            assert_eq!(
                fields(parse_query(&query(&[(key, bad)])).unwrap_err()),
                [key]
            );
        }
    }

    #[test]
    fn the_label_shows_the_organiser_zone_first_then_the_others() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let shanghai = Zone::parse("Asia/Shanghai").unwrap();
        let window = GoldenWindow {
            start_utc: "2021-03-25T07:00:00Z".parse().unwrap(),
            end_utc: "2021-03-25T11:00:00Z".parse().unwrap(),
            local_start: "2021-03-25T08:00:00".parse().unwrap(),
            local_end: "2021-03-25T12:00:00".parse().unwrap(),
            sides: BTreeMap::new(),
            comfortable: 0,
            total: 0,
        };
        assert_eq!(
            label(&window, berlin, &[shanghai], Locale::En),
            "08:00–12:00 CET · 15:00–19:00 Beijing"
        );
        assert_eq!(label(&window, berlin, &[], Locale::De), "08:00–12:00 MEZ");
    }
}
