//! One participant's itinerary: every programme session they attend and every meeting they
//! are booked into, in time order, each shown in their own zone and in the zone of the
//! people on the other side, in their own language. The API serves it and the mail builds
//! its messages from the same value, so a time reads the same in both.
//!
//! Which schedule: the version asked for; otherwise the published one; otherwise the
//! latest draft (so an organiser can preview before publishing); with no version at all
//! only the sessions are listed.
//!
//! The counterpart zone: for a meeting, the zone of the first other attendee (lowest
//! participant id) whose zone differs from the participant's own, so a tandem partner in
//! the same city does not hide the other side; the own zone when everyone shares it. For a
//! session, the event's zone. When the counterpart zone equals the participant's own zone
//! the strings show one zone instead of the same time twice.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::schedule::{self, Version};
use super::{events, interpreters, organisations, participants, programme};
use crate::db::models::ParticipantRow;
use crate::db::Conn;
use crate::domain::{Audience, SessionKind, VersionStatus};
use crate::error::{AppError, AppResult};
use crate::tz::{
    format_date, format_dual, format_instant, format_range, format_range_dual, utc_to_local,
    zone_label, Locale, Zone,
};

/// Who the itinerary is for.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItineraryParticipant {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub time_zone: String,
    /// The language of every formatted string of the itinerary.
    #[schema(value_type = String, example = "zh")]
    pub locale: Locale,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItineraryEvent {
    pub id: i64,
    pub name: String,
    pub time_zone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Session,
    Meeting,
}

/// One zone's view of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LocalSide {
    /// IANA name.
    pub time_zone: String,
    /// What people call the zone at the start: "CET", "MESZ", "北京时间".
    pub zone_label: String,
    /// Wall-clock start and end in this zone.
    /// Wall-clock time in this side's zone, without an offset.
    #[schema(value_type = String, example = "2021-03-25T16:00:00")]
    pub start: NaiveDateTime,
    #[schema(value_type = String, example = "2021-03-25T16:30:00")]
    pub end: NaiveDateTime,
    /// This zone's part of `time_range`: "15:40–16:00 北京时间"; day marks are relative to
    /// the participant's own start date.
    pub range: String,
}

/// Another attendee of a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Counterpart {
    pub id: i64,
    pub name: String,
    pub organisation: Option<String>,
    pub time_zone: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItineraryItem {
    pub kind: ItemKind,
    /// The session id or the booking id.
    pub id: i64,
    /// Sessions only: plenary, presentation, ...
    pub session_kind: Option<SessionKind>,
    /// The session title, or "Meeting with ..." in the participant's language.
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The start date in the participant's zone, and as text: "3月25日周四".
    pub date: NaiveDate,
    pub date_label: String,
    /// Date and start in both zones: "3月25日周四 15:40 北京时间 · 08:40 CET".
    pub when: String,
    /// Start–end in both zones: "15:40–16:00 北京时间 · 08:40–09:00 CET".
    pub time_range: String,
    pub own: LocalSide,
    pub counterpart: LocalSide,
    /// Meetings: the other attendees, by id (tandem partners included). Sessions: empty.
    pub counterparts: Vec<Counterpart>,
    /// Sessions: the hosting organisation, if any.
    pub host_organisation: Option<String>,
    pub interpreter: Option<String>,
    pub video_link: Option<String>,
    /// Meetings: the (virtual) room number.
    pub room: Option<i32>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Itinerary {
    pub participant: ItineraryParticipant,
    pub event: ItineraryEvent,
    /// The schedule version the meetings come from; `None` when the event has none yet.
    pub version_id: Option<i64>,
    pub version_status: Option<VersionStatus>,
    pub items: Vec<ItineraryItem>,
}

/// The version to read: the requested one (404 when it is not the event's), else the
/// published one, else the latest draft. `versions` is newest first.
fn pick_version(versions: &[Version], requested: Option<i64>) -> AppResult<Option<&Version>> {
    match requested {
        Some(id) => versions
            .iter()
            .find(|v| v.id == id)
            .map(Some)
            .ok_or_else(|| AppError::not_found("schedule version", id)),
        None => Ok(versions
            .iter()
            .find(|v| v.status == VersionStatus::Published)
            .or_else(|| versions.iter().find(|v| v.status == VersionStatus::Draft))),
    }
}

/// The strings and local times of one item.
struct Times {
    date: NaiveDate,
    date_label: String,
    when: String,
    time_range: String,
    own: LocalSide,
    counterpart: LocalSide,
}

fn times(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    own: Zone,
    other: Zone,
    locale: Locale,
) -> Times {
    let own_start = utc_to_local(start, own);
    let own_range = format_range(start, end, own, own_start.date(), locale);
    let other_range = format_range(start, end, other, own_start.date(), locale);
    let side = |zone: Zone, range: &str| LocalSide {
        time_zone: zone.name().to_string(),
        zone_label: zone_label(zone, start, locale),
        start: utc_to_local(start, zone),
        end: utc_to_local(end, zone),
        range: range.to_string(),
    };
    let (when, time_range) = if own == other {
        (format_instant(start, own, locale), own_range.clone())
    } else {
        (
            format_dual(start, own, other, locale),
            format_range_dual(start, end, own, other, locale),
        )
    };
    Times {
        date: own_start.date(),
        date_label: format_date(own_start.date(), locale),
        when,
        time_range,
        own: side(own, &own_range),
        counterpart: side(other, &other_range),
    }
}

fn meeting_title(names: &[&str], locale: Locale) -> String {
    match locale {
        Locale::En => format!("Meeting with {}", names.join(", ")),
        Locale::De => format!("Gespräch mit {}", names.join(", ")),
        Locale::Zh => format!("与{}会谈", names.join("、")),
    }
}

fn non_empty(text: String) -> Option<String> {
    if text.trim().is_empty() {
        None
    } else {
        Some(text)
    }
}

/// The itinerary of `participant_id` for `version_id`, or for the published version (else
/// the latest draft) when `None`. 404 when the event, participant or version is unknown.
pub fn for_participant(
    conn: &mut Conn,
    event_id: i64,
    participant_id: i64,
    version_id: Option<i64>,
) -> AppResult<Itinerary> {
    let event = events::row(conn, event_id)?;
    let event_zone = events::zone_of(&event)?;
    let me = participants::row(conn, event_id, participant_id)?;
    let own_zone = participants::zone_of(&me)?;
    let locale: Locale = me
        .locale
        .parse()
        .map_err(|e: crate::tz::TzError| AppError::Internal(e.to_string()))?;

    let versions = schedule::versions(conn, event_id)?;
    let version = pick_version(&versions, version_id)?.map(|v| (v.id, v.status));

    let organisation_names: HashMap<i64, String> = organisations::list(conn, event_id)?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let people: HashMap<i64, ParticipantRow> = participants::rows(conn, event_id)?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let interpreter_names: HashMap<i64, String> = interpreters::rows(conn, event_id)?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();

    let mut items = Vec::new();
    for session in programme::list_sessions(conn, event_id)? {
        let attends = match session.audience {
            Audience::Everyone => true,
            Audience::Named => session.attendee_ids.contains(&participant_id),
        };
        if !attends {
            continue;
        }
        let t = times(
            session.starts_at,
            session.ends_at,
            own_zone,
            event_zone,
            locale,
        );
        items.push(ItineraryItem {
            kind: ItemKind::Session,
            id: session.id,
            session_kind: Some(session.kind),
            title: session.title,
            starts_at: session.starts_at,
            ends_at: session.ends_at,
            date: t.date,
            date_label: t.date_label,
            when: t.when,
            time_range: t.time_range,
            own: t.own,
            counterpart: t.counterpart,
            counterparts: Vec::new(),
            host_organisation: session
                .host_organisation_id
                .and_then(|id| organisation_names.get(&id).cloned()),
            interpreter: None,
            video_link: non_empty(session.video_link),
            room: None,
        });
    }

    if let Some((vid, _)) = version {
        for booking in schedule::schedule(conn, event_id, vid)?.bookings {
            if !booking.participant_ids.contains(&participant_id) {
                continue;
            }
            let mut counterparts = Vec::new();
            let mut other_zone = None;
            for id in booking
                .participant_ids
                .iter()
                .filter(|id| **id != participant_id)
            {
                let person = people.get(id).ok_or_else(|| {
                    AppError::Internal(format!("booking {} names unknown person {id}", booking.id))
                })?;
                let zone = participants::zone_of(person)?;
                if other_zone.is_none() && zone != own_zone {
                    other_zone = Some(zone);
                }
                counterparts.push(Counterpart {
                    id: *id,
                    name: person.name.clone(),
                    organisation: person
                        .organisation_id
                        .and_then(|o| organisation_names.get(&o).cloned()),
                    time_zone: person.time_zone.clone(),
                });
            }
            let names: Vec<&str> = counterparts.iter().map(|c| c.name.as_str()).collect();
            let t = times(
                booking.starts_at,
                booking.ends_at,
                own_zone,
                other_zone.unwrap_or(own_zone),
                locale,
            );
            items.push(ItineraryItem {
                kind: ItemKind::Meeting,
                id: booking.id,
                session_kind: None,
                title: meeting_title(&names, locale),
                starts_at: booking.starts_at,
                ends_at: booking.ends_at,
                date: t.date,
                date_label: t.date_label,
                when: t.when,
                time_range: t.time_range,
                own: t.own,
                counterpart: t.counterpart,
                counterparts,
                host_organisation: None,
                interpreter: booking
                    .interpreter_id
                    .and_then(|i| interpreter_names.get(&i).cloned()),
                video_link: non_empty(booking.video_link),
                room: booking.room,
            });
        }
    }
    // Sessions before meetings at the same instant (a plenary opens the day).
    items.sort_by_key(|i| (i.starts_at, i.kind == ItemKind::Meeting, i.id));

    Ok(Itinerary {
        participant: ItineraryParticipant {
            id: me.id,
            name: me.name,
            email: me.email,
            time_zone: own_zone.name().to_string(),
            locale,
        },
        event: ItineraryEvent {
            id: event.id,
            name: event.name,
            time_zone: event_zone.name().to_string(),
        },
        version_id: version.map(|(id, _)| id),
        version_status: version.map(|(_, s)| s),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }
    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }
    fn version(id: i64, status: VersionStatus) -> Version {
        Version {
            id,
            number: id as i32,
            status,
            summary: serde_json::Value::Null,
            created_at: NaiveDateTime::default(),
            published_at: None,
        }
    }

    #[test]
    fn published_wins_over_a_newer_draft_and_a_draft_over_nothing() {
        let versions = [
            version(3, VersionStatus::Draft),
            version(2, VersionStatus::Published),
            version(1, VersionStatus::Superseded),
        ];
        assert_eq!(pick_version(&versions, None).unwrap().unwrap().id, 2);
        let drafts = [
            version(5, VersionStatus::Draft),
            version(4, VersionStatus::Draft),
            version(1, VersionStatus::Superseded),
        ];
        assert_eq!(pick_version(&drafts, None).unwrap().unwrap().id, 5);
        let old = [version(1, VersionStatus::Superseded)];
        assert!(pick_version(&old, None).unwrap().is_none());
    }

    #[test]
    fn an_asked_for_version_must_be_the_events() {
        let versions = [
            version(2, VersionStatus::Published),
            version(1, VersionStatus::Superseded),
        ];
        assert_eq!(pick_version(&versions, Some(1)).unwrap().unwrap().id, 1);
        assert!(matches!(
            pick_version(&versions, Some(9)),
            Err(AppError::NotFound { .. })
        ));
    }

    #[test]
    fn a_shanghai_view_of_a_berlin_slot_shows_both_zones() {
        let t = times(
            at("2021-03-25T07:40:00Z"),
            at("2021-03-25T08:00:00Z"),
            zone("Asia/Shanghai"),
            zone("Europe/Berlin"),
            Locale::Zh,
        );
        assert_eq!(t.time_range, "15:40–16:00 北京时间 · 08:40–09:00 CET");
        assert_eq!(t.own.range, "15:40–16:00 北京时间");
        assert_eq!(t.counterpart.range, "08:40–09:00 CET");
        assert_eq!(t.when, "3月25日周四 15:40 北京时间 · 08:40 CET");
        assert_eq!(t.date_label, "3月25日周四");
        assert_eq!(t.counterpart.zone_label, "CET");
        assert_eq!(t.own.start.to_string(), "2021-03-25 15:40:00");
        assert_eq!(t.counterpart.end.to_string(), "2021-03-25 09:00:00");
    }

    #[test]
    fn a_counterpart_on_the_previous_day_is_marked() {
        let t = times(
            at("2021-03-29T23:30:00Z"),
            at("2021-03-29T23:50:00Z"),
            zone("Asia/Shanghai"),
            zone("Europe/Berlin"),
            Locale::En,
        );
        assert_eq!(t.date.to_string(), "2021-03-30");
        assert_eq!(t.counterpart.range, "01:30–01:50 CEST");
        let t = times(
            at("2021-03-29T21:30:00Z"),
            at("2021-03-29T21:50:00Z"),
            zone("Asia/Shanghai"),
            zone("Europe/Berlin"),
            Locale::En,
        );
        assert_eq!(t.own.range, "05:30–05:50 Beijing");
        assert_eq!(t.counterpart.range, "23:30–23:50 CEST (−1 day)");
    }

    #[test]
    fn one_zone_is_shown_once() {
        let berlin = zone("Europe/Berlin");
        let t = times(
            at("2021-03-29T06:00:00Z"),
            at("2021-03-29T06:30:00Z"),
            berlin,
            berlin,
            Locale::De,
        );
        assert_eq!(t.time_range, "08:00–08:30 MESZ");
        assert_eq!(t.when, "Mo. 29. März, 08:00 MESZ");
        assert_eq!(t.own, t.counterpart);
    }

    #[test]
    fn meeting_titles_follow_the_locale() {
        let names = ["Dr. Anna Becker", "Jonas Richter"];
        assert_eq!(
            meeting_title(&names, Locale::En),
            "Meeting with Dr. Anna Becker, Jonas Richter"
        );
        assert_eq!(
            meeting_title(&names, Locale::Zh),
            "与Dr. Anna Becker、Jonas Richter会谈"
        );
    }
}
