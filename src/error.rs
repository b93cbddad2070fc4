//! The one mapping from errors to HTTP problem details (RFC 9457, `application/problem+json`).
//!
//! Every layer has its own error type; [`AppError`] gathers them for the use cases and
//! [`actix_web::ResponseError`] turns them into responses here and nowhere else. A user's
//! mistake is a 4xx naming the field; only our own faults are 5xx, and those are logged.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::DbError;
use crate::domain::DomainError;

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input: {}", summary(.0))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    #[error("{resource} {id} not found")]
    NotFound { resource: &'static str, id: String },
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// No credentials, or credentials that are unknown, expired or revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// Known caller, not allowed (within an event they may see; other events are 404).
    #[error("{0}")]
    Forbidden(String),
    #[error("too many attempts; retry in {retry_after_seconds} s")]
    TooManyRequests { retry_after_seconds: u64 },
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("internal error: {0}")]
    Internal(String),
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    pub fn not_found(resource: &'static str, id: impl ToString) -> Self {
        AppError::NotFound {
            resource,
            id: id.to_string(),
        }
    }

    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Conflict {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid_input",
            AppError::BadRequest(_) => "bad_request",
            AppError::NotFound { .. } => "not_found",
            AppError::Conflict { .. } => "conflict",
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden(_) => "forbidden",
            AppError::TooManyRequests { .. } => "too_many_requests",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::Internal(_) => "internal",
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::Invalid(vec![FieldError {
            field: e.field,
            message: e.message,
        }])
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound { resource, id } => AppError::NotFound { resource, id },
            DbError::Conflict { field, message } => AppError::Conflict { field, message },
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// A stable machine-readable code the UI translates.
    pub code: String,
    /// The first offending field, when the problem is about input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl Problem {
    fn new(
        status: StatusCode,
        code: &str,
        detail: String,
        field: Option<String>,
        errors: Vec<FieldError>,
    ) -> Self {
        Problem {
            kind: format!("https://matchtour.example/problems/{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail,
            code: code.to_string(),
            field,
            errors,
        }
    }

    /// The problem for an error actix-web answered itself before a handler ran (a body cut
    /// off at the size limit, a method the route does not have), so that every API error
    /// has the same shape.
    pub fn from_framework(status: StatusCode, detail: Option<String>) -> Self {
        let code = match status {
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            s if s.is_server_error() => "internal",
            _ => "bad_request",
        };
        let detail = detail
            .filter(|d| !d.is_empty() && !status.is_server_error())
            .unwrap_or_else(|| match status {
                StatusCode::METHOD_NOT_ALLOWED => "this route does not take this method".into(),
                s => s.canonical_reason().unwrap_or("Error").to_lowercase(),
            });
        Problem::new(status, code, detail, None, Vec::new())
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (field, errors, detail) = match self {
            AppError::Invalid(errors) => (
                errors.first().map(|e| e.field.clone()),
                errors.clone(),
                self.to_string(),
            ),
            AppError::Conflict { field, .. } => (field.clone(), Vec::new(), self.to_string()),
            AppError::Internal(message) => {
                tracing::error!(error = %message, "internal error");
                (
                    None,
                    Vec::new(),
                    "something went wrong on our side; it has been logged".to_string(),
                )
            }
            _ => (None, Vec::new(), self.to_string()),
        };
        let problem = Problem::new(status, self.code(), detail, field, errors);
        let mut response = HttpResponse::build(status);
        response.content_type(PROBLEM_JSON);
        match self {
            AppError::Unauthorized(_) => {
                response.insert_header(("www-authenticate", "Bearer, Participant"));
            }
            AppError::TooManyRequests {
                retry_after_seconds,
            } => {
                response.insert_header(("retry-after", retry_after_seconds.to_string()));
            }
            _ => {}
        }
        response.json(problem)
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::to_bytes;

    #[actix_web::test]
    async fn invalid_input_names_the_field_in_a_problem_document() {
        let error = AppError::invalid("time_zone", "unknown time zone 'Mars/Base'");
        let response = error.error_response();
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            PROBLEM_JSON
        );
        let body = to_bytes(response.into_body()).await.unwrap();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["field"], "time_zone");
        assert_eq!(json["status"], 422);
        assert_eq!(json["code"], "invalid_input");
    }

    #[actix_web::test]
    async fn internal_errors_do_not_leak_details() {
        let response = AppError::Internal("password=secret".into()).error_response();
        let body = to_bytes(response.into_body()).await.unwrap();
        assert!(!String::from_utf8_lossy(&body).contains("secret"));
    }
}
