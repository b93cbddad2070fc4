//! The bilateral-meeting solver: pure (no IO, no database, no wall clock but a deadline
//! passed in).
//!
//! Build a [`Problem`] (dense indices, per-slot availability, comfort as UTC intervals),
//! call [`solve`], read the [`Solution`]: assignments, the score broken down as the
//! checker computes it, and a [`Reason`] for each unscheduled meeting. [`format`] reads
//! and writes the `matchtour-instance/1` and `matchtour-solution/1` JSON documents.

mod exact;
mod explain;
pub mod format;
mod model;
mod problem;
mod repair;
mod rng;
mod sat;
mod score;
mod search;
mod state;

pub use explain::Reason;
pub use problem::{
    slots_within, IdleMeasure, Interpreter, Interval, Meeting, Participant, Problem, ProblemError,
    Slot, MAX_SLOTS_PER_DAY,
};
pub use score::{evaluate, Assignment, ScoreBreakdown};
pub use search::{Options, Progress};

/// A schedule with its score and the reasons for what is left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// Sorted by meeting.
    pub assignments: Vec<Assignment>,
    pub score: ScoreBreakdown,
    pub unscheduled: Vec<(usize, Reason)>,
    /// Iterations each search thread made.
    pub iterations: u64,
    /// Whether no schedule scores more (the score meets a proven bound).
    pub optimal: bool,
}

/// Solves `problem`: the best schedule found within the limits of `options`, honouring
/// every hard constraint. `progress` is called after the construction and every round.
pub fn solve(
    problem: &Problem,
    options: &Options,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Solution, ProblemError> {
    problem.validate()?;
    let model = model::Model::new(problem);
    let (state, iterations, optimal) = search::run(&model, options, progress);
    let assignments: Vec<Assignment> = (0..problem.meetings.len())
        .filter(|&m| state.start[m] != model::NONE)
        .map(|m| Assignment {
            meeting: m,
            start: state.start[m] as usize,
            interpreter: (state.interp[m] != model::NONE).then_some(state.interp[m] as usize),
        })
        .collect();
    let score = evaluate(problem, &assignments);
    debug_assert_eq!(score.score, state.score, "incremental score drifted");
    let unscheduled = (0..problem.meetings.len())
        .filter(|&m| state.start[m] == model::NONE)
        .map(|m| (m, explain::reason(problem, &state, m)))
        .collect();
    Ok(Solution {
        assignments,
        score,
        unscheduled,
        iterations,
        optimal,
    })
}
