//! What the pages show, computed from the use cases' records: pure functions, unit-tested
//! without a database.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::{PartyKind, RequestStatus};
use crate::service::groups::Group;
use crate::service::participants::Participant;
use crate::service::programme::Slot;
use crate::service::requests::MeetingRequest;
use crate::service::schedule::Booking;
use crate::tz::{format_range_dual, utc_to_local, zone_label, Locale, UtcInterval, Zone};

/// "09:00–09:20 CET": a range in one zone (the day-less form of the itinerary).
pub fn local_range(start: DateTime<Utc>, end: DateTime<Utc>, zone: Zone, locale: Locale) -> String {
    let (s, e) = (utc_to_local(start, zone), utc_to_local(end, zone));
    format!(
        "{}–{} {}",
        s.format("%H:%M"),
        e.format("%H:%M"),
        zone_label(zone, start, locale)
    )
}

/// A range in `primary`, followed by `secondary` when that is another zone.
pub fn range(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    primary: Zone,
    secondary: Zone,
    locale: Locale,
) -> String {
    if primary == secondary {
        local_range(start, end, primary, locale)
    } else {
        format_range_dual(start, end, primary, secondary, locale)
    }
}

/// The participants a party of a request stands for.
pub fn members(
    kind: PartyKind,
    id: i64,
    people: &[Participant],
    groups: &[Group],
) -> BTreeSet<i64> {
    match kind {
        PartyKind::Participant => [id].into_iter().collect(),
        PartyKind::Group => groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.member_ids.iter().copied().collect())
            .unwrap_or_default(),
        PartyKind::Organisation => people
            .iter()
            .filter(|p| p.organisation_id == Some(id))
            .map(|p| p.id)
            .collect(),
    }
}

/// Whether a booking brings someone of each party of `request` together.
pub fn honours(
    request: &MeetingRequest,
    bookings: &[Booking],
    people: &[Participant],
    groups: &[Group],
) -> bool {
    let from = members(request.from.kind, request.from.id, people, groups);
    let to = members(request.to.kind, request.to.id, people, groups);
    bookings.iter().any(|b| {
        b.request_id == Some(request.id)
            || (b.participant_ids.iter().any(|p| from.contains(p))
                && b.participant_ids.iter().any(|p| to.contains(p)))
    })
}

pub fn is_live(status: RequestStatus) -> bool {
    matches!(status, RequestStatus::Requested | RequestStatus::Accepted)
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SideStats {
    pub side: String,
    pub participants: usize,
    pub meetings: usize,
    /// Meetings per participant of this side, one decimal.
    pub average: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PersonStats {
    pub name: String,
    pub side: String,
    pub meetings: usize,
    /// Bar length in percent of the busiest participant.
    pub bar: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    pub meetings: usize,
    pub per_participant: Vec<PersonStats>,
    pub live_requests: usize,
    pub honoured: usize,
    /// Honoured share of live requests in whole percent (100 with none).
    pub honoured_percent: usize,
    pub sides: Vec<SideStats>,
}

/// Meetings per participant, requests honoured, balance between the sides.
pub fn stats(
    bookings: &[Booking],
    people: &[Participant],
    groups: &[Group],
    requests: &[MeetingRequest],
) -> Stats {
    let mut count: HashMap<i64, usize> = HashMap::new();
    for b in bookings {
        for p in &b.participant_ids {
            *count.entry(*p).or_default() += 1;
        }
    }
    let most = count.values().copied().max().unwrap_or(0).max(1);
    let per_participant = people
        .iter()
        .map(|p| {
            let meetings = count.get(&p.id).copied().unwrap_or(0);
            PersonStats {
                name: p.name.clone(),
                side: p.side.clone(),
                meetings,
                bar: meetings * 100 / most,
            }
        })
        .collect();
    let live: Vec<&MeetingRequest> = requests.iter().filter(|r| is_live(r.status)).collect();
    let honoured = live
        .iter()
        .filter(|r| honours(r, bookings, people, groups))
        .count();
    let mut sides: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for p in people {
        let entry = sides.entry(p.side.clone()).or_default();
        entry.0 += 1;
        entry.1 += count.get(&p.id).copied().unwrap_or(0);
    }
    Stats {
        meetings: bookings.len(),
        per_participant,
        live_requests: live.len(),
        honoured,
        honoured_percent: if live.is_empty() {
            100
        } else {
            honoured * 100 / live.len()
        },
        sides: sides
            .into_iter()
            .map(|(side, (participants, meetings))| SideStats {
                side,
                participants,
                meetings,
                average: format!("{:.1}", meetings as f64 / participants.max(1) as f64),
            })
            .collect(),
    }
}

/// Whether `person` has a booking overlapping `[start, end)`.
pub fn busy(bookings: &[Booking], person: i64, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    bookings
        .iter()
        .any(|b| b.participant_ids.contains(&person) && b.starts_at < end && b.ends_at > start)
}

/// Whether `[start, end)` lies inside one of `intervals` (none means unrestricted).
pub fn available(
    intervals: Option<&[UtcInterval]>,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> bool {
    match intervals {
        None => true,
        Some(list) => list.iter().any(|i| i.start <= start && i.end >= end),
    }
}

/// Slots where both people are free and available.
pub fn open_slots<'a>(
    slots: &'a [Slot],
    bookings: &[Booking],
    pair: [(i64, Option<&[UtcInterval]>); 2],
) -> Vec<&'a Slot> {
    slots
        .iter()
        .filter(|s| {
            pair.iter().all(|(person, availability)| {
                !busy(bookings, *person, s.start, s.end) && available(*availability, s.start, s.end)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Availability, BookingSource, Locale as DomainLocale};
    use crate::service::requests::PartyRefOut;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2021, 3, 22, h, 0, 0).unwrap() + chrono::Duration::minutes(m.into())
    }

    fn person(id: i64, side: &str) -> Participant {
        Participant {
            id,
            name: format!("P{id}"),
            email: format!("p{id}@example.org"),
            organisation_id: None,
            organisation: None,
            side: side.into(),
            country: String::new(),
            time_zone: "Europe/Berlin".into(),
            languages: vec![],
            availability: Availability::default(),
            comfort: None,
            max_meetings: None,
            locale: DomainLocale::En,
        }
    }

    fn booking(id: i64, people: &[i64], h: u32, m: u32) -> Booking {
        Booking {
            id,
            version_id: 1,
            request_id: None,
            participant_ids: people.to_vec(),
            starts_at: at(h, m),
            ends_at: at(h, m + 20),
            room: Some(1),
            interpreter_id: None,
            video_link: String::new(),
            source: BookingSource::Solver,
            pinned: false,
        }
    }

    fn request(
        id: i64,
        from: (PartyKind, i64),
        to: (PartyKind, i64),
        status: RequestStatus,
    ) -> MeetingRequest {
        MeetingRequest {
            id,
            from: PartyRefOut {
                kind: from.0,
                id: from.1,
            },
            to: PartyRefOut {
                kind: to.0,
                id: to.1,
            },
            priority: 3,
            message: String::new(),
            status,
            length_slots: 1,
            mutual: false,
            created_at: at(0, 0).naive_utc(),
            updated_at: at(0, 0).naive_utc(),
        }
    }

    #[test]
    fn statistics_count_meetings_honoured_requests_and_sides() {
        let people = vec![
            person(1, "DE"),
            person(2, "DE"),
            person(3, "CN"),
            person(4, "CN"),
        ];
        let groups = vec![Group {
            id: 9,
            name: "T".into(),
            kind: crate::domain::GroupKind::Tandem,
            member_ids: vec![3, 4],
        }];
        let bookings = vec![booking(1, &[1, 3], 8, 0), booking(2, &[1, 4], 8, 20)];
        let p = PartyKind::Participant;
        let requests = vec![
            request(1, (p, 1), (p, 3), RequestStatus::Accepted),
            // honoured through the tandem's member 4
            request(2, (p, 1), (PartyKind::Group, 9), RequestStatus::Requested),
            request(3, (p, 2), (p, 3), RequestStatus::Requested),
            // declined requests do not count
            request(4, (p, 2), (p, 4), RequestStatus::Declined),
        ];
        let s = stats(&bookings, &people, &groups, &requests);
        assert_eq!(s.meetings, 2);
        assert_eq!(
            (s.live_requests, s.honoured, s.honoured_percent),
            (3, 2, 66)
        );
        let counts: Vec<usize> = s.per_participant.iter().map(|p| p.meetings).collect();
        assert_eq!(counts, vec![2, 0, 1, 1]);
        assert_eq!(s.per_participant[0].bar, 100);
        assert_eq!(s.per_participant[2].bar, 50);
        let cn = &s.sides[0];
        assert_eq!(
            (
                cn.side.as_str(),
                cn.participants,
                cn.meetings,
                cn.average.as_str()
            ),
            ("CN", 2, 2, "1.0")
        );
    }

    #[test]
    fn open_slots_skip_anyone_busy_or_unavailable() {
        let slots: Vec<Slot> = (0..4)
            .map(|i| Slot {
                start: at(8, i * 20),
                end: at(8, i * 20 + 20),
            })
            .collect();
        let bookings = vec![booking(1, &[1, 7], 8, 0), booking(2, &[2, 8], 8, 20)];
        let only_until_0900 = [UtcInterval {
            start: at(7, 0),
            end: at(9, 0),
        }];
        let open = open_slots(&slots, &bookings, [(1, None), (2, Some(&only_until_0900))]);
        let starts: Vec<DateTime<Utc>> = open.iter().map(|s| s.start).collect();
        // 08:00 person 1 busy, 08:20 person 2 busy, 09:00 outside person 2's availability
        assert_eq!(starts, vec![at(8, 40)]);
    }

    #[test]
    fn ranges_name_both_zones_only_when_they_differ() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let shanghai = Zone::parse("Asia/Shanghai").unwrap();
        assert_eq!(
            local_range(at(8, 0), at(8, 20), berlin, Locale::En),
            "09:00–09:20 CET"
        );
        assert_eq!(
            range(at(8, 0), at(8, 20), shanghai, berlin, Locale::En),
            "16:00–16:20 Beijing · 09:00–09:20 CET"
        );
        assert_eq!(
            range(at(8, 0), at(8, 20), berlin, berlin, Locale::De),
            "09:00–09:20 MEZ"
        );
    }
}
