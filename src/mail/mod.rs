//! Mail transports (SMTP, files, memory) and the itinerary email.
//!
//! The flow the outbox follows: render the content ([`render_itinerary`],
//! [`render_meeting_notice`]), put it in a [`Letter`] with a fixed Message-ID and date,
//! [`render`] it to a [`RenderedMail`] (deterministic bytes that can be stored with the job),
//! then [`Mailer::send`] it, as often as needed; a failure says whether a retry can help
//! ([`SendError::is_transient`]).

mod message;
mod templates;
mod transport;

pub use message::{build_message, message_id_for, render, Content, Letter, RenderedMail};
pub use templates::{
    render_itinerary, render_meeting_notice, ItineraryItem, ItineraryView, MeetingNoticeView,
    NoticeKind,
};
pub use transport::{Mailer, MemoryMailbox, SendError, SendErrorKind};

use serde::{Deserialize, Serialize};

/// The languages participants receive mail in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    De,
    Zh,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Zh => "zh",
        }
    }
}

impl std::str::FromStr for Locale {
    type Err = MailError;

    /// Accepts a language tag ("de", "de-AT", "zh_CN", "EN") by its primary subtag.
    fn from_str(tag: &str) -> Result<Self, Self::Err> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Ok(Locale::En),
            "de" => Ok(Locale::De),
            "zh" => Ok(Locale::Zh),
            _ => Err(MailError::UnknownLocale(tag.to_owned())),
        }
    }
}

/// Errors while building a message or a transport (not while sending: see [`SendError`]).
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid mailbox {0:?}")]
    InvalidMailbox(String),
    #[error("invalid Message-ID {0:?}: expected <local@domain>")]
    InvalidMessageId(String),
    #[error("MIME structure: {0}")]
    Mime(&'static str),
    #[error("unknown locale {0:?} (expected en, de or zh)")]
    UnknownLocale(String),
    #[error("template {name}: {source}")]
    Template {
        name: &'static str,
        #[source]
        source: minijinja::Error,
    },
    #[error("building the message: {0}")]
    Build(#[from] lettre::error::Error),
    #[error("the SMTP transport must be built inside a Tokio runtime")]
    NoRuntime,
    #[error("SMTP transport settings: {0}")]
    Smtp(#[from] lettre::transport::smtp::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_parses_language_tags() {
        assert_eq!("de-AT".parse::<Locale>().unwrap(), Locale::De);
        assert_eq!("zh_CN".parse::<Locale>().unwrap(), Locale::Zh);
        assert_eq!("EN".parse::<Locale>().unwrap(), Locale::En);
        assert!(matches!(
            "fr".parse::<Locale>(),
            Err(MailError::UnknownLocale(tag)) if tag == "fr"
        ));
    }
}
