//! Wall-clock values without a date: a time of day ("09:40") and a daily window
//! ("22:00–02:00"), both written as "HH:MM" in JSON.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use serde::{Deserialize, Serialize};

use super::TzError;

const DAY_MINUTES: u16 = 24 * 60;

/// A wall-clock time of day with minute precision, 00:00–23:59, written "HH:MM".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(u16);

impl LocalTime {
    pub const MIDNIGHT: LocalTime = LocalTime(0);

    /// `None` unless `hour:minute` is 00:00..=23:59.
    pub fn new(hour: u32, minute: u32) -> Option<Self> {
        if hour < 24 && minute < 60 {
            Some(LocalTime((hour * 60 + minute) as u16))
        } else {
            None
        }
    }

    /// Parses "HH:MM" (one-digit hours such as "9:30" are accepted too).
    pub fn parse(input: &str) -> Result<Self, TzError> {
        let err = |reason| TzError::InvalidTime {
            input: input.to_string(),
            reason,
        };
        let (h, m) = input
            .trim()
            .split_once(':')
            .ok_or(err("no ':' between hours and minutes"))?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(h) || h.len() > 2 || !digits(m) || m.len() != 2 {
            return Err(err("hours need 1–2 digits and minutes exactly 2"));
        }
        let (hour, minute): (u32, u32) = (
            h.parse().map_err(|_| err("hours are not a number"))?,
            m.parse().map_err(|_| err("minutes are not a number"))?,
        );
        if minute >= 60 {
            return Err(err("minutes must be below 60"));
        }
        Self::new(hour, minute).ok_or(err("hours must be below 24 (midnight is 00:00)"))
    }

    pub fn from_naive(time: NaiveTime) -> Self {
        LocalTime((time.hour() * 60 + time.minute()) as u16)
    }

    /// The same time as a chrono value (seconds zero).
    pub fn time(self) -> NaiveTime {
        NaiveTime::MIN + Duration::minutes(i64::from(self.0))
    }

    /// Minutes since the start of the date (0..1440).
    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }

    pub fn hour(self) -> u32 {
        self.minutes() / 60
    }

    pub fn minute(self) -> u32 {
        self.minutes() % 60
    }

    /// The wall-clock date and time this is on `date`.
    pub fn on(self, date: NaiveDate) -> NaiveDateTime {
        date.and_time(self.time())
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

impl FromStr for LocalTime {
    type Err = TzError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for LocalTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LocalTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        LocalTime::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A daily wall-clock window `from`–`to`. When `to` is at or before `from` the window
/// crosses midnight and ends on the next date (22:00–02:00); `from` = `to` is a whole 24 h
/// (00:00–00:00 is the whole day). Every pair is valid, so the fields are public.
/// JSON: `{"from": "22:00", "to": "02:00"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LocalWindow {
    pub from: LocalTime,
    pub to: LocalTime,
}

impl LocalWindow {
    pub fn new(from: LocalTime, to: LocalTime) -> Self {
        LocalWindow { from, to }
    }

    /// Parses "HH:MM-HH:MM" (a hyphen or an en dash between the times).
    pub fn parse(input: &str) -> Result<Self, TzError> {
        let (from, to) = input
            .split_once(['-', '–'])
            .ok_or_else(|| TzError::InvalidTime {
                input: input.to_string(),
                reason: "a window needs two times separated by '-'",
            })?;
        Ok(Self::new(LocalTime::parse(from)?, LocalTime::parse(to)?))
    }

    /// The whole day, 00:00–00:00.
    pub fn whole_day() -> Self {
        Self::new(LocalTime::MIDNIGHT, LocalTime::MIDNIGHT)
    }

    /// True when the window ends on the date after it starts.
    pub fn crosses_midnight(self) -> bool {
        self.to <= self.from
    }

    /// Wall-clock length in minutes (what the participant reads on their clock), 1..=1440.
    pub fn minutes(self) -> u32 {
        if self.crosses_midnight() {
            self.to.minutes() + u32::from(DAY_MINUTES) - self.from.minutes()
        } else {
            self.to.minutes() - self.from.minutes()
        }
    }

    /// Wall-clock start and end of the window that starts on `date`.
    pub fn on(self, date: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
        let start = self.from.on(date);
        (start, start + Duration::minutes(i64::from(self.minutes())))
    }
}

impl fmt::Display for LocalWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.from, self.to)
    }
}

impl FromStr for LocalWindow {
    type Err = TzError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lt(s: &str) -> LocalTime {
        LocalTime::parse(s).unwrap()
    }

    #[test]
    fn parses_and_prints_hh_mm() {
        assert_eq!(lt("09:40").minutes(), 9 * 60 + 40);
        assert_eq!(lt("9:05").to_string(), "09:05");
        assert_eq!(lt(" 23:59 ").to_string(), "23:59");
        assert_eq!(
            lt("16:40").time(),
            NaiveTime::from_hms_opt(16, 40, 0).unwrap()
        );
        assert_eq!(LocalTime::from_naive(lt("07:05").time()), lt("07:05"));
    }

    #[test]
    fn bad_times_are_refused_with_a_reason() {
        for (input, reason) in [
            ("0940", "no ':'"),
            ("09:4", "exactly 2"),
            ("009:40", "1–2 digits"),
            ("-1:00", "1–2 digits"),
            ("09:60", "below 60"),
            ("24:00", "below 24"),
            ("25:00", "below 24"),
            ("", "no ':'"),
            ("ab:cd", "1–2 digits"),
        ] {
            let err = LocalTime::parse(input).unwrap_err();
            let text = err.to_string();
            assert!(text.contains(reason), "{input}: {text}");
            assert!(text.contains("expected HH:MM"), "{input}: {text}");
        }
    }

    #[test]
    fn serde_uses_hh_mm_strings() {
        assert_eq!(serde_json::to_string(&lt("08:00")).unwrap(), "\"08:00\"");
        let back: LocalTime = serde_json::from_str("\"16:40\"").unwrap();
        assert_eq!(back, lt("16:40"));
        let err = serde_json::from_str::<LocalTime>("\"16h40\"").unwrap_err();
        assert!(err.to_string().contains("not a time of day"));
    }

    #[test]
    fn window_crossing_midnight_ends_on_the_next_date() {
        let w = LocalWindow::parse("22:00–02:00").unwrap();
        assert!(w.crosses_midnight());
        assert_eq!(w.minutes(), 240);
        let date = NaiveDate::from_ymd_opt(2021, 3, 27).unwrap();
        let (start, end) = w.on(date);
        assert_eq!(start.to_string(), "2021-03-27 22:00:00");
        assert_eq!(end.to_string(), "2021-03-28 02:00:00");
    }

    #[test]
    fn whole_day_and_until_midnight() {
        assert_eq!(LocalWindow::whole_day().minutes(), 1440);
        assert!(LocalWindow::whole_day().crosses_midnight());
        let date = NaiveDate::from_ymd_opt(2021, 3, 27).unwrap();
        let (start, end) = LocalWindow::whole_day().on(date);
        assert_eq!((end - start).num_hours(), 24);
        // 00:00 as an end means midnight; equal ends mean a whole 24 h.
        assert_eq!(LocalWindow::parse("18:00-00:00").unwrap().minutes(), 360);
        assert_eq!(LocalWindow::parse("09:00-09:00").unwrap().minutes(), 1440);
        assert!(LocalWindow::parse("09:00").is_err());
        assert!(LocalWindow::parse("09:00-24:00").is_err());
    }

    #[test]
    fn window_serde_uses_hh_mm_fields() {
        let w: LocalWindow = serde_json::from_str(r#"{"from":"22:00","to":"02:00"}"#).unwrap();
        assert_eq!(w.to_string(), "22:00–02:00");
        assert_eq!(
            serde_json::to_string(&w).unwrap(),
            r#"{"from":"22:00","to":"02:00"}"#
        );
        assert!(serde_json::from_str::<LocalWindow>(r#"{"from":"9h","to":"10:00"}"#).is_err());
    }
}
