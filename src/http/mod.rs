//! The HTTP surface: the JSON API under `/api/v1`, the OpenAPI document, health probes.

pub mod api;
mod logging;
mod openapi;
mod pages;

use std::sync::Arc;

use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::{ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, HttpResponse};

use crate::auth::rate::RateLimiter;
use crate::config::Settings;
use crate::db::{Conn, DbPool};
use crate::error::{AppError, AppResult, Problem, PROBLEM_JSON};

/// What every handler may reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Settings,
    /// Login, signup and link attempts per client IP, shared by all workers.
    pub limiter: Arc<RateLimiter>,
}

impl AppState {
    pub fn new(pool: DbPool, settings: Settings) -> Self {
        AppState {
            pool,
            settings,
            limiter: Arc::new(RateLimiter::default()),
        }
    }

    /// Runs a use case on a pooled connection off the async executor.
    pub async fn run<T, F>(&self, f: F) -> AppResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Conn) -> AppResult<T> + Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(format!("worker pool: {e}")))?
    }
}

/// Parses a JSON body, naming the offending field when it does not fit.
pub fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> AppResult<T> {
    if body.is_empty() {
        return Err(AppError::BadRequest("the request needs a JSON body".into()));
    }
    // serde would also read a struct from an array of its fields in order; every body here
    // is an object with named fields.
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first.is_some_and(|b| *b != b'{')
        && serde_json::from_slice::<serde_json::Value>(body).is_ok()
    {
        return Err(AppError::invalid("body", "must be a JSON object"));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                Err(AppError::BadRequest(format!("malformed JSON: {inner}")))
            } else if path == "." {
                Err(AppError::invalid("body", inner.to_string()))
            } else {
                Err(AppError::invalid(path, inner.to_string()))
            }
        }
    }
}

/// Registers every route; shared by `serve` and the tests.
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg: &mut web::ServiceConfig| {
        let max_body = state.settings.server.max_body_bytes;
        cfg.app_data(web::Data::new(state))
            .app_data(web::PayloadConfig::new(max_body))
            .app_data(
                web::QueryConfig::default().error_handler(|e, _| {
                    AppError::BadRequest(format!("query string: {e}")).into()
                }),
            )
            .app_data(
                web::PathConfig::default()
                    .error_handler(|e, _| AppError::BadRequest(format!("path: {e}")).into()),
            )
            .route("/health", web::get().to(health))
            .route("/ready", web::get().to(ready))
            // Every route under /api/v1 passes the guard: see `crate::auth`.
            .service(
                web::scope("/api/v1")
                    .wrap(actix_web::middleware::from_fn(crate::auth::guard))
                    .wrap(ErrorHandlers::new().default_handler(framework_problem))
                    .configure(crate::auth::routes::routes)
                    .configure(api::routes),
            )
            .route("/feeds/{token}.ics", web::get().to(api::calendar_feed))
            .configure(openapi::routes)
            .configure(pages::routes)
            .default_service(web::to(not_found));
    }
}

/// Rewrites an error actix-web answered itself (a chunked body over the limit, a method the
/// route lacks) as problem details; our own errors already are, and pass unchanged.
fn framework_problem<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let already = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if already {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let detail = res.response().error().map(|e| e.to_string());
    let (req, original) = res.into_parts();
    let mut response = HttpResponse::build(status)
        .content_type(PROBLEM_JSON)
        .json(Problem::from_framework(status, detail));
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body(),
    ))
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn ready(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let backend = state.pool.backend_name();
    state
        .run(|conn| crate::db::ping(conn).map_err(AppError::from))
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ready", "database": backend})))
}

async fn not_found(req: actix_web::HttpRequest) -> AppResult<HttpResponse> {
    Err(AppError::NotFound {
        resource: "route",
        id: req.path().to_string(),
    })
}

/// The HTTP server on an already bound listener, with request logging (each request gets
/// an id; link tokens are masked) and graceful shutdown: requests in flight get 30 s to finish.
pub fn server(
    state: AppState,
    listener: std::net::TcpListener,
) -> std::io::Result<actix_web::dev::Server> {
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .wrap(tracing_actix_web::TracingLogger::<logging::RequestLog>::new())
            .configure(configure(state.clone()))
    })
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use super::parse_json;
    use crate::error::AppError;

    #[derive(Debug, serde::Deserialize)]
    struct Input {
        #[serde(default)]
        seed: Option<u64>,
    }

    #[test]
    fn only_objects_are_bodies() {
        let input = parse_json::<Input>(b" {\"seed\": 3}").expect("an object");
        assert_eq!(input.seed, Some(3));
        match parse_json::<Input>(b"[]") {
            Err(AppError::Invalid(errors)) => assert_eq!(errors[0].field, "body"),
            other => panic!("{other:?}"),
        }
        // Broken JSON stays a 400 whatever it starts with.
        assert!(matches!(
            parse_json::<Input>(b"[1,"),
            Err(AppError::BadRequest(_))
        ));
    }
}
