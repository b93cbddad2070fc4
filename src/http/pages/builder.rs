//! The event builder on the organiser's event page: sessions, the number of rooms and the
//! interpreters, added, changed and removed through the programme, event and interpreter
//! use cases. A refused form is shown again with what was typed and a message under each
//! field it is about, in the page's language; every change is one use-case call (one
//! transaction), so a refusal writes nothing.

use std::collections::BTreeMap;

use actix_web::web::{self, Data, Form};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::organiser::{back_to_page, event_context_with, path_id};
use super::{error_page, i18n, render, see_other, status_of, Lang, Notice};
use crate::db::Conn;
use crate::domain::Availability;
use crate::error::{AppError, AppResult};
use crate::http::AppState;
use crate::service::events::{self, EventInput};
use crate::service::interpreters::{self, InterpreterInput};
use crate::service::programme::{self, SessionInput};
use crate::tz::{format_date, LocalTime, LocalWindow, Locale};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/{event_id}/sessions")
            .post(add_session)
            .get(back_to_page),
    )
    .service(
        web::resource("/{event_id}/sessions/{item_id}/delete")
            .post(delete_session)
            .get(back_to_page),
    )
    .service(
        web::resource("/{event_id}/rooms")
            .post(set_rooms)
            .get(back_to_page),
    )
    .service(
        web::resource("/{event_id}/interpreters")
            .post(add_interpreter)
            .get(back_to_page),
    )
    .service(
        web::resource("/{event_id}/interpreters/{item_id}/delete")
            .post(delete_interpreter)
            .get(back_to_page),
    );
}

/// What the builder's forms show: the values typed (after a refusal) and the messages per
/// field, keyed "form.field".
#[derive(Debug, Default, Clone, Serialize)]
pub struct Forms {
    pub session: SessionForm,
    pub interpreter: InterpreterForm,
    /// Set after a refused rooms form; else the page shows the event's value.
    pub rooms: Option<String>,
    pub errors: BTreeMap<String, String>,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct SessionForm {
    date: String,
    kind: String,
    title: String,
    theme: String,
    host_organisation_id: String,
    start: String,
    end: String,
    video_link: String,
    capacity: String,
}

#[derive(Debug, Default, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct InterpreterForm {
    name: String,
    email: String,
    time_zone: String,
    languages: String,
    available_from: String,
    available_to: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoomsForm {
    rooms: String,
}

/// An optional whole number; `field` names it in the refusal.
fn optional_number<T: std::str::FromStr>(text: &str, field: &str) -> AppResult<Option<T>> {
    match text.trim() {
        "" => Ok(None),
        n => n
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid(field, "enter a whole number")),
    }
}

impl SessionForm {
    fn input(&self) -> AppResult<SessionInput> {
        Ok(SessionInput {
            date: chrono::NaiveDate::parse_from_str(self.date.trim(), "%Y-%m-%d")
                .map_err(|_| AppError::invalid("date", "enter a date such as 2026-03-22"))?,
            kind: self.kind.clone(),
            title: self.title.clone(),
            theme: self.theme.clone(),
            host_organisation_id: optional_number(
                &self.host_organisation_id,
                "host_organisation_id",
            )?,
            start: self.start.clone(),
            end: self.end.clone(),
            video_link: self.video_link.clone(),
            capacity: optional_number(&self.capacity, "capacity")?,
            audience: None,
            attendee_ids: Vec::new(),
        })
    }
}

impl InterpreterForm {
    fn input(&self) -> AppResult<InterpreterInput> {
        let time = |text: &str, field: &str| {
            LocalTime::parse(text.trim()).map_err(|e| AppError::invalid(field, e.to_string()))
        };
        // No hours given: available whenever the event runs.
        let availability = match (self.available_from.trim(), self.available_to.trim()) {
            ("", "") => Availability::default(),
            (from, to) => Availability {
                daily: vec![LocalWindow::new(
                    time(from, "available_from")?,
                    time(to, "available_to")?,
                )],
                days: BTreeMap::new(),
            },
        };
        Ok(InterpreterInput {
            name: self.name.clone(),
            email: Some(self.email.clone()),
            time_zone: self.time_zone.trim().to_string(),
            languages: self
                .languages
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            availability,
        })
    }
}

/// A use case's message about a field, in the page's language where we know its kind; an
/// unknown one keeps its own (English) words after a translated lead.
pub fn field_message(message: &str, locale: Locale) -> String {
    const KNOWN: &[(&str, &str)] = &[
        ("does not exist in", "err_time_gap"),
        ("must be after start", "err_end_before_start"),
        ("is not after its start", "err_end_before_start"),
        ("is not a time of day", "err_time_format"),
        ("is not a language code", "err_language_code"),
        ("at least two languages", "err_two_languages"),
        ("unknown time zone", "err_time_zone"),
        ("http(s) address", "err_video_link"),
        ("must be at least 1", "err_at_least_one"),
        ("enter a whole number", "err_whole_number"),
        ("must not be empty", "err_required"),
        ("is not a day of this event", "err_not_event_day"),
        ("enter a date", "err_date_format"),
        (
            "must not start and end at the same time",
            "err_same_start_end",
        ),
    ];
    match KNOWN.iter().find(|(pattern, _)| message.contains(pattern)) {
        Some((_, key)) => i18n::word(locale, key).to_string(),
        None => format!("{} ({message})", i18n::word(locale, "err_field")),
    }
}

/// The field a use case names, as the form calls it.
fn form_field(form: &str, field: &str) -> String {
    let field = match field {
        f if f.starts_with("availability") => "available_from",
        f => f,
    };
    format!("{form}.{field}")
}

/// Messages under the fields for an invalid form, and the notice at the top: the field
/// messages say what is wrong, so the notice only says that something is.
fn refusal(form: &str, error: &AppError, locale: Locale) -> (Notice, BTreeMap<String, String>) {
    let mut notice = Notice::from_error(error, locale);
    let mut errors = BTreeMap::new();
    if let AppError::Invalid(list) = error {
        for e in list {
            errors
                .entry(form_field(form, &e.field))
                .or_insert_with(|| field_message(&e.message, locale));
        }
        notice.details.clear();
    }
    (notice, errors)
}

/// The event page again after a refused form, with status 422/409/404 as the error says.
async fn refused(
    req: &HttpRequest,
    lang: Lang,
    state: &AppState,
    event_id: i64,
    form: &str,
    error: AppError,
    mut forms: Forms,
) -> HttpResponse {
    let (notice, errors) = refusal(form, &error, lang.locale);
    forms.errors = errors;
    let locale = lang.locale;
    match state
        .run(move |c| event_context_with(c, event_id, locale, forms))
        .await
    {
        Ok(ctx) => render(
            req,
            lang,
            "event.html",
            status_of(&error),
            Some(notice),
            ctx,
        ),
        Err(e) => error_page(req, lang, &e),
    }
}

/// Runs `change` for the event, then back to its page (`#anchor`), or shows the refusal.
async fn change<F>(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: &str,
    forms: Forms,
    apply: F,
) -> HttpResponse
where
    F: FnOnce(&mut Conn, i64) -> AppResult<()> + Send + 'static,
{
    let id = match path_id(&req, "event_id") {
        Ok(id) => id,
        Err(e) => return error_page(&req, lang, &e),
    };
    match state.run(move |c| apply(c, id)).await {
        Ok(()) => see_other(&format!("/events/{id}?done=saved#{form}")),
        Err(e) => refused(&req, lang, &state, id, form, e, forms).await,
    }
}

async fn add_session(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<SessionForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let input = form.input();
    let forms = Forms {
        session: form,
        ..Forms::default()
    };
    change(req, lang, state, "session", forms, move |c, id| {
        programme::create_session(c, id, &input?).map(|_| ())
    })
    .await
}

async fn delete_session(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    let item = path_id(&req, "item_id");
    change(
        req,
        lang,
        state,
        "session",
        Forms::default(),
        move |c, id| programme::delete_session(c, id, item?),
    )
    .await
}

async fn set_rooms(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<RoomsForm>,
) -> HttpResponse {
    let text = form.into_inner().rooms;
    let rooms = optional_number::<i32>(&text, "rooms");
    let forms = Forms {
        rooms: Some(text),
        ..Forms::default()
    };
    change(req, lang, state, "rooms", forms, move |c, id| {
        let rooms = rooms?;
        // The event as it is, with only the number of rooms changed.
        let event = events::get(c, id)?;
        let input = EventInput {
            name: event.name,
            kind: event.kind.as_str().into(),
            time_zone: event.time_zone,
            start_date: event.start_date,
            end_date: event.end_date,
            description: event.description,
            status: Some(event.status.as_str().into()),
            rooms,
            allow_self_booking: event.allow_self_booking,
            days: Some(event.days.iter().map(|d| d.date).collect()),
        };
        events::update(c, id, &input).map(|_| ())
    })
    .await
}

async fn add_interpreter(
    req: HttpRequest,
    lang: Lang,
    state: Data<AppState>,
    form: Form<InterpreterForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let input = form.input();
    let forms = Forms {
        interpreter: form,
        ..Forms::default()
    };
    change(req, lang, state, "interpreter", forms, move |c, id| {
        interpreters::create(c, id, &input?).map(|_| ())
    })
    .await
}

async fn delete_interpreter(req: HttpRequest, lang: Lang, state: Data<AppState>) -> HttpResponse {
    let item = path_id(&req, "item_id");
    change(
        req,
        lang,
        state,
        "interpreter",
        Forms::default(),
        move |c, id| interpreters::delete(c, id, item?),
    )
    .await
}

/// The builder's part of the event page's context.
pub fn context(
    c: &mut Conn,
    event: &events::Event,
    locale: Locale,
    forms: Forms,
) -> AppResult<minijinja::Value> {
    use minijinja::context;
    let w = |key: &str| i18n::word(locale, key).to_string();
    // Options as [value, label] pairs.
    let kinds: Vec<[String; 2]> = crate::domain::SessionKind::ALL
        .iter()
        .map(|k| {
            [
                k.as_str().into(),
                w(&format!("session_kind_{}", k.as_str())),
            ]
        })
        .collect();
    let mut organisations: Vec<[String; 2]> = vec![[String::new(), "—".into()]];
    organisations.extend(
        crate::service::organisations::list(c, event.id)?
            .into_iter()
            .map(|o| [o.id.to_string(), o.name]),
    );
    let days: Vec<[String; 2]> = event
        .days
        .iter()
        .map(|d| [d.date.to_string(), format_date(d.date, locale)])
        .collect();
    let interpreters: Vec<minijinja::Value> = interpreters::list(c, event.id)?
        .into_iter()
        .map(|i| {
            let hours = i
                .availability
                .daily
                .iter()
                .map(|w| format!("{}–{}", w.from, w.to))
                .collect::<Vec<_>>()
                .join(", ");
            context! {
                id => i.id,
                name => i.name,
                languages => i.languages.join(", "),
                time_zone => i.time_zone,
                hours => if hours.is_empty() { w("always_available") } else { hours },
            }
        })
        .collect();
    let mut session = forms.session;
    if session.kind.is_empty() {
        session.kind = "presentation".into();
    }
    let mut interpreter = forms.interpreter;
    if interpreter.time_zone.is_empty() {
        interpreter.time_zone = event.time_zone.clone();
    }
    let rooms = forms
        .rooms
        .unwrap_or_else(|| event.rooms.map(|r| r.to_string()).unwrap_or_default());
    Ok(context! {
        kind_options => kinds,
        org_options => organisations,
        day_options => days,
        interpreters => interpreters,
        session_form => session,
        interpreter_form => interpreter,
        rooms_value => rooms,
        rooms_now => event.rooms,
        errors => forms.errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    #[test]
    fn field_messages_are_in_the_pages_language() {
        // The words of the use cases, as they come: DST gap, end before start, bad code.
        let gap = "02:30 on 2030-03-31 does not exist in Europe/Berlin (the clocks skip it for daylight saving time)";
        assert!(field_message(gap, Locale::De).contains("Sommerzeit"));
        assert!(field_message("must be after start", Locale::Zh).contains("结束"));
        let code = "'deutsch' is not a language code: use two letters such as de, en, zh";
        assert!(field_message(code, Locale::En).contains("two or three letters"));
        // Unknown wording keeps its words behind a translated lead.
        let other = field_message("something new", Locale::De);
        assert!(other.contains("something new") && other.starts_with("Bitte"));
    }

    #[test]
    fn a_refusal_puts_each_message_under_its_field() {
        let error = AppError::Invalid(vec![
            FieldError {
                field: "end".into(),
                message: "must be after start".into(),
            },
            FieldError {
                field: "availability.daily".into(),
                message: "a window must not start and end at the same time".into(),
            },
        ]);
        let (notice, errors) = refusal("session", &error, Locale::En);
        assert_eq!(notice.kind, "error");
        assert!(notice.details.is_empty());
        assert_eq!(
            errors.keys().collect::<Vec<_>>(),
            ["session.available_from", "session.end"]
        );
        assert_eq!(errors["session.end"], "The end must be after the start.");
    }

    #[test]
    fn interpreter_hours_and_languages_are_read_from_the_form() {
        let form = InterpreterForm {
            name: "Li Na".into(),
            time_zone: " Asia/Shanghai ".into(),
            languages: "de, zh en".into(),
            available_from: "08:00".into(),
            available_to: "17:00".into(),
            ..InterpreterForm::default()
        };
        let input = form.input().unwrap();
        assert_eq!(input.languages, ["de", "zh", "en"]);
        assert_eq!(input.time_zone, "Asia/Shanghai");
        assert_eq!(input.availability.daily.len(), 1);
        let bad = InterpreterForm {
            available_from: "8 Uhr".into(),
            ..form
        };
        match bad.input().unwrap_err() {
            AppError::Invalid(list) => assert_eq!(list[0].field, "available_from"),
            other => panic!("expected invalid input, got {other}"),
        }
    }
}
