//! What a publication announces, decided inside the publishing transaction.
//!
//! First publication: an itinerary email per participant (every participant, so those
//! without meetings learn that too) and, per meeting and attendee, one invitation mail
//! carrying that meeting's METHOD:REQUEST. One mail per meeting rather than one calendar
//! object with many meetings: iTIP allows several VEVENTs in one REQUEST only for one UID,
//! and clients accept or decline per meeting.
//!
//! Later publication: a diff against the previously published version, meeting by meeting
//! (a meeting is identified by its request, or by its people for hand-made ones): moved or
//! otherwise changed -> an update (same UID, SEQUENCE + 1) to its attendees, people added
//! -> an invitation, people removed and dropped meetings -> METHOD:CANCEL. Unchanged
//! meetings and people send nothing.
//!
//! Every publication also (re)schedules the morning digests: per participant and day of
//! their programme, a job due at 08:00 in their own zone (see [`enqueue_digests`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::{enqueue, MeetingSpec, Payload, Recipient};
use crate::db::models::{
    CalendarFeedRow, InterpreterRow, MeetingCalendarRow, NewMeetingCalendar, ParticipantRow,
};
use crate::db::schema::{
    calendar_feeds, interpreters, meeting_calendar, organisations, outbox_jobs,
};
use crate::db::Conn;
use crate::error::AppResult;
use crate::mail::{ItineraryItem, ItineraryView, Locale, MeetingNoticeView, NoticeKind};
use crate::service::schedule::{self, Booking};
use crate::service::{events, itinerary, now, participants};
use crate::tz::{format_date, zone_label};
use crate::tz::{utc_to_local, Zone};
use crate::with_conn;

/// A meeting's identity across versions: its request, else its people; `#n` tells apart
/// several meetings with the same key (in start order).
pub(super) fn keyed(bookings: &[Booking]) -> BTreeMap<String, &Booking> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for b in bookings {
        let base = match b.request_id {
            Some(r) => format!("r{r}"),
            None => {
                let ids: Vec<String> = b.participant_ids.iter().map(i64::to_string).collect();
                format!("p{}", ids.join("-"))
            }
        };
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        out.insert(format!("{base}#{n}"), b);
    }
    out
}

/// Everything about the event the messages mention, loaded once.
struct Context {
    event_id: i64,
    event_name: String,
    people: BTreeMap<i64, ParticipantRow>,
    zones: BTreeMap<i64, Zone>,
    organisations: BTreeMap<i64, String>,
    interpreters: BTreeMap<i64, InterpreterRow>,
    tokens: BTreeMap<i64, String>,
    stamp: NaiveDateTime,
}

fn locale_of(p: &ParticipantRow) -> Locale {
    p.locale.parse().unwrap_or_default()
}

fn tz_locale(locale: Locale) -> crate::tz::Locale {
    match locale {
        Locale::En => crate::tz::Locale::En,
        Locale::De => crate::tz::Locale::De,
        Locale::Zh => crate::tz::Locale::Zh,
    }
}

/// "Thu 25 Mar, 09:40–10:00 CET" in `zone`.
fn when(start: DateTime<Utc>, end: DateTime<Utc>, zone: Zone, locale: Locale) -> String {
    let l = tz_locale(locale);
    let (s, e) = (utc_to_local(start, zone), utc_to_local(end, zone));
    let sep = if locale == Locale::Zh { " " } else { ", " };
    format!(
        "{}{sep}{}–{} {}",
        format_date(s.date(), l),
        s.format("%H:%M"),
        e.format("%H:%M"),
        zone_label(zone, start, l)
    )
}

fn meeting_title(locale: Locale, names: &str) -> String {
    match locale {
        Locale::En => format!("Meeting with {names}"),
        Locale::De => format!("Gespräch mit {names}"),
        Locale::Zh => format!("与{names}会谈"),
    }
}

impl Context {
    fn load(conn: &mut Conn, event_id: i64, person_ids: &BTreeSet<i64>) -> AppResult<Self> {
        let event = events::row(conn, event_id)?;
        let rows = participants::rows(conn, event_id)?;
        let mut zones = BTreeMap::new();
        for p in &rows {
            zones.insert(p.id, participants::zone_of(p)?);
        }
        let people: BTreeMap<i64, ParticipantRow> = rows.into_iter().map(|p| (p.id, p)).collect();
        let (orgs, interps, feeds) = with_conn!(conn, |c| {
            let orgs: Vec<(i64, String)> = organisations::table
                .filter(organisations::event_id.eq(event_id))
                .select((organisations::id, organisations::name))
                .load(c)?;
            let interps: Vec<InterpreterRow> = interpreters::table
                .filter(interpreters::event_id.eq(event_id))
                .select(InterpreterRow::as_select())
                .load(c)?;
            let feeds: Vec<CalendarFeedRow> = calendar_feeds::table
                .filter(calendar_feeds::participant_id.eq_any(person_ids))
                .select(CalendarFeedRow::as_select())
                .load(c)?;
            Ok::<_, crate::error::AppError>((orgs, interps, feeds))
        })?;
        let mut tokens: BTreeMap<i64, String> = feeds
            .into_iter()
            .map(|f| (f.participant_id, f.token))
            .collect();
        // Everyone who gets mail gets a feed token, created here so the link in the mail works.
        let stamp = now();
        let missing: Vec<CalendarFeedRow> = person_ids
            .iter()
            .filter(|p| !tokens.contains_key(p) && people.contains_key(p))
            .map(|p| CalendarFeedRow {
                participant_id: *p,
                token: uuid::Uuid::new_v4().simple().to_string(),
                created_at: stamp,
            })
            .collect();
        if !missing.is_empty() {
            with_conn!(conn, |c| diesel::insert_into(calendar_feeds::table)
                .values(&missing)
                .execute(c))?;
        }
        tokens.extend(missing.into_iter().map(|f| (f.participant_id, f.token)));
        Ok(Context {
            event_id,
            event_name: event.name,
            people,
            zones,
            organisations: orgs.into_iter().collect(),
            interpreters: interps.into_iter().map(|i| (i.id, i)).collect(),
            tokens,
            stamp,
        })
    }

    fn recipient(&self, id: i64) -> Option<Recipient> {
        self.people.get(&id).map(|p| Recipient {
            name: p.name.clone(),
            email: p.email.clone(),
        })
    }

    /// The itinerary (or one day of it) as the mail shows it to `pid`.
    fn itinerary_view(
        &self,
        pid: i64,
        person: &ParticipantRow,
        to: &Recipient,
        items: Vec<ItineraryItem>,
    ) -> ItineraryView {
        let token = self.tokens.get(&pid).map_or("", String::as_str);
        ItineraryView {
            locale: locale_of(person),
            recipient_name: to.name.clone(),
            event_name: self.event_name.clone(),
            items,
            personal_link: self.personal_link(pid),
            feed_url: format!("/feeds/{token}.ics"),
        }
    }

    /// The participant's page (served by `http::pages`).
    fn personal_link(&self, id: i64) -> String {
        format!("/events/{}/participants/{id}", self.event_id)
    }

    /// The others in `b`, as seen by `me`: names, the first organisation, the first zone
    /// that differs from mine.
    fn others(&self, b: &Booking, me: i64) -> (String, Option<String>, Option<Zone>) {
        let others: Vec<&ParticipantRow> = b
            .participant_ids
            .iter()
            .filter(|p| **p != me)
            .filter_map(|p| self.people.get(p))
            .collect();
        let names: Vec<&str> = others.iter().map(|p| p.name.as_str()).collect();
        let organisation = others
            .iter()
            .find_map(|p| p.organisation_id)
            .and_then(|o| self.organisations.get(&o).cloned());
        let mine = self.zones.get(&me).map(|z| z.name());
        let zone = others
            .iter()
            .filter_map(|p| self.zones.get(&p.id))
            .find(|z| Some(z.name()) != mine)
            .copied();
        (names.join(", "), organisation, zone)
    }

    fn item(&self, b: &Booking, me: i64) -> Option<ItineraryItem> {
        let person = self.people.get(&me)?;
        let locale = locale_of(person);
        let zone = *self.zones.get(&me)?;
        let (names, organisation, other_zone) = self.others(b, me);
        Some(ItineraryItem {
            when_own: when(b.starts_at, b.ends_at, zone, locale),
            when_counterpart: other_zone.map(|z| when(b.starts_at, b.ends_at, z, locale)),
            title: meeting_title(locale, &names),
            counterpart: Some(names),
            organisation,
            interpreter: b
                .interpreter_id
                .and_then(|i| self.interpreters.get(&i))
                .map(|i| i.name.clone()),
            video_link: Some(b.video_link.clone()).filter(|l| !l.is_empty()),
        })
    }

    fn spec(&self, b: &Booking, uid: &str, sequence: u32) -> MeetingSpec {
        let attendees: Vec<Recipient> = b
            .participant_ids
            .iter()
            .filter_map(|p| self.recipient(*p))
            .collect();
        let local_times = b
            .participant_ids
            .iter()
            .filter_map(|p| {
                let person = self.people.get(p)?;
                let zone = *self.zones.get(p)?;
                Some(format!(
                    "{}: {}",
                    person.name,
                    when(b.starts_at, b.ends_at, zone, locale_of(person))
                ))
            })
            .collect();
        let names: Vec<&str> = attendees.iter().map(|a| a.name.as_str()).collect();
        MeetingSpec {
            uid: uid.to_owned(),
            sequence,
            dtstamp: self.stamp.and_utc(),
            start: b.starts_at,
            end: b.ends_at,
            summary: names.join(" · "),
            local_times,
            video_link: super::web_link(&b.video_link),
            interpreter: b
                .interpreter_id
                .and_then(|i| self.interpreters.get(&i))
                .filter(|i| !i.email.is_empty())
                .map(|i| Recipient {
                    name: i.name.clone(),
                    email: i.email.clone(),
                }),
            attendees,
        }
    }

    /// Queues one meeting mail to `me`. `previous` is the old booking for an update.
    fn notice(
        &self,
        conn: &mut Conn,
        kind: NoticeKind,
        b: &Booking,
        previous: Option<&Booking>,
        cal: &MeetingCalendarRow,
        me: i64,
    ) -> AppResult<usize> {
        let (Some(to), Some(item), Some(person)) =
            (self.recipient(me), self.item(b, me), self.people.get(&me))
        else {
            return Ok(0);
        };
        let locale = locale_of(person);
        let previous_when_own = previous
            .filter(|p| p.starts_at != b.starts_at || p.ends_at != b.ends_at)
            .and_then(|p| {
                let zone = *self.zones.get(&me)?;
                Some(when(p.starts_at, p.ends_at, zone, locale))
            });
        let sequence = u32::try_from(cal.sequence).unwrap_or_default();
        let payload = Payload::Meeting {
            notice: Box::new(MeetingNoticeView {
                locale,
                kind,
                recipient_name: to.name.clone(),
                event_name: self.event_name.clone(),
                title: item.title,
                when_own: item.when_own,
                when_counterpart: item.when_counterpart,
                previous_when_own,
                counterpart: item.counterpart,
                organisation: item.organisation,
                interpreter: item.interpreter,
                video_link: item.video_link,
                personal_link: self.personal_link(me),
            }),
            meeting: self.spec(b, &cal.uid, sequence),
            to,
        };
        let key = format!(
            "{}-e{}-m{}-s{}-p{me}",
            payload.kind(),
            self.event_id,
            cal.id,
            cal.sequence
        );
        Ok(usize::from(enqueue(
            conn,
            self.event_id,
            Some(me),
            &key,
            &payload,
            self.stamp,
        )?))
    }
}

/// An itinerary entry as the mail template shows it: own date and time, the other side's
/// time when their zone differs.
fn mail_item(item: itinerary::ItineraryItem) -> ItineraryItem {
    let names: Vec<&str> = item.counterparts.iter().map(|c| c.name.as_str()).collect();
    let organisation = item
        .counterparts
        .iter()
        .find_map(|c| c.organisation.clone())
        .or(item.host_organisation.clone());
    ItineraryItem {
        when_own: format!("{}, {}", item.date_label, item.own.range),
        when_counterpart: (item.counterpart.time_zone != item.own.time_zone)
            .then(|| item.counterpart.range.clone()),
        counterpart: (!names.is_empty()).then(|| names.join(", ")),
        title: item.title,
        organisation,
        interpreter: item.interpreter,
        video_link: item.video_link,
    }
}

/// The morning digests of `version`: per participant and day with something on it, a job
/// due at 08:00 in the participant's zone (days whose 08:00 has passed are skipped). Digests
/// of an earlier version still waiting are withdrawn first: a digest shows the schedule as
/// it is.
fn enqueue_digests(conn: &mut Conn, ctx: &Context, version: i64) -> AppResult<usize> {
    let event_id = ctx.event_id;
    with_conn!(conn, |c| diesel::delete(
        outbox_jobs::table
            .filter(outbox_jobs::event_id.eq(event_id))
            .filter(outbox_jobs::kind.eq("digest"))
            .filter(outbox_jobs::status.eq("queued"))
    )
    .execute(c))?;
    let now_utc = ctx.stamp.and_utc();
    let mut queued = 0;
    for (&pid, person) in &ctx.people {
        let Some(&zone) = ctx.zones.get(&pid) else {
            continue;
        };
        let plan = itinerary::for_participant(conn, event_id, pid, Some(version))?;
        let mut days: BTreeMap<chrono::NaiveDate, Vec<ItineraryItem>> = BTreeMap::new();
        for item in plan.items {
            days.entry(item.date).or_default().push(mail_item(item));
        }
        for (date, items) in days {
            let eight = date.and_time(chrono::NaiveTime::MIN) + chrono::Duration::hours(8);
            let due = crate::tz::local_to_utc_lenient(eight, zone);
            if due <= now_utc {
                continue;
            }
            let Some(to) = ctx.recipient(pid) else {
                continue;
            };
            let payload = Payload::Digest {
                view: ctx.itinerary_view(pid, person, &to, items),
                to,
            };
            let key = format!("digest-e{event_id}-v{version}-p{pid}-{date}");
            queued += usize::from(enqueue(
                conn,
                event_id,
                Some(pid),
                &key,
                &payload,
                due.naive_utc(),
            )?);
        }
    }
    Ok(queued)
}

fn calendar_rows(
    conn: &mut Conn,
    event_id: i64,
) -> AppResult<BTreeMap<String, MeetingCalendarRow>> {
    let rows: Vec<MeetingCalendarRow> = with_conn!(conn, |c| meeting_calendar::table
        .filter(meeting_calendar::event_id.eq(event_id))
        .select(MeetingCalendarRow::as_select())
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|r| (r.meeting_key.clone(), r))
        .collect())
}

/// Records a meeting's new state (times, cancelled) and returns its row, SEQUENCE raised
/// when `bump`; a meeting seen for the first time gets a fresh UID and SEQUENCE 0.
fn record(
    conn: &mut Conn,
    event_id: i64,
    key: &str,
    existing: Option<&MeetingCalendarRow>,
    b: &Booking,
    cancelled: bool,
) -> AppResult<MeetingCalendarRow> {
    let stamp = now();
    let (starts_at, ends_at) = (b.starts_at.naive_utc(), b.ends_at.naive_utc());
    Ok(with_conn!(conn, |c| match existing {
        None => diesel::insert_into(meeting_calendar::table)
            .values(NewMeetingCalendar {
                event_id,
                meeting_key: key.to_owned(),
                uid: format!("{}@matchtour", uuid::Uuid::new_v4()),
                sequence: 0,
                starts_at,
                ends_at,
                cancelled,
                updated_at: stamp,
            })
            .returning(MeetingCalendarRow::as_returning())
            .get_result(c),
        Some(row) => diesel::update(meeting_calendar::table.find(row.id))
            .set((
                meeting_calendar::sequence.eq(row.sequence + 1),
                meeting_calendar::starts_at.eq(starts_at),
                meeting_calendar::ends_at.eq(ends_at),
                meeting_calendar::cancelled.eq(cancelled),
                meeting_calendar::updated_at.eq(stamp),
            ))
            .returning(MeetingCalendarRow::as_returning())
            .get_result(c),
    })?)
}

/// Queues the mail that publishing `current` (after `previous`, the version published
/// until now, if any) causes. Runs inside the caller's transaction; returns the number of
/// jobs queued.
pub fn enqueue_publication(
    conn: &mut Conn,
    event_id: i64,
    previous: Option<i64>,
    current: i64,
) -> AppResult<usize> {
    let now_schedule = schedule::schedule(conn, event_id, current)?;
    let before = match previous {
        Some(v) => Some(schedule::schedule(conn, event_id, v)?),
        None => None,
    };
    let new_meetings = keyed(&now_schedule.bookings);
    let old_meetings = before.as_ref().map(|s| keyed(&s.bookings));
    let mut everyone: BTreeSet<i64> = BTreeSet::new();
    for b in now_schedule
        .bookings
        .iter()
        .chain(before.iter().flat_map(|s| s.bookings.iter()))
    {
        everyone.extend(b.participant_ids.iter().copied());
    }
    // Everyone: the first itinerary and the digests go to every participant.
    everyone.extend(participants::rows(conn, event_id)?.iter().map(|p| p.id));
    let ctx = Context::load(conn, event_id, &everyone)?;
    let calendar = calendar_rows(conn, event_id)?;
    let mut queued = 0;

    queued += enqueue_digests(conn, &ctx, current)?;
    if before.is_none() {
        for &pid in &everyone {
            let (Some(to), Some(person)) = (ctx.recipient(pid), ctx.people.get(&pid)) else {
                continue;
            };
            // The same itinerary the API serves (sessions and meetings of this version).
            let items = itinerary::for_participant(conn, event_id, pid, Some(current))?
                .items
                .into_iter()
                .map(mail_item)
                .collect();
            let payload = Payload::Itinerary {
                view: ctx.itinerary_view(pid, person, &to, items),
                to,
            };
            let key = format!("itinerary-e{event_id}-v{current}-p{pid}");
            queued += usize::from(enqueue(
                conn,
                event_id,
                Some(pid),
                &key,
                &payload,
                ctx.stamp,
            )?);
        }
    }

    for (key, b) in &new_meetings {
        let existing = calendar.get(key);
        let old = old_meetings.as_ref().and_then(|m| m.get(key)).copied();
        let was_live = existing.is_some_and(|r| !r.cancelled) && old.is_some();
        if !was_live {
            let cal = record(conn, event_id, key, existing, b, false)?;
            for &p in &b.participant_ids {
                queued += ctx.notice(conn, NoticeKind::New, b, None, &cal, p)?;
            }
            continue;
        }
        let (Some(existing), Some(old)) = (existing, old) else {
            continue;
        };
        let same = old.starts_at == b.starts_at
            && old.ends_at == b.ends_at
            && old.participant_ids == b.participant_ids
            && old.video_link == b.video_link
            && old.interpreter_id == b.interpreter_id;
        if same {
            continue;
        }
        let cal = record(conn, event_id, key, Some(existing), b, false)?;
        for &p in &b.participant_ids {
            let kind = if old.participant_ids.contains(&p) {
                NoticeKind::Changed
            } else {
                NoticeKind::New
            };
            queued += ctx.notice(conn, kind, b, Some(old), &cal, p)?;
        }
        for &p in old
            .participant_ids
            .iter()
            .filter(|p| !b.participant_ids.contains(p))
        {
            queued += ctx.notice(conn, NoticeKind::Cancelled, old, None, &cal, p)?;
        }
    }

    for (key, old) in old_meetings.iter().flatten() {
        if new_meetings.contains_key(key) {
            continue;
        }
        let Some(existing) = calendar.get(key).filter(|r| !r.cancelled) else {
            continue;
        };
        let cal = record(conn, event_id, key, Some(existing), old, true)?;
        for &p in &old.participant_ids {
            queued += ctx.notice(conn, NoticeKind::Cancelled, old, None, &cal, p)?;
        }
    }
    Ok(queued)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::BookingSource;

    fn booking(id: i64, request: Option<i64>, people: &[i64]) -> Booking {
        Booking {
            id,
            version_id: 1,
            request_id: request,
            participant_ids: people.to_vec(),
            starts_at: DateTime::UNIX_EPOCH,
            ends_at: DateTime::UNIX_EPOCH,
            room: None,
            interpreter_id: None,
            video_link: String::new(),
            source: BookingSource::Organiser,
            pinned: false,
        }
    }

    #[test]
    fn meetings_are_keyed_by_request_then_by_people() {
        let list = [
            booking(10, Some(7), &[1, 2]),
            booking(11, None, &[1, 3]),
            booking(12, None, &[1, 3]),
        ];
        let keys: Vec<(String, i64)> = keyed(&list).into_iter().map(|(k, b)| (k, b.id)).collect();
        assert_eq!(
            keys,
            [
                ("p1-3#1".to_string(), 11),
                ("p1-3#2".to_string(), 12),
                ("r7#1".to_string(), 10)
            ]
        );
    }

    #[test]
    fn times_read_in_the_recipients_zone() {
        let start = DateTime::parse_from_rfc3339("2021-03-25T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let end = start + chrono::Duration::minutes(20);
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let text = when(start, end, berlin, Locale::En);
        assert!(text.ends_with("09:00–09:20 CET"), "{text}");
        let shanghai = Zone::parse("Asia/Shanghai").unwrap();
        assert!(when(start, end, shanghai, Locale::Zh).contains("16:00–16:20"));
    }
}
