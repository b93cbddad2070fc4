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
