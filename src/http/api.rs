//! JSON handlers of `/api/v1`: thin wrappers that parse, call a use case, and answer.

use actix_web::web::{self, Bytes, Data, Json, Path, Query};
use actix_web::HttpResponse;

use super::{parse_json, AppState};
use crate::auth::Principal;
use crate::domain::{BookingSource, PartyKind, RequestStatus};
use crate::error::{AppError, AppResult, Problem};
use crate::outbox::{self, JobStatus, OutboxJob};
use crate::service::events::{Event, EventInput};
use crate::service::golden::{self, GoldenHours, GoldenQuery};
use crate::service::groups::{Group, GroupInput};
use crate::service::import::{self, ImportReport};
use crate::service::interpreters::{Interpreter, InterpreterInput};
use crate::service::itinerary::{self, Itinerary};
use crate::service::organisations::{Organisation, OrganisationInput};
use crate::service::participants::{Participant, ParticipantInput};
use crate::service::planning::{self, SolveInput};
use crate::service::programme::{Session, SessionInput, Window, WindowInput};
use crate::service::requests::{MeetingRequest, RequestInput};
use crate::service::schedule::{self, Booking, BookingInput, Schedule, Version};
use crate::service::{
    events, groups, interpreters, organisations, participants, programme, requests, Page, PageQuery,
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/events").get(list_events).post(create_event))
        .service(
            web::resource("/events/{event_id}")
                .get(get_event)
                .put(update_event)
                .delete(delete_event),
        )
        .service(
            web::resource("/events/{event_id}/sessions")
                .get(list_sessions)
                .post(create_session),
        )
        .service(
            web::resource("/events/{event_id}/sessions/{id}")
                .get(get_session)
                .put(update_session)
                .delete(delete_session),
        )
        .service(
            web::resource("/events/{event_id}/windows")
                .get(list_windows)
                .post(create_window),
        )
        .service(web::resource("/events/{event_id}/windows/{id}").delete(delete_window))
        .service(
            web::resource("/events/{event_id}/organisations")
                .get(list_organisations)
                .post(create_organisation),
        )
        .service(
            web::resource("/events/{event_id}/organisations/{id}")
                .get(get_organisation)
                .put(update_organisation)
                .delete(delete_organisation),
        )
        .service(
            web::resource("/events/{event_id}/participants")
                .get(list_participants)
                .post(create_participant),
        )
        .service(
            web::resource("/events/{event_id}/participants/{id}")
                .get(get_participant)
                .put(update_participant)
                .delete(delete_participant),
        )
        .service(
            web::resource("/events/{event_id}/groups")
                .get(list_groups)
                .post(create_group),
        )
        .service(
            web::resource("/events/{event_id}/groups/{id}")
                .get(get_group)
                .delete(delete_group),
        )
        .service(
            web::resource("/events/{event_id}/interpreters")
                .get(list_interpreters)
                .post(create_interpreter),
        )
        .service(web::resource("/events/{event_id}/interpreters/{id}").delete(delete_interpreter))
        .service(
            web::resource("/events/{event_id}/requests")
                .get(list_requests)
                .post(create_request),
        )
        .service(web::resource("/events/{event_id}/requests/{id}").get(get_request))
        .service(web::resource("/events/{event_id}/requests/{id}/{action}").post(act_on_request))
        .service(web::resource("/events/{event_id}/import/participants").post(import_participants))
        .service(web::resource("/events/{event_id}/import/requests").post(import_requests))
        .service(web::resource("/events/{event_id}/schedule").get(published_schedule))
        .service(web::resource("/events/{event_id}/schedule/solve").post(solve_schedule))
        .service(
            web::resource("/events/{event_id}/schedule/versions")
                .get(list_versions)
                .post(create_version),
        )
        .service(web::resource("/events/{event_id}/schedule/versions/{id}").get(get_version))
        .service(
            web::resource("/events/{event_id}/schedule/versions/{id}/bookings")
                .post(create_booking),
        )
        .service(
            web::resource("/events/{event_id}/schedule/versions/{id}/bookings/{booking_id}")
                .delete(delete_booking),
        )
        .service(
            web::resource("/events/{event_id}/schedule/versions/{id}/publish")
                .post(publish_version),
        )
        .service(
            web::resource("/events/{event_id}/schedule/versions/{id}/export.csv")
                .get(export_version),
        )
        .service(web::resource("/events/{event_id}/outbox").get(list_outbox))
        .service(web::resource("/events/{event_id}/participants/{id}/itinerary").get(get_itinerary))
        .service(web::resource("/events/{event_id}/golden-hours").get(get_golden_hours));
}

type Id = Path<i64>;
type Ids = Path<(i64, i64)>;

fn created<T: serde::Serialize>(value: T) -> HttpResponse {
    HttpResponse::Created().json(value)
}

// ---- events ----

#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(PageQuery),
    responses((status = 200, body = Page<Event>), (status = 422, body = Problem)))]
pub async fn list_events(
    state: Data<AppState>,
    caller: Principal,
    q: Query<PageQuery>,
) -> AppResult<Json<Page<Event>>> {
    let organiser = caller.organiser()?;
    let (page, per_page) = q.resolve()?;
    Ok(Json(
        state
            .run(move |c| events::list(c, organiser, page, per_page))
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventInput,
    responses((status = 201, body = Event), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn create_event(
    state: Data<AppState>,
    caller: Principal,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let organiser = caller.organiser()?;
    let input: EventInput = parse_json(&body)?;
    Ok(created(
        state
            .run(move |c| events::create(c, &input, Some(organiser)))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}", tag = "events",
    responses((status = 200, body = Event), (status = 404, body = Problem)))]
pub async fn get_event(state: Data<AppState>, id: Id) -> AppResult<Json<Event>> {
    let id = id.into_inner();
    Ok(Json(state.run(move |c| events::get(c, id)).await?))
}

#[utoipa::path(put, path = "/api/v1/events/{event_id}", tag = "events", request_body = EventInput,
    responses((status = 200, body = Event), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_event(state: Data<AppState>, id: Id, body: Bytes) -> AppResult<Json<Event>> {
    let input: EventInput = parse_json(&body)?;
    let id = id.into_inner();
    Ok(Json(
        state.run(move |c| events::update(c, id, &input)).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{event_id}", tag = "events",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_event(state: Data<AppState>, id: Id) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    state.run(move |c| events::delete(c, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- programme ----

#[utoipa::path(get, path = "/api/v1/events/{event_id}/sessions", tag = "programme",
    responses((status = 200, body = Vec<Session>), (status = 404, body = Problem)))]
pub async fn list_sessions(state: Data<AppState>, id: Id) -> AppResult<Json<Vec<Session>>> {
    let id = id.into_inner();
    Ok(Json(
        state.run(move |c| programme::list_sessions(c, id)).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/events/{event_id}/sessions", tag = "programme", request_body = SessionInput,
    responses((status = 201, body = Session), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_session(state: Data<AppState>, id: Id, body: Bytes) -> AppResult<HttpResponse> {
    let input: SessionInput = parse_json(&body)?;
    let id = id.into_inner();
    Ok(created(
        state
            .run(move |c| programme::create_session(c, id, &input))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}/sessions/{id}", tag = "programme",
    responses((status = 200, body = Session), (status = 404, body = Problem)))]
pub async fn get_session(state: Data<AppState>, ids: Ids) -> AppResult<Json<Session>> {
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state
            .run(move |c| programme::get_session(c, event_id, id))
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/events/{event_id}/sessions/{id}", tag = "programme", request_body = SessionInput,
    responses((status = 200, body = Session), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_session(
    state: Data<AppState>,
    ids: Ids,
    body: Bytes,
) -> AppResult<Json<Session>> {
    let input: SessionInput = parse_json(&body)?;
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state
            .run(move |c| programme::update_session(c, event_id, id, &input))
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{event_id}/sessions/{id}", tag = "programme",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_session(state: Data<AppState>, ids: Ids) -> AppResult<HttpResponse> {
    let (event_id, id) = ids.into_inner();
    state
        .run(move |c| programme::delete_session(c, event_id, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}/windows", tag = "programme",
    responses((status = 200, body = Vec<Window>), (status = 404, body = Problem)))]
pub async fn list_windows(state: Data<AppState>, id: Id) -> AppResult<Json<Vec<Window>>> {
    let id = id.into_inner();
    Ok(Json(
        state.run(move |c| programme::list_windows(c, id)).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/events/{event_id}/windows", tag = "programme", request_body = WindowInput,
    responses((status = 201, body = Window), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_window(state: Data<AppState>, id: Id, body: Bytes) -> AppResult<HttpResponse> {
    let input: WindowInput = parse_json(&body)?;
    let id = id.into_inner();
    Ok(created(
        state
            .run(move |c| programme::create_window(c, id, &input))
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{event_id}/windows/{id}", tag = "programme",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_window(state: Data<AppState>, ids: Ids) -> AppResult<HttpResponse> {
    let (event_id, id) = ids.into_inner();
    state
        .run(move |c| programme::delete_window(c, event_id, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- organisations ----

#[utoipa::path(get, path = "/api/v1/events/{event_id}/organisations", tag = "people",
    responses((status = 200, body = Vec<Organisation>), (status = 404, body = Problem)))]
pub async fn list_organisations(
    state: Data<AppState>,
    id: Id,
) -> AppResult<Json<Vec<Organisation>>> {
    let id = id.into_inner();
    Ok(Json(state.run(move |c| organisations::list(c, id)).await?))
}

#[utoipa::path(post, path = "/api/v1/events/{event_id}/organisations", tag = "people", request_body = OrganisationInput,
    responses((status = 201, body = Organisation), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_organisation(
    state: Data<AppState>,
    id: Id,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let input: OrganisationInput = parse_json(&body)?;
    let id = id.into_inner();
    Ok(created(
        state
            .run(move |c| organisations::create(c, id, &input))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}/organisations/{id}", tag = "people",
    responses((status = 200, body = Organisation), (status = 404, body = Problem)))]
pub async fn get_organisation(state: Data<AppState>, ids: Ids) -> AppResult<Json<Organisation>> {
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state
            .run(move |c| organisations::get(c, event_id, id))
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/events/{event_id}/organisations/{id}", tag = "people", request_body = OrganisationInput,
    responses((status = 200, body = Organisation), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_organisation(
    state: Data<AppState>,
    ids: Ids,
    body: Bytes,
) -> AppResult<Json<Organisation>> {
    let input: OrganisationInput = parse_json(&body)?;
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state
            .run(move |c| organisations::update(c, event_id, id, &input))
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{event_id}/organisations/{id}", tag = "people",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_organisation(state: Data<AppState>, ids: Ids) -> AppResult<HttpResponse> {
    let (event_id, id) = ids.into_inner();
    state
        .run(move |c| organisations::delete(c, event_id, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- participants ----

#[utoipa::path(get, path = "/api/v1/events/{event_id}/participants", tag = "people", params(PageQuery),
    responses((status = 200, body = Page<Participant>), (status = 404, body = Problem)))]
pub async fn list_participants(
    state: Data<AppState>,
    id: Id,
    q: Query<PageQuery>,
) -> AppResult<Json<Page<Participant>>> {
    let (page, per_page) = q.resolve()?;
    let id = id.into_inner();
    Ok(Json(
        state
            .run(move |c| participants::list(c, id, page, per_page))
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/events/{event_id}/participants", tag = "people", request_body = ParticipantInput,
    responses((status = 201, body = Participant), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_participant(
    state: Data<AppState>,
    id: Id,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let input: ParticipantInput = parse_json(&body)?;
    let id = id.into_inner();
    Ok(created(
        state
            .run(move |c| participants::create(c, id, &input))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}/participants/{id}", tag = "people",
    responses((status = 200, body = Participant), (status = 404, body = Problem)))]
pub async fn get_participant(state: Data<AppState>, ids: Ids) -> AppResult<Json<Participant>> {
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state
            .run(move |c| participants::get(c, event_id, id))
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/events/{event_id}/participants/{id}", tag = "people", request_body = ParticipantInput,
    responses((status = 200, body = Participant), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn update_participant(
    state: Data<AppState>,
    ids: Ids,
    body: Bytes,
) -> AppResult<Json<Participant>> {
    let input: ParticipantInput = parse_json(&body)?;
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state
            .run(move |c| participants::update(c, event_id, id, &input))
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{event_id}/participants/{id}", tag = "people",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_participant(state: Data<AppState>, ids: Ids) -> AppResult<HttpResponse> {
    let (event_id, id) = ids.into_inner();
    state
        .run(move |c| participants::delete(c, event_id, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- groups ----

#[utoipa::path(get, path = "/api/v1/events/{event_id}/groups", tag = "people",
    responses((status = 200, body = Vec<Group>), (status = 404, body = Problem)))]
pub async fn list_groups(state: Data<AppState>, id: Id) -> AppResult<Json<Vec<Group>>> {
    let id = id.into_inner();
    Ok(Json(state.run(move |c| groups::list(c, id)).await?))
}

#[utoipa::path(post, path = "/api/v1/events/{event_id}/groups", tag = "people", request_body = GroupInput,
    responses((status = 201, body = Group), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_group(state: Data<AppState>, id: Id, body: Bytes) -> AppResult<HttpResponse> {
    let input: GroupInput = parse_json(&body)?;
    let id = id.into_inner();
    Ok(created(
        state.run(move |c| groups::create(c, id, &input)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}/groups/{id}", tag = "people",
    responses((status = 200, body = Group), (status = 404, body = Problem)))]
pub async fn get_group(state: Data<AppState>, ids: Ids) -> AppResult<Json<Group>> {
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state.run(move |c| groups::get(c, event_id, id)).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{event_id}/groups/{id}", tag = "people",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_group(state: Data<AppState>, ids: Ids) -> AppResult<HttpResponse> {
    let (event_id, id) = ids.into_inner();
    state.run(move |c| groups::delete(c, event_id, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- interpreters ----

#[utoipa::path(get, path = "/api/v1/events/{event_id}/interpreters", tag = "people",
    responses((status = 200, body = Vec<Interpreter>), (status = 404, body = Problem)))]
pub async fn list_interpreters(state: Data<AppState>, id: Id) -> AppResult<Json<Vec<Interpreter>>> {
    let id = id.into_inner();
    Ok(Json(state.run(move |c| interpreters::list(c, id)).await?))
}

#[utoipa::path(post, path = "/api/v1/events/{event_id}/interpreters", tag = "people", request_body = InterpreterInput,
    responses((status = 201, body = Interpreter), (status = 422, body = Problem)))]
pub async fn create_interpreter(
    state: Data<AppState>,
    id: Id,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let input: InterpreterInput = parse_json(&body)?;
    let id = id.into_inner();
    Ok(created(
        state
            .run(move |c| interpreters::create(c, id, &input))
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{event_id}/interpreters/{id}", tag = "people",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_interpreter(state: Data<AppState>, ids: Ids) -> AppResult<HttpResponse> {
    let (event_id, id) = ids.into_inner();
    state
        .run(move |c| interpreters::delete(c, event_id, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- requests ----

#[utoipa::path(get, path = "/api/v1/events/{event_id}/requests", tag = "requests",
    responses((status = 200, body = Vec<MeetingRequest>), (status = 404, body = Problem)))]
pub async fn list_requests(state: Data<AppState>, id: Id) -> AppResult<Json<Vec<MeetingRequest>>> {
    let id = id.into_inner();
    Ok(Json(state.run(move |c| requests::list(c, id)).await?))
}

#[utoipa::path(post, path = "/api/v1/events/{event_id}/requests", tag = "requests", request_body = RequestInput,
    responses((status = 201, body = MeetingRequest), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_request(
    state: Data<AppState>,
    caller: Principal,
    id: Id,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let input: RequestInput = parse_json(&body)?;
    if let Principal::Participant { participant_id, .. } = caller {
        if input.from.kind != "participant" || input.from.id != participant_id {
            return Err(AppError::Forbidden(
                "a participant sends requests only from themselves".into(),
            ));
        }
    }
    let id = id.into_inner();
    Ok(created(
        state.run(move |c| requests::create(c, id, &input)).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}/requests/{id}", tag = "requests",
    responses((status = 200, body = MeetingRequest), (status = 404, body = Problem)))]
pub async fn get_request(state: Data<AppState>, ids: Ids) -> AppResult<Json<MeetingRequest>> {
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state.run(move |c| requests::get(c, event_id, id)).await?,
    ))
}

/// accept, decline, cancel or expire a request.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/requests/{id}/{action}", tag = "requests",
    params(("action" = String, Path, description = "accept, decline, cancel or expire")),
    responses((status = 200, body = MeetingRequest), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn act_on_request(
    state: Data<AppState>,
    caller: Principal,
    path: Path<(i64, i64, String)>,
) -> AppResult<Json<MeetingRequest>> {
    let (event_id, id, action) = path.into_inner();
    let to = match action.as_str() {
        "accept" => RequestStatus::Accepted,
        "decline" => RequestStatus::Declined,
        "cancel" => RequestStatus::Cancelled,
        "expire" => RequestStatus::Expired,
        other => {
            return Err(AppError::NotFound {
                resource: "request action",
                id: other.to_string(),
            })
        }
    };
    Ok(Json(
        state
            .run(move |c| {
                if let Principal::Participant { participant_id, .. } = caller {
                    let request = requests::get(c, event_id, id)?;
                    if request.to.kind != PartyKind::Participant || request.to.id != participant_id
                    {
                        return Err(AppError::Forbidden(
                            "a participant answers only requests addressed to them".into(),
                        ));
                    }
                }
                requests::transition(c, event_id, id, to)
            })
            .await?,
    ))
}

// ---- CSV import ----

/// Imports participants from CSV (all rows or none). Columns: name, email, time_zone;
/// optional organisation, side, country, languages, available_from, available_to,
/// comfort_from, comfort_to, max_meetings, locale, group.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/import/participants", tag = "import",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportReport), (status = 422, body = Problem, description = "errors per row as rows[LINE].field")))]
pub async fn import_participants(
    state: Data<AppState>,
    id: Id,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    Ok(created(
        state
            .run(move |c| import::participants_csv(c, id, &body))
            .await?,
    ))
}

/// Imports meeting requests from CSV (all rows or none). Columns: from, to; optional
/// priority, message, length_slots. Parties are named by e-mail, group or organisation name.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/import/requests", tag = "import",
    request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportReport), (status = 422, body = Problem)))]
pub async fn import_requests(
    state: Data<AppState>,
    id: Id,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    Ok(created(
        state
            .run(move |c| import::requests_csv(c, id, &body))
            .await?,
    ))
}

// ---- schedules ----

#[utoipa::path(get, path = "/api/v1/events/{event_id}/schedule", tag = "schedule",
    responses((status = 200, body = Schedule, description = "the published schedule"), (status = 404, body = Problem)))]
pub async fn published_schedule(state: Data<AppState>, id: Id) -> AppResult<Json<Schedule>> {
    let id = id.into_inner();
    let found = state.run(move |c| schedule::published(c, id)).await?;
    found
        .map(Json)
        .ok_or_else(|| AppError::not_found("published schedule of event", id))
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}/schedule/versions", tag = "schedule",
    responses((status = 200, body = Vec<Version>), (status = 404, body = Problem)))]
pub async fn list_versions(state: Data<AppState>, id: Id) -> AppResult<Json<Vec<Version>>> {
    let id = id.into_inner();
    Ok(Json(state.run(move |c| schedule::versions(c, id)).await?))
}

/// Starts an empty draft for placing meetings by hand.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/schedule/versions", tag = "schedule",
    responses((status = 201, body = Schedule), (status = 404, body = Problem)))]
pub async fn create_version(state: Data<AppState>, id: Id) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let made = state
        .run(move |c| {
            let row = schedule::new_draft(c, id, &serde_json::json!({"source": "organiser"}))?;
            schedule::schedule(c, id, row.id)
        })
        .await?;
    Ok(created(made))
}

#[utoipa::path(get, path = "/api/v1/events/{event_id}/schedule/versions/{id}", tag = "schedule",
    responses((status = 200, body = Schedule), (status = 404, body = Problem)))]
pub async fn get_version(state: Data<AppState>, ids: Ids) -> AppResult<Json<Schedule>> {
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state
            .run(move |c| schedule::schedule(c, event_id, id))
            .await?,
    ))
}

/// The organiser places a meeting; 409 when a person, room or interpreter is taken.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/schedule/versions/{id}/bookings", tag = "schedule",
    request_body = BookingInput,
    responses((status = 201, body = Booking), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn create_booking(
    state: Data<AppState>,
    ids: Ids,
    body: Bytes,
) -> AppResult<HttpResponse> {
    let input: BookingInput = parse_json(&body)?;
    let (event_id, id) = ids.into_inner();
    Ok(created(
        state
            .run(move |c| schedule::book(c, event_id, id, &input, BookingSource::Organiser))
            .await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/events/{event_id}/schedule/versions/{id}/bookings/{booking_id}", tag = "schedule",
    responses((status = 204), (status = 404, body = Problem)))]
pub async fn delete_booking(
    state: Data<AppState>,
    path: Path<(i64, i64, i64)>,
) -> AppResult<HttpResponse> {
    let (event_id, id, booking_id) = path.into_inner();
    state
        .run(move |c| schedule::unbook(c, event_id, id, booking_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(post, path = "/api/v1/events/{event_id}/schedule/versions/{id}/publish", tag = "schedule",
    responses((status = 200, body = Schedule), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn publish_version(state: Data<AppState>, ids: Ids) -> AppResult<Json<Schedule>> {
    let (event_id, id) = ids.into_inner();
    Ok(Json(
        state
            .run(move |c| schedule::publish(c, event_id, id))
            .await?,
    ))
}

/// One line per meeting and participant, with UTC and the participant's local times.
#[utoipa::path(get, path = "/api/v1/events/{event_id}/schedule/versions/{id}/export.csv", tag = "schedule",
    responses((status = 200, content_type = "text/csv", body = String), (status = 404, body = Problem)))]
pub async fn export_version(state: Data<AppState>, ids: Ids) -> AppResult<HttpResponse> {
    let (event_id, id) = ids.into_inner();
    let bytes = state
        .run(move |c| schedule::export_csv(c, event_id, id))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"schedule-{event_id}-v{id}.csv\""),
        ))
        .body(bytes))
}

/// Runs the solver over the event's live requests and stores the result as a new draft
/// version; its summary holds the score and, for every meeting left out, the reason.
#[utoipa::path(post, path = "/api/v1/events/{event_id}/schedule/solve", tag = "schedule", request_body = SolveInput,
    responses((status = 201, body = Schedule), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn solve_schedule(state: Data<AppState>, id: Id, body: Bytes) -> AppResult<HttpResponse> {
    let input: SolveInput = if body.is_empty() {
        SolveInput::default()
    } else {
        parse_json(&body)?
    };
    let id = id.into_inner();
    let default_seconds = state.settings.solver.time_limit_seconds;
    Ok(created(
        state
            .run(move |c| planning::solve(c, id, &input, default_seconds))
            .await?,
    ))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// Only jobs in this status (queued, sending, sent, failed).
    pub status: Option<JobStatus>,
}

/// The event's outgoing mail: each job with its status, attempts and last error, oldest first.
#[utoipa::path(get, path = "/api/v1/events/{event_id}/outbox", tag = "mail", params(OutboxQuery),
    responses((status = 200, body = Vec<OutboxJob>), (status = 404, body = Problem)))]
pub async fn list_outbox(
    state: Data<AppState>,
    id: Id,
    query: Query<OutboxQuery>,
) -> AppResult<Json<Vec<OutboxJob>>> {
    let (id, status) = (id.into_inner(), query.into_inner().status);
    let from = state.settings.mail.from.clone();
    Ok(Json(
        state
            .run(move |c| outbox::list(c, id, status, &from))
            .await?,
    ))
}
// ---- itineraries and golden hours ----

/// `?version=` of the itinerary, read as text so a bad value is a 422 naming it.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
pub struct ItineraryQuery {
    /// A schedule version id; default the published version, else the latest draft.
    pub version: Option<String>,
}

/// One participant's sessions and meetings in time order, in their own zone and their
/// counterpart's, formatted in their language.
#[utoipa::path(get, path = "/api/v1/events/{event_id}/participants/{id}/itinerary", tag = "people",
    params(ItineraryQuery),
    responses((status = 200, body = Itinerary), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_itinerary(
    state: Data<AppState>,
    ids: Ids,
    q: Query<ItineraryQuery>,
) -> AppResult<Json<Itinerary>> {
    let (event_id, id) = ids.into_inner();
    let version = match q.version.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<i64>().map_err(|_| {
            AppError::invalid("version", format!("'{text}' is not a schedule version id"))
        })?),
    };
    Ok(Json(
        state
            .run(move |c| itinerary::for_participant(c, event_id, id, version))
            .await?,
    ))
}

/// Per event day, the windows (organiser's zone) in which at least `share` of the
/// participants are inside their comfort hours (08:00–18:00 local when they gave none).
#[utoipa::path(get, path = "/api/v1/events/{event_id}/golden-hours", tag = "programme",
    params(GoldenQuery),
    responses((status = 200, body = GoldenHours), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn get_golden_hours(
    state: Data<AppState>,
    id: Id,
    q: Query<GoldenQuery>,
) -> AppResult<Json<GoldenHours>> {
    let id = id.into_inner();
    let query = q.into_inner();
    Ok(Json(
        state.run(move |c| golden::for_event(c, id, &query)).await?,
    ))
}

/// A participant's calendar subscription (METHOD:PUBLISH); the token is the secret.
#[utoipa::path(get, path = "/feeds/{token}.ics", tag = "mail",
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = Problem)))]
pub async fn calendar_feed(state: Data<AppState>, token: Path<String>) -> AppResult<HttpResponse> {
    let token = token.into_inner();
    let from = state.settings.mail.from.clone();
    let ics = state
        .run(move |c| outbox::feed::for_token(c, &token, &from))
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .body(ics.text))
}
