//! The score of a schedule, computed from scratch (the search keeps it incrementally).
//!
//! `score = 1000 * scheduled_weight - 20 * uncomfortable - idle - 200 * moved`, with `idle`
//! the measure the problem names; FORMAT.md defines every term.

use super::problem::{IdleMeasure, Problem};

/// A meeting placed at a start slot, with its interpreter when it needs one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    pub meeting: usize,
    pub start: usize,
    pub interpreter: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScoreBreakdown {
    pub scheduled: usize,
    pub scheduled_weight: u64,
    pub uncomfortable: u64,
    pub idle_slots: u64,
    pub breaks: u64,
    pub moved: u64,
    pub idle_measure: IdleMeasure,
    pub score: i64,
}

pub const WEIGHT: i64 = 1000;
pub const UNCOMFORTABLE: i64 = 20;
pub const MOVED: i64 = 200;

/// Metrics of `assignments` (assumed feasible and within range).
pub fn evaluate(problem: &Problem, assignments: &[Assignment]) -> ScoreBreakdown {
    let n = problem.slots.len();
    let mut b = ScoreBreakdown {
        idle_measure: problem.idle,
        ..Default::default()
    };
    let mut busy = vec![false; problem.participants.len() * n];
    let mut start_of = vec![None; problem.meetings.len()];
    for a in assignments {
        let m = &problem.meetings[a.meeting];
        start_of[a.meeting] = Some(a.start);
        b.scheduled += 1;
        b.scheduled_weight += u64::from(m.weight);
        for &p in &m.participants {
            if !problem.comfortable(p, a.meeting, a.start) {
                b.uncomfortable += 1;
            }
            for t in a.start..a.start + m.length as usize {
                busy[p * n + t] = true;
            }
        }
    }
    for (m, meeting) in problem.meetings.iter().enumerate() {
        if meeting.previous.is_some() && meeting.previous != start_of[m] {
            b.moved += 1;
        }
    }
    // slots of each day, in order
    let days = problem.slots.last().map_or(0, |s| s.day + 1);
    let mut day_slots = vec![Vec::new(); days];
    for (t, s) in problem.slots.iter().enumerate() {
        day_slots[s.day].push(t);
    }
    for (p, part) in problem.participants.iter().enumerate() {
        for slots in &day_slots {
            let occupied: Vec<usize> = (0..slots.len())
                .filter(|&k| busy[p * n + slots[k]])
                .collect();
            if occupied.len() < 2 {
                continue;
            }
            b.breaks += occupied.windows(2).filter(|w| w[1] > w[0] + 1).count() as u64;
            let (first, last) = (occupied[0], occupied[occupied.len() - 1]);
            b.idle_slots += (first + 1..last)
                .filter(|&k| part.available[slots[k]] && !busy[p * n + slots[k]])
                .count() as u64;
        }
    }
    let idle = match problem.idle {
        IdleMeasure::Slots => b.idle_slots,
        IdleMeasure::Breaks => b.breaks,
    };
    b.score = WEIGHT * b.scheduled_weight as i64
        - UNCOMFORTABLE * b.uncomfortable as i64
        - idle as i64
        - MOVED * b.moved as i64;
    b
}
