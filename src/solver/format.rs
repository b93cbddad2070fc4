//! The JSON documents of `shared/bench/FORMAT.md`: `matchtour-instance/1` in,
//! `matchtour-solution/1` out, and their conversion to and from [`Problem`] and
//! [`Solution`]. Pure: bytes in, values out; reading files and gzip live in the CLI.
//!
//! Comfort windows (local wall-clock, per participant time zone) are resolved here into
//! UTC intervals, one per local date around the event, with the checker's rules: a
//! window whose end is not after its start runs over midnight; an ambiguous local time
//! is its first occurrence; a time skipped by a DST switch is read with the offset in
//! force before the switch.

use std::collections::{BTreeMap, HashMap};

use chrono::{
    DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::problem::{
    slots_within, IdleMeasure, Interpreter, Interval, Meeting, Participant, Problem, ProblemError,
    Slot,
};
use super::{Assignment, Solution};

pub const INSTANCE_FORMAT: &str = "matchtour-instance/1";
pub const SOLUTION_FORMAT: &str = "matchtour-solution/1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IntervalDoc {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SlotDoc {
    pub id: String,
    pub start: String,
    pub end: String,
    pub day: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComfortDoc {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParticipantDoc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    pub languages: Vec<String>,
    #[serde(default)]
    pub available: Vec<IntervalDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comfort: Option<ComfortDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_meetings: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InterpreterDoc {
    pub id: String,
    pub languages: Vec<String>,
    #[serde(default)]
    pub available: Vec<IntervalDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeetingDoc {
    pub id: String,
    pub participants: Vec<String>,
    pub weight: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available: Option<Vec<IntervalDoc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle: Option<String>,
}

/// A `matchtour-instance/1` document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstanceDoc {
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<ObjectiveDoc>,
    pub slots: Vec<SlotDoc>,
    #[serde(default)]
    pub rooms: Option<u32>,
    pub participants: Vec<ParticipantDoc>,
    #[serde(default)]
    pub interpreters: Vec<InterpreterDoc>,
    pub meetings: Vec<MeetingDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignmentDoc {
    pub meeting: String,
    pub slot: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interpreter: Option<String>,
}

/// A `matchtour-solution/1` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SolutionDoc {
    pub format: String,
    pub assignments: Vec<AssignmentDoc>,
}

#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("not a valid document: {0}")]
    Json(#[from] serde_json::Error),
    #[error("format must be {expected:?}, got {got:?}")]
    WrongFormat { expected: &'static str, got: String },
    #[error("{place}: not an RFC 3339 instant: {value:?}")]
    Instant { place: String, value: String },
    #[error("{place}: not a clock time HH:MM: {value:?}")]
    Clock { place: String, value: String },
    #[error("{place}: unknown time zone {value:?}")]
    Zone { place: String, value: String },
    #[error("{place}: a comfort window needs a time_zone")]
    ComfortWithoutZone { place: String },
    #[error("duplicate {what} id {id:?}")]
    Duplicate { what: &'static str, id: String },
    #[error("{place}: unknown {what} {id:?}")]
    Unknown {
        place: String,
        what: &'static str,
        id: String,
    },
    #[error("objective.idle must be \"slots\" or \"breaks\", got {0:?}")]
    Objective(String),
    #[error("slots must be grouped by day in order (day {0:?} appears again later)")]
    DaysInterleaved(String),
    #[error(transparent)]
    Problem(#[from] ProblemError),
}

/// The string ids behind the dense indices of a [`Problem`] read from a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ids {
    pub slots: Vec<String>,
    pub participants: Vec<String>,
    pub interpreters: Vec<String>,
    pub meetings: Vec<String>,
}

pub fn parse_instance(bytes: &[u8]) -> Result<InstanceDoc, FormatError> {
    let doc: InstanceDoc = serde_json::from_slice(bytes)?;
    if doc.format != INSTANCE_FORMAT {
        return Err(FormatError::WrongFormat {
            expected: INSTANCE_FORMAT,
            got: doc.format,
        });
    }
    Ok(doc)
}

pub fn parse_solution(bytes: &[u8]) -> Result<SolutionDoc, FormatError> {
    let doc: SolutionDoc = serde_json::from_slice(bytes)?;
    if doc.format != SOLUTION_FORMAT {
        return Err(FormatError::WrongFormat {
            expected: SOLUTION_FORMAT,
            got: doc.format,
        });
    }
    Ok(doc)
}

fn instant(value: &str, place: impl Fn() -> String) -> Result<i64, FormatError> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.timestamp())
        .map_err(|_| FormatError::Instant {
            place: place(),
            value: value.to_string(),
        })
}

fn intervals(list: &[IntervalDoc], place: &str) -> Result<Vec<Interval>, FormatError> {
    list.iter()
        .enumerate()
        .map(|(k, iv)| {
            Ok(Interval {
                start: instant(&iv.start, || format!("{place}[{k}].start"))?,
                end: instant(&iv.end, || format!("{place}[{k}].end"))?,
            })
        })
        .collect()
}

/// `HH:MM` as minutes after midnight, `24:00` allowed.
fn clock(value: &str, place: impl Fn() -> String) -> Result<u32, FormatError> {
    let bad = || FormatError::Clock {
        place: place(),
        value: value.to_string(),
    };
    let (h, m) = value.split_once(':').ok_or_else(bad)?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 24 || m >= 60 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// The instant the wall clock of `tz` shows `minutes` after midnight of `date`.
fn local_instant(tz: Tz, date: NaiveDate, minutes: u32) -> i64 {
    let naive = NaiveDateTime::new(date, NaiveTime::MIN) + Duration::minutes(i64::from(minutes));
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.timestamp(),
        LocalResult::None => {
            // skipped by a DST switch: the offset in force before it
            let before = naive - Duration::hours(6);
            let offset = tz.offset_from_utc_datetime(&before).fix().local_minus_utc();
            naive.and_utc().timestamp() - i64::from(offset)
        }
    }
}

/// UTC intervals of a local comfort window on every local date from `first` to `last`.
fn comfort_windows(tz: Tz, from: u32, to: u32, first: NaiveDate, last: NaiveDate) -> Vec<Interval> {
    let mut out = Vec::new();
    let mut d = first;
    while d <= last {
        // `to` <= `from` is a window over midnight; 24:00 is the next midnight
        let end_day = if to <= from || to == 24 * 60 {
            d + Duration::days(1)
        } else {
            d
        };
        out.push(Interval {
            start: local_instant(tz, d, from),
            end: local_instant(tz, end_day, to % (24 * 60)),
        });
        d += Duration::days(1);
    }
    out
}

fn index_of<'a>(
    ids: impl Iterator<Item = &'a String>,
    what: &'static str,
) -> Result<HashMap<&'a str, usize>, FormatError> {
    let mut map = HashMap::new();
    for (k, id) in ids.enumerate() {
        if map.insert(id.as_str(), k).is_some() {
            return Err(FormatError::Duplicate {
                what,
                id: id.clone(),
            });
        }
    }
    Ok(map)
}

/// The problem an instance document describes, and the ids of its indices.
pub fn to_problem(doc: &InstanceDoc) -> Result<(Problem, Ids), FormatError> {
    let slot_index = index_of(doc.slots.iter().map(|s| &s.id), "slot")?;
    let part_index = index_of(doc.participants.iter().map(|p| &p.id), "participant")?;
    index_of(doc.interpreters.iter().map(|i| &i.id), "interpreter")?;
    let meeting_index = index_of(doc.meetings.iter().map(|m| &m.id), "meeting")?;

    let mut slots = Vec::with_capacity(doc.slots.len());
    let mut day_names: Vec<&str> = Vec::new();
    for (k, s) in doc.slots.iter().enumerate() {
        if day_names.last() != Some(&s.day.as_str()) {
            if day_names.contains(&s.day.as_str()) {
                return Err(FormatError::DaysInterleaved(s.day.clone()));
            }
            day_names.push(&s.day);
        }
        slots.push(Slot {
            start: instant(&s.start, || format!("slots[{k}].start"))?,
            end: instant(&s.end, || format!("slots[{k}].end"))?,
            day: day_names.len() - 1,
        });
    }
    let idle = match doc.objective.as_ref().and_then(|o| o.idle.as_deref()) {
        None | Some("slots") => IdleMeasure::Slots,
        Some("breaks") => IdleMeasure::Breaks,
        Some(other) => return Err(FormatError::Objective(other.to_string())),
    };

    // local dates to resolve comfort windows on: a day of margin around the slots
    let (first, last) = match (slots.first(), slots.last()) {
        (Some(a), Some(b)) => (
            DateTime::from_timestamp(a.start, 0).map(|t| t.date_naive() - Duration::days(2)),
            DateTime::from_timestamp(b.end, 0).map(|t| t.date_naive() + Duration::days(2)),
        ),
        _ => (None, None),
    };
    let mut window_cache: HashMap<(Tz, u32, u32), Vec<Interval>> = HashMap::new();
    let mut participants = Vec::with_capacity(doc.participants.len());
    for (k, p) in doc.participants.iter().enumerate() {
        let place = format!("participants[{k}] ({})", p.id);
        let comfort = match &p.comfort {
            None => None,
            Some(c) => {
                let zone =
                    p.time_zone
                        .as_deref()
                        .ok_or_else(|| FormatError::ComfortWithoutZone {
                            place: place.clone(),
                        })?;
                let tz: Tz = zone.parse().map_err(|_| FormatError::Zone {
                    place: place.clone(),
                    value: zone.to_string(),
                })?;
                let from = clock(&c.from, || format!("{place}.comfort.from"))?;
                let to = clock(&c.to, || format!("{place}.comfort.to"))?;
                let windows = match (first, last) {
                    (Some(a), Some(b)) => window_cache
                        .entry((tz, from, to))
                        .or_insert_with(|| comfort_windows(tz, from, to, a, b))
                        .clone(),
                    _ => Vec::new(),
                };
                Some(windows)
            }
        };
        participants.push(Participant {
            languages: p.languages.clone(),
            available: slots_within(
                &slots,
                &intervals(&p.available, &format!("{place}.available"))?,
            ),
            comfort,
            max_meetings: p.max_meetings,
        });
    }
    let interpreters = doc
        .interpreters
        .iter()
        .enumerate()
        .map(|(k, i)| {
            Ok(Interpreter {
                languages: i.languages.clone(),
                available: slots_within(
                    &slots,
                    &intervals(&i.available, &format!("interpreters[{k}].available"))?,
                ),
            })
        })
        .collect::<Result<Vec<_>, FormatError>>()?;

    let mut previous: Vec<Option<usize>> = vec![None; doc.meetings.len()];
    if let Some(prev) = &doc.previous {
        for (mid, sid) in prev {
            // meetings that are gone from the instance do not count, as in the checker
            let Some(&m) = meeting_index.get(mid.as_str()) else {
                continue;
            };
            // a slot that is gone makes the meeting moved whatever happens
            previous[m] = Some(slot_index.get(sid.as_str()).copied().unwrap_or(usize::MAX));
        }
    }
    let mut meetings = Vec::with_capacity(doc.meetings.len());
    for (k, m) in doc.meetings.iter().enumerate() {
        let place = format!("meetings[{k}] ({})", m.id);
        let participants = m
            .participants
            .iter()
            .map(|pid| {
                part_index
                    .get(pid.as_str())
                    .copied()
                    .ok_or_else(|| FormatError::Unknown {
                        place: place.clone(),
                        what: "participant",
                        id: pid.clone(),
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let fixed =
            match &m.fixed {
                None => None,
                Some(sid) => Some(slot_index.get(sid.as_str()).copied().ok_or_else(|| {
                    FormatError::Unknown {
                        place: place.clone(),
                        what: "slot",
                        id: sid.clone(),
                    }
                })?),
            };
        let available = match &m.available {
            None => None,
            Some(list) => Some(slots_within(
                &slots,
                &intervals(list, &format!("{place}.available"))?,
            )),
        };
        meetings.push(Meeting {
            participants,
            weight: m.weight,
            length: m.length.unwrap_or(1),
            fixed,
            available,
            previous: previous[k],
        });
    }
    let problem = Problem {
        slots,
        rooms: doc.rooms,
        participants,
        interpreters,
        meetings,
        idle,
    };
    problem.validate()?;
    let ids = Ids {
        slots: doc.slots.iter().map(|s| s.id.clone()).collect(),
        participants: doc.participants.iter().map(|p| p.id.clone()).collect(),
        interpreters: doc.interpreters.iter().map(|i| i.id.clone()).collect(),
        meetings: doc.meetings.iter().map(|m| m.id.clone()).collect(),
    };
    Ok((problem, ids))
}

/// The solution document of a solution, with the ids of its problem.
pub fn to_solution_doc(solution: &Solution, ids: &Ids) -> SolutionDoc {
    SolutionDoc {
        format: SOLUTION_FORMAT.to_string(),
        assignments: solution
            .assignments
            .iter()
            .map(|a| assignment_doc(a, ids))
            .collect(),
    }
}

fn assignment_doc(a: &Assignment, ids: &Ids) -> AssignmentDoc {
    AssignmentDoc {
        meeting: ids.meetings[a.meeting].clone(),
        slot: ids.slots[a.start].clone(),
        interpreter: a.interpreter.map(|i| ids.interpreters[i].clone()),
    }
}

/// The assignments of a solution document, by the ids of a problem.
pub fn assignments_from_doc(doc: &SolutionDoc, ids: &Ids) -> Result<Vec<Assignment>, FormatError> {
    let slots = index_of(ids.slots.iter(), "slot")?;
    let meetings = index_of(ids.meetings.iter(), "meeting")?;
    let interps = index_of(ids.interpreters.iter(), "interpreter")?;
    let find = |map: &HashMap<&str, usize>, what: &'static str, id: &str, k: usize| {
        map.get(id).copied().ok_or_else(|| FormatError::Unknown {
            place: format!("assignments[{k}]"),
            what,
            id: id.to_string(),
        })
    };
    doc.assignments
        .iter()
        .enumerate()
        .map(|(k, a)| {
            Ok(Assignment {
                meeting: find(&meetings, "meeting", &a.meeting, k)?,
                start: find(&slots, "slot", &a.slot, k)?,
                interpreter: match &a.interpreter {
                    None => None,
                    Some(i) => Some(find(&interps, "interpreter", i, k)?),
                },
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{
      "format": "matchtour-instance/1",
      "objective": {"idle": "breaks"},
      "slots": [
        {"id": "a", "start": "2021-03-26T07:40:00Z", "end": "2021-03-26T08:00:00Z", "day": "d1"},
        {"id": "b", "start": "2021-03-29T06:40:00Z", "end": "2021-03-29T07:00:00Z", "day": "d2"}
      ],
      "rooms": 3,
      "participants": [
        {"id": "de", "time_zone": "Europe/Berlin", "languages": ["de"],
         "available": [{"start": "2021-03-26T07:00:00Z", "end": "2021-03-30T00:00:00Z"}],
         "comfort": {"from": "08:40", "to": "18:00"}},
        {"id": "cn", "time_zone": "Asia/Shanghai", "languages": ["zh"],
         "available": [{"start": "2021-03-29T00:00:00Z", "end": "2021-03-30T00:00:00Z"}]}
      ],
      "interpreters": [{"id": "i", "languages": ["de", "zh"], "available": []}],
      "meetings": [{"id": "m", "participants": ["de", "cn"], "weight": 3, "fixed": null}],
      "previous": {"m": "b", "gone": "a"}
    }"#;

    #[test]
    fn an_instance_becomes_a_problem_with_dense_indices() {
        let doc = parse_instance(DOC.as_bytes()).unwrap();
        let (p, ids) = to_problem(&doc).unwrap();
        assert_eq!(p.idle, IdleMeasure::Breaks);
        assert_eq!(p.slots.iter().map(|s| s.day).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(p.participants[0].available, [true, true]);
        assert_eq!(p.participants[1].available, [false, true]);
        assert_eq!(p.interpreters[0].available, [false, false]);
        assert_eq!(p.meetings[0].previous, Some(1));
        assert_eq!(p.meetings[0].length, 1);
        assert!(p.needs_interpreter(0));
        assert_eq!(ids.meetings, ["m"]);
    }

    #[test]
    fn comfort_follows_the_local_clock_across_the_dst_switch() {
        let doc = parse_instance(DOC.as_bytes()).unwrap();
        let (p, _) = to_problem(&doc).unwrap();
        // 07:40 UTC is 08:40 in Berlin on 26 March (CET), 06:40 UTC is 08:40 on 29 March (CEST)
        assert!(p.comfortable(0, 0, 0));
        assert!(p.comfortable(0, 0, 1));
        // the window of 29 March opens exactly at the second slot
        let windows = comfort_windows(
            Tz::Europe__Berlin,
            8 * 60 + 40,
            18 * 60,
            NaiveDate::from_ymd_opt(2021, 3, 29).unwrap(),
            NaiveDate::from_ymd_opt(2021, 3, 29).unwrap(),
        );
        assert_eq!(windows[0].start, p.slots[1].start);
        assert_eq!(
            windows[0].end - windows[0].start,
            (18 * 60 - 8 * 60 - 40) * 60
        );
    }

    #[test]
    fn bad_documents_are_refused_with_a_reason() {
        let wrong = DOC.replace("\"breaks\"", "\"gaps\"");
        let err = to_problem(&parse_instance(wrong.as_bytes()).unwrap()).unwrap_err();
        assert!(matches!(err, FormatError::Objective(_)));
        let unknown = DOC.replace("[\"de\", \"cn\"]", "[\"de\", \"xx\"]");
        let err = to_problem(&parse_instance(unknown.as_bytes()).unwrap()).unwrap_err();
        assert!(err.to_string().contains("xx"));
        let err = parse_instance(b"{\"format\": \"other\"}").unwrap_err();
        assert!(matches!(
            err,
            FormatError::Json(_) | FormatError::WrongFormat { .. }
        ));
        assert!(clock("25:00", String::new).is_err());
        assert_eq!(clock("24:00", String::new).unwrap(), 1440);
    }

    #[test]
    fn solutions_round_trip_through_their_document() {
        let doc = parse_instance(DOC.as_bytes()).unwrap();
        let (p, ids) = to_problem(&doc).unwrap();
        let assignments = vec![Assignment {
            meeting: 0,
            start: 1,
            interpreter: Some(0),
        }];
        let solution = Solution {
            score: crate::solver::evaluate(&p, &assignments),
            assignments,
            unscheduled: vec![],
            iterations: 0,
            optimal: false,
        };
        let out = to_solution_doc(&solution, &ids);
        let text = serde_json::to_string(&out).unwrap();
        let back = parse_solution(text.as_bytes()).unwrap();
        assert_eq!(
            assignments_from_doc(&back, &ids).unwrap(),
            solution.assignments
        );
        assert_eq!(solution.score.moved, 0);
        assert_eq!(solution.score.score, 3000);
    }
}
