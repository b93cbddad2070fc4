//! Content lines (RFC 5545 §3.1): `NAME;PARAM=VALUE:value`, TEXT escaping, CRLF ends and
//! folding at 75 octets.
//!
//! Written here rather than through the `icalendar` crate's serializer: its folding can emit
//! 76-octet lines (found by the property test in `tests.rs`), and it passes CR, LF and
//! DQUOTE in parameter values through unchanged. The crate's parser is still used in the
//! tests as a second reader.

use chrono::{DateTime, Utc};

use super::sanitize;

/// The longest physical line, in octets, without the CRLF.
const FOLD_AT: usize = 75;

#[derive(Debug, Default)]
pub(crate) struct Writer {
    out: String,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer {
            out: String::with_capacity(2048),
        }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// A property whose value is already in its wire form (a number, a keyword, a URI that
    /// passed [`sanitize::uri`], a `mailto:` address).
    pub(crate) fn raw(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        let mut line = String::with_capacity(name.len() + value.len() + 32);
        line.push_str(name);
        for (key, val) in params {
            line.push(';');
            line.push_str(key);
            line.push('=');
            push_param_value(&mut line, val);
        }
        line.push(':');
        line.push_str(value);
        fold_into(&mut self.out, &line);
    }

    /// A TEXT property: sanitised, then escaped.
    pub(crate) fn text(&mut self, name: &str, value: &str) {
        self.raw(name, &[], &escape_text(&sanitize::text(value)));
    }

    /// A DATE-TIME in UTC form (`19980119T070000Z`), never with a TZID.
    pub(crate) fn utc(&mut self, name: &str, value: DateTime<Utc>) {
        self.raw(name, &[], &value.format("%Y%m%dT%H%M%SZ").to_string());
    }
}

/// TEXT escaping (RFC 5545 §3.3.11) of an already sanitised value: backslash first, so the
/// backslashes added for the others are not doubled.
pub(crate) fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// A sanitised parameter value, quoted when it holds a character with a meaning in the
/// parameter syntax.
fn push_param_value(line: &mut String, value: &str) {
    let value = sanitize::param(value);
    if value.contains([':', ';', ',']) {
        line.push('"');
        line.push_str(&value);
        line.push('"');
    } else {
        line.push_str(&value);
    }
}

/// Appends `line` folded: a CRLF and one space before the octet that would make a physical
/// line longer than 75 octets, always between two characters, never inside one.
fn fold_into(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let octets = c.len_utf8();
        if width + octets > FOLD_AT {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += octets;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        fold_into(&mut out, line);
        out
    }

    #[test]
    fn short_lines_are_not_folded() {
        assert_eq!(folded("SUMMARY:Hi"), "SUMMARY:Hi\r\n");
        let exact = format!("SUMMARY:{}", "x".repeat(75 - 8));
        assert_eq!(folded(&exact), format!("{exact}\r\n"));
    }

    #[test]
    fn a_fold_never_splits_a_character() {
        // 73 ASCII octets, then a 3-octet character that would end at octet 76.
        let line = format!("{}中文", "x".repeat(73));
        assert_eq!(folded(&line), format!("{}\r\n 中文\r\n", "x".repeat(73)));
    }

    #[test]
    fn text_escaping_handles_backslash_first() {
        assert_eq!(escape_text("a\\n;b,c\nd"), "a\\\\n\\;b\\,c\\nd");
    }

    #[test]
    fn parameter_values_are_quoted_when_needed_and_sanitised() {
        let mut w = Writer::new();
        w.raw(
            "ATTENDEE",
            &[("CN", "Doe, John"), ("X", "plain"), ("Y", "a\"b\r\nc")],
            "mailto:j@example.org",
        );
        assert_eq!(
            w.finish(),
            "ATTENDEE;CN=\"Doe, John\";X=plain;Y=a'b c:mailto:j@example.org\r\n"
        );
    }

    proptest! {
        #[test]
        fn folding_is_undone_exactly_and_respects_the_limit(line in "\\PC{0,300}") {
            let out = folded(&line);
            prop_assert!(out.ends_with("\r\n"));
            for physical in out[..out.len() - 2].split("\r\n") {
                prop_assert!(physical.len() <= FOLD_AT);
            }
            prop_assert_eq!(out[..out.len() - 2].replace("\r\n ", ""), line);
        }
    }
}
