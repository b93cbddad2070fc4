//! Building MIME messages: multipart/alternative text + HTML (+ calendar), with the `.ics`
//! attached as Outlook sends it; deterministic bytes for a given [`Letter`].

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use lettre::message::header::{
    ContentTransferEncoding, ContentType, Header, HeaderName, HeaderValue,
};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::{Address, Message};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::MailError;
use crate::calendar::{Ics, Method, Person};

/// The three renderings of one email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Everything a message is made of. Fixing `message_id` and `date` makes the output
/// byte-identical on every render, so a retried send is the same message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// `<local@domain>`; see [`message_id_for`].
    pub message_id: String,
    pub date: DateTime<Utc>,
    /// The sender as configured, e.g. `matchtour <noreply@matchtour.example>`.
    pub from: String,
    /// The real organiser, so that replies reach a person (not the no-reply sender).
    pub reply_to: Option<Person>,
    pub to: Person,
    pub content: Content,
    /// An invitation, update or cancellation; its method goes into the MIME type.
    pub calendar: Option<Ics>,
}

/// A message ready for the wire, as the outbox stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedMail {
    pub message_id: String,
    /// The envelope sender (bare address).
    pub from: String,
    /// The envelope recipients (bare addresses).
    pub to: Vec<String>,
    /// RFC 5322 bytes with CRLF line ends.
    pub bytes: Vec<u8>,
}

/// The file name of the attached calendar object.
const ICS_FILE_NAME: &str = "invite.ics";

/// A Message-ID derived from a stable key (e.g. the outbox job id) and the sender's domain,
/// so that every attempt to deliver the same job carries the same id.
pub fn message_id_for(key: &str, from: &str) -> Result<String, MailError> {
    let from = parse_mailbox(from)?;
    let local: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let local = if local.is_empty() { "mail" } else { &local };
    Ok(format!("<{local}@{}>", from.email.domain()))
}

/// Builds the lettre message. Structure with a calendar object:
///
/// ```text
/// multipart/mixed
/// ├── multipart/alternative
/// │   ├── text/plain; charset=utf-8
/// │   ├── text/html; charset=utf-8
/// │   └── text/calendar; charset=UTF-8; method=REQUEST|CANCEL|PUBLISH
/// └── application/ics; name="invite.ics" (attachment)
/// ```
///
/// Without one, just the multipart/alternative of text and HTML.
pub fn build_message(letter: &Letter) -> Result<Message, MailError> {
    validate_message_id(&letter.message_id)?;
    let mut builder = Message::builder()
        .message_id(Some(letter.message_id.clone()))
        .date(SystemTime::from(letter.date))
        .from(parse_mailbox(&letter.from)?)
        .to(person_mailbox(&letter.to)?)
        .subject(single_line(&letter.content.subject));
    if let Some(reply_to) = &letter.reply_to {
        builder = builder.reply_to(person_mailbox(reply_to)?);
    }

    // Boundaries are derived from the Message-ID instead of lettre's random ones, so the
    // bytes are a function of the letter.
    let digest = hex::encode(Sha256::digest(letter.message_id.as_bytes()));
    let boundary = |kind: &str| format!("mt-{kind}-{}", &digest[..32]);

    let mut alternative = MultiPart::alternative()
        .boundary(boundary("alt"))
        .singlepart(SinglePart::plain(letter.content.text.clone()))
        .singlepart(SinglePart::html(letter.content.html.clone()));
    let message = match &letter.calendar {
        None => builder.multipart(alternative)?,
        Some(ics) => {
            alternative = alternative.singlepart(
                SinglePart::builder()
                    .header(CalendarContentType(ics.method))
                    .body(ics.text.clone()),
            );
            // Outlook attaches the object once more, base64-encoded, as application/ics.
            let attachment_body =
                Body::new_with_encoding(ics.text.clone(), ContentTransferEncoding::Base64)
                    .map_err(|_| MailError::Mime("base64 body for the .ics attachment"))?;
            let attachment = Attachment::new(ICS_FILE_NAME.to_owned()).body(
                attachment_body,
                content_type(&format!("application/ics; name=\"{ICS_FILE_NAME}\""))?,
            );
            builder.multipart(
                MultiPart::mixed()
                    .boundary(boundary("mixed"))
                    .multipart(alternative)
                    .singlepart(attachment),
            )?
        }
    };
    Ok(message)
}

/// Builds and serialises a letter for storage and sending.
pub fn render(letter: &Letter) -> Result<RenderedMail, MailError> {
    let message = build_message(letter)?;
    let envelope = message.envelope();
    Ok(RenderedMail {
        message_id: letter.message_id.clone(),
        from: envelope.from().map(ToString::to_string).unwrap_or_default(),
        to: envelope.to().iter().map(ToString::to_string).collect(),
        bytes: message.formatted(),
    })
}

/// The calendar part's Content-Type as Outlook writes it, `charset=UTF-8` in capitals:
/// lettre's `ContentType` lower-cases the charset, which RFC 2046 allows, but this is the
/// form every client is tested against.
#[derive(Debug, Clone, Copy)]
struct CalendarContentType(Method);

impl Header for CalendarContentType {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Type")
    }

    fn parse(value: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        let method = value
            .rsplit_once("method=")
            .map(|(_, m)| m.trim().trim_matches('"').to_ascii_uppercase());
        match method.as_deref() {
            Some("REQUEST") => Ok(Self(Method::Request)),
            Some("CANCEL") => Ok(Self(Method::Cancel)),
            Some("PUBLISH") => Ok(Self(Method::Publish)),
            _ => Err(format!("not a text/calendar type with a method: {value:?}").into()),
        }
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(
            Self::name(),
            format!("text/calendar; charset=UTF-8; method={}", self.0.as_str()),
        )
    }
}

fn content_type(value: &str) -> Result<ContentType, MailError> {
    ContentType::parse(value).map_err(|_| MailError::Mime("content type"))
}

fn parse_mailbox(value: &str) -> Result<Mailbox, MailError> {
    value
        .parse()
        .map_err(|_| MailError::InvalidMailbox(value.to_owned()))
}

fn person_mailbox(person: &Person) -> Result<Mailbox, MailError> {
    let address: Address = person
        .email
        .trim()
        .parse()
        .map_err(|_| MailError::InvalidMailbox(person.email.clone()))?;
    let name = single_line(&person.name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), address))
}

/// A header value on one line: line breaks and other controls become spaces, so that no
/// input can start a new header.
fn single_line(value: &str) -> String {
    value
        .split(|c: char| c.is_control())
        .filter(|part| !part.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

fn validate_message_id(id: &str) -> Result<(), MailError> {
    let inner = id
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap_or_default();
    let ok = inner
        .split_once('@')
        .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty() && !d.contains('@'))
        && inner
            .chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\'));
    if ok {
        Ok(())
    } else {
        Err(MailError::InvalidMessageId(id.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn letter() -> Letter {
        Letter {
            message_id: "<job-7@matchtour.example>".into(),
            date: Utc.with_ymd_and_hms(2021, 3, 10, 12, 0, 0).unwrap(),
            from: "matchtour <noreply@matchtour.example>".into(),
            reply_to: Some(Person {
                name: "Organiser".into(),
                email: "events@matchtour.example".into(),
            }),
            to: Person {
                name: "张伟".into(),
                email: "zhang.wei@example.cn".into(),
            },
            content: Content {
                subject: "邀请：双边会谈".into(),
                text: "Hallo".into(),
                html: "<p>Hallo</p>".into(),
            },
            calendar: Some(Ics {
                method: Method::Request,
                text: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into(),
            }),
        }
    }

    #[test]
    fn the_calendar_content_type_reads_back() {
        for method in [Method::Request, Method::Cancel, Method::Publish] {
            let mut headers = lettre::message::header::Headers::new();
            headers.set(CalendarContentType(method));
            let parsed = headers.get::<CalendarContentType>().map(|h| h.0);
            assert_eq!(parsed, Some(method));
        }
        assert!(CalendarContentType::parse("text/plain").is_err());
    }

    #[test]
    fn message_id_is_derived_from_key_and_sender_domain() {
        assert_eq!(
            message_id_for("outbox/42 try", "matchtour <noreply@matchtour.example>").unwrap(),
            "<outbox-42-try@matchtour.example>"
        );
        assert!(message_id_for("x", "not a mailbox").is_err());
    }

    #[test]
    fn rendering_is_deterministic_and_keeps_the_message_id() {
        let a = render(&letter()).unwrap();
        let b = render(&letter()).unwrap();
        assert_eq!(a, b);
        let text = String::from_utf8(a.bytes).unwrap();
        assert!(text.contains("Message-ID: <job-7@matchtour.example>\r\n"));
        assert_eq!(a.from, "noreply@matchtour.example");
        assert_eq!(a.to, ["zhang.wei@example.cn"]);
    }

    #[test]
    fn headers_cannot_be_injected_through_names_or_subjects() {
        let mut letter = letter();
        letter.to.name = "Eve\r\nBcc: victim@example.org".into();
        letter.content.subject = "Hi\r\nBcc: victim@example.org".into();
        let text = String::from_utf8(render(&letter).unwrap().bytes).unwrap();
        assert!(!text.contains("\r\nBcc:"), "{text}");
    }

    #[test]
    fn bad_addresses_and_ids_are_typed_errors() {
        let mut bad = letter();
        bad.to.email = "zhang wei@example.cn".into();
        assert!(matches!(render(&bad), Err(MailError::InvalidMailbox(_))));
        let mut bad = letter();
        bad.message_id = "job-7".into();
        assert!(matches!(render(&bad), Err(MailError::InvalidMessageId(_))));
        let mut bad = letter();
        bad.message_id = "<a\r\nBcc: x@y>".into();
        assert!(matches!(render(&bad), Err(MailError::InvalidMessageId(_))));
    }
}
