//! A participant's page (their personal link): profile, directory with request buttons,
//! incoming requests, open slots to book, the itinerary in their zone and a calendar file.
//!
//! Times are the participant's own first, then the counterpart's (or the event's, for
//! sessions).

use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Form};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use minijinja::context;
use serde::Deserialize;

use super::organiser::{all_participants, path_id, zone};
use super::view::{self, range};
use super::{error_page, i18n, render, see_other, status_of, Lang, Notice};
use crate::calendar::{self, Attendee, CalEvent, Person, Role};
use crate::db::Conn;
use crate::domain::{Availability, BookingSource, PartyKind, RequestStatus};
use crate::error::{AppError, AppResult};
use crate::http::AppState;
use crate::service::itinerary::{self, ItemKind};
use crate::service::participants::{self, Participant, ParticipantInput};
use crate::service::programme::{self, Slot};
use crate::service::requests::{self, MeetingRequest, PartyInput, RequestInput};
use crate::service::schedule::{self, BookingInput, Schedule};
use crate::service::{events, now};
use crate::tz::{
    availability_to_utc, format_date, format_dual, utc_to_local, zone_label, LocalTime,
    LocalWindow, Locale, UtcInterval, Zone,
};

/// At most this many open slots are offered per counterpart, the earliest first.
const OPEN_SLOTS_SHOWN: usize = 12;

pub fn routes(cfg: &mut web::ServiceConfig) {
    // A form's address opened in the address bar leads to the page (`back_to_page`).
    cfg.service(web::resource("").get(show))
        .service(
            web::resource("/request")
                .post(request_meeting)
                .get(back_to_page),
        )
        .service(
            web::resource("/requests/{request_id}/{action}")
                .post(answer)
                .get(back_to_page),
        )
        .service(web::resource("/book").post(book).get(back_to_page))
        .service(
            web::resource("/profile")
                .post(save_profile)
                .get(back_to_page),
        )
        .service(web::resource("/itinerary.ics").get(ics));
}

async fn back_to_page(req: HttpRequest) -> HttpResponse {
    let info = req.match_info();
    see_other(&format!(
        "/events/{}/participants/{}",
        info.get("event_id").unwrap_or_default(),
        info.get("participant_id").unwrap_or_default()
    ))
}

fn ids(req: &HttpRequest) -> AppResult<(i64, i64)> {
    Ok((path_id(req, "event_id")?, path_id(req, "participant_id")?))
}

fn is_me(kind: PartyKind, id: i64, me: i64) -> bool {
    kind == PartyKind::Participant && id == me
}

/// The other participant of a one-to-one request of `me`, if it is one.
fn counterpart(r: &MeetingRequest, me: i64) -> Option<i64> {
    let (f, t) = (&r.from, &r.to);
    if f.kind != PartyKind::Participant || t.kind != PartyKind::Participant {
        return None;
    }
    match (f.id == me, t.id == me) {
        (true, false) => Some(t.id),
        (false, true) => Some(f.id),
        _ => None,
    }
}

/// When a person is available, as UTC intervals; `None` when unrestricted.
fn availability_of(p: &Participant, dates: &[NaiveDate]) -> Option<Vec<UtcInterval>> {
    if p.availability.is_unrestricted() {
        return None;
    }
    let z = Zone::parse(&p.time_zone).ok()?;
    // Their own dates around the event's: a day differs across the zones.
    let mut own: Vec<NaiveDate> = dates
        .iter()
        .flat_map(|d| [*d - Duration::days(1), *d, *d + Duration::days(1)])
        .collect();
    own.sort();
    own.dedup();
    Some(availability_to_utc(
        own.iter().map(|d| (*d, p.availability.windows_on(*d))),
        z,
    ))
}

struct Loaded {
    event: events::Event,
    me: Participant,
    people: Vec<Participant>,
    requests: Vec<MeetingRequest>,
    published: Option<Schedule>,
    slots: Vec<Slot>,
}

fn load(c: &mut Conn, event_id: i64, me: i64) -> AppResult<Loaded> {
    let event = events::get(c, event_id)?;
    let me = participants::get(c, event_id, me)?;
    let ez = zone(&event.time_zone)?;
    Ok(Loaded {
        people: all_participants(c, event_id)?,
        requests: requests::list(c, event_id)?,
        published: schedule::published(c, event_id)?,
        slots: programme::event_slots(c, event_id, ez)?
            .into_iter()
            .map(|(_, s)| s)
            .collect(),
        event,
        me,
    })
}

fn page_context(
    c: &mut Conn,
    event_id: i64,
    me_id: i64,
    locale: Locale,
) -> AppResult<minijinja::Value> {
    let l = load(c, event_id, me_id)?;
    let ez = zone(&l.event.time_zone)?;
    let mz = Zone::parse(&l.me.time_zone).unwrap_or(ez);
    let nowt = Utc::now();
    let person = |id: i64| l.people.iter().find(|p| p.id == id);
    let name = |id: i64| person(id).map_or_else(|| format!("#{id}"), |p| p.name.clone());
    let zone_of = |id: i64| {
        person(id)
            .and_then(|p| Zone::parse(&p.time_zone).ok())
            .unwrap_or(ez)
    };

    let availability: Vec<String> = {
        let mut lines: Vec<String> =
            l.me.availability
                .daily
                .iter()
                .map(|w| format!("{}–{}", w.from, w.to))
                .collect();
        lines.extend(l.me.availability.days.iter().map(|(d, ws)| {
            let times: Vec<String> = ws.iter().map(|w| format!("{}–{}", w.from, w.to)).collect();
            format!(
                "{}: {}",
                format_date(*d, locale),
                if times.is_empty() {
                    "—".into()
                } else {
                    times.join(", ")
                }
            )
        }));
        lines
    };

    let live_with: Vec<i64> = l
        .requests
        .iter()
        .filter(|r| view::is_live(r.status))
        .filter_map(|r| counterpart(r, me_id))
        .collect();
    let directory: Vec<minijinja::Value> = l
        .people
        .iter()
        .filter(|p| p.id != me_id)
        // The other side first: that is whom a matchmaking event is for.
        .filter(|p| l.me.side.is_empty() || p.side != l.me.side)
        .map(|p| context! {
            id => p.id,
            name => p.name,
            organisation => p.organisation.clone().unwrap_or_default(),
            side => p.side,
            zone => Zone::parse(&p.time_zone).map(|z| zone_label(z, nowt, locale)).unwrap_or_default(),
            languages => p.languages.join(", "),
            requested => live_with.contains(&p.id),
        })
        .collect();
    let incoming: Vec<minijinja::Value> = l
        .requests
        .iter()
        .filter(|r| r.status == RequestStatus::Requested && is_me(r.to.kind, r.to.id, me_id))
        .map(|r| context! {
            id => r.id,
            from => if r.from.kind == PartyKind::Participant { name(r.from.id) } else { format!("#{}", r.from.id) },
            message => r.message,
        })
        .collect();
    let outgoing: Vec<minijinja::Value> = l
        .requests
        .iter()
        .filter(|r| is_me(r.from.kind, r.from.id, me_id) && r.to.kind == PartyKind::Participant)
        .map(|r| {
            context! {
                to => name(r.to.id),
                status => r.status.as_str(),
                status_label => i18n::word(locale, &format!("req_{}", r.status.as_str())),
            }
        })
        .collect();

    let dates: Vec<NaiveDate> = l.event.days.iter().map(|d| d.date).collect();
    let bookings = l
        .published
        .as_ref()
        .map(|s| s.bookings.clone())
        .unwrap_or_default();
    let mut open: Vec<minijinja::Value> = Vec::new();
    if l.event.allow_self_booking && l.published.is_some() {
        let mine = availability_of(&l.me, &dates);
        let mut seen = Vec::new();
        for r in l.requests.iter().filter(|r| view::is_live(r.status)) {
            let Some(other) = counterpart(r, me_id) else {
                continue;
            };
            let met = bookings
                .iter()
                .any(|b| b.participant_ids.contains(&me_id) && b.participant_ids.contains(&other));
            if met || seen.contains(&other) {
                continue;
            }
            seen.push(other);
            let Some(them) = person(other) else { continue };
            let theirs = availability_of(them, &dates);
            let oz = zone_of(other);
            let slots: Vec<minijinja::Value> = view::open_slots(
                &l.slots,
                &bookings,
                [(me_id, mine.as_deref()), (other, theirs.as_deref())],
            )
            .into_iter()
            .filter(|s| s.start > nowt)
            .take(OPEN_SLOTS_SHOWN)
            .map(|s| {
                context! {
                    value => s.start.to_rfc3339(),
                    day => format_date(utc_to_local(s.start, mz).date(), locale),
                    time => range(s.start, s.end, mz, oz, locale),
                }
            })
            .collect();
            open.push(context! { with_id => other, with => them.name, slots => slots });
        }
    }

    // The itinerary comes from the shared use case (what the e-mails say), read from the
    // published version only: a participant never sees a draft. Its strings are in the
    // participant's stored language; the page formats the same instants and zones in the
    // language of the page.
    let items = match &l.published {
        Some(p) => itinerary::for_participant(c, event_id, me_id, Some(p.version.id))?.items,
        None => Vec::new(),
    };
    let mut days: Vec<(NaiveDate, Vec<minijinja::Value>)> = Vec::new();
    for item in items {
        let own = Zone::parse(&item.own.time_zone).unwrap_or(mz);
        let other = Zone::parse(&item.counterpart.time_zone).unwrap_or(own);
        let meeting = item.kind == ItemKind::Meeting;
        let title = if meeting {
            item.counterparts
                .iter()
                .map(|p| match &p.organisation {
                    Some(org) => format!("{} ({org})", p.name),
                    None => p.name.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            item.title.clone()
        };
        let value = context! {
            time => range(item.starts_at, item.ends_at, own, other, locale),
            title => title,
            meeting => meeting,
            room => item.room,
            link => item.video_link.unwrap_or_default(),
        };
        let date = utc_to_local(item.starts_at, own).date();
        match days.last_mut() {
            Some((d, list)) if *d == date => list.push(value),
            _ => days.push((date, vec![value])),
        }
    }
    let itinerary: Vec<minijinja::Value> = days
        .into_iter()
        .map(|(d, items)| context! { day => format_date(d, locale), items => items })
        .collect();

    Ok(context! {
        page_path => format!("/events/{event_id}/participants/{me_id}"),
        event => context! { id => l.event.id, name => l.event.name },
        me => context! {
            id => l.me.id,
            name => l.me.name,
            organisation => l.me.organisation.clone().unwrap_or_default(),
            side => l.me.side,
            zone => l.me.time_zone,
            zone_label => zone_label(mz, nowt, locale),
            languages => l.me.languages.join(", "),
            availability => availability,
            comfort => l.me.comfort.map(|w| format!("{}–{}", w.from, w.to)),
            languages_text => l.me.languages.join(" "),
            // The form edits one daily window; per-date entries are kept as they are.
            available_from => l.me.availability.daily.first().map(|w| w.from.to_string()).unwrap_or_default(),
            available_to => l.me.availability.daily.first().map(|w| w.to.to_string()).unwrap_or_default(),
            comfort_from => l.me.comfort.map(|w| w.from.to_string()).unwrap_or_default(),
            comfort_to => l.me.comfort.map(|w| w.to.to_string()).unwrap_or_default(),
        },
        directory => directory,
        incoming => incoming,
        outgoing => outgoing,
        self_booking => l.event.allow_self_booking,
        published => l.published.is_some(),
        open => open,
        itinerary => itinerary,
    })
}

async fn render_page(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    status: StatusCode,
    notice: Option<Notice>,
) -> HttpResponse {
    let (event_id, me) = match ids(req) {
        Ok(ids) => ids,
        Err(e) => return error_page(req, lang, &e),
    };
    let locale = lang.locale;
    match state
        .run(move |c| page_context(c, event_id, me, locale))
        .await
    {
        Ok(ctx) => render(req, lang, "participant.html", status, notice, ctx),
        Err(e) => error_page(req, lang, &e),
    }
}

async fn show(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    let notice = Notice::done(&req, lang);
    render_page(&req, lang, &state, StatusCode::OK, notice).await
}

/// After a post: back to the page with its success message, or the page with the refusal.
async fn finish(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    outcome: AppResult<()>,
    done: &str,
) -> HttpResponse {
    match outcome {
        Ok(()) => match ids(req) {
            Ok((e, p)) => see_other(&format!("/events/{e}/participants/{p}?done={done}")),
            Err(e) => error_page(req, lang, &e),
        },
        Err(e) => {
            let notice = Some(Notice::from_error(&e, lang.locale));
            render_page(req, lang, state, status_of(&e), notice).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    to: String,
    message: String,
}

async fn request_meeting(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<RequestForm>,
) -> HttpResponse {
    let outcome = match (ids(&req), form.to.trim().parse::<i64>()) {
        (Ok((event_id, me)), Ok(to)) => {
            let input = RequestInput {
                from: PartyInput {
                    kind: PartyKind::Participant.as_str().into(),
                    id: me,
                },
                to: PartyInput {
                    kind: PartyKind::Participant.as_str().into(),
                    id: to,
                },
                priority: None,
                message: form.message.clone(),
                length_slots: None,
            };
            state
                .run(move |c| requests::create(c, event_id, &input).map(|_| ()))
                .await
        }
        (Err(e), _) => Err(e),
        (_, Err(_)) => Err(AppError::invalid("to", "choose a participant")),
    };
    finish(&req, lang, &state, outcome, "request_sent").await
}

async fn answer(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    let to = match req.match_info().get("action") {
        Some("accept") => Some(RequestStatus::Accepted),
        Some("decline") => Some(RequestStatus::Declined),
        _ => None,
    };
    let outcome = match (ids(&req), path_id(&req, "request_id"), to) {
        (Ok((event_id, me)), Ok(request_id), Some(to)) => {
            state
                .run(move |c| {
                    // Only the person asked may answer.
                    let r = requests::get(c, event_id, request_id)?;
                    if !is_me(r.to.kind, r.to.id, me) {
                        return Err(AppError::not_found("request", request_id));
                    }
                    requests::transition(c, event_id, request_id, to).map(|_| ())
                })
                .await
        }
        (Err(e), ..) | (_, Err(e), _) => Err(e),
        (.., None) => Err(AppError::not_found("page", req.path())),
    };
    finish(&req, lang, &state, outcome, "answered").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct BookForm {
    with: String,
    start: String,
}

/// Books a slot with the counterpart of one of this person's live requests.
fn self_book(
    c: &mut Conn,
    event_id: i64,
    me: i64,
    with: i64,
    start: DateTime<Utc>,
) -> AppResult<()> {
    let event = events::get(c, event_id)?;
    if !event.allow_self_booking {
        return Err(AppError::conflict(
            "start",
            "the organiser plans the meetings of this event",
        ));
    }
    let published = schedule::published(c, event_id)?
        .ok_or_else(|| AppError::conflict("start", "the schedule is not published yet"))?;
    let request = requests::list(c, event_id)?
        .into_iter()
        .find(|r| view::is_live(r.status) && counterpart(r, me) == Some(with))
        .ok_or_else(|| AppError::invalid("with", "request a meeting with this person first"))?;
    let input = BookingInput {
        request_id: Some(request.id),
        participant_ids: vec![me, with],
        start,
        length_slots: Some(request.length_slots),
        interpreter_id: None,
        video_link: String::new(),
        pinned: false,
    };
    schedule::book(
        c,
        event_id,
        published.version.id,
        &input,
        BookingSource::SelfBooked,
    )
    .map(|_| ())
}

async fn book(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<BookForm>,
) -> HttpResponse {
    let start = DateTime::parse_from_rfc3339(form.start.trim())
        .map(|s| s.with_timezone(&Utc))
        .map_err(|_| AppError::invalid("start", "choose a slot"));
    let with = form
        .with
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::invalid("with", "choose a participant"));
    let outcome = match (ids(&req), with, start) {
        (Ok((event_id, me)), Ok(with), Ok(start)) => {
            state
                .run(move |c| self_book(c, event_id, me, with, start))
                .await
        }
        (Err(e), ..) | (_, Err(e), _) | (.., Err(e)) => Err(e),
    };
    finish(&req, lang, &state, outcome, "booked_ok").await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProfileForm {
    time_zone: String,
    languages: String,
    available_from: String,
    available_to: String,
    comfort_from: String,
    comfort_to: String,
}

/// A daily window from two time fields; both empty means none.
fn window_field(from: &str, to: &str, field: &str) -> AppResult<Option<LocalWindow>> {
    match (from.trim(), to.trim()) {
        ("", "") => Ok(None),
        ("", _) | (_, "") => Err(AppError::invalid(
            field,
            "give both the start and the end, or neither",
        )),
        (from, to) => {
            let parse =
                |t: &str| LocalTime::parse(t).map_err(|e| AppError::invalid(field, e.to_string()));
            Ok(Some(LocalWindow::new(parse(from)?, parse(to)?)))
        }
    }
}

/// Saves what a participant may change themselves: zone, languages, availability and
/// comfort hours (in their own time); the rest stays as the organiser imported it.
fn update_profile(c: &mut Conn, event_id: i64, me: i64, form: &ProfileForm) -> AppResult<()> {
    let current = participants::get(c, event_id, me)?;
    let daily = window_field(&form.available_from, &form.available_to, "availability")?;
    let comfort = window_field(&form.comfort_from, &form.comfort_to, "comfort")?;
    let input = ParticipantInput {
        name: current.name,
        email: current.email,
        organisation_id: current.organisation_id,
        organisation: None,
        side: current.side,
        country: current.country,
        time_zone: form.time_zone.clone(),
        languages: form
            .languages
            .split([' ', ',', ';', '/'])
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        availability: Availability {
            daily: daily.into_iter().collect(),
            days: current.availability.days,
        },
        comfort,
        max_meetings: current.max_meetings,
        locale: Some(current.locale.as_str().to_string()),
    };
    participants::update(c, event_id, me, &input).map(|_| ())
}

async fn save_profile(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<ProfileForm>,
) -> HttpResponse {
    let outcome = match ids(&req) {
        Ok((event_id, me)) => {
            let form = form.into_inner();
            state
                .run(move |c| update_profile(c, event_id, me, &form))
                .await
        }
        Err(e) => Err(e),
    };
    finish(&req, lang, &state, outcome, "profile_saved").await
}

/// The bare address of a "Name <address>" sender.
fn address(from: &str) -> &str {
    match (from.find('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => &from[a + 1..b],
        _ => from.trim(),
    }
}

fn feed(
    c: &mut Conn,
    event_id: i64,
    me_id: i64,
    locale: Locale,
    organiser: &str,
) -> AppResult<String> {
    let l = load(c, event_id, me_id)?;
    let ez = zone(&l.event.time_zone)?;
    let mz = Zone::parse(&l.me.time_zone).unwrap_or(ez);
    let Some(published) = l.published else {
        return calendar::render_feed(&l.event.name, &[])
            .map(|ics| ics.text)
            .map_err(|e| AppError::Internal(e.to_string()));
    };
    let stamp = published.version.published_at.unwrap_or_else(now).and_utc();
    let events: Vec<CalEvent> = published
        .bookings
        .iter()
        .filter(|b| b.participant_ids.contains(&me_id))
        .map(|b| {
            let others: Vec<&Participant> = l
                .people
                .iter()
                .filter(|p| p.id != me_id && b.participant_ids.contains(&p.id))
                .collect();
            let oz = others
                .first()
                .and_then(|p| Zone::parse(&p.time_zone).ok())
                .unwrap_or(mz);
            CalEvent {
                uid: format!("booking-{}-{}@matchtour", l.event.id, b.id),
                sequence: 0,
                dtstamp: stamp,
                start: b.starts_at,
                end: b.ends_at,
                summary: format!(
                    "{}: {}",
                    i18n::word(locale, "meeting"),
                    others
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                description: l.event.name.clone(),
                local_times: vec![format_dual(b.starts_at, mz, oz, locale)],
                location: None,
                url: (!b.video_link.is_empty()).then(|| b.video_link.clone()),
                organizer: Person {
                    name: l.event.name.clone(),
                    email: address(organiser).to_string(),
                },
                attendees: l
                    .people
                    .iter()
                    .filter(|p| b.participant_ids.contains(&p.id))
                    .map(|p| Attendee {
                        person: Person {
                            name: p.name.clone(),
                            email: p.email.clone(),
                        },
                        role: Role::Required,
                    })
                    .collect(),
            }
        })
        .collect();
    calendar::render_feed(&format!("{} – {}", l.event.name, l.me.name), &events)
        .map(|ics| ics.text)
        .map_err(|e| AppError::Internal(e.to_string()))
}

async fn ics(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    let (event_id, me) = match ids(&req) {
        Ok(ids) => ids,
        Err(e) => return error_page(&req, lang, &e),
    };
    let organiser = state.settings.mail.from.clone();
    let locale = lang.locale;
    match state
        .run(move |c| feed(c, event_id, me, locale, &organiser))
        .await
    {
        Ok(text) => HttpResponse::Ok()
            .content_type("text/calendar; charset=utf-8")
            .insert_header((
                "content-disposition",
                "attachment; filename=\"itinerary.ics\"",
            ))
            .body(text),
        Err(e) => error_page(&req, lang, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::requests::PartyRefOut;

    fn request(from: (PartyKind, i64), to: (PartyKind, i64)) -> MeetingRequest {
        let t = now();
        MeetingRequest {
            id: 1,
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
            status: RequestStatus::Requested,
            length_slots: 1,
            mutual: false,
            created_at: t,
            updated_at: t,
        }
    }

    #[test]
    fn only_one_to_one_requests_of_the_person_have_a_counterpart() {
        let p = PartyKind::Participant;
        assert_eq!(counterpart(&request((p, 1), (p, 2)), 1), Some(2));
        assert_eq!(counterpart(&request((p, 1), (p, 2)), 2), Some(1));
        assert_eq!(counterpart(&request((p, 1), (p, 2)), 3), None);
        assert_eq!(
            counterpart(&request((p, 1), (PartyKind::Group, 2)), 1),
            None
        );
    }

    #[test]
    fn profile_windows_need_both_ends_or_none() {
        assert_eq!(window_field(" ", "", "comfort").unwrap(), None);
        let w = window_field("15:00", "18:30", "comfort").unwrap().unwrap();
        assert_eq!(
            (w.from.to_string(), w.to.to_string()),
            ("15:00".into(), "18:30".into())
        );
        let AppError::Invalid(errors) = window_field("15:00", "", "comfort").unwrap_err() else {
            panic!("a half window is invalid input");
        };
        assert_eq!(errors[0].field, "comfort");
        assert!(window_field("25:00", "26:00", "availability").is_err());
    }

    #[test]
    fn the_sender_address_is_taken_from_its_angle_brackets() {
        assert_eq!(
            address("matchtour <noreply@matchtour.example>"),
            "noreply@matchtour.example"
        );
        assert_eq!(address(" noreply@x.example "), "noreply@x.example");
    }
}
