//! iCalendar rendering (RFC 5545/5546): invitations, updates, cancellations and feeds.
//!
//! All times are written in UTC (`...Z`), so no VTIMEZONE is needed and no client can
//! shift them by its own zone. The output is a pure function of the input (DTSTAMP and
//! UID come from the caller), so a retried send carries byte-identical calendar data.

mod sanitize;
mod writer;

use chrono::{DateTime, Utc};
use writer::Writer;

/// The product identifier every calendar object carries.
pub const PRODID: &str = "-//matchtour//matchtour 0.1//EN";

/// How often subscribers should reload a feed.
const FEED_REFRESH: &str = "PT1H";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("invalid UID {0:?}: 1 to 255 characters, no spaces or control characters")]
    InvalidUid(String),
    #[error("invalid email address {0:?}")]
    InvalidEmail(String),
    #[error("invalid link {0:?}: an http(s) URL without spaces or control characters")]
    InvalidUrl(String),
    #[error("event {uid:?} ends at or before its start")]
    EndsBeforeStart { uid: String },
}

/// The iTIP method (RFC 5546) of a calendar object; the mail module repeats it in the
/// `method=` parameter of the `text/calendar` part, as Outlook requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A new or changed meeting (same UID, higher SEQUENCE on change).
    Request,
    /// A dropped meeting (same UID, higher SEQUENCE, STATUS:CANCELLED).
    Cancel,
    /// A read-only feed (calendar subscription).
    Publish,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
            Method::Publish => "PUBLISH",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// RFC 5545 §3.2.16 participation roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Chair,
    Required,
    Optional,
    /// Present for information only (e.g. an interpreter who need not answer).
    NonParticipant,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Chair => "CHAIR",
            Role::Required => "REQ-PARTICIPANT",
            Role::Optional => "OPT-PARTICIPANT",
            Role::NonParticipant => "NON-PARTICIPANT",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub person: Person,
    pub role: Role,
}

/// One meeting or session as it appears in a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalEvent {
    /// Stable for the meeting's whole life; clients match updates and cancellations by it.
    pub uid: String,
    /// Raised by the organiser on every change (RFC 5546 §2.1.4).
    pub sequence: u32,
    /// When this version of the object was created; a retried send reuses it.
    pub dtstamp: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    /// Free text; the local times and the join link are appended to it.
    pub description: String,
    /// Already formatted local times, one line each, e.g. "Berlin: Mon 22 Mar, 09:00 CET".
    pub local_times: Vec<String>,
    /// A physical place, if any; without one, LOCATION carries the video link.
    pub location: Option<String>,
    /// The video link.
    pub url: Option<String>,
    pub organizer: Person,
    pub attendees: Vec<Attendee>,
}

/// A rendered calendar object: CRLF line ends, folded, ready to send or serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ics {
    pub method: Method,
    pub text: String,
}

/// An invitation or update (`Method::Request`) or a cancellation (`Method::Cancel`) for one
/// meeting. `Method::Publish` is accepted too (a single-event feed, without attendees).
pub fn render_invitation(method: Method, event: &CalEvent) -> Result<Ics, CalendarError> {
    let mut w = calendar_start(method);
    write_event(&mut w, method, event)?;
    Ok(finish(w, method))
}

/// A participant's subscription feed (METHOD:PUBLISH) with all their sessions and meetings.
pub fn render_feed(name: &str, events: &[CalEvent]) -> Result<Ics, CalendarError> {
    let mut w = calendar_start(Method::Publish);
    // Apple and Google show X-WR-CALNAME as the subscription's title.
    w.text("X-WR-CALNAME", name);
    // Ask subscribing clients to poll hourly (RFC 7986; X-PUBLISHED-TTL for Outlook):
    // the default of many clients is a day, which makes changes look lost.
    w.raw("REFRESH-INTERVAL", &[("VALUE", "DURATION")], FEED_REFRESH);
    w.raw("X-PUBLISHED-TTL", &[], FEED_REFRESH);
    for event in events {
        write_event(&mut w, Method::Publish, event)?;
    }
    Ok(finish(w, Method::Publish))
}

fn calendar_start(method: Method) -> Writer {
    let mut w = Writer::new();
    w.raw("BEGIN", &[], "VCALENDAR");
    w.text("PRODID", PRODID);
    w.raw("VERSION", &[], "2.0");
    w.raw("CALSCALE", &[], "GREGORIAN");
    // At calendar level, never inside VEVENT (RFC 5546 §1.4).
    w.raw("METHOD", &[], method.as_str());
    w
}

fn finish(mut w: Writer, method: Method) -> Ics {
    w.raw("END", &[], "VCALENDAR");
    Ics {
        method,
        text: w.finish(),
    }
}

fn write_event(w: &mut Writer, method: Method, event: &CalEvent) -> Result<(), CalendarError> {
    // Validate everything before writing, so an error leaves no half-written event behind.
    let uid = sanitize::uid(&event.uid)?;
    if event.end <= event.start {
        return Err(CalendarError::EndsBeforeStart { uid });
    }
    let url = event.url.as_deref().map(sanitize::uri).transpose()?;
    let organizer = sanitize::mailto(&event.organizer.email)?;
    let attendees = event
        .attendees
        .iter()
        .map(|a| Ok((a, sanitize::mailto(&a.person.email)?)))
        .collect::<Result<Vec<_>, CalendarError>>()?;

    w.raw("BEGIN", &[], "VEVENT");
    w.text("UID", &uid);
    w.raw("SEQUENCE", &[], &event.sequence.to_string());
    w.utc("DTSTAMP", event.dtstamp);
    w.utc("DTSTART", event.start);
    w.utc("DTEND", event.end);
    w.text("SUMMARY", &event.summary);
    w.text("DESCRIPTION", &describe(event, url.as_deref()));
    match (&event.location, &url) {
        (Some(place), _) => w.text("LOCATION", place),
        (None, Some(link)) => w.text("LOCATION", link),
        (None, None) => {}
    }
    if let Some(link) = &url {
        w.raw("URL", &[], link);
    }
    let status = match method {
        Method::Cancel => "CANCELLED",
        Method::Request | Method::Publish => "CONFIRMED",
    };
    w.raw("STATUS", &[], status);
    w.raw("TRANSP", &[], "OPAQUE");
    w.raw("ORGANIZER", &[("CN", &event.organizer.name)], &organizer);
    // A published feed carries no attendees (RFC 5546 §3.2.1): it invites nobody.
    let attendees = if method == Method::Publish {
        Vec::new()
    } else {
        attendees
    };
    for (attendee, address) in attendees {
        let mut params = vec![
            ("CN", attendee.person.name.as_str()),
            ("CUTYPE", "INDIVIDUAL"),
            ("ROLE", attendee.role.as_str()),
        ];
        if method != Method::Cancel {
            // A cancellation asks for no answer (RFC 5546 §3.2.5).
            let rsvp = attendee.role != Role::NonParticipant;
            params.push(("PARTSTAT", "NEEDS-ACTION"));
            params.push(("RSVP", if rsvp { "TRUE" } else { "FALSE" }));
        }
        w.raw("ATTENDEE", &params, &address);
    }
    w.raw("END", &[], "VEVENT");
    Ok(())
}

/// DESCRIPTION: the caller's text, then both local times and the join link, so that the
/// details are there even in clients that hide LOCATION and URL.
fn describe(event: &CalEvent, url: Option<&str>) -> String {
    let mut text = event.description.trim_end().to_owned();
    let mut tail: Vec<&str> = event.local_times.iter().map(String::as_str).collect();
    tail.extend(url);
    if !tail.is_empty() {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&tail.join("\n"));
    }
    text
}

#[cfg(test)]
mod tests;
