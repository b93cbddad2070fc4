//! Golden hours: per event day, the windows in the organiser's zone in which at least a
//! chosen share of the participants are inside their own comfort hours.
//!
//! The day (or the organiser's daytime range on it) is cut into cells of `step_minutes`
//! on the organiser's wall clock (the last cell may be shorter; see `day_cells` for the
//! switch nights). A participant is comfortable in a cell when the whole cell lies inside
//! their comfort window on one of their own dates, converted per date (so DST applies on
//! its day) with the lenient gap rule; comfort windows on consecutive dates that touch
//! count as one. With no participants every cell qualifies. Qualifying cells
//! next to each other form a window, which reports the minimum comfortable count per side
//! and overall across its cells (the overall minimum is taken per cell, so it can exceed
//! the sum of the side minima).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::availability::{daily_to_utc, UtcInterval};
use super::{local_to_utc_lenient, utc_to_local, LocalWindow, TzError, Zone};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldenParticipant {
    pub zone: Zone,
    /// The hours this participant is comfortable meeting in, in their own zone.
    pub comfort: LocalWindow,
    /// Which party they belong to (e.g. "de", "cn"); counts are reported per side.
    pub side: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldenHoursInput {
    /// Event days, as dates in the organiser's zone.
    pub days: Vec<NaiveDate>,
    pub organiser_zone: Zone,
    pub participants: Vec<GoldenParticipant>,
    /// Minimum share of all participants that must be comfortable, 0..=1.
    pub share: f64,
    /// Grid step in minutes (1..=1440), e.g. 15.
    pub step_minutes: i64,
    /// The part of each day to consider in the organiser's zone; the whole day when absent.
    #[serde(default)]
    pub daytime: Option<LocalWindow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideCount {
    /// The fewest comfortable participants of this side at any time in the window.
    pub comfortable: usize,
    /// All participants of this side.
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldenWindow {
    /// `[start_utc, end_utc)`.
    pub start_utc: DateTime<Utc>,
    pub end_utc: DateTime<Utc>,
    /// Wall-clock start and end in the organiser's zone.
    pub local_start: NaiveDateTime,
    pub local_end: NaiveDateTime,
    pub sides: BTreeMap<String, SideCount>,
    /// The fewest comfortable participants (all sides) at any time in the window.
    pub comfortable: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoldenDay {
    pub date: NaiveDate,
    pub windows: Vec<GoldenWindow>,
}

/// Participants sharing a zone and comfort window are checked once.
struct Group {
    comfort: Vec<UtcInterval>,
    /// (side index, participants of that side in the group)
    per_side: Vec<(usize, usize)>,
}

/// A run of adjacent qualifying cells, becoming a [`GoldenWindow`].
struct Run {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    comfortable: usize,
    side_min: Vec<usize>,
}

/// What is the same for every day of one computation.
struct Sides<'a> {
    names: Vec<&'a str>,
    totals: Vec<usize>,
}

impl Run {
    fn into_window(self, sides: &Sides, zone: Zone) -> GoldenWindow {
        let sides_out = sides
            .names
            .iter()
            .zip(self.side_min.iter().zip(&sides.totals))
            .map(|(name, (&comfortable, &total))| {
                (name.to_string(), SideCount { comfortable, total })
            })
            .collect();
        GoldenWindow {
            start_utc: self.start,
            end_utc: self.end,
            local_start: utc_to_local(self.start, zone),
            local_end: utc_to_local(self.end, zone),
            sides: sides_out,
            comfortable: self.comfortable,
            total: sides.totals.iter().sum(),
        }
    }
}

/// The cells of one day: `step` apart on the organiser's wall clock, the last one possibly
/// shorter. A cell inside a spring-forward gap has no duration and is left out (it does
/// not break a run); one holding a fall-back lasts an hour more in UTC and is cut into
/// `step`-long pieces, so the repeated hour is judged as finely as any other.
fn day_cells(
    date: NaiveDate,
    daytime: LocalWindow,
    step: Duration,
    zone: Zone,
) -> Vec<UtcInterval> {
    let (from, to) = daytime.on(date);
    let mut cells = Vec::new();
    let mut local = from;
    while local < to {
        let next = (local + step).min(to);
        let (mut start, end) = (
            local_to_utc_lenient(local, zone),
            local_to_utc_lenient(next, zone),
        );
        while start < end {
            let piece_end = (start + step).min(end);
            cells.push(UtcInterval {
                start,
                end: piece_end,
            });
            start = piece_end;
        }
        local = next;
    }
    cells
}

fn inside(intervals: &[UtcInterval], cell: &UtcInterval) -> bool {
    let i = intervals.partition_point(|iv| iv.start <= cell.start);
    i > 0 && intervals[i - 1].contains(cell)
}

/// Golden hours for each event day (sorted, each date once). Errors: a share outside 0..=1,
/// a step outside 1..=1440 minutes.
pub fn golden_hours(input: &GoldenHoursInput) -> Result<Vec<GoldenDay>, TzError> {
    if !(0.0..=1.0).contains(&input.share) {
        return Err(TzError::InvalidShare(input.share.to_string()));
    }
    if !(1..=1440).contains(&input.step_minutes) {
        return Err(TzError::InvalidMinutes(input.step_minutes));
    }
    let days: BTreeSet<NaiveDate> = input.days.iter().copied().collect();
    let names: Vec<&str> = input
        .participants
        .iter()
        .map(|p| p.side.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut sides = Sides {
        totals: vec![0; names.len()],
        names,
    };

    // Participants' own dates around each event day: a day's cells reach into the next
    // date (daytime across midnight) and UTC offsets differ by up to 26 h, so three dates
    // either side cover every cell.
    let their_dates: Vec<NaiveDate> = days
        .iter()
        .flat_map(|&d| (-3..=3).filter_map(move |k| d.checked_add_signed(Duration::days(k))))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut groups: HashMap<(Zone, LocalWindow), Group> = HashMap::new();
    for p in &input.participants {
        // Every side name is in `names`, which is sorted.
        let side = sides
            .names
            .binary_search(&p.side.as_str())
            .unwrap_or_default();
        sides.totals[side] += 1;
        let group = groups.entry((p.zone, p.comfort)).or_insert_with(|| Group {
            comfort: daily_to_utc(&their_dates, p.comfort, p.zone),
            per_side: Vec::new(),
        });
        match group.per_side.iter_mut().find(|(s, _)| *s == side) {
            Some((_, n)) => *n += 1,
            None => group.per_side.push((side, 1)),
        }
    }
    let groups: Vec<Group> = groups.into_values().collect();

    // The epsilon keeps 0.7 × 10 = 7.000000000000001 from demanding 8 people.
    let required = (input.share * input.participants.len() as f64 - 1e-9)
        .ceil()
        .max(0.0) as usize;
    let daytime = input.daytime.unwrap_or_else(LocalWindow::whole_day);
    let step = Duration::minutes(input.step_minutes);
    let zone = input.organiser_zone;

    let golden_day = |date: NaiveDate| {
        let mut windows = Vec::new();
        let mut run: Option<Run> = None;
        for cell in day_cells(date, daytime, step, zone) {
            let mut counts = vec![0; sides.names.len()];
            for group in groups.iter().filter(|g| inside(&g.comfort, &cell)) {
                for &(side, n) in &group.per_side {
                    counts[side] += n;
                }
            }
            let comfortable: usize = counts.iter().sum();
            match run.as_mut() {
                Some(r) if comfortable >= required && r.end == cell.start => {
                    r.end = cell.end;
                    r.comfortable = r.comfortable.min(comfortable);
                    r.side_min
                        .iter_mut()
                        .zip(&counts)
                        .for_each(|(m, &c)| *m = (*m).min(c));
                }
                _ => {
                    windows.extend(run.take().map(|r| r.into_window(&sides, zone)));
                    if comfortable >= required {
                        run = Some(Run {
                            start: cell.start,
                            end: cell.end,
                            comfortable,
                            side_min: counts,
                        });
                    }
                }
            }
        }
        windows.extend(run.take().map(|r| r.into_window(&sides, zone)));
        GoldenDay { date, windows }
    };
    Ok(days.iter().map(|&date| golden_day(date)).collect())
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
    fn person(z: &str, comfort: &str, side: &str) -> GoldenParticipant {
        GoldenParticipant {
            zone: zone(z),
            comfort: LocalWindow::parse(comfort).unwrap(),
            side: side.into(),
        }
    }
    fn input(
        organiser: &str,
        days: Vec<NaiveDate>,
        participants: Vec<GoldenParticipant>,
    ) -> GoldenHoursInput {
        GoldenHoursInput {
            days,
            organiser_zone: zone(organiser),
            participants,
            share: 1.0,
            step_minutes: 15,
            daytime: None,
        }
    }
    /// Each window as "HH:MM-HH:MM" in the organiser's zone.
    fn spans(day: &GoldenDay) -> Vec<String> {
        day.windows
            .iter()
            .map(|w| {
                format!(
                    "{}-{}",
                    w.local_start.format("%H:%M"),
                    w.local_end.format("%H:%M")
                )
            })
            .collect()
    }

    #[test]
    fn bad_share_or_step_is_refused() {
        let mut i = input("UTC", vec![d(2021, 3, 26)], vec![]);
        i.share = 1.5;
        assert_eq!(golden_hours(&i), Err(TzError::InvalidShare("1.5".into())));
        i.share = f64::NAN;
        assert!(matches!(golden_hours(&i), Err(TzError::InvalidShare(_))));
        i.share = 0.5;
        i.step_minutes = 0;
        assert_eq!(golden_hours(&i), Err(TzError::InvalidMinutes(0)));
    }

    #[test]
    fn a_comfort_window_across_midnight_counts_on_both_dates() {
        let i = input(
            "UTC",
            vec![d(2021, 6, 1)],
            vec![person("Asia/Shanghai", "22:00-02:00", "cn")],
        );
        let days = golden_hours(&i).unwrap();
        // 22:00–02:00 Shanghai is 14:00–18:00 UTC.
        assert_eq!(spans(&days[0]), ["14:00-18:00"]);
    }

    #[test]
    fn touching_comfort_windows_make_one_window_across_their_midnight() {
        let i = input(
            "Europe/Berlin",
            vec![d(2021, 6, 1)],
            vec![person("Asia/Shanghai", "00:00-00:00", "cn")],
        );
        let days = golden_hours(&i).unwrap();
        assert_eq!(spans(&days[0]), ["00:00-00:00"]);
        let w = &days[0].windows[0];
        assert_eq!((w.end_utc - w.start_utc).num_hours(), 24);
    }

    #[test]
    fn share_and_side_counts() {
        let mut i = input(
            "UTC",
            vec![d(2021, 6, 1)],
            vec![
                person("UTC", "08:00-12:00", "a"),
                person("UTC", "10:00-16:00", "a"),
                person("UTC", "11:00-13:00", "b"),
            ],
        );
        i.share = 0.6; // two of three
        i.daytime = Some(LocalWindow::parse("06:00-18:00").unwrap());
        let day = &golden_hours(&i).unwrap()[0];
        assert_eq!(spans(day), ["10:00-13:00"]);
        let w = &day.windows[0];
        // 10–11: a=2, b=0; 11–12: a=2, b=1; 12–13: a=1, b=1.
        assert_eq!(
            w.sides["a"],
            SideCount {
                comfortable: 1,
                total: 2
            }
        );
        assert_eq!(
            w.sides["b"],
            SideCount {
                comfortable: 0,
                total: 1
            }
        );
        assert_eq!((w.comfortable, w.total), (2, 3));
    }

    #[test]
    fn a_partial_last_cell_and_a_daytime_range() {
        let mut i = input(
            "UTC",
            vec![d(2021, 6, 1)],
            vec![person("UTC", "09:00-17:10", "a")],
        );
        i.daytime = Some(LocalWindow::parse("07:00-17:10").unwrap());
        i.step_minutes = 30;
        let day = &golden_hours(&i).unwrap()[0];
        assert_eq!(spans(day), ["09:00-17:10"]);
    }

    #[test]
    fn the_gap_night_does_not_split_a_window() {
        let i = input(
            "Europe/Berlin",
            vec![d(2021, 3, 28)],
            vec![person("UTC", "00:00-00:00", "a")],
        );
        let day = &golden_hours(&i).unwrap()[0];
        assert_eq!(day.windows.len(), 1);
        let w = &day.windows[0];
        assert_eq!(w.start_utc.to_rfc3339(), "2021-03-27T23:00:00+00:00");
        assert_eq!(w.end_utc.to_rfc3339(), "2021-03-28T22:00:00+00:00");
    }

    #[test]
    fn the_repeated_hour_is_judged_in_steps_too() {
        // 00:00–01:30 UTC on 31 October is 02:00 CEST – 02:30 CET in Berlin: it ends
        // inside the second pass of the repeated hour, which is not cut off.
        let i = input(
            "Europe/Berlin",
            vec![d(2021, 10, 31)],
            vec![person("UTC", "00:00-01:30", "a")],
        );
        let w = &golden_hours(&i).unwrap()[0].windows[0];
        assert_eq!(w.start_utc.to_rfc3339(), "2021-10-31T00:00:00+00:00");
        assert_eq!(w.end_utc.to_rfc3339(), "2021-10-31T01:30:00+00:00");
        assert_eq!(w.local_end.format("%H:%M").to_string(), "02:30");
    }

    #[test]
    fn extreme_offsets_and_a_daytime_across_midnight() {
        // Pago Pago is UTC−11 and Kiritimati UTC+14: the organiser's day 1 June 23:30 to
        // 2 June 23:30 is 3 June 00:30 to 4 June 00:30 on the participant's clock.
        let mut i = input(
            "Pacific/Pago_Pago",
            vec![d(2021, 6, 1)],
            vec![person("Pacific/Kiritimati", "00:00-01:00", "a")],
        );
        i.daytime = Some(LocalWindow::parse("23:30-23:30").unwrap());
        let day = &golden_hours(&i).unwrap()[0];
        assert_eq!(spans(day), ["23:30-00:00", "23:00-23:30"]);
        assert_eq!(
            day.windows[1].start_utc.to_rfc3339(),
            "2021-06-03T10:00:00+00:00"
        );
    }

    #[test]
    fn days_come_sorted_once_and_with_no_participants_all_is_golden() {
        let i = input(
            "UTC",
            vec![d(2021, 6, 2), d(2021, 6, 1), d(2021, 6, 2)],
            vec![],
        );
        let days = golden_hours(&i).unwrap();
        assert_eq!(
            days.iter().map(|g| g.date).collect::<Vec<_>>(),
            [d(2021, 6, 1), d(2021, 6, 2)]
        );
        assert_eq!(spans(&days[0]), ["00:00-00:00"]);
        assert_eq!(days[0].windows[0].total, 0);
    }

    #[test]
    fn input_and_output_round_trip_as_json() {
        let json = r#"{"days":["2021-03-26"],"organiser_zone":"Europe/Berlin",
            "participants":[{"zone":"Asia/Shanghai","comfort":{"from":"08:00","to":"20:00"},"side":"cn"}],
            "share":1.0,"step_minutes":15}"#;
        let i: GoldenHoursInput = serde_json::from_str(json).unwrap();
        assert_eq!(i.daytime, None);
        let out = golden_hours(&i).unwrap();
        let text = serde_json::to_string(&out).unwrap();
        assert!(
            text.contains(r#""local_start":"2021-03-26T01:00:00""#),
            "{text}"
        );
        let back: Vec<GoldenDay> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, out);
    }
}
