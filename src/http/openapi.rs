//! The OpenAPI document (`/api/openapi.json`) and a browsable API page (`/api/docs`).

use actix_web::{web, HttpResponse};
use utoipa::OpenApi;
use utoipa_scalar::{Scalar, Servable};

use super::api;
use crate::error::{FieldError, Problem};
use crate::outbox::{JobStatus, OutboxJob};
use crate::service::events::{Day, Event, EventInput};
use crate::service::golden::{GoldenHours, GoldenHoursDay, GoldenHoursWindow, SideComfort};
use crate::service::groups::{Group, GroupInput};
use crate::service::import::ImportReport;
use crate::service::interpreters::{Interpreter, InterpreterInput};
use crate::service::itinerary::{
    Counterpart, ItemKind, Itinerary, ItineraryEvent, ItineraryItem, ItineraryParticipant,
    LocalSide,
};
use crate::service::organisations::{Organisation, OrganisationInput};
use crate::service::participants::{Participant, ParticipantInput};
use crate::service::planning::{SolveInput, SolveSummary, Unscheduled};
use crate::service::programme::{Session, SessionInput, Slot, Window, WindowInput};
use crate::service::requests::{MeetingRequest, PartyInput, PartyRefOut, RequestInput};
use crate::service::schedule::{Booking, BookingInput, Schedule, Version};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "matchtour API",
        description = "Matchmaking events between Europe and China: programme, participants, requests, schedules."
    ),
    paths(
        api::list_events,
        api::create_event,
        api::get_event,
        api::update_event,
        api::delete_event,
        api::list_sessions,
        api::create_session,
        api::get_session,
        api::update_session,
        api::delete_session,
        api::list_windows,
        api::create_window,
        api::delete_window,
        api::list_organisations,
        api::create_organisation,
        api::get_organisation,
        api::update_organisation,
        api::delete_organisation,
        api::list_participants,
        api::create_participant,
        api::get_participant,
        api::update_participant,
        api::delete_participant,
        api::list_groups,
        api::create_group,
        api::get_group,
        api::delete_group,
        api::list_interpreters,
        api::create_interpreter,
        api::delete_interpreter,
        api::list_requests,
        api::create_request,
        api::get_request,
        api::act_on_request,
        api::import_participants,
        api::import_requests,
        api::published_schedule,
        api::solve_schedule,
        api::list_versions,
        api::create_version,
        api::get_version,
        api::create_booking,
        api::delete_booking,
        api::publish_version,
        api::export_version,
        api::list_outbox,
        api::calendar_feed,
        api::get_itinerary,
        api::get_golden_hours,
    ),
    components(schemas(
        Problem,
        FieldError,
        Event,
        EventInput,
        Day,
        Session,
        SessionInput,
        Window,
        WindowInput,
        Slot,
        Organisation,
        OrganisationInput,
        Participant,
        ParticipantInput,
        Group,
        GroupInput,
        Interpreter,
        InterpreterInput,
        MeetingRequest,
        RequestInput,
        PartyInput,
        PartyRefOut,
        ImportReport,
        Schedule,
        Version,
        Booking,
        BookingInput,
        SolveInput,
        SolveSummary,
        Unscheduled,
        OutboxJob,
        JobStatus,
        Itinerary,
        ItineraryParticipant,
        ItineraryEvent,
        ItineraryItem,
        ItemKind,
        LocalSide,
        Counterpart,
        GoldenHours,
        GoldenHoursDay,
        GoldenHoursWindow,
        SideComfort,
    ))
)]
pub struct ApiDoc;

/// The whole document: these routes and the ones of [`crate::auth`].
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::auth::routes::AuthApi::openapi());
    doc
}

async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(openapi_json))
        .service(Scalar::with_url("/api/docs", document()));
}
