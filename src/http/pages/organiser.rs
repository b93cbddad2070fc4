//! The organiser's pages: events, programme with golden hours, participants and imports,
//! requests, and the schedule (solve, grid, reasons, move/pin, publish, statistics).

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::web::{self, Data, Form};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::view::{self, local_range, range};
use super::{builder, error_page, i18n, jobs, render, see_other, status_of, Lang, Notice};
use crate::auth::Principal;
use crate::db::Conn;
use crate::domain::{BookingSource, EventKind};
use crate::error::{AppError, AppResult};
use crate::http::AppState;
use crate::service::events::{self, Event, EventInput};
use crate::service::golden;
use crate::service::participants::{self, Participant};
use crate::service::planning::{SolveInput, SolveSummary};
use crate::service::programme::{self, Slot, WindowInput};
use crate::service::schedule::{self, Booking, BookingInput};
use crate::service::{groups, import, organisations, requests};
use crate::tz::{format_date, utc_to_local, zone_label, Locale, Zone};

pub fn routes(cfg: &mut web::ServiceConfig) {
    // A form's address opened in the address bar leads to its page (`back_to_page`).
    cfg.service(web::resource("").get(events_page).post(create_event))
        .configure(builder::routes)
        .service(web::resource("/{event_id}").get(event_page))
        .service(
            web::resource("/{event_id}/windows")
                .post(add_window)
                .get(back_to_page),
        )
        .service(web::resource("/{event_id}/participants").get(participants_page))
        .service(
            web::resource("/{event_id}/import/participants")
                .post(import_participants)
                .get(back_to_page),
        )
        .service(
            web::resource("/{event_id}/import/requests")
                .post(import_requests)
                .get(back_to_page),
        )
        .service(web::resource("/{event_id}/requests").get(requests_page))
        .service(web::resource("/{event_id}/schedule").get(schedule_page))
        .service(web::resource("/{event_id}/schedule/progress").get(solve_progress))
        .service(
            web::resource("/{event_id}/schedule/solve")
                .post(solve)
                .get(back_to_page),
        )
        .service(
            web::resource("/{event_id}/schedule/{version_id}/publish")
                .post(publish)
                .get(back_to_page),
        )
        .service(
            web::resource("/{event_id}/schedule/{version_id}/move")
                .post(move_meeting)
                .get(back_to_page),
        )
        .service(web::resource("/{event_id}/schedule/{version_id}/check").get(check_move))
        .service(web::resource("/{event_id}/schedule/{version_id}/export.csv").get(export));
}

/// The page a form's address belongs to, for a GET of that address.
pub async fn back_to_page(req: HttpRequest) -> HttpResponse {
    let id = req.match_info().get("event_id").unwrap_or_default();
    let path = req.path();
    let page = if path.contains("/import/participants") {
        "/participants"
    } else if path.contains("/import/requests") {
        "/requests"
    } else if path.contains("/schedule/") {
        "/schedule"
    } else {
        ""
    };
    see_other(&format!("/events/{id}{page}"))
}

/// A numeric path segment; anything else is a page that does not exist.
pub fn path_id(req: &HttpRequest, name: &str) -> AppResult<i64> {
    req.match_info()
        .get(name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::not_found("page", req.path()))
}

pub fn zone(name: &str) -> AppResult<Zone> {
    Zone::parse(name).map_err(|e| AppError::Internal(e.to_string()))
}

/// Every participant of the event (the list use case pages by 500).
pub fn all_participants(c: &mut Conn, event_id: i64) -> AppResult<Vec<Participant>> {
    let mut out = Vec::new();
    for page in 1.. {
        let batch = participants::list(c, event_id, page, 500)?;
        let done = out.len() + batch.items.len() >= batch.total as usize || batch.items.is_empty();
        out.extend(batch.items);
        if done {
            break;
        }
    }
    Ok(out)
}

/// The zone most participants not in the event's zone live in: the second zone shown.
pub fn other_zone(event_zone: Zone, people: &[Participant]) -> Zone {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for p in people.iter().filter(|p| p.time_zone != event_zone.name()) {
        *count.entry(p.time_zone.as_str()).or_default() += 1;
    }
    count
        .into_iter()
        .max_by_key(|(name, n)| (*n, std::cmp::Reverse(*name)))
        .and_then(|(name, _)| Zone::parse(name).ok())
        .unwrap_or(event_zone)
}

fn query(req: &HttpRequest) -> HashMap<String, String> {
    web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default()
}

/// Runs `build` and renders its context, or the error page.
async fn page<F>(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    template: &str,
    status: StatusCode,
    notice: Option<Notice>,
    build: F,
) -> HttpResponse
where
    F: FnOnce(&mut Conn) -> AppResult<minijinja::Value> + Send + 'static,
{
    match state.run(build).await {
        Ok(ctx) => render(req, lang, template, status, notice, ctx),
        Err(e) => error_page(req, lang, &e),
    }
}

/// A GET page of one event: its id from the path, the `?done=` notice, and the context
/// `build` makes for it.
async fn event_view(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    template: &str,
    build: fn(&mut Conn, i64, Locale) -> AppResult<minijinja::Value>,
) -> HttpResponse {
    let id = match path_id(req, "event_id") {
        Ok(id) => id,
        Err(e) => return error_page(req, lang, &e),
    };
    let notice = Notice::done(req, lang);
    page(
        req,
        lang,
        state,
        template,
        StatusCode::OK,
        notice,
        move |c| build(c, id, lang.locale),
    )
    .await
}

// ---- events ----

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct EventForm {
    name: String,
    kind: String,
    time_zone: String,
    start_date: String,
    end_date: String,
    rooms: String,
    allow_self_booking: Option<String>,
}

fn date_field(text: &str, field: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "enter a date such as 2026-03-22"))
}

impl EventForm {
    fn input(&self) -> AppResult<EventInput> {
        let rooms = match self.rooms.trim() {
            "" => None,
            n => Some(
                n.parse()
                    .map_err(|_| AppError::invalid("rooms", "enter a whole number"))?,
            ),
        };
        Ok(EventInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            time_zone: self.time_zone.clone(),
            start_date: date_field(&self.start_date, "start_date")?,
            end_date: date_field(&self.end_date, "end_date")?,
            description: String::new(),
            status: None,
            rooms,
            allow_self_booking: self.allow_self_booking.is_some(),
            days: None,
        })
    }
}

fn events_context(
    c: &mut Conn,
    organiser: i64,
    locale: Locale,
    form: EventForm,
) -> AppResult<minijinja::Value> {
    let list = events::list(c, organiser, 1, 500)?;
    let rows: Vec<minijinja::Value> = list
        .items
        .iter()
        .map(|e| {
            context! {
                id => e.id,
                name => e.name,
                kind => i18n::word(locale, &format!("kind_{}", e.kind.as_str())),
                time_zone => e.time_zone,
                dates => format!("{} – {}", format_date(e.start_date, locale), format_date(e.end_date, locale)),
                status => e.status.as_str(),
            }
        })
        .collect();
    let kinds: Vec<minijinja::Value> = EventKind::ALL
        .iter()
        .map(|k| context! { value => k.as_str(), label => i18n::word(locale, &format!("kind_{}", k.as_str())) })
        .collect();
    Ok(context! { page_path => "/events", events => rows, kinds => kinds, form => form })
}

async fn events_page(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    caller: Principal,
) -> AppResult<HttpResponse> {
    let organiser = caller.organiser()?;
    let notice = Notice::done(&req, lang);
    let form = EventForm {
        kind: EventKind::MatchmakingTour.as_str().into(),
        time_zone: "Europe/Berlin".into(),
        ..EventForm::default()
    };
    Ok(page(
        &req,
        lang,
        &state,
        "events.html",
        StatusCode::OK,
        notice,
        move |c| events_context(c, organiser, lang.locale, form),
    )
    .await)
}

async fn create_event(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    caller: Principal,
    form: Form<EventForm>,
) -> AppResult<HttpResponse> {
    let organiser = caller.organiser()?;
    let form = form.into_inner();
    let input = form.input();
    let created = match input {
        Ok(input) => {
            state
                .run(move |c| events::create(c, &input, Some(organiser)))
                .await
        }
        Err(e) => Err(e),
    };
    Ok(match created {
        Ok(event) => see_other(&format!("/events/{}", event.id)),
        Err(e) => {
            let notice = Some(Notice::from_error(&e, lang.locale));
            page(
                &req,
                lang,
                &state,
                "events.html",
                status_of(&e),
                notice,
                move |c| events_context(c, organiser, lang.locale, form),
            )
            .await
        }
    })
}

// ---- the programme ----

fn nav(event: &Event, current: &str) -> minijinja::Value {
    context! { id => event.id, name => event.name, current => current }
}

fn event_context(c: &mut Conn, event_id: i64, locale: Locale) -> AppResult<minijinja::Value> {
    event_context_with(c, event_id, locale, builder::Forms::default())
}

/// The event page, with the builder's forms as `forms` has them (values typed, messages).
pub fn event_context_with(
    c: &mut Conn,
    event_id: i64,
    locale: Locale,
    forms: builder::Forms,
) -> AppResult<minijinja::Value> {
    let event = events::get(c, event_id)?;
    let ez = zone(&event.time_zone)?;
    let people = all_participants(c, event_id)?;
    let second = other_zone(ez, &people);
    let sessions = programme::list_sessions(c, event_id)?;
    let windows = programme::list_windows(c, event_id)?;
    // The API's golden hours (`service::golden`), so the page and the API agree.
    let golden = if people.is_empty() {
        Vec::new()
    } else {
        shared_golden(c, event_id)?
    };
    let days: Vec<minijinja::Value> = event
        .days
        .iter()
        .map(|d| {
            let sessions: Vec<minijinja::Value> = sessions
                .iter()
                .filter(|s| s.date == d.date)
                .map(|s| {
                    context! {
                        id => s.id,
                        title => s.title,
                        kind => i18n::word(locale, &format!("session_kind_{}", s.kind.as_str())),
                        time => range(s.starts_at, s.ends_at, ez, second, locale),
                    }
                })
                .collect();
            let windows: Vec<minijinja::Value> = windows
                .iter()
                .filter(|w| w.date == d.date)
                .map(|w| {
                    context! {
                        time => range(w.starts_at, w.ends_at, ez, second, locale),
                        slot_minutes => w.slot_minutes,
                        slots => w.slots.len(),
                    }
                })
                .collect();
            let golden: Vec<minijinja::Value> = golden
                .iter()
                .filter(|g| g.date == d.date)
                .map(|g| {
                    context! {
                        time => range(g.start, g.end, ez, second, locale),
                        sides => g.sides.iter().map(|(side, c)| format!("{side} {}/{}", c.comfortable, c.total)).collect::<Vec<_>>().join(" · "),
                    }
                })
                .collect();
            context! {
                date => d.date.to_string(),
                label => format_date(d.date, locale),
                sessions => sessions,
                windows => windows,
                golden => golden,
            }
        })
        .collect();
    let builder = builder::context(c, &event, locale, forms)?;
    Ok(context! {
        page_path => format!("/events/{event_id}"),
        nav => nav(&event, "event"),
        event => context! {
            name => event.name,
            kind => i18n::word(locale, &format!("kind_{}", event.kind.as_str())),
            time_zone => event.time_zone,
            zone_label => zone_label(ez, Utc::now(), locale),
            status => event.status.as_str(),
            self_booking => event.allow_self_booking,
        },
        days => days,
        has_comfort => !golden.is_empty(),
        ..builder
    })
}

async fn event_page(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    event_view(&req, lang, &state, "event.html", event_context).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WindowForm {
    date: String,
    start: String,
    end: String,
    slot_minutes: String,
}

async fn add_window(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<WindowForm>,
) -> HttpResponse {
    let id = match path_id(&req, "event_id") {
        Ok(id) => id,
        Err(e) => return error_page(&req, lang, &e),
    };
    let input = (|| {
        Ok(WindowInput {
            date: date_field(&form.date, "date")?,
            start: form.start.clone(),
            end: form.end.clone(),
            slot_minutes: form
                .slot_minutes
                .trim()
                .parse()
                .map_err(|_| AppError::invalid("slot_minutes", "enter a whole number"))?,
        })
    })();
    let added = match input {
        Ok(input) => state
            .run(move |c| programme::create_window(c, id, &input))
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match added {
        Ok(()) => see_other(&format!("/events/{id}")),
        Err(e) => {
            let notice = Some(Notice::from_error(&e, lang.locale));
            page(
                &req,
                lang,
                &state,
                "event.html",
                status_of(&e),
                notice,
                move |c| event_context(c, id, lang.locale),
            )
            .await
        }
    }
}

/// A golden window of the event, from the one computation the API uses too.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedGolden {
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub sides: std::collections::BTreeMap<String, golden::SideComfort>,
}

/// The event's golden hours with the API's defaults (`GET .../golden-hours`).
fn shared_golden(c: &mut Conn, event_id: i64) -> AppResult<Vec<SharedGolden>> {
    let hours = golden::for_event(c, event_id, &golden::GoldenQuery::default())?;
    Ok(hours
        .days
        .into_iter()
        .flat_map(|d| {
            d.windows.into_iter().map(move |w| SharedGolden {
                date: d.date,
                start: w.start_utc,
                end: w.end_utc,
                sides: w.sides,
            })
        })
        .collect())
}

// ---- participants and imports ----

fn participants_context(
    c: &mut Conn,
    event_id: i64,
    locale: Locale,
) -> AppResult<minijinja::Value> {
    let event = events::get(c, event_id)?;
    let people = all_participants(c, event_id)?;
    let now = Utc::now();
    let rows: Vec<minijinja::Value> = people
        .iter()
        .map(|p| context! {
            id => p.id,
            name => p.name,
            organisation => p.organisation.clone().unwrap_or_default(),
            side => p.side,
            zone => p.time_zone,
            zone_label => Zone::parse(&p.time_zone).map(|z| zone_label(z, now, locale)).unwrap_or_default(),
            languages => p.languages.join(", "),
        })
        .collect();
    Ok(context! {
        page_path => format!("/events/{event_id}/participants"),
        nav => nav(&event, "participants"),
        participants => rows,
    })
}

async fn participants_page(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    event_view(
        &req,
        lang,
        &state,
        "participants.html",
        participants_context,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CsvForm {
    csv: String,
}

#[derive(Clone, Copy)]
enum Sheet {
    Participants,
    Requests,
}

async fn import_sheet(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<CsvForm>,
    sheet: Sheet,
) -> HttpResponse {
    let id = match path_id(&req, "event_id") {
        Ok(id) => id,
        Err(e) => return error_page(&req, lang, &e),
    };
    let text = form.into_inner().csv;
    let imported = state
        .run(move |c| match sheet {
            Sheet::Participants => import::participants_csv(c, id, text.as_bytes()),
            Sheet::Requests => import::requests_csv(c, id, text.as_bytes()),
        })
        .await;
    let back = match sheet {
        Sheet::Participants => "participants",
        Sheet::Requests => "requests",
    };
    match imported {
        Ok(report) => see_other(&format!(
            "/events/{id}/{back}?done=imported&n={}",
            report.imported
        )),
        Err(e) => {
            let notice = Some(Notice::from_error(&e, lang.locale));
            match sheet {
                Sheet::Participants => {
                    page(
                        &req,
                        lang,
                        &state,
                        "participants.html",
                        status_of(&e),
                        notice,
                        move |c| participants_context(c, id, lang.locale),
                    )
                    .await
                }
                Sheet::Requests => {
                    page(
                        &req,
                        lang,
                        &state,
                        "requests.html",
                        status_of(&e),
                        notice,
                        move |c| requests_context(c, id, lang.locale),
                    )
                    .await
                }
            }
        }
    }
}

async fn import_participants(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<CsvForm>,
) -> HttpResponse {
    import_sheet(req, lang, state, form, Sheet::Participants).await
}

async fn import_requests(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<CsvForm>,
) -> HttpResponse {
    import_sheet(req, lang, state, form, Sheet::Requests).await
}

// ---- requests ----

/// The display name of a request party.
pub fn party_name(
    kind: crate::domain::PartyKind,
    id: i64,
    people: &[Participant],
    groups: &[crate::service::groups::Group],
    orgs: &[crate::service::organisations::Organisation],
) -> String {
    use crate::domain::PartyKind;
    match kind {
        PartyKind::Participant => people.iter().find(|p| p.id == id).map(|p| p.name.clone()),
        PartyKind::Group => groups.iter().find(|g| g.id == id).map(|g| g.name.clone()),
        PartyKind::Organisation => orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()),
    }
    .unwrap_or_else(|| format!("#{id}"))
}

fn requests_context(c: &mut Conn, event_id: i64, locale: Locale) -> AppResult<minijinja::Value> {
    let event = events::get(c, event_id)?;
    let people = all_participants(c, event_id)?;
    let groups = groups::list(c, event_id)?;
    let orgs = organisations::list(c, event_id)?;
    let list = requests::list(c, event_id)?;
    let mut by_status: std::collections::BTreeMap<&str, usize> = Default::default();
    for r in &list {
        *by_status.entry(r.status.as_str()).or_default() += 1;
    }
    let rows: Vec<minijinja::Value> = list
        .iter()
        .map(|r| {
            context! {
                from => party_name(r.from.kind, r.from.id, &people, &groups, &orgs),
                to => party_name(r.to.kind, r.to.id, &people, &groups, &orgs),
                priority => r.priority,
                message => r.message,
                status => r.status.as_str(),
                status_label => i18n::word(locale, &format!("req_{}", r.status.as_str())),
                mutual => r.mutual,
            }
        })
        .collect();
    let counts: Vec<minijinja::Value> = by_status
        .into_iter()
        .map(|(s, n)| context! { label => i18n::word(locale, &format!("req_{s}")), status => s, count => n })
        .collect();
    Ok(context! {
        page_path => format!("/events/{event_id}/requests"),
        nav => nav(&event, "requests"),
        requests => rows,
        counts => counts,
    })
}

async fn requests_page(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    event_view(&req, lang, &state, "requests.html", requests_context).await
}

// ---- the schedule ----

/// How many slots of the grid a booking covers.
fn slots_of(booking: &Booking, slots: &[Slot]) -> i32 {
    let n = slots
        .iter()
        .filter(|s| s.start >= booking.starts_at && s.end <= booking.ends_at)
        .count();
    i32::try_from(n.max(1)).unwrap_or(1)
}

fn reason_label(code: &str, locale: Locale) -> String {
    let key = format!("reason_{code}");
    match i18n::word(locale, &key) {
        "?" => code.to_string(),
        word => word.to_string(),
    }
}

fn schedule_context(
    c: &mut Conn,
    event_id: i64,
    version: Option<i64>,
    locale: Locale,
    solve_seconds: f64,
    running: Option<jobs::Progress>,
) -> AppResult<minijinja::Value> {
    let event = events::get(c, event_id)?;
    let ez = zone(&event.time_zone)?;
    let versions = schedule::versions(c, event_id)?;
    let chosen = match version {
        Some(v) => Some(
            versions
                .iter()
                .find(|x| x.id == v)
                .ok_or_else(|| AppError::not_found("schedule version", v))?,
        ),
        None => versions.first(),
    };
    let version_rows: Vec<minijinja::Value> = versions
        .iter()
        .map(|v| {
            context! {
                id => v.id,
                number => v.number,
                status => v.status.as_str(),
                current => chosen.is_some_and(|c| c.id == v.id),
            }
        })
        .collect();
    let nav = nav(&event, "schedule");
    let Some(chosen) = chosen else {
        return Ok(
            context! { nav => nav, versions => version_rows, solve_seconds => solve_seconds, running => running },
        );
    };
    let people = all_participants(c, event_id)?;
    let second = other_zone(ez, &people);
    let groups = groups::list(c, event_id)?;
    let requests = requests::list(c, event_id)?;
    let slots: Vec<(NaiveDate, Slot)> = programme::event_slots(c, event_id, ez)?;
    let bookings = schedule::schedule(c, event_id, chosen.id)?.bookings;
    let name = |id: i64| {
        people
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("#{id}"), |p| p.name.clone())
    };
    let zone_of = |id: i64| {
        people
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| Zone::parse(&p.time_zone).ok())
            .unwrap_or(ez)
    };

    let mut last_date = None;
    let columns: Vec<minijinja::Value> = slots
        .iter()
        .map(|(date, s)| {
            let first_of_day = last_date != Some(*date);
            last_date = Some(*date);
            context! {
                day => if first_of_day { format_date(*date, locale) } else { String::new() },
                time => utc_to_local(s.start, ez).format("%H:%M").to_string(),
                label => zone_label(ez, s.start, locale),
            }
        })
        .collect();
    let rows: Vec<minijinja::Value> = people
        .iter()
        .map(|p| {
            let pz = zone_of(p.id);
            let cells: Vec<minijinja::Value> = slots
                .iter()
                .map(|(_, s)| {
                    let found = bookings.iter().find(|b| {
                        b.participant_ids.contains(&p.id) && b.starts_at <= s.start && b.ends_at >= s.end
                    });
                    match found {
                        None => context! { busy => false },
                        Some(b) => {
                            let others: Vec<i64> =
                                b.participant_ids.iter().copied().filter(|o| *o != p.id).collect();
                            let counterpart = others.first().map_or(pz, |o| zone_of(*o));
                            context! {
                                busy => true,
                                first => b.starts_at == s.start,
                                with => others.iter().map(|o| name(*o)).collect::<Vec<_>>().join(", "),
                                time => range(b.starts_at, b.ends_at, pz, counterpart, locale),
                                pinned => b.pinned,
                                source => b.source.as_str(),
                            }
                        }
                    }
                })
                .collect();
            context! {
                name => p.name,
                side => p.side,
                zone => zone_label(pz, Utc::now(), locale),
                cells => cells,
            }
        })
        .collect();

    let summary: Option<SolveSummary> = serde_json::from_value(chosen.summary.clone()).ok();
    let unscheduled: Vec<minijinja::Value> = summary
        .as_ref()
        .map(|s| {
            s.unscheduled
                .iter()
                .map(|u| context! {
                    names => u.participant_ids.iter().map(|id| name(*id)).collect::<Vec<_>>().join(" · "),
                    reason => reason_label(&u.reason, locale),
                    code => u.reason,
                    explanation => u.explanation,
                })
                .collect()
        })
        .unwrap_or_default();
    let move_bookings: Vec<minijinja::Value> = bookings
        .iter()
        .map(|b| {
            let local = utc_to_local(b.starts_at, ez);
            context! {
                id => b.id,
                label => format!(
                    "{} · {}, {}{}",
                    b.participant_ids.iter().map(|id| name(*id)).collect::<Vec<_>>().join(" – "),
                    format_date(local.date(), locale),
                    local_range(b.starts_at, b.ends_at, ez, locale),
                    if b.pinned { " 📌" } else { "" },
                ),
            }
        })
        .collect();
    let move_slots: Vec<minijinja::Value> = slots
        .iter()
        .map(|(date, s)| context! {
            value => s.start.to_rfc3339(),
            label => format!("{}, {}", format_date(*date, locale), range(s.start, s.end, ez, second, locale)),
        })
        .collect();
    let stats = view::stats(&bookings, &people, &groups, &requests);
    Ok(context! {
        page_path => format!("/events/{event_id}/schedule?version={}", chosen.id),
        nav => nav,
        versions => version_rows,
        solve_seconds => solve_seconds,
        running => running,
        version => context! {
            id => chosen.id,
            number => chosen.number,
            status => chosen.status.as_str(),
            draft => chosen.status == crate::domain::VersionStatus::Draft,
        },
        columns => columns,
        rows => rows,
        has_summary => summary.is_some(),
        unscheduled => unscheduled,
        move_bookings => move_bookings,
        move_slots => move_slots,
        stats => stats,
    })
}

async fn show_schedule(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    event_id: i64,
    version: Option<i64>,
    status: StatusCode,
    notice: Option<Notice>,
) -> HttpResponse {
    let seconds = state.settings.solver.time_limit_seconds;
    let running = jobs::progress(state, event_id).filter(|p| p.running);
    page(
        req,
        lang,
        state,
        "schedule.html",
        status,
        notice,
        move |c| schedule_context(c, event_id, version, lang.locale, seconds, running),
    )
    .await
}

async fn schedule_page(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    let id = match path_id(&req, "event_id") {
        Ok(id) => id,
        Err(e) => return error_page(&req, lang, &e),
    };
    let version = query(&req).get("version").and_then(|v| v.parse().ok());
    let mut notice = Notice::done(&req, lang);
    let mut status = StatusCode::OK;
    // A background run that ended since the last look: its draft, or why there is none.
    match jobs::take_finished(&state, id) {
        // The address names the draft, as when the script follows the run to its end.
        Some(Ok(created)) if version.is_none() => {
            return see_other(&format!(
                "/events/{id}/schedule?version={created}&done=solved_ok"
            ));
        }
        Some(Ok(_)) => {}
        Some(Err(e)) => {
            status = status_of(&e);
            notice = Some(Notice::from_error(&e, lang.locale));
        }
        None => {}
    }
    show_schedule(&req, lang, &state, id, version, status, notice).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SolveForm {
    seconds: String,
}

async fn solve(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<SolveForm>,
) -> HttpResponse {
    let id = match path_id(&req, "event_id") {
        Ok(id) => id,
        Err(e) => return error_page(&req, lang, &e),
    };
    let input = match form.seconds.trim() {
        "" => Ok(SolveInput::default()),
        text => text
            .parse::<f64>()
            .map(|s| SolveInput {
                time_limit_seconds: Some(s),
                seed: None,
            })
            .map_err(|_| AppError::invalid("time_limit_seconds", "enter a number of seconds")),
    };
    match input.and_then(|input| jobs::start(&state, id, input)) {
        // The schedule page shows the run's progress, then its result.
        Ok(()) => see_other(&format!("/events/{id}/schedule")),
        Err(e) => {
            let notice = Some(Notice::from_error(&e, lang.locale));
            show_schedule(&req, lang, &state, id, None, status_of(&e), notice).await
        }
    }
}

/// `GET .../schedule/progress`: the background run as JSON, and where to go when it is over.
async fn solve_progress(req: HttpRequest, state: Data<AppState>) -> HttpResponse {
    let Ok(id) = path_id(&req, "event_id") else {
        return HttpResponse::NotFound().json(serde_json::json!({"running": false}));
    };
    let progress = jobs::progress(&state, id);
    let next = match jobs::finished_version(&state, id) {
        Some(Some(version)) => format!("/events/{id}/schedule?version={version}&done=solved_ok"),
        _ => format!("/events/{id}/schedule"),
    };
    HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .json(serde_json::json!({
            "running": progress.as_ref().is_some_and(|p| p.running),
            "progress": progress,
            "next": next,
        }))
}

fn ids(req: &HttpRequest) -> AppResult<(i64, i64)> {
    Ok((path_id(req, "event_id")?, path_id(req, "version_id")?))
}

async fn publish(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    let (id, version) = match ids(&req) {
        Ok(ids) => ids,
        Err(e) => return error_page(&req, lang, &e),
    };
    match state.run(move |c| schedule::publish(c, id, version)).await {
        Ok(_) => see_other(&format!(
            "/events/{id}/schedule?version={version}&done=published_ok"
        )),
        Err(e) => {
            let notice = Some(Notice::from_error(&e, lang.locale));
            show_schedule(&req, lang, &state, id, Some(version), status_of(&e), notice).await
        }
    }
}

/// Why a move did not happen: the use case refused it, or it was only a check.
enum MoveError {
    Refused(AppError),
    DryRun,
}

impl From<diesel::result::Error> for MoveError {
    fn from(e: diesel::result::Error) -> Self {
        MoveError::Refused(e.into())
    }
}

impl From<AppError> for MoveError {
    fn from(e: AppError) -> Self {
        MoveError::Refused(e)
    }
}

/// Takes a meeting out and books it at `start`, in one transaction: a refused move leaves
/// it where it was. With `commit` false the transaction is always rolled back, which is
/// the instant feasibility check (the same rules as the real move, nothing written).
fn relocate(
    c: &mut Conn,
    event_id: i64,
    version_id: i64,
    booking_id: i64,
    start: DateTime<Utc>,
    pinned: bool,
    commit: bool,
) -> AppResult<()> {
    let ez = zone(&events::get(c, event_id)?.time_zone)?;
    let slots: Vec<Slot> = programme::event_slots(c, event_id, ez)?
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    let outcome = c.transaction(|c| {
        let current = schedule::schedule(c, event_id, version_id)?
            .bookings
            .into_iter()
            .find(|b| b.id == booking_id)
            .ok_or_else(|| AppError::not_found("booking", booking_id))?;
        schedule::unbook(c, event_id, version_id, booking_id)?;
        let input = BookingInput {
            request_id: current.request_id,
            participant_ids: current.participant_ids.clone(),
            start,
            length_slots: Some(slots_of(&current, &slots)),
            interpreter_id: current.interpreter_id,
            video_link: current.video_link.clone(),
            pinned,
        };
        schedule::book(c, event_id, version_id, &input, BookingSource::Organiser)?;
        if commit {
            Ok(())
        } else {
            Err(MoveError::DryRun)
        }
    });
    match outcome {
        Ok(()) | Err(MoveError::DryRun) => Ok(()),
        Err(MoveError::Refused(e)) => Err(e),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    booking: String,
    start: String,
    pinned: Option<String>,
}

impl MoveForm {
    fn parse(&self) -> AppResult<(i64, DateTime<Utc>)> {
        let booking = self
            .booking
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("booking", "choose a meeting"))?;
        let start = DateTime::parse_from_rfc3339(self.start.trim())
            .map_err(|_| AppError::invalid("start", "choose a slot"))?
            .with_timezone(&Utc);
        Ok((booking, start))
    }
}

async fn move_meeting(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<MoveForm>,
) -> HttpResponse {
    let (id, version) = match ids(&req) {
        Ok(ids) => ids,
        Err(e) => return error_page(&req, lang, &e),
    };
    let pinned = form.pinned.is_some();
    let moved = match form.parse() {
        Ok((booking, start)) => {
            state
                .run(move |c| relocate(c, id, version, booking, start, pinned, true))
                .await
        }
        Err(e) => Err(e),
    };
    match moved {
        Ok(()) => see_other(&format!(
            "/events/{id}/schedule?version={version}&done=moved_ok"
        )),
        Err(e) => {
            let notice = Some(move_notice(&e, lang.locale));
            show_schedule(&req, lang, &state, id, Some(version), status_of(&e), notice).await
        }
    }
}

/// A refused move in the organiser's words: nothing was "just taken" from them.
fn move_notice(error: &AppError, locale: Locale) -> Notice {
    let mut notice = Notice::from_error(error, locale);
    if notice.text == i18n::word(locale, "err_slot_taken") {
        notice.text = i18n::word(locale, "err_person_busy").to_string();
    }
    notice
}

/// `GET .../check?booking=&start=`: whether the move would be accepted, as a sentence.
async fn check_move(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: web::Query<MoveForm>,
) -> HttpResponse {
    let checked = match (ids(&req), form.parse()) {
        (Ok((id, version)), Ok((booking, start))) => {
            state
                .run(move |c| relocate(c, id, version, booking, start, false, false))
                .await
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    let body = match checked {
        Ok(()) => serde_json::json!({"ok": true, "message": i18n::word(lang.locale, "check_ok")}),
        Err(e) => {
            let notice = move_notice(&e, lang.locale);
            let mut message = notice.text;
            for d in notice.details {
                message.push(' ');
                message.push_str(&d);
            }
            serde_json::json!({"ok": false, "message": message})
        }
    };
    HttpResponse::Ok().json(body)
}

async fn export(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    let (id, version) = match ids(&req) {
        Ok(ids) => ids,
        Err(e) => return error_page(&req, lang, &e),
    };
    match state
        .run(move |c| schedule::export_csv(c, id, version))
        .await
    {
        Ok(bytes) => HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                "content-disposition",
                format!("attachment; filename=\"schedule-{id}-{version}.csv\""),
            ))
            .body(bytes),
        Err(e) => error_page(&req, lang, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_zone_is_the_most_common_other_one() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let person = |zone: &str| Participant {
            id: 1,
            name: "x".into(),
            email: "x@example.org".into(),
            organisation_id: None,
            organisation: None,
            side: String::new(),
            country: String::new(),
            time_zone: zone.into(),
            languages: vec![],
            availability: Default::default(),
            comfort: None,
            max_meetings: None,
            locale: crate::domain::Locale::En,
        };
        let people = vec![
            person("Europe/Berlin"),
            person("Asia/Shanghai"),
            person("Asia/Shanghai"),
            person("Asia/Tokyo"),
        ];
        assert_eq!(other_zone(berlin, &people).name(), "Asia/Shanghai");
        assert_eq!(other_zone(berlin, &people[..1]), berlin);
    }

    #[test]
    fn unknown_reason_codes_show_as_they_are() {
        assert_eq!(
            reason_label("no_common_slot", Locale::De),
            "Kein gemeinsamer freier Termin"
        );
        assert_eq!(reason_label("something_new", Locale::En), "something_new");
    }
}
