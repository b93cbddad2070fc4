//! The organiser's sign-in page: the API's login behind a form, bringing the organiser back
//! to the page that asked for it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{error_page, i18n, render, see_other, Lang, Notice};
use crate::auth::routes::{cookie, limit};
use crate::auth::{csrf_token, store, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::AppError;
use crate::http::AppState;

#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SigninForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only our own organiser pages are followed after signing in (no open redirect).
fn safe_next(next: &str) -> String {
    if next.starts_with("/events")
        && next
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.".contains(c))
    {
        next.to_string()
    } else {
        "/events".to_string()
    }
}

/// The `next` parameter for a page path (paths of ours need no escaping; others fall back).
pub fn encode_next(path: &str) -> String {
    safe_next(path)
}

fn page(
    req: &HttpRequest,
    lang: Lang,
    status: StatusCode,
    notice: Option<Notice>,
    next: &str,
    email: &str,
) -> HttpResponse {
    render(
        req,
        lang,
        "signin.html",
        status,
        notice,
        minijinja::context! { next => safe_next(next), email => email },
    )
}

pub async fn form(req: HttpRequest, lang: Lang, query: web::Query<NextQuery>) -> HttpResponse {
    page(
        &req,
        lang,
        StatusCode::OK,
        None,
        query.next.as_deref().unwrap_or(""),
        "",
    )
}

pub async fn submit(
    req: HttpRequest,
    lang: Lang,
    state: web::Data<AppState>,
    form: web::Form<SigninForm>,
) -> HttpResponse {
    if let Err(error) = limit(&state, &req) {
        return error_page(&req, lang, &error);
    }
    let SigninForm {
        email,
        password,
        next,
    } = form.into_inner();
    let attempt = email.clone();
    match state
        .run(move |c| store::login(c, &attempt, &password))
        .await
    {
        Ok((_, token)) => {
            let csrf = csrf_token(&token);
            let mut response = see_other(&safe_next(&next));
            for c in [
                cookie(SESSION_COOKIE, token, true, store::SESSION_DAYS),
                cookie(CSRF_COOKIE, csrf, false, store::SESSION_DAYS),
            ] {
                if let Err(e) = response.add_cookie(&c) {
                    return error_page(&req, lang, &AppError::Internal(format!("cookie: {e}")));
                }
            }
            response
        }
        Err(AppError::Unauthorized(_) | AppError::Invalid(_)) => {
            let notice = Notice {
                kind: "error",
                text: i18n::word(lang.locale, "signin_failed").to_string(),
                details: Vec::new(),
            };
            page(
                &req,
                lang,
                StatusCode::UNAUTHORIZED,
                Some(notice),
                &next,
                &email,
            )
        }
        Err(error) => error_page(&req, lang, &error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_organiser_pages_are_followed() {
        assert_eq!(safe_next("/events/3/schedule"), "/events/3/schedule");
        for hostile in [
            "https://evil.example/",
            "//evil.example",
            "/events?x=1",
            "/other",
            "/events\r\nSet-Cookie: x",
        ] {
            assert_eq!(safe_next(hostile), "/events", "{hostile}");
        }
    }
}
