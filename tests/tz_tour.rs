//! The facts of the March 2021 tour (Berlin ↔ Shanghai across the European switch on
//! 28 March) and of the October 2021 switch (31 October), pinned.

use chrono::{NaiveDate, NaiveTime, Timelike};
use matchtour::tz::{
    format_dual, format_range_dual, golden_hours, local_to_utc, slot_grid, utc_to_local,
    GoldenHoursInput, GoldenParticipant, LocalTime, LocalWindow, Locale, Zone,
};

fn zone(name: &str) -> Zone {
    Zone::parse(name).unwrap()
}
fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
fn nine() -> NaiveTime {
    NaiveTime::from_hms_opt(9, 0, 0).unwrap()
}

/// The Shanghai hour at 09:00 Berlin on `date`.
fn shanghai_hour_at_nine_berlin(date: NaiveDate) -> u32 {
    let instant = local_to_utc(date, nine(), zone("Europe/Berlin")).unwrap();
    utc_to_local(instant, zone("Asia/Shanghai")).hour()
}

#[test]
fn march_2021_tour_days() {
    assert_eq!(shanghai_hour_at_nine_berlin(d(2021, 3, 25)), 16);
    assert_eq!(shanghai_hour_at_nine_berlin(d(2021, 3, 26)), 16);
    assert_eq!(shanghai_hour_at_nine_berlin(d(2021, 3, 29)), 15);
    assert_eq!(shanghai_hour_at_nine_berlin(d(2021, 3, 30)), 15);
}

#[test]
fn october_2021_switch_the_other_way_round() {
    assert_eq!(shanghai_hour_at_nine_berlin(d(2021, 10, 28)), 15);
    assert_eq!(shanghai_hour_at_nine_berlin(d(2021, 10, 29)), 15);
    assert_eq!(shanghai_hour_at_nine_berlin(d(2021, 11, 1)), 16);
    assert_eq!(shanghai_hour_at_nine_berlin(d(2021, 11, 2)), 16);
}

#[test]
fn the_tour_grid_stays_at_nine_berlin_and_the_itinerary_says_so() {
    let (berlin, shanghai) = (zone("Europe/Berlin"), zone("Asia/Shanghai"));
    let nine = LocalTime::parse("09:00").unwrap();
    let ten = LocalTime::parse("10:00").unwrap();
    let lines: Vec<String> = [d(2021, 3, 26), d(2021, 3, 29)]
        .into_iter()
        .map(|date| {
            let slot = slot_grid(date, nine, ten, 20, berlin).unwrap()[0];
            format_range_dual(slot.start, slot.end, berlin, shanghai, Locale::En)
        })
        .collect();
    assert_eq!(
        lines,
        [
            "09:00–09:20 CET · 16:00–16:20 Beijing",
            "09:00–09:20 CEST · 15:00–15:20 Beijing"
        ]
    );
    let slot = slot_grid(d(2021, 3, 29), nine, ten, 20, berlin).unwrap()[0];
    assert_eq!(
        format_dual(slot.start, shanghai, berlin, Locale::Zh),
        "3月29日周一 15:00 北京时间 · 09:00 CEST"
    );
    assert_eq!(
        format_dual(slot.start, berlin, shanghai, Locale::De),
        "Mo. 29. März, 09:00 MESZ · 15:00 Peking"
    );
}

/// Berlin participants comfortable 08:00–18:00 Berlin, Shanghai ones 08:00–20:00 Shanghai.
/// Shanghai is UTC+8 all year, so its comfort is 00:00–12:00 UTC. Berlin is UTC+1 (CET)
/// until 28 March and UTC+2 (CEST) after: Shanghai's comfort is 01:00–13:00 Berlin on
/// 26 March and 02:00–14:00 Berlin on 29 March. Intersected with 08:00–18:00 Berlin:
/// 08:00–13:00 on the 26th and 08:00–14:00 on the 29th.
#[test]
fn golden_hours_of_the_tour() {
    let comfort = |s: &str| LocalWindow::parse(s).unwrap();
    let mut participants = Vec::new();
    for _ in 0..6 {
        participants.push(GoldenParticipant {
            zone: zone("Europe/Berlin"),
            comfort: comfort("08:00-18:00"),
            side: "de".into(),
        });
    }
    for _ in 0..4 {
        participants.push(GoldenParticipant {
            zone: zone("Asia/Shanghai"),
            comfort: comfort("08:00-20:00"),
            side: "cn".into(),
        });
    }
    let input = GoldenHoursInput {
        days: vec![d(2021, 3, 26), d(2021, 3, 29)],
        organiser_zone: zone("Europe/Berlin"),
        participants,
        share: 1.0,
        step_minutes: 15,
        daytime: None,
    };
    let days = golden_hours(&input).unwrap();
    let summary: Vec<(NaiveDate, String, String)> = days
        .iter()
        .flat_map(|day| {
            day.windows.iter().map(|w| {
                (
                    day.date,
                    w.local_start.format("%H:%M").to_string(),
                    w.local_end.format("%H:%M").to_string(),
                )
            })
        })
        .collect();
    assert_eq!(
        summary,
        [
            (d(2021, 3, 26), "08:00".into(), "13:00".into()),
            (d(2021, 3, 29), "08:00".into(), "14:00".into()),
        ]
    );
    for day in &days {
        let w = &day.windows[0];
        assert_eq!((w.comfortable, w.total), (10, 10));
        assert_eq!((w.sides["de"].comfortable, w.sides["de"].total), (6, 6));
        assert_eq!((w.sides["cn"].comfortable, w.sides["cn"].total), (4, 4));
        // In UTC the window ends at 12:00 both days: Shanghai's 20:00.
        assert_eq!(w.end_utc.hour(), 12);
    }
}

/// The domain's availability (daily windows plus per-date overrides) through
/// `availability_to_utc`, as the solver's input will be built: a Berlin founder free
/// 08:00–11:00 every day but only 14:00–02:00 on the Saturday before the switch.
#[test]
fn domain_availability_over_the_tour_days() {
    let json = r#"{"daily":[{"from":"08:00","to":"11:00"}],
                   "days":{"2021-03-27":[{"from":"14:00","to":"02:00"}]}}"#;
    let availability: matchtour::domain::Availability = serde_json::from_str(json).unwrap();
    let days = [d(2021, 3, 26), d(2021, 3, 27), d(2021, 3, 29)];
    let intervals = matchtour::tz::availability_to_utc(
        days.iter().map(|&day| (day, availability.windows_on(day))),
        zone("Europe/Berlin"),
    );
    let got: Vec<(String, String)> = intervals
        .iter()
        .map(|i| (i.start.to_rfc3339(), i.end.to_rfc3339()))
        .collect();
    let want = [
        ("2021-03-26T07:00:00+00:00", "2021-03-26T10:00:00+00:00"),
        // 02:00 on the gap night does not exist: the end moves to the jump (03:00 CEST).
        ("2021-03-27T13:00:00+00:00", "2021-03-28T01:00:00+00:00"),
        // After the switch the same wall-clock window is an hour earlier in UTC.
        ("2021-03-29T06:00:00+00:00", "2021-03-29T09:00:00+00:00"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
}
