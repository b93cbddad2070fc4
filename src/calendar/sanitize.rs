//! Caller input made safe for a content line: every value goes through one of these
//! functions before the writer sees it, so that no name, text or link can end a line
//! (a display name such as `"Eve\r\nATTENDEE:mailto:x@evil"` must not inject a property).

use super::CalendarError;

/// A TEXT value (RFC 5545 §3.3.11), before escaping: line breaks of any style become LF
/// (written as `\n`); other control characters, which TEXT does not allow, are dropped.
pub(crate) fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                // CRLF and a lone CR are both one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (RFC 5545 §3.2): no control characters and no DQUOTE are allowed, even
/// quoted, so line breaks and tabs become spaces and `"` becomes `'`. The writer adds the
/// surrounding quotes when the value holds `:`, `;` or `,`.
pub(crate) fn param(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut last_space = false;
    for c in input.chars() {
        let mapped = match c {
            '"' => '\'',
            c if c.is_control() || c.is_whitespace() => ' ',
            c => c,
        };
        // Collapse runs of spaces, so "A\r\nB" reads "A B" rather than "A  B".
        if mapped == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(mapped);
    }
    out.trim().to_owned()
}

/// A URI value (the video link): it is written unescaped, so it must not contain anything
/// that could end the line or be read as a separator by a lenient client.
pub(crate) fn uri(input: &str) -> Result<String, CalendarError> {
    let trimmed = input.trim();
    let lower = trimmed.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let chars_ok = trimmed
        .chars()
        .all(|c| !c.is_control() && !c.is_whitespace() && c != '"');
    if rest.is_some_and(|host| !host.is_empty()) && chars_ok {
        Ok(trimmed.to_owned())
    } else {
        Err(CalendarError::InvalidUrl(input.to_owned()))
    }
}

/// A `mailto:` CAL-ADDRESS. The address is validated by lettre's parser (the same rule the
/// mail module applies), which rejects whitespace and control characters.
pub(crate) fn mailto(email: &str) -> Result<String, CalendarError> {
    let address: lettre::Address = email
        .trim()
        .parse()
        .map_err(|_| CalendarError::InvalidEmail(email.to_owned()))?;
    Ok(format!("mailto:{address}"))
}

/// A UID: written as TEXT, but clients compare it byte for byte, so reject rather than
/// silently alter anything unusual.
pub(crate) fn uid(input: &str) -> Result<String, CalendarError> {
    let ok = !input.is_empty()
        && input.len() <= 255
        && input.chars().all(|c| !c.is_control() && !c.is_whitespace());
    if ok {
        Ok(input.to_owned())
    } else {
        Err(CalendarError::InvalidUid(input.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_normalises_every_line_break_style_and_drops_controls() {
        assert_eq!(text("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(text("tab\there\u{7}bell\u{0}"), "tab\therebell");
        assert_eq!(text("张伟, Müller; 🎉"), "张伟, Müller; 🎉");
    }

    #[test]
    fn param_cannot_carry_line_breaks_or_quotes() {
        assert_eq!(
            param("Eve\r\nATTENDEE:mailto:x@evil"),
            "Eve ATTENDEE:mailto:x@evil"
        );
        assert_eq!(param("Dr. \"Doc\" Li\t"), "Dr. 'Doc' Li");
        assert_eq!(param("  王  芳 "), "王 芳");
    }

    #[test]
    fn uri_accepts_web_links_only() {
        assert_eq!(
            uri(" https://meet.example/r/42?x=1 ").as_deref(),
            Ok("https://meet.example/r/42?x=1")
        );
        assert!(uri("https://meet.example/\r\nX:1").is_err());
        assert!(uri("javascript:alert(1)").is_err());
        assert!(uri("https://").is_err());
    }

    #[test]
    fn mailto_validates_the_address() {
        assert_eq!(
            mailto("li.wei@example.cn").as_deref(),
            Ok("mailto:li.wei@example.cn")
        );
        assert!(mailto("a@b\r\nX:y").is_err());
        assert!(mailto("not an address").is_err());
    }

    #[test]
    fn uid_rejects_empty_and_control_characters() {
        assert!(uid("meeting-42@matchtour").is_ok());
        assert!(uid("").is_err());
        assert!(uid("a\nb").is_err());
        assert!(uid(&"x".repeat(256)).is_err());
    }
}
