//! Request logging: one span per request with its id, and one line when it ends (method,
//! route, status, milliseconds). Secrets in paths — personal-link tokens and calendar-feed
//! tokens — never reach the log: the target is written with them masked.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

/// Path segments after which the next segment is a bearer secret.
const SECRET_FOLLOWS: &[&str] = &["participant", "feeds"];

/// The request target with every secret path segment masked and the query dropped (no
/// route takes a secret there, but a client might put one there by mistake).
pub fn redacted_target(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut mask_next = false;
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        if mask_next && !segment.is_empty() {
            // Keep a suffix such as ".ics": it tells which route was asked for.
            match segment.rfind('.') {
                Some(dot) => {
                    out.push('…');
                    out.push_str(&segment[dot..]);
                }
                None => out.push('…'),
            }
        } else {
            out.push_str(segment);
        }
        mask_next = SECRET_FOLLOWS.contains(&segment);
    }
    out
}

/// Started-at time kept in the request's extensions until the response is logged.
struct StartedAt(Instant);

pub struct RequestLog;

impl RootSpanBuilder for RequestLog {
    fn on_request_start(request: &ServiceRequest) -> Span {
        request.extensions_mut().insert(StartedAt(Instant::now()));
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let client_ip = request
            .connection_info()
            .realip_remote_addr()
            .unwrap_or("")
            .to_string();
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            route = request.match_pattern().unwrap_or_else(|| "default".into()),
            target = %redacted_target(request.path()),
            client_ip = %client_ip,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let _entered = span.enter();
        match outcome {
            Ok(response) => {
                let status = response.status().as_u16();
                span.record("status", status);
                let millis = response
                    .request()
                    .extensions()
                    .get::<StartedAt>()
                    .map_or(0.0, |s| s.0.elapsed().as_secs_f64() * 1000.0);
                if response.status().is_server_error() {
                    tracing::warn!(status, millis, "request failed");
                } else {
                    tracing::info!(status, millis, "request done");
                }
            }
            Err(error) => {
                let status = error.as_response_error().status_code().as_u16();
                span.record("status", status);
                tracing::warn!(status, error = %error, "request failed");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redacted_target;

    #[test]
    fn link_and_feed_tokens_are_masked() {
        assert_eq!(
            redacted_target("/api/v1/auth/participant/abcdef0123"),
            "/api/v1/auth/participant/…"
        );
        assert_eq!(redacted_target("/feeds/abcdef0123.ics"), "/feeds/….ics");
        assert_eq!(
            redacted_target("/api/v1/events/3/participants/7/itinerary"),
            "/api/v1/events/3/participants/7/itinerary"
        );
        assert_eq!(redacted_target("/"), "/");
    }
}
