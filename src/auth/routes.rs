//! Sign-up, login, tokens, participant links, the participants' directory and self-booking.

use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::web::{self, Bytes, Data, Json, Path};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use super::store::{self, CredentialKind, Organiser};
use super::{csrf_token, Principal, CSRF_COOKIE, PARTICIPANT_COOKIE, SESSION_COOKIE};
use crate::error::{AppError, AppResult, Problem};
use crate::http::{parse_json, AppState};
use crate::service::participants;
use crate::service::schedule::Booking;
use crate::service::self_booking::{self, SelfBookingInput};

/// Routes outside the event scope, under `/api/v1`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/auth/signup").post(signup))
        .service(web::resource("/auth/login").post(login))
        .service(web::resource("/auth/logout").post(logout))
        .service(web::resource("/auth/tokens").post(create_token))
        .service(web::resource("/auth/participant/{token}").get(open_link))
        .service(
            web::resource("/events/{event_id}/participants/{id}/link")
                .post(issue_link)
                .delete(revoke_link),
        )
        .service(web::resource("/events/{event_id}/directory").get(directory))
        .service(web::resource("/events/{event_id}/participants/{id}/bookings").post(self_book));
}

#[derive(OpenApi)]
#[openapi(
    paths(
        signup,
        login,
        logout,
        create_token,
        open_link,
        issue_link,
        revoke_link,
        directory,
        self_book
    ),
    components(schemas(
        SignupInput,
        LoginInput,
        TokenInput,
        Organiser,
        LoginResult,
        NewToken,
        ParticipantLink,
        LinkOpened,
        DirectoryEntry,
        SelfBookingInput
    ))
)]
pub struct AuthApi;

pub(crate) fn limit(state: &AppState, req: &HttpRequest) -> AppResult<()> {
    match req.peer_addr() {
        Some(peer) => state.limiter.check(peer.ip()),
        // No peer (a test harness without sockets): nothing to key on.
        None => Ok(()),
    }
}

pub(crate) fn cookie(name: &str, value: String, http_only: bool, days: i64) -> Cookie<'static> {
    Cookie::build(name.to_string(), value)
        .path("/")
        .secure(true)
        .http_only(http_only)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(days))
        .finish()
}

fn expired(name: &str) -> Cookie<'static> {
    let mut gone = cookie(name, String::new(), true, 0);
    gone.make_removal();
    gone
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupInput {
    pub email: String,
    pub name: String,
    /// 10 to 1024 characters.
    pub password: String,
}

/// Creates an organiser account: free for the first organiser, afterwards only for a
/// signed-in organiser (adding a colleague) unless `auth.open_signup` is set.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = SignupInput,
    responses((status = 201, body = Organiser), (status = 403, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn signup(
    state: Data<AppState>,
    req: HttpRequest,
    caller: Option<Principal>,
    body: Bytes,
) -> AppResult<HttpResponse> {
    limit(&state, &req)?;
    let input: SignupInput = parse_json(&body)?;
    let invited = matches!(caller, Some(Principal::Organiser { .. }));
    let open = state.settings.auth.open_signup;
    let made = state
        .run(move |c| {
            c.transaction(|c| {
                // Two first sign-ups at once must not both find the table empty.
                crate::db::lock_section(c, crate::db::Section::FirstOrganiser)?;
                if !open && !invited && store::any_organiser(c)? {
                    return Err(AppError::Forbidden(
                        "sign-up is closed: an organiser already signed in adds new organisers"
                            .into(),
                    ));
                }
                store::signup(c, &input.email, &input.name, &input.password)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(made))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResult {
    pub organiser: Organiser,
    /// Repeat in `X-CSRF-Token` on POST, PUT and DELETE made with the session cookie.
    pub csrf_token: String,
}

/// Opens a session: sets the HttpOnly session cookie and returns the CSRF token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginInput,
    responses((status = 200, body = LoginResult), (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn login(
    state: Data<AppState>,
    req: HttpRequest,
    body: Bytes,
) -> AppResult<HttpResponse> {
    limit(&state, &req)?;
    let input: LoginInput = parse_json(&body)?;
    let (organiser, token) = state
        .run(move |c| store::login(c, &input.email, &input.password))
        .await?;
    let csrf = csrf_token(&token);
    Ok(HttpResponse::Ok()
        .cookie(cookie(SESSION_COOKIE, token, true, store::SESSION_DAYS))
        .cookie(cookie(
            CSRF_COOKIE,
            csrf.clone(),
            false,
            store::SESSION_DAYS,
        ))
        .json(LoginResult {
            organiser,
            csrf_token: csrf,
        }))
}

/// Ends the cookie session (if any) and clears the cookies.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(state: Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    if let Some(session) = req.cookie(SESSION_COOKIE) {
        let token = session.value().to_string();
        state.run(move |c| store::logout(c, &token)).await?;
    }
    Ok(HttpResponse::NoContent()
        .cookie(expired(SESSION_COOKIE))
        .cookie(expired(CSRF_COOKIE))
        .cookie(expired(PARTICIPANT_COOKIE))
        .finish())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What the token is for, e.g. "import script".
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    /// Shown only now: send it as `Authorization: Bearer <token>`.
    pub token: String,
    pub name: String,
}

/// An API token for scripts, shown once.
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "auth", request_body = TokenInput,
    responses((status = 201, body = NewToken), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn create_token(
    state: Data<AppState>,
    caller: Principal,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let organiser = caller.organiser()?;
    let input: TokenInput = parse_json(&body)?;
    let name = input.name.clone();
    let token = state
        .run(move |c| store::create_api_token(c, organiser, &name))
        .await?;
    Ok(HttpResponse::Created().json(NewToken {
        token,
        name: input.name,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LinkOpened {
    pub event_id: i64,
    pub participant_id: i64,
    /// Repeat in `X-CSRF-Token` on POSTs made with the participant cookie.
    pub csrf_token: String,
}

/// A participant opens their personal link: sets the participant cookie; a browser
/// (`Accept: text/html`) is sent on to the participant's page.
#[utoipa::path(get, path = "/api/v1/auth/participant/{token}", tag = "auth",
    params(("token" = String, Path, description = "the token of the personal link")),
    responses((status = 200, body = LinkOpened), (status = 303, description = "to the participant's page"),
        (status = 401, body = Problem), (status = 429, body = Problem)))]
pub async fn open_link(
    state: Data<AppState>,
    req: HttpRequest,
    token: Path<String>,
) -> AppResult<HttpResponse> {
    limit(&state, &req)?;
    let token = token.into_inner();
    let lookup = token.clone();
    let found = state
        .run(move |c| store::resolve(c, CredentialKind::ParticipantLink, &lookup))
        .await?;
    let Some(Principal::Participant {
        event_id,
        participant_id,
    }) = found
    else {
        return Err(AppError::Unauthorized(
            "this link is unknown, expired or revoked; ask the organiser for a new one".into(),
        ));
    };
    let csrf = csrf_token(&token);
    // A browser goes on to the participant's page; an API client reads the answer.
    let wants_page = req
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let mut response = if wants_page {
        let mut see_other = HttpResponse::SeeOther();
        see_other.insert_header((
            actix_web::http::header::LOCATION,
            format!("/events/{event_id}/participants/{participant_id}"),
        ));
        see_other
    } else {
        HttpResponse::Ok()
    };
    Ok(response
        .cookie(cookie(PARTICIPANT_COOKIE, token, true, store::LINK_DAYS))
        .cookie(cookie(CSRF_COOKIE, csrf.clone(), false, store::LINK_DAYS))
        .json(LinkOpened {
            event_id,
            participant_id,
            csrf_token: csrf,
        }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantLink {
    /// Shown only now; issuing a new link revokes this one.
    pub url: String,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub expires_at: chrono::NaiveDateTime,
}

/// Issues (or re-sends as a new) personal link for a participant; earlier links stop working.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/participants/{id}/link", tag = "auth",
    responses((status = 201, body = ParticipantLink), (status = 404, body = Problem)))]
pub async fn issue_link(
    state: Data<AppState>,
    caller: Principal,
    ids: Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    caller.organiser()?;
    let (event_id, participant_id) = ids.into_inner();
    let (token, expires_at) = state
        .run(move |c| store::issue_link(c, event_id, participant_id))
        .await?;
    let base = state.settings.server.public_url.trim_end_matches('/');
    Ok(HttpResponse::Created().json(ParticipantLink {
        url: format!("{base}/api/v1/auth/participant/{token}"),
        expires_at,
    }))
}

/// Revokes a participant's links.
#[utoipa::path(delete, path = "/api/v1/events/{event_id}/participants/{id}/link", tag = "auth",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn revoke_link(
    state: Data<AppState>,
    caller: Principal,
    ids: Path<(i64, i64)>,
) -> AppResult<HttpResponse> {
    caller.organiser()?;
    let (event_id, participant_id) = ids.into_inner();
    state
        .run(move |c| store::revoke_links(c, event_id, participant_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// One participant as the others see them: no e-mail, no availability.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub id: i64,
    pub name: String,
    pub organisation: Option<String>,
    pub side: String,
    pub languages: Vec<String>,
    pub time_zone: String,
}

/// The event's participants without contact details, for participants and organisers.
#[utoipa::path(get, path = "/api/v1/events/{event_id}/directory", tag = "people",
    responses((status = 200, body = Vec<DirectoryEntry>), (status = 404, body = Problem)))]
pub async fn directory(
    state: Data<AppState>,
    event_id: Path<i64>,
) -> AppResult<Json<Vec<DirectoryEntry>>> {
    let event_id = event_id.into_inner();
    let everyone = state
        .run(move |c| participants::list(c, event_id, 1, i64::MAX / 2))
        .await?;
    Ok(Json(
        everyone
            .items
            .into_iter()
            .map(|p| DirectoryEntry {
                id: p.id,
                name: p.name,
                organisation: p.organisation,
                side: p.side,
                languages: p.languages,
                time_zone: p.time_zone,
            })
            .collect(),
    ))
}

/// A participant books a free slot with another participant in the published schedule
/// (when the event allows self-booking). Of simultaneous attempts exactly one wins; the
/// others get 409.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/participants/{id}/bookings", tag = "schedule",
    request_body = SelfBookingInput,
    responses((status = 201, body = Booking), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn self_book(
    state: Data<AppState>,
    ids: Path<(i64, i64)>,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let input: SelfBookingInput = parse_json(&body)?;
    let (event_id, participant_id) = ids.into_inner();
    let booked = state
        .run(move |c| self_booking::book(c, event_id, participant_id, &input))
        .await?;
    Ok(HttpResponse::Created().json(booked))
}
