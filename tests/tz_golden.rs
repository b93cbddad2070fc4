//! Golden hours against a brute force that asks, minute by minute, what each
//! participant's own clock shows.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use matchtour::tz::{
    golden_hours, local_to_utc, utc_to_local, GoldenHoursInput, GoldenParticipant, LocalTime,
    LocalWindow, Zone,
};
use proptest::prelude::*;

const PARTICIPANT_ZONES: [&str; 6] = [
    "Europe/Berlin",
    "Asia/Shanghai",
    "Europe/London",
    "Asia/Hong_Kong",
    "America/New_York",
    "Asia/Kolkata",
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

/// A quarter-hour boundary outside 01:00–03:00, where the switches of these zones fall
/// (boundaries there follow the lenient rule, which a wall-clock reading does not model).
fn boundary() -> impl Strategy<Value = LocalTime> {
    (12u32..96).prop_map(|q| LocalTime::new(q / 4, q % 4 * 15).unwrap())
}

fn participant() -> impl Strategy<Value = GoldenParticipant> {
    (
        prop::sample::select(&PARTICIPANT_ZONES[..]),
        boundary(),
        boundary(),
        prop::sample::select(&["de", "cn", "x"][..]),
    )
        .prop_map(|(z, from, to, side)| GoldenParticipant {
            zone: zone(z),
            comfort: LocalWindow::new(from, to),
            side: side.to_string(),
        })
}

fn comfortable(p: &GoldenParticipant, instant: DateTime<Utc>) -> bool {
    let local = utc_to_local(instant, p.zone).time();
    let m = LocalTime::from_naive(local).minutes();
    let (from, to) = (p.comfort.from.minutes(), p.comfort.to.minutes());
    if p.comfort.crosses_midnight() {
        m >= from || m < to
    } else {
        from <= m && m < to
    }
}

/// (start, end, min comfortable, min per side) per maximal run of qualifying minutes.
type Run = (DateTime<Utc>, DateTime<Utc>, usize, BTreeMap<String, usize>);

fn brute_force(input: &GoldenHoursInput, quarters_share: usize) -> Vec<(NaiveDate, Vec<Run>)> {
    let n = input.participants.len();
    let required = (quarters_share * n).div_ceil(4);
    let mut out = Vec::new();
    for &date in &input.days {
        let start = local_to_utc(date, NaiveTime::MIN, input.organiser_zone).unwrap();
        let next = date.succ_opt().unwrap();
        let end = local_to_utc(next, NaiveTime::MIN, input.organiser_zone).unwrap();
        let mut runs: Vec<Run> = Vec::new();
        let mut open = false;
        let mut t = start;
        while t < end {
            let mut sides: BTreeMap<String, usize> = input
                .participants
                .iter()
                .map(|p| (p.side.clone(), 0))
                .collect();
            for p in input.participants.iter().filter(|p| comfortable(p, t)) {
                *sides.entry(p.side.clone()).or_default() += 1;
            }
            let count: usize = sides.values().sum();
            let minute_end = t + Duration::minutes(1);
            if count >= required {
                match runs.last_mut() {
                    Some(run) if open => {
                        run.1 = minute_end;
                        run.2 = run.2.min(count);
                        for (side, c) in &sides {
                            let m = run.3.get_mut(side).unwrap();
                            *m = (*m).min(*c);
                        }
                    }
                    _ => runs.push((t, minute_end, count, sides)),
                }
                open = true;
            } else {
                open = false;
            }
            t = minute_end;
        }
        out.push((date, runs));
    }
    out
}

fn days_near_switches() -> impl Strategy<Value = Vec<NaiveDate>> {
    (2021i32..=2030, 0usize..3, -1i64..=1).prop_map(|(year, which, k)| {
        let switch = match which {
            0 => last_sunday(year, 3),
            1 => last_sunday(year, 10),
            // An ordinary week.
            _ => NaiveDate::from_ymd_opt(year, 6, 10).unwrap(),
        };
        vec![switch + Duration::days(k), switch + Duration::days(k + 1)]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn golden_hours_match_a_minute_by_minute_reading_of_the_clocks(
        organiser in prop::sample::select(&["Europe/Berlin", "Asia/Shanghai", "Europe/London", "America/New_York"][..]),
        days in days_near_switches(),
        participants in prop::collection::vec(participant(), 0..6),
        quarters_share in 0usize..=4,
    ) {
        let input = GoldenHoursInput {
            days,
            organiser_zone: zone(organiser),
            participants,
            share: quarters_share as f64 / 4.0,
            step_minutes: 15,
            daytime: None,
        };
        let got: Vec<(NaiveDate, Vec<Run>)> = golden_hours(&input)
            .unwrap()
            .into_iter()
            .map(|day| {
                let runs = day
                    .windows
                    .into_iter()
                    .map(|w| {
                        let sides = w.sides.into_iter().map(|(s, c)| (s, c.comfortable)).collect();
                        (w.start_utc, w.end_utc, w.comfortable, sides)
                    })
                    .collect();
                (day.date, runs)
            })
            .collect();
        prop_assert_eq!(got, brute_force(&input, quarters_share));
    }
}

/// Duplicating every participant k times changes no window and multiplies every count by k;
/// with thousands of participants this also shows the computation stays fast.
#[test]
fn many_participants_scale_the_counts_only() {
    let base: Vec<GoldenParticipant> = PARTICIPANT_ZONES
        .iter()
        .enumerate()
        .map(|(i, z)| GoldenParticipant {
            zone: zone(z),
            comfort: LocalWindow::parse(["08:00-18:00", "08:00-20:00", "07:00-17:30"][i % 3])
                .unwrap(),
            side: if z.starts_with("Asia") { "cn" } else { "de" }.to_string(),
        })
        .collect();
    let input = |participants: Vec<GoldenParticipant>| GoldenHoursInput {
        days: (0..5)
            .map(|k| NaiveDate::from_ymd_opt(2021, 3, 25).unwrap() + Duration::days(k))
            .collect(),
        organiser_zone: zone("Europe/Berlin"),
        participants,
        share: 0.5,
        step_minutes: 15,
        daytime: None,
    };
    let k = 500;
    let small = golden_hours(&input(base.clone())).unwrap();
    let many: Vec<GoldenParticipant> = base.iter().flat_map(|p| vec![p.clone(); k]).collect();
    assert_eq!(many.len(), 3000);
    let started = std::time::Instant::now();
    let large = golden_hours(&input(many)).unwrap();
    let elapsed = started.elapsed();
    eprintln!("golden hours, 3000 participants × 5 days: {elapsed:?}");
    assert_eq!(small.len(), large.len());
    assert!(small.iter().any(|day| !day.windows.is_empty()));
    for (s, l) in small.iter().zip(&large) {
        assert_eq!(s.windows.len(), l.windows.len());
        for (ws, wl) in s.windows.iter().zip(&l.windows) {
            assert_eq!((ws.start_utc, ws.end_utc), (wl.start_utc, wl.end_utc));
            assert_eq!(ws.comfortable * k, wl.comfortable);
            for (side, c) in &ws.sides {
                assert_eq!(c.comfortable * k, wl.sides[side].comfortable);
                assert_eq!(c.total * k, wl.sides[side].total);
            }
        }
    }
}
