//! Local <-> UTC conversion, DST-safe slot grids and formatting in two zones.
//!
//! The one module that talks to chrono-tz. Wall-clock values (a session at 09:00 Berlin,
//! availability 08:00–20:00 Shanghai) are turned into instants *per date*, so a daylight
//! saving switch is applied on the day it happens.
//!
//! Rules for wall-clock times that do not map to exactly one instant:
//! - a time inside a spring-forward gap (02:30 on 28 March 2021 in Berlin) does not exist:
//!   [`local_to_utc`] refuses it with [`TzError::Nonexistent`];
//! - a time repeated by a fall-back (02:30 on 31 October 2021 in Berlin) is ambiguous:
//!   [`local_to_utc`] takes the first occurrence (the earlier instant, still in summer time).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TzError {
    #[error("unknown time zone '{0}': use an IANA name such as Europe/Berlin or Asia/Shanghai")]
    UnknownZone(String),
    #[error(
        "{time} on {date} does not exist in {zone} (the clocks skip it for daylight saving time)"
    )]
    Nonexistent {
        date: NaiveDate,
        time: NaiveTime,
        zone: String,
    },
}

/// A validated IANA time zone name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Zone(Tz);

impl Zone {
    pub fn parse(name: &str) -> Result<Self, TzError> {
        Tz::from_str(name.trim())
            .map(Zone)
            .map_err(|_| TzError::UnknownZone(name.to_string()))
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn tz(&self) -> Tz {
        self.0
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Zone::parse(&name).map_err(serde::de::Error::custom)
    }
}

/// A wall-clock time of day, written "HH:MM" (24-hour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(NaiveTime);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not a time of day: write HH:MM, for example 09:30")]
pub struct LocalTimeError(pub String);

impl LocalTime {
    pub fn parse(text: &str) -> Result<Self, LocalTimeError> {
        NaiveTime::parse_from_str(text.trim(), "%H:%M")
            .map(LocalTime)
            .map_err(|_| LocalTimeError(text.to_string()))
    }

    pub fn time(&self) -> NaiveTime {
        self.0
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
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

/// A daily wall-clock window; `to` at or before `from` means the window crosses midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalWindow {
    pub from: LocalTime,
    pub to: LocalTime,
}

/// The instant at which the wall clock in `zone` shows `time` on `date`.
pub fn local_to_utc(
    date: NaiveDate,
    time: NaiveTime,
    zone: Zone,
) -> Result<DateTime<Utc>, TzError> {
    match zone.0.from_local_datetime(&NaiveDateTime::new(date, time)) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(TzError::Nonexistent {
            date,
            time,
            zone: zone.name().to_string(),
        }),
    }
}

/// The wall-clock date and time in `zone` at `instant`.
pub fn utc_to_local(instant: DateTime<Utc>, zone: Zone) -> NaiveDateTime {
    instant.with_timezone(&zone.0).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn berlin_morning_moves_by_an_hour_in_shanghai_across_the_march_switch() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let shanghai = Zone::parse("Asia/Shanghai").unwrap();
        let before = local_to_utc(d(2021, 3, 26), t(9, 0), berlin).unwrap();
        let after = local_to_utc(d(2021, 3, 29), t(9, 0), berlin).unwrap();
        assert_eq!(utc_to_local(before, shanghai).time(), t(16, 0));
        assert_eq!(utc_to_local(after, shanghai).time(), t(15, 0));
    }

    #[test]
    fn a_time_in_the_spring_gap_is_refused() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let err = local_to_utc(d(2021, 3, 28), t(2, 30), berlin).unwrap_err();
        assert!(matches!(err, TzError::Nonexistent { .. }));
        assert!(err.to_string().contains("does not exist"));
    }

    #[test]
    fn an_ambiguous_autumn_time_takes_the_first_occurrence() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let instant = local_to_utc(d(2021, 10, 31), t(2, 30), berlin).unwrap();
        assert_eq!(instant.to_rfc3339(), "2021-10-31T00:30:00+00:00");
    }

    #[test]
    fn unknown_zones_are_named_in_the_error() {
        let err = Zone::parse("Mars/Olympus").unwrap_err();
        assert_eq!(err, TzError::UnknownZone("Mars/Olympus".into()));
    }
}
