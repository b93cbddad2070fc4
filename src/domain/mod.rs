//! The event model as validated values: kinds and statuses, e-mail addresses, availability.
//!
//! "Parse, don't validate": input DTOs become these types or a [`DomainError`] naming the field.

mod availability;
mod email;
pub mod utc;

pub use availability::Availability;
pub use email::Email;

/// A user's mistake in a value, with the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct DomainError {
    pub field: String,
    pub message: String,
}

impl DomainError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        DomainError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Declares an enum stored and serialised as a lowercase word.
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        // Written by hand: the derive does not see renames passed through a macro.
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(&self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            /// Parses the stored word; `field` names the input in the error.
            pub fn parse(text: &str, field: &str) -> Result<Self, DomainError> {
                match text.trim() {
                    $($text => Ok($name::$variant),)+
                    other => Err(DomainError::new(
                        field,
                        format!(
                            "'{}' is not one of: {}",
                            other,
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What kind of event an organiser runs.
    EventKind {
        MatchmakingTour => "matchmaking_tour",
        CollaborationWeek => "collaboration_week",
        OnlineEvent => "online_event",
        Forum => "forum",
    }
);

text_enum!(
    /// Where an event is in its life.
    EventStatus {
        Draft => "draft",
        OpenForRequests => "open_for_requests",
        Scheduled => "scheduled",
        Published => "published",
    }
);

text_enum!(
    /// The kinds of programme session.
    SessionKind {
        Plenary => "plenary",
        Presentation => "presentation",
        Showcase => "showcase",
        CompanyVisit => "company_visit",
        Roundtable => "roundtable",
        InvestorMeeting => "investor_meeting",
        Break => "break",
    }
);

text_enum!(
    /// Who attends a session.
    Audience {
        Everyone => "everyone",
        Named => "named",
    }
);

text_enum!(
    /// Organisation kinds.
    OrganisationKind {
        University => "university",
        Institute => "institute",
        Company => "company",
        Startup => "startup",
        Investor => "investor",
        Government => "government",
        Association => "association",
        Other => "other",
    }
);

text_enum!(
    /// Named groups whose members attend their meetings together.
    GroupKind {
        Tandem => "tandem",
        Delegation => "delegation",
    }
);

text_enum!(
    /// The party on either end of a meeting request.
    PartyKind {
        Participant => "participant",
        Group => "group",
        Organisation => "organisation",
    }
);

text_enum!(
    /// A meeting request's life.
    RequestStatus {
        Requested => "requested",
        Accepted => "accepted",
        Declined => "declined",
        Cancelled => "cancelled",
        Expired => "expired",
    }
);

text_enum!(
    /// Who placed a booking.
    BookingSource {
        Solver => "solver",
        Organiser => "organiser",
        SelfBooked => "self",
    }
);

text_enum!(
    /// A schedule version is a draft until the organiser publishes it.
    VersionStatus {
        Draft => "draft",
        Published => "published",
        Superseded => "superseded",
    }
);

/// Languages of the emails and pages: the tz module's, which formats times in them.
pub use crate::tz::Locale;

impl Locale {
    pub fn as_str(&self) -> &'static str {
        self.code()
    }

    /// Parses "en", "de" or "zh" (a region suffix such as "zh-CN" is accepted).
    pub fn parse(text: &str, field: &str) -> Result<Self, DomainError> {
        text.parse()
            .map_err(|_| DomainError::new(field, format!("'{text}' is not one of: en, de, zh")))
    }
}

/// A non-empty trimmed text of at most `max` characters.
pub fn required_text(value: &str, field: &str, max: usize) -> Result<String, DomainError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::new(field, "must not be empty"));
    }
    optional_text(trimmed, field, max)
}

/// A trimmed text of at most `max` characters, with no control characters but tab and newline.
pub fn optional_text(value: &str, field: &str, max: usize) -> Result<String, DomainError> {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        return Err(DomainError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(DomainError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_string())
}

/// A single-line name (no line breaks: names end up in mail headers and calendar files).
pub fn single_line(value: &str, field: &str, max: usize) -> Result<String, DomainError> {
    let text = required_text(value, field, max)?;
    if text.contains(['\n', '\r']) {
        return Err(DomainError::new(field, "must be a single line"));
    }
    Ok(text)
}

/// Language codes: lowercase ISO 639-1 such as "de", "zh", "en".
pub fn languages(values: &[String], field: &str) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::with_capacity(values.len());
    for value in values {
        let code = value.trim().to_ascii_lowercase();
        if code.len() < 2 || code.len() > 3 || !code.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(DomainError::new(
                field,
                format!("'{value}' is not a language code: use two letters such as de, en, zh"),
            ));
        }
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_enums_round_trip_and_name_the_field() {
        for kind in SessionKind::ALL {
            assert_eq!(SessionKind::parse(kind.as_str(), "kind").unwrap(), *kind);
        }
        let err = EventKind::parse("party", "kind").unwrap_err();
        assert_eq!(err.field, "kind");
        assert!(err.message.contains("matchmaking_tour"));
    }

    #[test]
    fn names_must_be_single_lines() {
        assert!(single_line("Dr. Wang\r\nBcc: x@y", "name", 100).is_err());
        assert_eq!(single_line("  王伟 ", "name", 100).unwrap(), "王伟");
        assert!(required_text("   ", "name", 10).is_err());
    }

    #[test]
    fn languages_are_normalised() {
        let langs = languages(&["DE".into(), "zh".into(), "de".into()], "languages").unwrap();
        assert_eq!(langs, vec!["de", "zh"]);
        assert!(languages(&["german".into()], "languages").is_err());
    }
}
