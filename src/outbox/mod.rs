//! Outbox jobs enqueued in the caller's transaction, and the worker that sends them.
//!
//! Publishing a schedule ([`plan::enqueue_publication`], called by
//! `service::schedule::publish`) writes one job per message in the same transaction as the
//! status change: on first publication an itinerary per participant plus one invitation
//! mail (METHOD:REQUEST) per meeting and attendee; on a later publication only the
//! difference to the previously published version (updates with the same UID and a higher
//! SEQUENCE, cancellations, new invitations), to the people concerned.
//!
//! A job's payload holds everything needed to render it except the deployment's settings
//! (sender, public URL), which the worker adds; together with the fixed Message-ID (derived
//! from the job's unique `dedup_key`) and the fixed date (the job's `created_at`) every
//! attempt renders the same bytes. See [`worker`] for claiming, retries and the one
//! duplicate window that remains with SMTP.

pub mod feed;
pub mod plan;
pub mod worker;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::calendar::{self, Attendee, CalEvent, Method, Person, Role};
use crate::db::models::{NewOutboxJob, OutboxJobRow};
use crate::db::schema::outbox_jobs;
use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::mail::{
    self, render_itinerary, render_meeting_notice, ItineraryView, Letter, MeetingNoticeView,
    NoticeKind, RenderedMail,
};
use crate::with_conn;

pub use worker::{Worker, WorkerConfig};

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum JobStatus {
    /// Waiting for `next_attempt_at`.
    Queued,
    /// Claimed by a worker until `locked_until`; re-claimable after that.
    Sending,
    Sent,
    /// A permanent failure (or too many transient ones); `last_error` says why.
    Failed,
}

impl JobStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Sending => "sending",
            JobStatus::Sent => "sent",
            JobStatus::Failed => "failed",
        }
    }

    fn parse(value: &str) -> AppResult<Self> {
        Ok(match value {
            "queued" => JobStatus::Queued,
            "sending" => JobStatus::Sending,
            "sent" => JobStatus::Sent,
            "failed" => JobStatus::Failed,
            other => return Err(AppError::Internal(format!("outbox status {other:?}"))),
        })
    }
}

/// The recipient of one job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub name: String,
    pub email: String,
}

/// One meeting's calendar object, minus the organiser (the configured sender).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingSpec {
    pub uid: String,
    pub sequence: u32,
    pub dtstamp: DateTime<Utc>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub local_times: Vec<String>,
    pub video_link: Option<String>,
    /// Everyone invited, the recipient included.
    pub attendees: Vec<Recipient>,
    /// The interpreter, informed but not asked to answer.
    pub interpreter: Option<Recipient>,
}

/// What a job sends. Links in the views are paths ("/feeds/…"); the worker prefixes the
/// configured public URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Payload {
    Itinerary {
        to: Recipient,
        view: ItineraryView,
    },
    /// The morning digest: one day's part of the itinerary, due at 08:00 in the
    /// recipient's zone.
    Digest {
        to: Recipient,
        view: ItineraryView,
    },
    /// An invitation, update or cancellation: the notice kind decides the iTIP method.
    Meeting {
        to: Recipient,
        notice: Box<MeetingNoticeView>,
        meeting: MeetingSpec,
    },
}

impl Payload {
    /// Points the message's "your page" link at `link` (a personal-link URL path minted
    /// when the message is sent: tokens are stored hashed, never in the outbox).
    pub fn set_personal_link(&mut self, link: String) {
        match self {
            Payload::Itinerary { view, .. } | Payload::Digest { view, .. } => {
                view.personal_link = link;
            }
            Payload::Meeting { notice, .. } => notice.personal_link = link,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Payload::Itinerary { .. } => "itinerary",
            Payload::Digest { .. } => "digest",
            Payload::Meeting { notice, .. } => match notice.kind {
                NoticeKind::New => "invitation",
                NoticeKind::Changed => "update",
                NoticeKind::Cancelled => "cancellation",
            },
        }
    }
}

/// The deployment settings a rendering needs.
#[derive(Debug, Clone)]
pub struct RenderSettings {
    /// The configured sender, e.g. `matchtour <noreply@matchtour.example>`; also the
    /// calendar ORGANIZER.
    pub from: String,
    /// The public base URL, e.g. `https://matchtour.example`.
    pub public_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("stored payload: {0}")]
    Payload(#[from] serde_json::Error),
    #[error("mail: {0}")]
    Mail(#[from] mail::MailError),
    #[error("calendar: {0}")]
    Calendar(#[from] calendar::CalendarError),
}

fn absolute(base: &str, path: &str) -> String {
    if path.is_empty() || path.starts_with("http://") || path.starts_with("https://") {
        path.to_owned()
    } else {
        format!("{}{path}", base.trim_end_matches('/'))
    }
}

/// The sender's display name and bare address, for the ORGANIZER line.
fn organizer(from: &str) -> Person {
    match from.rsplit_once('<') {
        Some((name, rest)) => Person {
            name: name.trim().trim_matches('"').to_owned(),
            email: rest.trim_end_matches('>').trim().to_owned(),
        },
        None => Person {
            name: String::new(),
            email: from.trim().to_owned(),
        },
    }
}

/// A link a calendar may carry as URL: http(s) without spaces; anything else (a note such
/// as "tbd") stays out of the calendar object instead of making it fail to render.
fn web_link(link: &str) -> Option<String> {
    let link = link.trim();
    let lower = link.to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    (web && !link.chars().any(|c| c.is_whitespace() || c.is_control())).then(|| link.to_owned())
}

fn person(r: &Recipient) -> Person {
    Person {
        name: r.name.clone(),
        email: r.email.clone(),
    }
}

/// Renders a job to the exact bytes to send: a pure function of the job row and settings.
pub fn render_job(
    dedup_key: &str,
    created_at: NaiveDateTime,
    payload: &Payload,
    settings: &RenderSettings,
) -> Result<RenderedMail, RenderError> {
    let message_id = mail::message_id_for(dedup_key, &settings.from)?;
    let base = settings.public_url.as_str();
    let (to, content, calendar) = match payload {
        Payload::Itinerary { to, view } | Payload::Digest { to, view } => {
            let mut view = view.clone();
            view.personal_link = absolute(base, &view.personal_link);
            view.feed_url = absolute(base, &view.feed_url);
            (to, render_itinerary(&view)?, None)
        }
        Payload::Meeting {
            to,
            notice,
            meeting,
        } => {
            let mut notice = (**notice).clone();
            notice.personal_link = absolute(base, &notice.personal_link);
            let method = match notice.kind {
                NoticeKind::Cancelled => Method::Cancel,
                NoticeKind::New | NoticeKind::Changed => Method::Request,
            };
            let mut attendees: Vec<Attendee> = meeting
                .attendees
                .iter()
                .map(|a| Attendee {
                    person: person(a),
                    role: Role::Required,
                })
                .collect();
            attendees.extend(meeting.interpreter.iter().map(|i| Attendee {
                person: person(i),
                role: Role::NonParticipant,
            }));
            let event = CalEvent {
                uid: meeting.uid.clone(),
                sequence: meeting.sequence,
                dtstamp: meeting.dtstamp,
                start: meeting.start,
                end: meeting.end,
                summary: meeting.summary.clone(),
                description: String::new(),
                local_times: meeting.local_times.clone(),
                location: None,
                url: meeting.video_link.clone(),
                organizer: organizer(&settings.from),
                attendees,
            };
            let ics = calendar::render_invitation(method, &event)?;
            (to, render_meeting_notice(&notice)?, Some(ics))
        }
    };
    let letter = Letter {
        message_id,
        date: created_at.and_utc(),
        from: settings.from.clone(),
        reply_to: None,
        to: person(to),
        content,
        calendar,
    };
    Ok(mail::render(&letter)?)
}

/// Adds a job unless one with the same key exists (then nothing happens: the key is the
/// message's identity). Call it inside the transaction of the change it reports. Returns
/// whether a job was added.
pub fn enqueue(
    conn: &mut Conn,
    event_id: i64,
    participant_id: Option<i64>,
    dedup_key: &str,
    payload: &Payload,
    not_before: NaiveDateTime,
) -> AppResult<bool> {
    let row = NewOutboxJob {
        event_id,
        kind: payload.kind().into(),
        participant_id,
        dedup_key: dedup_key.into(),
        payload: serde_json::to_string(payload)
            .map_err(|e| AppError::Internal(format!("outbox payload: {e}")))?,
        status: JobStatus::Queued.as_str().into(),
        next_attempt_at: not_before,
        created_at: crate::service::now(),
    };
    let added = with_conn!(conn, |c| diesel::insert_into(outbox_jobs::table)
        .values(&row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(added > 0)
}

/// A job as the organiser sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OutboxJob {
    pub id: i64,
    /// itinerary, invitation, update or cancellation.
    pub kind: String,
    pub participant_id: Option<i64>,
    pub recipient: Option<String>,
    pub message_id: String,
    pub status: JobStatus,
    pub attempts: i32,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    #[serde(serialize_with = "crate::domain::utc::serialize")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::utc::option::serialize")]
    pub sent_at: Option<NaiveDateTime>,
}

/// Every job of an event, oldest first, optionally only those in one status.
pub fn list(
    conn: &mut Conn,
    event_id: i64,
    status: Option<JobStatus>,
    from: &str,
) -> AppResult<Vec<OutboxJob>> {
    crate::service::events::row(conn, event_id)?;
    let rows: Vec<OutboxJobRow> = with_conn!(conn, |c| {
        let mut query = outbox_jobs::table
            .filter(outbox_jobs::event_id.eq(event_id))
            .order(outbox_jobs::id)
            .select(OutboxJobRow::as_select())
            .into_boxed();
        if let Some(status) = status {
            query = query.filter(outbox_jobs::status.eq(status.as_str()));
        }
        query.load(c)
    })?;
    rows.into_iter()
        .map(|row| {
            let recipient = serde_json::from_str::<Payload>(&row.payload)
                .ok()
                .map(|p| match p {
                    Payload::Itinerary { to, .. }
                    | Payload::Digest { to, .. }
                    | Payload::Meeting { to, .. } => to.email,
                });
            Ok(OutboxJob {
                message_id: mail::message_id_for(&row.dedup_key, from)
                    .unwrap_or_else(|_| row.dedup_key.clone()),
                status: JobStatus::parse(&row.status)?,
                id: row.id,
                kind: row.kind,
                participant_id: row.participant_id,
                recipient,
                attempts: row.attempts,
                next_attempt_at: row.next_attempt_at,
                last_error: row.last_error,
                created_at: row.created_at,
                sent_at: row.sent_at,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::{ItineraryItem, Locale};

    fn settings() -> RenderSettings {
        RenderSettings {
            from: "matchtour <noreply@matchtour.example>".into(),
            public_url: "https://matchtour.example/".into(),
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn meeting_payload(kind: NoticeKind) -> Payload {
        let anna = Recipient {
            name: "Anna".into(),
            email: "anna@example.de".into(),
        };
        let wang = Recipient {
            name: "王".into(),
            email: "wang@example.cn".into(),
        };
        Payload::Meeting {
            to: anna.clone(),
            notice: Box::new(MeetingNoticeView {
                locale: Locale::En,
                kind,
                recipient_name: "Anna".into(),
                event_name: "Tour".into(),
                title: "Meeting with 王".into(),
                when_own: "Thu 25 Mar, 09:00–09:20 CET".into(),
                when_counterpart: None,
                previous_when_own: None,
                counterpart: Some("王".into()),
                organisation: None,
                interpreter: None,
                video_link: None,
                personal_link: "/p/abc".into(),
            }),
            meeting: MeetingSpec {
                uid: "m-1@matchtour".into(),
                sequence: 2,
                dtstamp: at("2021-03-01T10:00:00Z"),
                start: at("2021-03-25T08:00:00Z"),
                end: at("2021-03-25T08:20:00Z"),
                summary: "Meeting with 王".into(),
                local_times: vec![],
                video_link: None,
                attendees: vec![anna, wang],
                interpreter: None,
            },
        }
    }

    #[test]
    fn rendering_a_job_twice_gives_the_same_bytes() {
        let created = at("2021-03-01T10:00:00Z").naive_utc();
        let payload = meeting_payload(NoticeKind::Changed);
        let a = render_job("update-1", created, &payload, &settings()).unwrap();
        let b = render_job("update-1", created, &payload, &settings()).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.message_id, "<update-1@matchtour.example>");
        assert_eq!(a.to, ["anna@example.de"]);
        let text = String::from_utf8(a.bytes).unwrap();
        assert!(text.contains("method=REQUEST"));
        assert!(text.contains("SEQUENCE:2"));
        assert!(text.contains("https://matchtour.example/p/abc"));
    }

    #[test]
    fn a_cancellation_carries_method_cancel() {
        let created = at("2021-03-01T10:00:00Z").naive_utc();
        let mail = render_job(
            "cancel-1",
            created,
            &meeting_payload(NoticeKind::Cancelled),
            &settings(),
        )
        .unwrap();
        let text = String::from_utf8(mail.bytes).unwrap();
        assert!(text.contains("method=CANCEL"));
        assert!(text.contains("STATUS:CANCELLED"));
    }

    #[test]
    fn payload_round_trips_through_json() {
        let payload = Payload::Itinerary {
            to: Recipient {
                name: "Anna".into(),
                email: "anna@example.de".into(),
            },
            view: ItineraryView {
                locale: Locale::De,
                recipient_name: "Anna".into(),
                event_name: "Tour".into(),
                items: vec![ItineraryItem {
                    when_own: "x".into(),
                    when_counterpart: None,
                    title: "t".into(),
                    counterpart: None,
                    organisation: None,
                    interpreter: None,
                    video_link: None,
                }],
                personal_link: "/p/t".into(),
                feed_url: "/feeds/t.ics".into(),
            },
        };
        let json = serde_json::to_string(&payload).unwrap();
        assert_eq!(serde_json::from_str::<Payload>(&json).unwrap(), payload);
        assert_eq!(payload.kind(), "itinerary");
    }

    #[test]
    fn only_web_links_reach_the_calendar() {
        assert_eq!(
            web_link(" https://meet.example/r/1 ").as_deref(),
            Some("https://meet.example/r/1")
        );
        assert_eq!(web_link("tbd"), None);
        assert_eq!(web_link("javascript:alert(1)"), None);
        assert_eq!(web_link("https://a b"), None);
    }

    #[test]
    fn organizer_is_taken_from_the_sender() {
        let p = organizer("matchtour <noreply@matchtour.example>");
        assert_eq!(p.name, "matchtour");
        assert_eq!(p.email, "noreply@matchtour.example");
        assert_eq!(organizer("a@b.c").email, "a@b.c");
    }
}
