//! Why a meeting stayed unscheduled, in terms an organiser can act on.

use super::model::NONE;
use super::problem::Problem;
use super::state::State;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// No start where every participant (and the meeting's own window) is available.
    NoCommonSlot,
    /// Nobody among the interpreters speaks a language of every participant.
    NoInterpreterForLanguages,
    /// The fixed start is not possible (another fixed meeting, or it is unavailable).
    FixedStartBlocked { slot: usize },
    /// The participant already has `max_meetings` meetings.
    AtMaxMeetings { participant: usize },
    /// The participant is in another meeting at every possible start.
    FullyBooked { participant: usize },
    /// Everyone is free at these starts, but every room is taken.
    RoomsFull { slots: Vec<usize> },
    /// Everyone is free at these starts, but no suitable interpreter is.
    NoInterpreterFree { slots: Vec<usize> },
    /// Each possible start is blocked by some of these participants' other meetings.
    Booked { participants: Vec<usize> },
    /// It would fit, but only where it costs more (comfort, idle time) than it brings.
    NotWorthIt,
}

/// The reason for the unscheduled meeting `m` in the final state.
pub fn reason(problem: &Problem, st: &State, m: usize) -> Reason {
    let md = st.model;
    let meeting = &problem.meetings[m];
    if md.cands(m).is_empty() {
        if md.needs_interp[m] && md.interps(m).is_empty() {
            return Reason::NoInterpreterForLanguages;
        }
        return match meeting.fixed {
            Some(slot) => Reason::FixedStartBlocked { slot },
            None => Reason::NoCommonSlot,
        };
    }
    if let Some(slot) = meeting.fixed {
        return Reason::FixedStartBlocked { slot };
    }
    for &p in md.parts(m) {
        if st.count[p as usize] >= md.max_meetings[p as usize] {
            return Reason::AtMaxMeetings {
                participant: p as usize,
            };
        }
    }
    let parts = md.parts(m);
    let mut busy_everywhere = vec![true; parts.len()];
    let mut busy_some = vec![false; parts.len()];
    let mut rooms_full = Vec::new();
    let mut no_interp = Vec::new();
    let mut free_start = false;
    for k in md.cands(m) {
        let s = md.cand[k] as usize;
        let span = s..s + md.length[m] as usize;
        let mut anyone_busy = false;
        for (j, &p) in parts.iter().enumerate() {
            let busy = span.clone().any(|t| st.occupant(p as usize, t) != NONE);
            busy_everywhere[j] &= busy;
            busy_some[j] |= busy;
            anyone_busy |= busy;
        }
        if anyone_busy {
            continue;
        }
        if span.clone().any(|t| st.room_use[t] >= md.rooms) {
            rooms_full.push(s);
        } else if st.free_interp(m, s).is_none() {
            no_interp.push(s);
        } else {
            free_start = true;
        }
    }
    if free_start {
        return Reason::NotWorthIt;
    }
    if let Some(j) = busy_everywhere.iter().position(|&b| b) {
        return Reason::FullyBooked {
            participant: parts[j] as usize,
        };
    }
    if !rooms_full.is_empty() {
        return Reason::RoomsFull { slots: rooms_full };
    }
    if !no_interp.is_empty() {
        return Reason::NoInterpreterFree { slots: no_interp };
    }
    Reason::Booked {
        participants: parts
            .iter()
            .zip(&busy_some)
            .filter(|(_, &b)| b)
            .map(|(&p, _)| p as usize)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use crate::solver::problem::{IdleMeasure, Meeting, Participant, Problem, Slot};
    use crate::solver::{solve, Options, Reason};

    fn problem(max_meetings: Option<u32>, rooms: Option<u32>) -> Problem {
        let meeting = |a: usize, b: usize, weight| Meeting {
            participants: vec![a, b],
            weight,
            length: 1,
            fixed: None,
            available: None,
            previous: None,
        };
        let person = |available: Vec<bool>| Participant {
            languages: vec!["en".into()],
            available,
            max_meetings,
            comfort: None,
        };
        Problem {
            slots: (0..2)
                .map(|k| Slot {
                    start: k * 10,
                    end: k * 10 + 10,
                    day: 0,
                })
                .collect(),
            rooms,
            participants: vec![
                person(vec![true, true]),
                person(vec![true, true]),
                person(vec![true, true]),
                person(vec![false, false]),
            ],
            interpreters: vec![],
            // 0 meets 1 and 2 in both slots; then a third meeting of 0 cannot fit
            meetings: vec![
                meeting(0, 1, 3),
                meeting(0, 2, 3),
                meeting(0, 1, 1),
                meeting(0, 3, 1),
            ],
            idle: IdleMeasure::Slots,
        }
    }

    fn reasons(p: &Problem) -> Vec<(usize, Reason)> {
        solve(p, &Options::default(), &mut |_| {})
            .unwrap()
            .unscheduled
    }

    #[test]
    fn a_fully_booked_participant_is_named() {
        let r = reasons(&problem(None, None));
        assert_eq!(r[0], (2, Reason::FullyBooked { participant: 0 }));
        assert_eq!(r[1], (3, Reason::NoCommonSlot));
    }

    #[test]
    fn max_meetings_and_rooms_are_named() {
        let r = reasons(&problem(Some(1), None));
        assert!(r
            .iter()
            .any(|(_, x)| x == &Reason::AtMaxMeetings { participant: 0 }));
        let r = reasons(&problem(None, Some(0)));
        assert_eq!(r[0], (0, Reason::RoomsFull { slots: vec![0, 1] }));
    }
}
