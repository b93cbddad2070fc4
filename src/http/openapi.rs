//! The OpenAPI document (`/api/openapi.json`) and a browsable API page (`/api/docs`).

use actix_web::{web, HttpResponse};
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{Content, Ref, RefOr, Required, Response, ResponseBuilder};
use utoipa::OpenApi;
use utoipa_scalar::{Scalar, Servable};

use super::api;
use crate::error::{FieldError, Problem, PROBLEM_JSON};
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

/// The whole document: these routes and the ones of [`crate::auth`], completed with what
/// every route shares (path parameters, problem details, the guard's answers).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::auth::routes::AuthApi::openapi());
    for (path, item) in doc.paths.paths.iter_mut() {
        let guarded = path.starts_with("/api/v1/");
        for (method, operation) in operations(item) {
            declare_path_parameters(path, operation);
            add_shared_responses(method, guarded, operation);
            for response in operation.responses.responses.values_mut() {
                if let RefOr::T(response) = response {
                    problems_as_problem_json(response);
                }
            }
        }
    }
    doc
}

fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, op)| op.map(|op| (method, op)))
    .collect()
}

/// Every `{name}` of the path as a required path parameter, unless the handler declared it:
/// ids are 64-bit integers, tokens and actions strings.
fn declare_path_parameters(path: &str, operation: &mut Operation) {
    let names = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name));
    for name in names {
        let parameters = operation.parameters.get_or_insert_with(Vec::new);
        if parameters
            .iter()
            .any(|p| p.name == name && p.parameter_in == ParameterIn::Path)
        {
            continue;
        }
        let schema = if name == "id" || name.ends_with("_id") {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        } else {
            ObjectBuilder::new().schema_type(Type::String)
        };
        parameters.push(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(schema))
                .build(),
        );
    }
}

/// The answers any route may give besides its own: a malformed path or body (400), the
/// guard's refusals (401, and 404 for another organiser's event), a body over the limit
/// (413), a method the route lacks (405).
fn add_shared_responses(method: &str, guarded: bool, operation: &mut Operation) {
    let mut shared = vec![("400", "Malformed request"), ("404", "Not found")];
    if guarded {
        shared.push(("401", "No valid credentials"));
        shared.push(("403", "Not allowed for this caller"));
    }
    let has_query = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| p.parameter_in == ParameterIn::Query);
    if has_query {
        shared.push(("422", "Invalid query parameters"));
    }
    if matches!(method, "post" | "put" | "patch") {
        shared.push((
            "409",
            "Conflicts with a stored record (a name or e-mail in use)",
        ));
        shared.push(("413", "Request body too large"));
        shared.push(("422", "Invalid input, with the offending fields"));
    }
    for (status, description) in shared {
        operation
            .responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content(PROBLEM_JSON, problem_content())
                        .build(),
                )
            });
    }
}

fn problem_content() -> Content {
    Content::new(Some(RefOr::Ref(Ref::from_schema_name("Problem"))))
}

/// utoipa declares every body as `application/json`; problems go out as
/// `application/problem+json`.
fn problems_as_problem_json(response: &mut Response) {
    let is_problem = |c: &Content| matches!(&c.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/Problem"));
    if let Some(content) = response.content.get("application/json") {
        if is_problem(content) {
            let content = response
                .content
                .shift_remove("application/json")
                .unwrap_or_else(problem_content);
            response.content.insert(PROBLEM_JSON.to_string(), content);
        }
    }
}

async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(document())
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(openapi_json))
        .service(Scalar::with_url("/api/docs", document()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_path_parameter_is_declared_and_problems_say_problem_json() {
        let mut doc = document();
        let mut checked = 0;
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, operation) in operations(item) {
                let declared: Vec<&str> = operation
                    .parameters
                    .iter()
                    .flatten()
                    .filter(|p| p.parameter_in == ParameterIn::Path)
                    .map(|p| p.name.as_str())
                    .collect();
                for name in path.split('{').skip(1).filter_map(|r| r.split('}').next()) {
                    assert!(declared.contains(&name), "{method} {path}: {{{name}}}");
                }
                for (status, response) in &operation.responses.responses {
                    if let RefOr::T(response) = response {
                        assert!(
                            !response.content.contains_key("application/json")
                                || !status.starts_with('4'),
                            "{method} {path} {status}"
                        );
                    }
                }
                checked += 1;
            }
        }
        assert!(checked > 50, "{checked} operations");
    }
}
