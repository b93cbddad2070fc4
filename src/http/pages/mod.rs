//! Server-rendered HTML pages for organisers and participants, in English, German and
//! Chinese. They call the same use cases as the JSON API ([`crate::service`]).
//!
//! Conventions:
//! - every handler answers a page: a user's mistake re-renders the page with a readable
//!   message (status 422/409), a missing record renders a "not found" page in the layout;
//! - a successful form post redirects (303) to its page with `?done=KEY`, so a reload does
//!   not post twice;
//! - the language comes from `?lang=`, then the `lang` cookie, then `Accept-Language`; a
//!   `?lang=` choice is remembered in the cookie.
//!
//! Access control: `page_guard` runs the API's checks ([`crate::auth::admit`]) around the
//! organiser's and the participant's scope in [`routes`], and shows a refusal as a page.

mod builder;
mod i18n;
mod jobs;
mod organiser;
mod participant;
mod signin;
mod view;

use std::future::{ready, Ready};
use std::sync::OnceLock;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use minijinja::Environment;
use serde::Serialize;

use crate::error::AppError;
use crate::tz::Locale;

/// Mounts the pages, their static assets and the language switch.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/pages/app.css", web::get().to(css))
        .route("/static/pages/app.js", web::get().to(js))
        .route("/", web::get().to(home))
        .service(
            web::resource("/signin")
                .app_data(form_config())
                .get(signin::form)
                .post(signin::submit),
        )
        // The participant scope comes first: its prefix is longer than the organiser's.
        // Both pass the checks of the API (`crate::auth::guard`).
        .service(
            web::scope("/events/{event_id}/participants/{participant_id}")
                .wrap(actix_web::middleware::from_fn(page_guard))
                .app_data(form_config())
                .configure(participant::routes),
        )
        .service(
            web::scope("/events")
                .wrap(actix_web::middleware::from_fn(page_guard))
                .app_data(form_config())
                .configure(organiser::routes),
        );
}

/// The API's access checks, with refusals shown as a page in the visitor's language.
async fn page_guard<B: actix_web::body::MessageBody + 'static>(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::EitherBody<B>>, actix_web::Error> {
    if let Err(error) = crate::auth::admit(&req).await {
        // An anonymous organiser is sent to sign in, and brought back afterwards.
        if matches!(error, AppError::Unauthorized(_)) && !req.path().contains("/participants/") {
            let next = signin::encode_next(req.path());
            return Ok(req
                .into_response(see_other(&format!("/signin?next={next}")))
                .map_into_right_body());
        }
        let page = error_page(req.request(), Lang::of(req.request()), &error);
        return Ok(req.into_response(page).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// CSV imports arrive as form text; allow the same size as JSON bodies (1 MiB), and never
/// answer a malformed form with a bare error.
fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(1 << 20)
        .error_handler(|e, _| AppError::BadRequest(format!("form: {e}")).into())
}

async fn home() -> HttpResponse {
    see_other("/events")
}

async fn css() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("cache-control", "public, max-age=3600"))
        .body(include_str!("../../../static/pages/app.css"))
}

async fn js() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("cache-control", "public, max-age=3600"))
        .body(include_str!("../../../static/pages/app.js"))
}

/// The language of this request, and whether the user just chose it (`?lang=`).
#[derive(Debug, Clone, Copy)]
pub struct Lang {
    pub locale: Locale,
    chosen: bool,
}

impl Lang {
    fn of(req: &HttpRequest) -> Lang {
        let from_query =
            web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
                .ok()
                .and_then(|q| q.get("lang").and_then(|l| l.parse::<Locale>().ok()));
        if let Some(locale) = from_query {
            return Lang {
                locale,
                chosen: true,
            };
        }
        let from_cookie = req
            .cookie("lang")
            .and_then(|c| c.value().parse::<Locale>().ok());
        let from_header = || {
            req.headers()
                .get("accept-language")
                .and_then(|h| h.to_str().ok())
                .and_then(|h| {
                    h.split(',')
                        .filter_map(|part| part.split(';').next())
                        .find_map(|tag| tag.parse::<Locale>().ok())
                })
        };
        Lang {
            locale: from_cookie.or_else(from_header).unwrap_or_default(),
            chosen: false,
        }
    }
}

impl FromRequest for Lang {
    type Error = actix_web::Error;
    type Future = Ready<Result<Lang, actix_web::Error>>;
    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Lang::of(req)))
    }
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        // "16:00–16:20 Beijing · 09:00–09:20 CET" in parts that each stay on one line.
        env.add_filter("zones", |text: String| -> Vec<String> {
            text.split(" · ").map(str::to_string).collect()
        });
        for (name, source) in TEMPLATES {
            // The templates are compiled in; a syntax error shows in the first test run.
            if let Err(e) = env.add_template(name, source) {
                tracing::error!(template = name, error = %e, "page template does not parse");
            }
        }
        env
    })
}

const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../../templates/pages/base.html"),
    ),
    (
        "macros.html",
        include_str!("../../../templates/pages/macros.html"),
    ),
    (
        "error.html",
        include_str!("../../../templates/pages/error.html"),
    ),
    (
        "events.html",
        include_str!("../../../templates/pages/events.html"),
    ),
    (
        "event.html",
        include_str!("../../../templates/pages/event.html"),
    ),
    (
        "participants.html",
        include_str!("../../../templates/pages/participants.html"),
    ),
    (
        "requests.html",
        include_str!("../../../templates/pages/requests.html"),
    ),
    (
        "schedule.html",
        include_str!("../../../templates/pages/schedule.html"),
    ),
    (
        "participant.html",
        include_str!("../../../templates/pages/participant.html"),
    ),
    (
        "signin.html",
        include_str!("../../../templates/pages/signin.html"),
    ),
];

/// A message shown at the top of a page.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Notice {
    /// "ok" or "error"
    pub kind: &'static str,
    pub text: String,
    pub details: Vec<String>,
}

impl Notice {
    /// The success message named by `?done=KEY`, if the key is one of ours.
    fn done(req: &HttpRequest, lang: Lang) -> Option<Notice> {
        let q =
            web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
                .ok()?;
        let key = q.get("done")?;
        const DONE: [&str; 9] = [
            "saved",
            "profile_saved",
            "solved_ok",
            "published_ok",
            "moved_ok",
            "request_sent",
            "answered",
            "booked_ok",
            "imported",
        ];
        let key = DONE.iter().find(|k| **k == key.as_str())?;
        let mut text = i18n::word(lang.locale, key).to_string();
        if *key == "imported" {
            if let Some(n) = q.get("n").and_then(|n| n.parse::<usize>().ok()) {
                text = format!("{text}: {n}");
            }
        }
        Some(Notice {
            kind: "ok",
            text,
            details: Vec::new(),
        })
    }

    /// A use case's refusal in the user's language where we know it, else its own words.
    pub fn from_error(error: &AppError, locale: Locale) -> Notice {
        let w = |key| i18n::word(locale, key).to_string();
        let (text, details) = match error {
            AppError::Invalid(list) => (
                w("err_invalid"),
                list.iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect(),
            ),
            AppError::Conflict { field, message } => match (field.as_deref(), message.as_str()) {
                (Some("start"), m) if m.contains("already has a meeting") => {
                    (w("err_slot_taken"), Vec::new())
                }
                (Some("start"), m) if m.contains("room") => (w("err_rooms_full"), Vec::new()),
                _ => (w("err_conflict"), vec![message.clone()]),
            },
            AppError::BadRequest(message) => (w("err_invalid"), vec![message.clone()]),
            AppError::NotFound { .. } => (w("err_not_found"), Vec::new()),
            AppError::Unauthorized(_)
            | AppError::Forbidden(_)
            | AppError::TooManyRequests { .. }
            | AppError::PayloadTooLarge { .. } => (w("err_invalid"), vec![error.to_string()]),
            AppError::Internal(message) => {
                tracing::error!(error = %message, "internal error on a page");
                (w("err_internal"), Vec::new())
            }
        };
        Notice {
            kind: "error",
            text,
            details,
        }
    }
}

/// The status a page re-rendered after `error` answers with.
fn status_of(error: &AppError) -> StatusCode {
    actix_web::ResponseError::status_code(error)
}

/// Renders `template` with the common context (words, language links, notice).
pub fn render(
    req: &HttpRequest,
    lang: Lang,
    template: &str,
    status: StatusCode,
    notice: Option<Notice>,
    context: minijinja::Value,
) -> HttpResponse {
    let common = minijinja::context! {
        tr => i18n::words(lang.locale),
        lang => lang.locale.code(),
        // Where the language links lead: a page re-rendered after a post names its own
        // address (`page_path`), as the post's address has no page to show.
        path => if req.method() == actix_web::http::Method::GET { req.path() } else { "/events" },
        notice => notice,
    };
    let ctx = minijinja::context! { ..context, ..common };
    let html = environment()
        .get_template(template)
        .and_then(|t| t.render(ctx));
    match html {
        Ok(html) => {
            let mut response = HttpResponse::build(status);
            response.content_type("text/html; charset=utf-8");
            if lang.chosen {
                response.cookie(
                    Cookie::build("lang", lang.locale.code())
                        .path("/")
                        .same_site(SameSite::Lax)
                        .max_age(actix_web::cookie::time::Duration::days(365))
                        .finish(),
                );
            }
            response.body(html)
        }
        Err(e) => {
            tracing::error!(template, error = %e, "page template failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body(i18n::word(lang.locale, "err_internal"))
        }
    }
}

/// A page for an error that leaves nothing to show (missing event, our own fault).
pub fn error_page(req: &HttpRequest, lang: Lang, error: &AppError) -> HttpResponse {
    render(
        req,
        lang,
        "error.html",
        status_of(error),
        Some(Notice::from_error(error, lang.locale)),
        minijinja::context! {},
    )
}

pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("location", location))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn every_word_the_templates_use_exists_in_the_table() {
        let keys: Vec<&str> = i18n::keys().collect();
        for (name, source) in TEMPLATES {
            let mut rest = *source;
            while let Some(i) = rest.find("tr.") {
                let word: String = rest[i + 3..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    keys.contains(&word.as_str()),
                    "{name} uses unknown word {word}"
                );
                rest = &rest[i + 3..];
            }
        }
    }

    #[test]
    fn every_template_parses() {
        let env = environment();
        for (name, _) in TEMPLATES {
            assert!(env.get_template(name).is_ok(), "{name} does not parse");
        }
    }

    #[test]
    fn the_language_comes_from_query_then_cookie_then_header() {
        let req = TestRequest::get()
            .uri("/events?lang=zh")
            .cookie(Cookie::new("lang", "de"))
            .to_http_request();
        let lang = Lang::of(&req);
        assert_eq!((lang.locale, lang.chosen), (Locale::Zh, true));
        let req = TestRequest::get()
            .uri("/events")
            .cookie(Cookie::new("lang", "de"))
            .insert_header(("accept-language", "zh-CN,zh;q=0.9"))
            .to_http_request();
        assert_eq!(Lang::of(&req).locale, Locale::De);
        let req = TestRequest::get()
            .uri("/events?lang=fr")
            .insert_header(("accept-language", "fr-FR, zh-CN;q=0.8"))
            .to_http_request();
        let lang = Lang::of(&req);
        assert_eq!((lang.locale, lang.chosen), (Locale::Zh, false));
    }

    #[test]
    fn a_double_booking_reads_as_a_taken_slot_in_the_users_language() {
        let error = AppError::conflict("start", "a participant already has a meeting in that slot");
        let notice = Notice::from_error(&error, Locale::De);
        assert_eq!(notice.kind, "error");
        assert!(notice.text.starts_with("Leider ist dieser Termin"));
        let other = AppError::conflict("version", "version 2 is published");
        let notice = Notice::from_error(&other, Locale::En);
        assert_eq!(notice.details, vec!["version 2 is published".to_string()]);
    }
}
