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
//!
//! Strict vs lenient:
//! - Things people enter explicitly (sessions, slot grids: [`slot_grid`]) use the strict
//!   [`local_to_utc`]: a time that does not exist is an error the organiser must fix.
//! - Availability and comfort windows ([`window_to_utc`], [`availability_to_utc`],
//!   [`golden_hours`]) use [`local_to_utc_lenient`]: a boundary inside a spring-forward gap
//!   moves to the instant the clock jumps, i.e. to the first wall-clock time after the gap
//!   (availability from 02:30 on the gap night starts at 03:00 local). Ambiguous boundaries
//!   take the first occurrence, as above. A window lying wholly inside a gap is empty and
//!   dropped.
//!
//! Slot grids ([`slot_grid`]) are laid on the local wall clock: slot *k* runs from
//! `from + k·len` to `from + (k+1)·len` local time, only whole slots that end by `to` are
//! made, and a slot boundary that does not exist is an error. Consequently slots are
//! consecutive (each ends where the next starts, in UTC too) and a slot's UTC length equals
//! its local length except when a DST transition falls inside it, where it differs by the
//! size of the jump (one hour in Europe).
//!
//! A [`LocalWindow`] whose end is at or before its start crosses midnight and ends on the
//! next date (22:00–02:00); equal ends make a whole 24 h (00:00–00:00 is the whole day).
//! A slot grid's end of 00:00 is midnight at the end of its date.

mod availability;
mod format;
mod golden;
mod grid;
mod local;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use availability::{availability_to_utc, daily_to_utc, window_to_utc, UtcInterval};
pub use format::{
    format_date, format_dual, format_instant, format_range, format_range_dual, zone_label, Locale,
};
pub use golden::{
    golden_hours, GoldenDay, GoldenHoursInput, GoldenParticipant, GoldenWindow, SideCount,
};
pub use grid::slot_grid;
pub use local::{LocalTime, LocalWindow};

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
    #[error("'{input}' is not a time of day: {reason} (expected HH:MM, e.g. 09:30)")]
    InvalidTime { input: String, reason: &'static str },
    #[error("a length of {0} minutes is not allowed: it must be between 1 and 1440")]
    InvalidMinutes(i64),
    #[error("the grid end {to} is not after its start {from}")]
    EndNotAfterStart { from: LocalTime, to: LocalTime },
    #[error("no whole {slot_minutes}-minute slot fits between {from} and {to}")]
    NoSlotFits {
        from: LocalTime,
        to: LocalTime,
        slot_minutes: i64,
    },
    #[error("the share {0} is not allowed: it must be between 0 and 1")]
    InvalidShare(String),
    #[error("unknown language '{0}': use en, de or zh")]
    UnknownLocale(String),
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

/// Like [`local_to_utc`], but a wall-clock time inside a spring-forward gap maps to the
/// instant the clock jumps (so 02:30 on the Berlin gap night gives 03:00 CEST). Never fails;
/// meant for window boundaries (availability, comfort hours), not for sessions.
pub fn local_to_utc_lenient(local: NaiveDateTime, zone: Zone) -> DateTime<Utc> {
    match zone.0.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => gap_end(local, zone),
    }
}

/// The transition instant of the gap that skips `local`: the first instant whose wall-clock
/// time is past `local`. Every UTC offset is far below 26 h, so at `local - 26 h` (read as
/// UTC) the wall clock is before `local` and at `local + 26 h` after it; bisecting on whole
/// seconds finds the jump in between (transitions fall on whole seconds).
fn gap_end(local: NaiveDateTime, zone: Zone) -> DateTime<Utc> {
    let margin = Duration::hours(26).num_seconds();
    let guess = local.and_utc().timestamp();
    let (mut before, mut after) = (guess - margin, guess + margin);
    let wall = |secs: i64| {
        DateTime::from_timestamp(secs, 0).map(|t| t.with_timezone(&zone.0).naive_local())
    };
    // Invariant: wall(before) < local <= wall(after).
    while after - before > 1 {
        let mid = before + (after - before) / 2;
        match wall(mid) {
            Some(w) if w < local => before = mid,
            _ => after = mid,
        }
    }
    DateTime::from_timestamp(after, 0).unwrap_or_else(|| local.and_utc())
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

    #[test]
    fn lenient_moves_a_gap_time_to_the_instant_the_clock_jumps() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        let instant = local_to_utc_lenient(d(2021, 3, 28).and_time(t(2, 30)), berlin);
        assert_eq!(instant.to_rfc3339(), "2021-03-28T01:00:00+00:00");
        assert_eq!(utc_to_local(instant, berlin).time(), t(3, 0));
        // Just before the gap still exists and is not moved.
        let before = local_to_utc_lenient(d(2021, 3, 28).and_time(t(1, 59)), berlin);
        assert_eq!(before.to_rfc3339(), "2021-03-28T00:59:00+00:00");
    }

    #[test]
    fn lenient_handles_a_whole_skipped_day() {
        // Samoa skipped 30 December 2011 when it moved across the date line.
        let apia = Zone::parse("Pacific/Apia").unwrap();
        let instant = local_to_utc_lenient(d(2011, 12, 30).and_time(t(12, 0)), apia);
        assert_eq!(
            utc_to_local(instant, apia),
            d(2011, 12, 31).and_time(t(0, 0))
        );
    }

    #[test]
    fn lenient_agrees_with_strict_where_the_time_exists() {
        let london = Zone::parse("Europe/London").unwrap();
        for (date, time) in [(d(2021, 3, 28), t(0, 30)), (d(2021, 10, 31), t(1, 30))] {
            assert_eq!(
                local_to_utc_lenient(date.and_time(time), london),
                local_to_utc(date, time, london).unwrap()
            );
        }
    }
}
