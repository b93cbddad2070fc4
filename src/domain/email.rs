//! E-mail addresses as they may go into a mail header.

use std::fmt;

use super::DomainError;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Accepts `local@domain.tld` with no spaces, control characters or angle brackets, and
    /// stores it lowercased so that uniqueness per event ignores case.
    pub fn parse(value: &str, field: &str) -> Result<Self, DomainError> {
        let text = value.trim();
        let invalid = || DomainError::new(field, format!("'{text}' is not an e-mail address"));
        if text.len() > 254
            || text
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:".contains(c))
        {
            return Err(invalid());
        }
        let (local, domain) = text.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
        {
            return Err(invalid());
        }
        Ok(Email(text.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_addresses_and_lowercases_them() {
        assert_eq!(
            Email::parse(" Li.Na@Example.CN ", "email")
                .unwrap()
                .as_str(),
            "li.na@example.cn"
        );
    }

    #[test]
    fn refuses_header_injection_and_garbage() {
        for bad in [
            "a@b.c\r\nBcc: x@y.z",
            "no-at.example",
            "a@b",
            "a b@c.de",
            "<a@b.de>",
            "a@@b.de",
        ] {
            let err = Email::parse(bad, "email").unwrap_err();
            assert_eq!(err.field, "email");
        }
    }
}
