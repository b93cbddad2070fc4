//! Who is calling, and what they may reach.
//!
//! # Callers
//! * **Organisers** sign up and log in with e-mail and password (argon2id). Login sets the
//!   session cookie `matchtour_session` (Secure, HttpOnly, SameSite=Lax, 14 days). Scripts use
//!   an API token (`POST /api/v1/auth/tokens`, shown once) as `Authorization: Bearer <token>`.
//! * **Participants** get a personal link from their organiser
//!   (`POST /api/v1/events/{event_id}/participants/{id}/link`, shown once, 30 days, revocable;
//!   issuing again revokes the previous link). Opening it
//!   (`GET /api/v1/auth/participant/{token}`) sets the cookie `matchtour_participant`; API
//!   clients may instead send `Authorization: Participant <token>`.
//!
//! Every token has 256 random bits; the database stores only its SHA-256.
//!
//! # Signup
//! The first organiser signs up freely (a fresh installation). After that, only a signed-in
//! organiser can add another organiser account (a colleague), unless
//! `MATCHTOUR__AUTH__OPEN_SIGNUP=true` opens signup to anyone.
//!
//! # CSRF
//! A request authenticated by a cookie with an unsafe method (anything but GET, HEAD,
//! OPTIONS) must carry `X-CSRF-Token`, whose value is bound to the session:
//! `hex(SHA-256("csrf:" + session token))`. Login and link opening return it in the body and
//! in the readable cookie `matchtour_csrf`; a page on another site can neither read it nor
//! compute it. HTML forms of our own pages cannot set headers; they pass instead by their
//! `Origin` header, which browsers send with every POST and pages cannot forge, naming our own
//! host. Requests with an `Authorization` header need neither (browsers never add that header
//! on their own). Both guards come on top of SameSite=Lax cookies.
//!
//! # Authorisation
//! [`guard`] wraps the whole `/api/v1` scope and the event pages (`/events/...`), so a new
//! route there is covered without doing anything: anonymous callers get 401, and for `/api/v1/events/{event_id}/...` an organiser
//! must own the event (else 404, so that other events' existence does not leak). Events made
//! before sign-in existed, and the demo event, belong to the first organiser to sign up.
//! Participants reach only the routes listed in [`policy::PARTICIPANT_ROUTES`]; a route opts in
//! to participant access by adding a line there (`{self}` stands for the caller's own
//! participant id). A handler that needs the caller takes [`Principal`] as an argument.
//!
//! # Rate limits
//! Login, signup and link opening are limited per client IP by an in-memory token bucket
//! ([`rate::RateLimiter`]): 10 attempts, then one more every 6 seconds. It is per process;
//! behind a proxy the peer is the proxy, so several processes or a proxy need a shared limit
//! at the proxy.

pub mod guard;
pub mod policy;
pub mod rate;
pub mod routes;
pub mod store;

use std::future::{ready, Ready};

use actix_web::{FromRequest, HttpMessage, HttpRequest};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::AppError;

pub use guard::{admit, guard};

/// Cookie of an organiser's session.
pub const SESSION_COOKIE: &str = "matchtour_session";
/// Cookie set when a participant opens their link.
pub const PARTICIPANT_COOKIE: &str = "matchtour_participant";
/// Readable cookie with the CSRF token of the current cookie session.
pub const CSRF_COOKIE: &str = "matchtour_csrf";
/// Header that must repeat the CSRF token on cookie-authenticated unsafe requests.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// An authenticated caller, put in the request's extensions by [`guard`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal {
    Organiser { id: i64 },
    Participant { event_id: i64, participant_id: i64 },
}

impl Principal {
    /// The organiser's id, or 403 for a participant.
    pub fn organiser(&self) -> Result<i64, AppError> {
        match self {
            Principal::Organiser { id } => Ok(*id),
            Principal::Participant { .. } => Err(AppError::Forbidden(
                "only the event's organiser may do this".into(),
            )),
        }
    }
}

impl FromRequest for Principal {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Principal>()
                .copied()
                .ok_or_else(|| AppError::Unauthorized("sign in first".into())),
        )
    }
}

/// A fresh secret: 256 random bits, URL-safe.
pub fn new_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The CSRF token bound to a cookie session's token.
pub fn csrf_token(session_token: &str) -> String {
    hex::encode(Sha256::digest(format!("csrf:{session_token}").as_bytes()))
}

/// Equality that takes the same time wherever the first difference is.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        // 32 bytes in unpadded base64: 43 characters, 256 bits.
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn csrf_token_depends_on_the_session() {
        assert_ne!(csrf_token("one"), csrf_token("two"));
        assert!(constant_time_eq(
            csrf_token("one").as_bytes(),
            csrf_token("one").as_bytes()
        ));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
