//! From the event's data to a solver problem and back: the organiser's "run the solver".
//!
//! Live requests (requested or accepted) become meetings between the persons they name: a
//! group stands for all its members, an organisation for all its registered people. Requests
//! naming the same set of persons merge into one meeting (mutual requests weigh more).
//! Availability, comfort hours and programme sessions are turned into per-slot facts with
//! the tz module; the published schedule, if any, becomes `previous` (and its pinned
//! meetings are fixed), so re-planning moves as little as it can.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    events, groups, interpreters, participants, programme, requests, schedule, stored_json,
};
use crate::db::models::{NewBooking, ParticipantRow};
use crate::db::Conn;
use crate::domain::{Availability, BookingSource, PartyKind, RequestStatus};
use crate::error::{AppError, AppResult};
use crate::solver;
use crate::tz::{availability_to_utc, daily_to_utc, LocalTime, LocalWindow, UtcInterval, Zone};

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SolveInput {
    /// Seconds the solver may search (default from the configuration, at most 300).
    #[serde(default)]
    pub time_limit_seconds: Option<f64>,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 18446744073709551615_u64, format = "uint64")]
    pub seed: Option<u64>,
}

/// A meeting the solver left out, and why, in the event's terms.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Unscheduled {
    pub request_ids: Vec<i64>,
    pub participant_ids: Vec<i64>,
    /// A stable code: no_common_slot, no_interpreter_for_languages, fixed_start_blocked,
    /// at_max_meetings, fully_booked, rooms_full, no_interpreter_free, booked, not_worth_it.
    pub reason: String,
    /// The same in a sentence.
    pub explanation: String,
    /// Participants the reason is about.
    #[serde(default)]
    pub blocking_participant_ids: Vec<i64>,
    /// Slot starts the reason is about.
    #[serde(default)]
    pub slots: Vec<DateTime<Utc>>,
}

/// What a solver run produced, stored as the draft version's summary.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SolveSummary {
    pub source: String,
    pub score: i64,
    pub scheduled_weight: i64,
    pub total_weight: i64,
    pub scheduled: usize,
    pub meetings: usize,
    pub uncomfortable: i64,
    pub idle_slots: i64,
    pub moved: i64,
    pub seconds: f64,
    pub unscheduled: Vec<Unscheduled>,
}

/// The problem with the ids needed to map a solution back.
pub struct Planning {
    pub problem: solver::Problem,
    pub slot_times: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    pub person_ids: Vec<i64>,
    pub interpreter_ids: Vec<i64>,
    /// Per meeting: the requests it honours and the persons attending.
    pub meeting_requests: Vec<Vec<i64>>,
}

fn secs(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// Per slot: does it lie wholly inside one of `intervals`?
fn coverage(slots: &[(DateTime<Utc>, DateTime<Utc>)], intervals: &[UtcInterval]) -> Vec<bool> {
    slots
        .iter()
        .map(|(s, e)| intervals.iter().any(|i| i.start <= *s && *e <= i.end))
        .collect()
}

/// The local dates that can hold an event slot in a person's zone: the programme days and
/// their neighbours (a Shanghai evening can be the next local date).
fn local_dates(days: &[NaiveDate]) -> Vec<NaiveDate> {
    let mut dates: BTreeSet<NaiveDate> = BTreeSet::new();
    for d in days {
        dates.extend([d.pred_opt(), Some(*d), d.succ_opt()].into_iter().flatten());
    }
    dates.into_iter().collect()
}

fn available(
    availability: &Availability,
    zone: Zone,
    dates: &[NaiveDate],
    slots: &[(DateTime<Utc>, DateTime<Utc>)],
) -> Vec<bool> {
    if availability.is_unrestricted() {
        return vec![true; slots.len()];
    }
    let intervals =
        availability_to_utc(dates.iter().map(|&d| (d, availability.windows_on(d))), zone);
    coverage(slots, &intervals)
}

fn comfort(
    row: &ParticipantRow,
    zone: Zone,
    dates: &[NaiveDate],
) -> AppResult<Option<Vec<solver::Interval>>> {
    let (Some(from), Some(to)) = (&row.comfort_from, &row.comfort_to) else {
        return Ok(None);
    };
    let parse = |t: &str| LocalTime::parse(t).map_err(|e| AppError::Internal(e.to_string()));
    let window = LocalWindow {
        from: parse(from)?,
        to: parse(to)?,
    };
    Ok(Some(
        daily_to_utc(dates, window, zone)
            .into_iter()
            .map(|i| solver::Interval {
                start: secs(i.start),
                end: secs(i.end),
            })
            .collect(),
    ))
}

/// Reads the event and builds the solver problem.
pub fn build(conn: &mut Conn, event_id: i64) -> AppResult<Planning> {
    let event = events::row(conn, event_id)?;
    let zone = events::zone_of(&event)?;
    let days: Vec<NaiveDate> = events::days(conn, event_id)?
        .into_iter()
        .map(|d| d.date)
        .collect();
    let dates = local_dates(&days);
    let dated_slots = programme::event_slots(conn, event_id, zone)?;
    if dated_slots.is_empty() {
        return Err(AppError::conflict(
            "windows",
            "the event has no bilateral windows yet: add one before running the solver",
        ));
    }
    let slot_times: Vec<(DateTime<Utc>, DateTime<Utc>)> =
        dated_slots.iter().map(|(_, s)| (s.start, s.end)).collect();
    let mut day_index: Vec<usize> = Vec::with_capacity(dated_slots.len());
    for (k, (date, _)) in dated_slots.iter().enumerate() {
        let index = match k {
            0 => 0,
            _ if dated_slots[k - 1].0 == *date => day_index[k - 1],
            _ => day_index[k - 1] + 1,
        };
        day_index.push(index);
    }
    let slots: Vec<solver::Slot> = slot_times
        .iter()
        .zip(&day_index)
        .map(|((s, e), d)| solver::Slot {
            start: secs(*s),
            end: secs(*e),
            day: *d,
        })
        .collect();

    // Programme sessions block their audience.
    let sessions = programme::list_sessions(conn, event_id)?;
    let blocked_by_session = |person: i64, k: usize| {
        let (s, e) = slot_times[k];
        sessions.iter().any(|x| {
            x.starts_at < e
                && s < x.ends_at
                && (x.attendee_ids.is_empty() || x.attendee_ids.contains(&person))
        })
    };

    let people = participants::rows(conn, event_id)?;
    let person_index: HashMap<i64, usize> =
        people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
    let mut solver_people = Vec::with_capacity(people.len());
    for p in &people {
        let zone = participants::zone_of(p)?;
        let availability: Availability = stored_json(&p.availability, "availability")?;
        let mut free = available(&availability, zone, &dates, &slot_times);
        for (k, f) in free.iter_mut().enumerate() {
            *f = *f && !blocked_by_session(p.id, k);
        }
        solver_people.push(solver::Participant {
            languages: stored_json(&p.languages, "languages")?,
            available: free,
            comfort: comfort(p, zone, &dates)?,
            max_meetings: p.max_meetings.and_then(|m| u32::try_from(m).ok()),
        });
    }

    let interpreter_rows = interpreters::rows(conn, event_id)?;
    let mut solver_interpreters = Vec::with_capacity(interpreter_rows.len());
    for i in &interpreter_rows {
        let zone = Zone::parse(&i.time_zone).map_err(|e| AppError::Internal(e.to_string()))?;
        let availability: Availability = stored_json(&i.availability, "availability")?;
        solver_interpreters.push(solver::Interpreter {
            languages: stored_json(&i.languages, "languages")?,
            available: available(&availability, zone, &dates, &slot_times),
        });
    }

    // Parties to persons.
    let group_members: HashMap<i64, Vec<i64>> = groups::list(conn, event_id)?
        .into_iter()
        .map(|g| (g.id, g.member_ids))
        .collect();
    let mut organisation_people: HashMap<i64, Vec<i64>> = HashMap::new();
    for p in &people {
        if let Some(org) = p.organisation_id {
            organisation_people.entry(org).or_default().push(p.id);
        }
    }
    let persons_of = |kind: &str, id: i64| -> Vec<i64> {
        match PartyKind::parse(kind, "kind") {
            Ok(PartyKind::Participant) => vec![id],
            Ok(PartyKind::Group) => group_members.get(&id).cloned().unwrap_or_default(),
            Ok(PartyKind::Organisation) => {
                organisation_people.get(&id).cloned().unwrap_or_default()
            }
            Err(_) => Vec::new(),
        }
    };

    // Live requests, merged by the set of persons they bring together.
    struct Draft {
        requests: Vec<i64>,
        priority: i32,
        accepted: bool,
        length: i32,
    }
    let mut merged: BTreeMap<Vec<i64>, Draft> = BTreeMap::new();
    for r in requests::rows(conn, event_id)? {
        let status = RequestStatus::parse(&r.status, "status")
            .map_err(|e| AppError::Internal(e.to_string()))?;
        if !matches!(status, RequestStatus::Requested | RequestStatus::Accepted) {
            continue;
        }
        let mut persons: Vec<i64> = persons_of(&r.from_kind, r.from_id);
        persons.extend(persons_of(&r.to_kind, r.to_id));
        persons.sort_unstable();
        persons.dedup();
        if persons.len() < 2 {
            continue;
        }
        let entry = merged.entry(persons).or_insert(Draft {
            requests: Vec::new(),
            priority: 0,
            accepted: false,
            length: 1,
        });
        entry.requests.push(r.id);
        entry.priority = entry.priority.max(r.priority);
        entry.accepted |= status == RequestStatus::Accepted;
        entry.length = entry.length.max(r.length_slots);
    }

    // The published schedule: where each request's meeting was, and what is pinned.
    let slot_of: HashMap<DateTime<Utc>, usize> = slot_times
        .iter()
        .enumerate()
        .map(|(k, (s, _))| (*s, k))
        .collect();
    let mut previous: HashMap<i64, (usize, bool)> = HashMap::new();
    if let Some(published) = schedule::published(conn, event_id)? {
        for b in published.bookings {
            if let (Some(request), Some(k)) = (b.request_id, slot_of.get(&b.starts_at)) {
                previous.insert(request, (*k, b.pinned));
            }
        }
    }

    let mut meetings = Vec::with_capacity(merged.len());
    let mut meeting_requests = Vec::with_capacity(merged.len());
    for (persons, draft) in merged {
        let mutual = draft.requests.len() > 1;
        let weight = draft.priority.max(1) + if mutual || draft.accepted { 2 } else { 0 };
        let earlier = draft.requests.iter().find_map(|r| previous.get(r)).copied();
        meetings.push(solver::Meeting {
            participants: persons
                .iter()
                .filter_map(|p| person_index.get(p).copied())
                .collect(),
            weight: weight as u32,
            length: draft.length.max(1) as u32,
            fixed: earlier.filter(|(_, pinned)| *pinned).map(|(k, _)| k),
            available: None,
            previous: earlier.map(|(k, _)| k),
        });
        meeting_requests.push(draft.requests);
    }

    Ok(Planning {
        problem: solver::Problem {
            slots,
            rooms: event.rooms.and_then(|r| u32::try_from(r).ok()),
            participants: solver_people,
            interpreters: solver_interpreters,
            meetings,
            idle: solver::IdleMeasure::Slots,
        },
        slot_times,
        person_ids: people.iter().map(|p| p.id).collect(),
        interpreter_ids: interpreter_rows.iter().map(|i| i.id).collect(),
        meeting_requests,
    })
}

fn explain(
    planning: &Planning,
    reason: &solver::Reason,
) -> (String, String, Vec<i64>, Vec<DateTime<Utc>>) {
    use solver::Reason as R;
    let person = |p: &usize| planning.person_ids.get(*p).copied();
    let slot = |k: &usize| planning.slot_times.get(*k).map(|(s, _)| *s);
    match reason {
        R::NoCommonSlot => (
            "no_common_slot".into(),
            "the participants share no available slot".into(),
            vec![],
            vec![],
        ),
        R::NoInterpreterForLanguages => (
            "no_interpreter_for_languages".into(),
            "no interpreter speaks a language of every participant".into(),
            vec![],
            vec![],
        ),
        R::FixedStartBlocked { slot: k } => (
            "fixed_start_blocked".into(),
            "the pinned start is no longer possible".into(),
            vec![],
            slot(k).into_iter().collect(),
        ),
        R::AtMaxMeetings { participant } => (
            "at_max_meetings".into(),
            "a participant has reached their maximum number of meetings".into(),
            person(participant).into_iter().collect(),
            vec![],
        ),
        R::FullyBooked { participant } => (
            "fully_booked".into(),
            "a participant is in other meetings at every possible time".into(),
            person(participant).into_iter().collect(),
            vec![],
        ),
        R::RoomsFull { slots } => (
            "rooms_full".into(),
            "everyone is free then, but every room is taken".into(),
            vec![],
            slots.iter().filter_map(slot).collect(),
        ),
        R::NoInterpreterFree { slots } => (
            "no_interpreter_free".into(),
            "everyone is free then, but no suitable interpreter is".into(),
            vec![],
            slots.iter().filter_map(slot).collect(),
        ),
        R::Booked { participants } => (
            "booked".into(),
            "every possible time is taken by these participants' other meetings".into(),
            participants.iter().filter_map(person).collect(),
            vec![],
        ),
        R::NotWorthIt => (
            "not_worth_it".into(),
            "it would fit only where it costs more comfort or idle time than it brings".into(),
            vec![],
            vec![],
        ),
    }
}

/// Runs the solver on the event and stores the result as a new draft version.
pub fn solve(
    conn: &mut Conn,
    event_id: i64,
    input: &SolveInput,
    default_seconds: f64,
) -> AppResult<schedule::Schedule> {
    solve_with_progress(conn, event_id, input, default_seconds, &mut |_| {})
}

/// The search time `input` asks for (else `default_seconds`), if it is allowed.
pub fn time_limit(input: &SolveInput, default_seconds: f64) -> AppResult<f64> {
    let seconds = input.time_limit_seconds.unwrap_or(default_seconds);
    if !(0.1..=300.0).contains(&seconds) {
        return Err(AppError::invalid(
            "time_limit_seconds",
            "must be between 0.1 and 300 seconds",
        ));
    }
    Ok(seconds)
}

/// [`solve`], reporting the search's progress (after the construction and every round) to
/// `progress`: the pages show it while the solver runs in the background.
pub fn solve_with_progress(
    conn: &mut Conn,
    event_id: i64,
    input: &SolveInput,
    default_seconds: f64,
    progress: &mut dyn FnMut(&solver::Progress),
) -> AppResult<schedule::Schedule> {
    let seconds = time_limit(input, default_seconds)?;
    let planning = build(conn, event_id)?;
    let started = Instant::now();
    let options = solver::Options {
        seed: input.seed.unwrap_or(1),
        max_iterations: None,
        deadline: Some(started + Duration::from_secs_f64(seconds)),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get().min(2)),
    };
    let solution = solver::solve(&planning.problem, &options, progress)
        .map_err(|e| AppError::Internal(format!("solver input: {e}")))?;
    let elapsed = started.elapsed().as_secs_f64();

    let unscheduled = solution
        .unscheduled
        .iter()
        .map(|(m, reason)| {
            let (code, explanation, blocking, slots) = explain(&planning, reason);
            Unscheduled {
                request_ids: planning.meeting_requests[*m].clone(),
                participant_ids: planning.problem.meetings[*m]
                    .participants
                    .iter()
                    .map(|p| planning.person_ids[*p])
                    .collect(),
                reason: code,
                explanation,
                blocking_participant_ids: blocking,
                slots,
            }
        })
        .collect();
    let score = &solution.score;
    let summary = SolveSummary {
        source: "solver".into(),
        score: score.score,
        scheduled_weight: score.scheduled_weight as i64,
        total_weight: planning
            .problem
            .meetings
            .iter()
            .map(|m| i64::from(m.weight))
            .sum(),
        scheduled: solution.assignments.len(),
        meetings: planning.problem.meetings.len(),
        uncomfortable: score.uncomfortable as i64,
        idle_slots: score.idle_slots as i64,
        moved: score.moved as i64,
        seconds: elapsed,
        unscheduled,
    };
    let summary_json =
        serde_json::to_value(&summary).map_err(|e| AppError::Internal(e.to_string()))?;
    let planned: Vec<(NewBooking, Vec<i64>)> = solution
        .assignments
        .iter()
        .map(|a| {
            let meeting = &planning.problem.meetings[a.meeting];
            let last = a.start + meeting.length as usize - 1;
            let persons: Vec<i64> = meeting
                .participants
                .iter()
                .map(|p| planning.person_ids[*p])
                .collect();
            (
                NewBooking {
                    version_id: 0,
                    event_id,
                    request_id: planning.meeting_requests[a.meeting].first().copied(),
                    starts_at: planning.slot_times[a.start].0.naive_utc(),
                    ends_at: planning.slot_times[last].1.naive_utc(),
                    room: None,
                    interpreter_id: a.interpreter.map(|i| planning.interpreter_ids[i]),
                    video_link: String::new(),
                    source: BookingSource::Solver.as_str().into(),
                    pinned: meeting.fixed.is_some(),
                },
                persons,
            )
        })
        .collect();
    conn.transaction(|conn| {
        let version = schedule::new_draft(conn, event_id, &summary_json)?;
        let slot_starts: Vec<chrono::NaiveDateTime> = planning
            .slot_times
            .iter()
            .map(|(s, _)| s.naive_utc())
            .collect();
        schedule::store(conn, version.id, planned, &slot_starts)?;
        schedule::schedule(conn, event_id, version.id)
    })
}
