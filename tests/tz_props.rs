//! Property tests of the time-zone rules against an independent oracle: the EU/UK rule
//! that clocks change at 01:00 UTC on the last Sundays of March and October, and China
//! and Hong Kong keep one offset all year (true for 2021–2030).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use matchtour::tz::{
    format_dual, local_to_utc, local_to_utc_lenient, slot_grid, utc_to_local, window_to_utc,
    zone_label, LocalTime, LocalWindow, Locale, TzError, Zone,
};
use proptest::prelude::*;

const ZONES: [&str; 4] = [
    "Europe/Berlin",
    "Asia/Shanghai",
    "Europe/London",
    "Asia/Hong_Kong",
];

fn zone(name: &str) -> Zone {
    Zone::parse(name).unwrap()
}

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - Duration::days(1);
    while d.weekday() != Weekday::Sun {
        d -= Duration::days(1);
    }
    d
}

/// The local hour that is skipped in spring and repeated in autumn (01:00 UTC), if any.
fn switch_hour(zone: &str) -> Option<u32> {
    match zone {
        "Europe/Berlin" => Some(2),
        "Europe/London" => Some(1),
        _ => None,
    }
}

#[derive(Debug, PartialEq)]
enum Kind {
    Single,
    Gap,
    Repeated,
}

fn oracle(zone: &str, local: NaiveDateTime) -> Kind {
    let Some(hour) = switch_hour(zone) else {
        return Kind::Single;
    };
    let (date, year) = (local.date(), local.year());
    if local.hour() != hour {
        Kind::Single
    } else if date == last_sunday(year, 3) {
        Kind::Gap
    } else if date == last_sunday(year, 10) {
        Kind::Repeated
    } else {
        Kind::Single
    }
}

/// UTC offset at an instant, in minutes.
fn offset_minutes(instant: chrono::DateTime<chrono::Utc>, z: Zone) -> i64 {
    (utc_to_local(instant, z) - instant.naive_utc()).num_minutes()
}

/// Checks one local time against the oracle; returns its kind.
fn check_round_trip(name: &str, local: NaiveDateTime) -> Kind {
    let z = zone(name);
    let kind = oracle(name, local);
    match (local_to_utc(local.date(), local.time(), z), &kind) {
        (Ok(t), Kind::Single) => assert_eq!(utc_to_local(t, z), local, "{name} {local}"),
        (Ok(t), Kind::Repeated) => {
            assert_eq!(utc_to_local(t, z), local, "{name} {local}");
            // First occurrence: the same wall time comes again an hour later, not before.
            assert_eq!(
                utc_to_local(t + Duration::hours(1), z),
                local,
                "{name} {local}"
            );
            assert_ne!(
                utc_to_local(t - Duration::hours(1), z),
                local,
                "{name} {local}"
            );
        }
        (Err(TzError::Nonexistent { date, time, .. }), Kind::Gap) => {
            assert_eq!((date, time), (local.date(), local.time()));
            // Lenient: the instant the clock jumps, whose wall time is the end of the gap.
            let t = local_to_utc_lenient(local, z);
            assert_eq!(
                t.time(),
                NaiveTime::from_hms_opt(1, 0, 0).unwrap(),
                "{name} {local}"
            );
            let hour = switch_hour(name).unwrap();
            assert_eq!(
                utc_to_local(t, z),
                local.date().and_hms_opt(hour + 1, 0, 0).unwrap()
            );
            assert!(utc_to_local(t - Duration::seconds(1), z) < local);
        }
        (got, kind) => panic!("{name} {local}: {got:?} but the oracle says {kind:?}"),
    }
    kind
}

#[test]
fn every_quarter_hour_2021_to_2030_round_trips_in_the_four_zones() {
    let first = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2030, 12, 31).unwrap();
    for name in ZONES {
        let (mut gaps, mut repeated) = (0, 0);
        for date in first.iter_days().take_while(|d| *d <= last) {
            for quarter in 0..96 {
                let local = date.and_time(NaiveTime::MIN) + Duration::minutes(quarter * 15);
                match check_round_trip(name, local) {
                    Kind::Gap => gaps += 1,
                    Kind::Repeated => repeated += 1,
                    Kind::Single => {}
                }
            }
        }
        // Ten springs and ten autumns of four quarter-hours each, or none.
        let expected = if switch_hour(name).is_some() { 40 } else { 0 };
        assert_eq!((gaps, repeated), (expected, expected), "{name}");
    }
}

fn any_date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap();
    (0i64..3652).prop_map(move |k| first + Duration::days(k))
}

/// Dates near a European switch (the interesting ones) or anywhere.
fn date_near_switch() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        (2021i32..=2030, prop::bool::ANY, -2i64..=2).prop_map(|(y, spring, k)| {
            last_sunday(y, if spring { 3 } else { 10 }) + Duration::days(k)
        }),
        any_date(),
    ]
}

fn any_zone() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&ZONES[..])
}

/// A window wholly inside the skipped hour (02:00-03:00 in Berlin on 28 March 2021) has
/// no time at all (the one case the property below must leave aside).
#[test]
fn a_window_wholly_in_the_skipped_hour_has_no_time() {
    let window = LocalWindow::new(LocalTime::new(2, 0).unwrap(), LocalTime::new(3, 0).unwrap());
    let date = last_sunday(2021, 3);
    assert!(window_to_utc(date, window, zone("Europe/Berlin")).is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_minute_round_trips(name in any_zone(), date in date_near_switch(), minute in 0i64..1440) {
        check_round_trip(name, date.and_time(NaiveTime::MIN) + Duration::minutes(minute));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Grids are laid on the wall clock: consecutive, starting at the grid's local times,
    /// each UTC length equal to the slot length unless the offset changes within the slot
    /// (then by exactly one hour); a boundary in a gap is refused and nothing else is.
    #[test]
    fn slot_grids_across_the_switches(
        name in any_zone(),
        date in date_near_switch(),
        start_quarter in 0u32..96,
        len in prop::sample::select(&[5i64, 10, 15, 20, 30, 45, 60, 90][..]),
        count in 1i64..12,
    ) {
        // Fit the grid into the day: at most 11 × 90 minutes, so some start always fits.
        let latest_quarter = ((1440 - count * len) / 15) as u32;
        let start_quarter = start_quarter % (latest_quarter + 1);
        let from = LocalTime::new(start_quarter / 4, start_quarter % 4 * 15).unwrap();
        let end = i64::from(from.minutes()) + count * len;
        // An end at midnight is written 00:00.
        let to = LocalTime::new((end / 60 % 24) as u32, (end % 60) as u32).unwrap();
        let z = zone(name);
        let boundaries: Vec<NaiveDateTime> =
            (0..=count).map(|k| from.on(date) + Duration::minutes(k * len)).collect();
        let gap = boundaries.iter().find(|b| oracle(name, **b) == Kind::Gap);
        match (slot_grid(date, from, to, len, z), gap) {
            (Err(TzError::Nonexistent { date, time, .. }), Some(first_gap)) => {
                prop_assert_eq!(date.and_time(time), *first_gap);
            }
            (Ok(slots), None) => {
                prop_assert_eq!(slots.len() as i64, count);
                for (k, slot) in slots.iter().enumerate() {
                    prop_assert_eq!(utc_to_local(slot.start, z), boundaries[k]);
                    prop_assert_eq!(utc_to_local(slot.end, z), boundaries[k + 1]);
                    let utc_len = (slot.end - slot.start).num_minutes();
                    let shift = offset_minutes(slot.end, z) - offset_minutes(slot.start, z);
                    prop_assert_eq!(utc_len, len - shift);
                    prop_assert!(shift == 0 || shift.abs() == 60);
                }
                prop_assert!(slots.windows(2).all(|p| p[0].end == p[1].start));
            }
            (got, gap) => prop_assert!(false, "{:?} with gap boundary {:?}", got, gap),
        }
    }

    /// A window crossing midnight lasts its wall-clock length in UTC, except when the
    /// night holds a switch: an hour less in spring, an hour more in autumn.
    #[test]
    fn availability_across_midnight(
        name in any_zone(),
        date in date_near_switch(),
        from_quarter in 48u32..96,
        to_quarter in 0u32..48,
    ) {
        let from = LocalTime::new(from_quarter / 4, from_quarter % 4 * 15).unwrap();
        let to = LocalTime::new(to_quarter / 4, to_quarter % 4 * 15).unwrap();
        let window = LocalWindow::new(from, to);
        let z = zone(name);
        let (start, end) = window.on(date);
        // Boundaries inside the switch hour follow the lenient rule, tested elsewhere.
        prop_assume!(oracle(name, start) == Kind::Single && oracle(name, end) == Kind::Single);
        let interval = window_to_utc(date, window, z).unwrap();
        let utc_len = (interval.end - interval.start).num_minutes();
        let night = date + Duration::days(1);
        let switch_inside = switch_hour(name).is_some_and(|h| end.hour() > h);
        let expected_shift = if switch_inside && night == last_sunday(night.year(), 3) {
            -60
        } else if switch_inside && night == last_sunday(night.year(), 10) {
            60
        } else {
            0
        };
        prop_assert_eq!(utc_len, i64::from(window.minutes()) + expected_shift);
        prop_assert_eq!(utc_to_local(interval.start, z), start);
        prop_assert_eq!(utc_to_local(interval.end, z), end);
    }

    /// A window boundary in the gap moves to the jump; in the repeated hour it takes the
    /// first occurrence.
    #[test]
    fn availability_boundaries_in_the_switch_hour(
        name in prop::sample::select(&["Europe/Berlin", "Europe/London"][..]),
        year in 2021i32..=2030,
        spring in prop::bool::ANY,
        minute in 0u32..60,
        length in 60u32..600,
    ) {
        let z = zone(name);
        let hour = switch_hour(name).unwrap();
        let date = last_sunday(year, if spring { 3 } else { 10 });
        let from = LocalTime::new(hour, minute).unwrap();
        let end = from.minutes() + length;
        let to = LocalTime::new(end / 60, end % 60).unwrap();
        let Some(interval) = window_to_utc(date, LocalWindow::new(from, to), z) else {
            // only a window wholly inside the skipped hour has no time at all
            prop_assert!(spring && end == (hour + 1) * 60);
            return Ok(());
        };
        let jump = date.and_hms_opt(1, 0, 0).unwrap().and_utc();
        if spring {
            prop_assert_eq!(interval.start, jump);
            prop_assert_eq!(utc_to_local(interval.start, z).hour(), hour + 1);
        } else {
            // Still summer time: an hour before the same wall time in winter time.
            prop_assert!(interval.start < jump);
            prop_assert_eq!(utc_to_local(interval.start, z), from.on(date));
        }
        prop_assert_eq!(utc_to_local(interval.end, z), to.on(date));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Labels and day marks follow the EU rule, checked from the oracle's offsets.
    #[test]
    fn labels_and_day_marks(minutes in 0i64..(3652 * 24 * 60)) {
        let start = NaiveDate::from_ymd_opt(2021, 1, 1).unwrap().and_time(NaiveTime::MIN);
        let instant = (start + Duration::minutes(minutes)).and_utc();
        let year = instant.year();
        let switch = |month| last_sunday(year, month).and_hms_opt(1, 0, 0).unwrap().and_utc();
        let summer = switch(3) <= instant && instant < switch(10);
        let (berlin, london, shanghai) =
            (zone("Europe/Berlin"), zone("Europe/London"), zone("Asia/Shanghai"));
        let pick = |s: &'static str, w: &'static str| if summer { s } else { w };
        prop_assert_eq!(zone_label(berlin, instant, Locale::En), pick("CEST", "CET"));
        prop_assert_eq!(zone_label(berlin, instant, Locale::De), pick("MESZ", "MEZ"));
        prop_assert_eq!(zone_label(london, instant, Locale::En), pick("BST", "GMT"));
        prop_assert_eq!(zone_label(shanghai, instant, Locale::Zh), "北京时间");

        let berlin_date = (instant.naive_utc() + Duration::hours(if summer { 2 } else { 1 })).date();
        let beijing_date = (instant.naive_utc() + Duration::hours(8)).date();
        let text = format_dual(instant, berlin, shanghai, Locale::En);
        prop_assert_eq!(text.ends_with(" (+1 day)"), beijing_date > berlin_date, "{}", text);
        let text = format_dual(instant, shanghai, berlin, Locale::De);
        prop_assert_eq!(text.ends_with(" (−1 Tag)"), beijing_date > berlin_date, "{}", text);
    }
}
