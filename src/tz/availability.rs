//! Availability entered in a participant's own wall-clock time, turned into UTC intervals
//! date by date (so each date gets its own DST offset), with the lenient gap rule of the
//! module header. Which windows apply on which date (daily, per-day overrides) is the
//! caller's `domain::Availability`; this module only converts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{local_to_utc_lenient, LocalWindow, Zone};

/// A half-open UTC interval `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UtcInterval {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl UtcInterval {
    pub fn contains(&self, other: &UtcInterval) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// The UTC interval of `window` starting on `date` in `zone`; `None` when the window lies
/// wholly inside a spring-forward gap.
pub fn window_to_utc(date: NaiveDate, window: LocalWindow, zone: Zone) -> Option<UtcInterval> {
    let (from, to) = window.on(date);
    let interval = UtcInterval {
        start: local_to_utc_lenient(from, zone),
        end: local_to_utc_lenient(to, zone),
    };
    (interval.start < interval.end).then_some(interval)
}

/// Availability as sorted, disjoint UTC intervals, from the windows that apply on each
/// programme date (in the participant's zone). Windows that overlap or touch (00:00–00:00
/// on consecutive dates) are merged. With `domain::Availability`:
/// `availability_to_utc(dates.iter().map(|&d| (d, a.windows_on(d))), zone)`.
pub fn availability_to_utc<'a>(
    days: impl IntoIterator<Item = (NaiveDate, &'a [LocalWindow])>,
    zone: Zone,
) -> Vec<UtcInterval> {
    let mut intervals: Vec<UtcInterval> = days
        .into_iter()
        .flat_map(|(date, windows)| {
            windows
                .iter()
                .filter_map(move |&w| window_to_utc(date, w, zone))
        })
        .collect();
    merge(&mut intervals);
    intervals
}

/// The same `window` on every one of `dates`, as sorted, disjoint UTC intervals.
pub fn daily_to_utc(dates: &[NaiveDate], window: LocalWindow, zone: Zone) -> Vec<UtcInterval> {
    availability_to_utc(
        dates.iter().map(|&d| (d, std::slice::from_ref(&window))),
        zone,
    )
}

/// Sorts and merges overlapping or touching intervals in place.
pub(super) fn merge(intervals: &mut Vec<UtcInterval>) {
    intervals.sort();
    let mut merged: Vec<UtcInterval> = Vec::with_capacity(intervals.len());
    for next in intervals.drain(..) {
        match merged.last_mut() {
            Some(last) if next.start <= last.end => last.end = last.end.max(next.end),
            _ => merged.push(next),
        }
    }
    *intervals = merged;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn w(s: &str) -> LocalWindow {
        LocalWindow::parse(s).unwrap()
    }
    fn rfc(i: &UtcInterval) -> (String, String) {
        (i.start.to_rfc3339(), i.end.to_rfc3339())
    }

    #[test]
    fn daily_shanghai_window_is_the_same_utc_every_day() {
        let dates = [d(2021, 3, 26), d(2021, 3, 29)];
        let got = daily_to_utc(&dates, w("08:00-20:00"), zone("Asia/Shanghai"));
        let got: Vec<_> = got.iter().map(rfc).collect();
        assert_eq!(
            got,
            [
                (
                    "2021-03-26T00:00:00+00:00".into(),
                    "2021-03-26T12:00:00+00:00".into()
                ),
                (
                    "2021-03-29T00:00:00+00:00".into(),
                    "2021-03-29T12:00:00+00:00".into()
                ),
            ]
        );
    }

    #[test]
    fn daily_berlin_window_moves_an_hour_earlier_in_utc_after_the_switch() {
        let dates = [d(2021, 3, 26), d(2021, 3, 29)];
        let got = daily_to_utc(&dates, w("09:00-12:00"), zone("Europe/Berlin"));
        assert_eq!(rfc(&got[0]).0, "2021-03-26T08:00:00+00:00");
        assert_eq!(rfc(&got[1]).0, "2021-03-29T07:00:00+00:00");
    }

    #[test]
    fn a_window_across_the_gap_night_is_an_hour_shorter() {
        let got = window_to_utc(d(2021, 3, 27), w("22:00-06:00"), zone("Europe/Berlin")).unwrap();
        assert_eq!(
            rfc(&got),
            (
                "2021-03-27T21:00:00+00:00".into(),
                "2021-03-28T04:00:00+00:00".into()
            )
        );
    }

    #[test]
    fn a_window_across_the_fall_back_night_is_an_hour_longer() {
        let got = window_to_utc(d(2021, 10, 30), w("22:00-06:00"), zone("Europe/Berlin")).unwrap();
        assert_eq!(
            rfc(&got),
            (
                "2021-10-30T20:00:00+00:00".into(),
                "2021-10-31T05:00:00+00:00".into()
            )
        );
    }

    #[test]
    fn a_start_in_the_gap_moves_to_three_o_clock() {
        let berlin = zone("Europe/Berlin");
        let got = window_to_utc(d(2021, 3, 28), w("02:30-09:00"), berlin).unwrap();
        assert_eq!(
            super::super::utc_to_local(got.start, berlin).to_string(),
            "2021-03-28 03:00:00"
        );
        assert_eq!(rfc(&got).1, "2021-03-28T07:00:00+00:00");
    }

    #[test]
    fn a_window_wholly_in_the_gap_is_empty() {
        assert_eq!(
            window_to_utc(d(2021, 3, 28), w("02:00-02:45"), zone("Europe/Berlin")),
            None
        );
    }

    #[test]
    fn per_day_windows_are_merged() {
        let days = [
            (d(2021, 3, 25), vec![w("00:00-00:00")]),
            (d(2021, 3, 26), vec![w("00:00-10:00"), w("09:00-12:00")]),
            (d(2021, 3, 29), vec![]),
        ];
        let got = availability_to_utc(days.iter().map(|(d, ws)| (*d, ws.as_slice())), zone("UTC"));
        let got: Vec<_> = got.iter().map(rfc).collect();
        assert_eq!(
            got,
            [(
                "2021-03-25T00:00:00+00:00".into(),
                "2021-03-26T12:00:00+00:00".into()
            )]
        );
    }
}
