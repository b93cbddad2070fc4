//! What a participant may reach. Everything else under `/api/v1` and the event pages is for
//! organisers.

use actix_web::http::Method;

/// Routes open to a participant of the event, as `(method, path after
/// /api/v1/events/{event_id})`. `{self}` matches only the caller's own participant id, `*`
/// any one segment. A route opts in to participant access by adding a line here; its handler
/// then filters by the [`super::Principal`] where the path alone does not say enough
/// (creating requests checks the sender, accepting checks the addressee).
pub const PARTICIPANT_ROUTES: &[(&str, &str)] = &[
    ("GET", "/participants/{self}"),
    ("GET", "/participants/{self}/itinerary"),
    ("GET", "/participants/{self}/itinerary.ics"),
    ("GET", "/directory"),
    ("POST", "/participants/{self}/bookings"),
    ("POST", "/requests"),
    ("POST", "/requests/*/accept"),
    ("POST", "/requests/*/decline"),
    // The participant's pages (src/http/pages/participant.rs).
    ("POST", "/participants/{self}/request"),
    ("POST", "/participants/{self}/requests/*/accept"),
    ("POST", "/participants/{self}/requests/*/decline"),
    ("POST", "/participants/{self}/book"),
    ("POST", "/participants/{self}/profile"),
    // A form's address typed into the address bar leads back to the page.
    ("GET", "/participants/{self}/request"),
    ("GET", "/participants/{self}/requests/*/*"),
    ("GET", "/participants/{self}/book"),
    ("GET", "/participants/{self}/profile"),
];

/// Whether participant `me` may call `method` on `rest` (the path after the event id).
pub fn participant_may(method: &Method, rest: &str, me: i64) -> bool {
    let me = me.to_string();
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    PARTICIPANT_ROUTES.iter().any(|(m, pattern)| {
        let wanted: Vec<&str> = pattern.split('/').filter(|s| !s.is_empty()).collect();
        method.as_str() == *m
            && wanted.len() == segments.len()
            && wanted.iter().zip(&segments).all(|(w, s)| match *w {
                "{self}" => *s == me,
                "*" => !s.is_empty(),
                literal => literal == *s,
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participants_reach_only_their_own_listed_routes() {
        assert!(participant_may(&Method::GET, "/participants/7", 7));
        assert!(!participant_may(&Method::GET, "/participants/8", 7));
        assert!(!participant_may(&Method::PUT, "/participants/7", 7));
        assert!(!participant_may(&Method::GET, "/participants", 7));
        assert!(participant_may(&Method::GET, "/directory", 7));
        assert!(participant_may(&Method::POST, "/requests/12/accept", 7));
        assert!(!participant_may(&Method::POST, "/requests/12/cancel", 7));
        assert!(!participant_may(&Method::GET, "/requests", 7));
        assert!(participant_may(
            &Method::POST,
            "/participants/7/bookings",
            7
        ));
        assert!(!participant_may(&Method::POST, "/participants/7/link", 7));
        assert!(!participant_may(&Method::GET, "", 7));
    }
}
