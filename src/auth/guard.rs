//! The middleware around `/api/v1`: body size, credentials, CSRF, and the event scope.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};

use super::store::{self, CredentialKind};
use super::{constant_time_eq, csrf_token, policy, Principal, CSRF_HEADER};
use super::{PARTICIPANT_COOKIE, SESSION_COOKIE};
use crate::error::AppError;
use crate::http::AppState;

/// Routes under `/api/v1` that anonymous callers reach (they rate-limit themselves).
const PUBLIC: &[&str] = &["/auth/signup", "/auth/login", "/auth/logout"];
const PUBLIC_PREFIX: &str = "/auth/participant/";

/// A credential as presented.
struct Presented {
    kind: CredentialKind,
    token: String,
    by_cookie: bool,
}

fn presented(req: &ServiceRequest) -> Result<Option<Presented>, AppError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| AppError::Unauthorized("unreadable Authorization header".into()))?;
        let (scheme, token) = value
            .split_once(' ')
            .ok_or_else(|| AppError::Unauthorized("Authorization: Bearer <token>".into()))?;
        let kind = if scheme.eq_ignore_ascii_case("bearer") {
            CredentialKind::ApiToken
        } else if scheme.eq_ignore_ascii_case("participant") {
            CredentialKind::ParticipantLink
        } else {
            return Err(AppError::Unauthorized(
                "use Authorization: Bearer <API token> or Participant <link token>".into(),
            ));
        };
        return Ok(Some(Presented {
            kind,
            token: token.trim().to_string(),
            by_cookie: false,
        }));
    }
    for (name, kind) in [
        (SESSION_COOKIE, CredentialKind::Session),
        (PARTICIPANT_COOKIE, CredentialKind::ParticipantLink),
    ] {
        if let Some(cookie) = req.cookie(name) {
            return Ok(Some(Presented {
                kind,
                token: cookie.value().to_string(),
                by_cookie: true,
            }));
        }
    }
    Ok(None)
}

/// A browser names the page a request comes from in `Origin`; a page of ours has our host.
fn same_origin(req: &ServiceRequest) -> bool {
    let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    match (header(header::ORIGIN), header(header::HOST)) {
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, authority)| authority.eq_ignore_ascii_case(host)),
        _ => false,
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The event id and the rest of a `/events/{event_id}/...` path, when it is one.
fn event_scope(rest: &str) -> Option<(i64, &str)> {
    let after = rest.strip_prefix("/events/")?;
    let (id, tail) = after.split_once('/').unwrap_or((after, ""));
    Some((id.parse().ok()?, tail))
}

/// Checks the caller of every `/api/v1` request before routing; see the module [`crate::auth`].
pub async fn guard(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    admit(&req).await?;
    next.call(req).await
}

/// The checks of [`guard`], for a wrapper that answers refusals its own way (the pages
/// render them as a page). On success the caller, if any, is in the request's extensions.
pub async fn admit(req: &ServiceRequest) -> Result<(), AppError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Internal("no application state".into()))?;
    // Refuse an announced oversized body before anything reads it.
    let limit = state.settings.server.max_body_bytes;
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if length.is_some_and(|n| n > limit as u64) {
        return Err(AppError::PayloadTooLarge { limit });
    }

    let rest = req
        .path()
        .strip_prefix("/api/v1")
        .unwrap_or(req.path())
        .to_string();
    let public = PUBLIC.contains(&rest.as_str()) || rest.starts_with(PUBLIC_PREFIX);

    let principal = match presented(req)? {
        None => None,
        Some(p) => {
            let token = p.token.clone();
            let kind = p.kind;
            let found = state.run(move |c| store::resolve(c, kind, &token)).await?;
            let Some(principal) = found else {
                // A stale cookie must not lock anyone out of logging in again.
                if public {
                    return Ok(());
                }
                return Err(AppError::Unauthorized(
                    "the credentials are unknown, expired or revoked".into(),
                ));
            };
            if p.by_cookie && !is_safe(req.method()) {
                let expected = csrf_token(&p.token);
                let sent = req
                    .headers()
                    .get(CSRF_HEADER)
                    .map(|v| v.as_bytes())
                    .unwrap_or_default();
                if !constant_time_eq(sent, expected.as_bytes()) && !same_origin(req) {
                    return Err(AppError::Forbidden(format!(
                        "a request signed in by cookie must repeat the CSRF token in {CSRF_HEADER}"
                    )));
                }
            }
            Some(principal)
        }
    };

    if !public {
        let Some(principal) = principal else {
            return Err(AppError::Unauthorized("sign in first".into()));
        };
        authorise(&state, principal, req.method(), &rest).await?;
    }
    if let Some(principal) = principal {
        req.extensions_mut().insert(principal);
    }
    Ok(())
}

async fn authorise(
    state: &AppState,
    principal: Principal,
    method: &Method,
    rest: &str,
) -> Result<(), AppError> {
    let hidden = |event_id: i64| AppError::not_found("event", event_id);
    match (principal, event_scope(rest)) {
        (Principal::Organiser { id }, Some((event_id, _))) => {
            if state
                .run(move |c| crate::service::events::owned_by(c, event_id, id))
                .await?
            {
                Ok(())
            } else {
                Err(hidden(event_id))
            }
        }
        // Outside an event's scope (listing and creating events, tokens): the handler knows
        // its caller; a non-numeric event id finds no route.
        (Principal::Organiser { .. }, None) => Ok(()),
        (
            Principal::Participant {
                event_id: mine,
                participant_id,
            },
            Some((event_id, tail)),
        ) => {
            if event_id != mine {
                Err(hidden(event_id))
            } else if policy::participant_may(method, &format!("/{tail}"), participant_id) {
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "participants reach only their own record, itinerary, bookings and requests"
                        .into(),
                ))
            }
        }
        (Principal::Participant { .. }, None) => {
            if rest.starts_with("/auth/") {
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "this is for organisers; participants use their event's routes".into(),
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_scope_takes_the_numeric_id_and_the_rest() {
        assert_eq!(
            event_scope("/events/12/participants/3"),
            Some((12, "participants/3"))
        );
        assert_eq!(event_scope("/events/12"), Some((12, "")));
        assert_eq!(event_scope("/events/abc/x"), None);
        assert_eq!(event_scope("/events"), None);
        assert_eq!(event_scope("/auth/login"), None);
    }
}
