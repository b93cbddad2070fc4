//! Solver runs in the background, at most one per event, with their progress for the
//! schedule page: the request that starts a run returns at once, the page polls
//! `/events/{id}/schedule/progress` (or reloads itself without script) until it is done.
//!
//! The registry is process-wide and keyed by the database URL and the event: every worker
//! of one server (and every app a test process starts over its own database) must see the
//! same runs, and `AppState` is cloned per worker. A finished run stays until the schedule
//! page has shown its outcome once.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use serde::Serialize;

use crate::error::{AppError, AppResult};
use crate::http::AppState;
use crate::service::planning::{self, SolveInput};

type Key = (String, i64);

enum Outcome {
    Running,
    /// The id of the draft version the run created.
    Done(i64),
    Failed(AppError),
}

struct Job {
    started: Instant,
    limit_seconds: f64,
    iterations: u64,
    score: Option<i64>,
    /// Seconds the run took, once it is over.
    took: Option<f64>,
    outcome: Outcome,
}

/// What the page shows of a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Progress {
    pub running: bool,
    pub iterations: u64,
    pub score: Option<i64>,
    /// Seconds searched so far (never more than the limit, which the search stops at).
    pub seconds: f64,
    pub limit_seconds: f64,
}

/// A finished run: the draft it created, or why it failed.
pub type Finished = Result<i64, AppError>;

fn registry() -> MutexGuard<'static, HashMap<Key, Job>> {
    static JOBS: OnceLock<Mutex<HashMap<Key, Job>>> = OnceLock::new();
    // A panic while holding the lock leaves plain counters behind: still usable.
    JOBS.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn key(state: &AppState, event_id: i64) -> Key {
    (state.settings.database.url.clone(), event_id)
}

/// Starts a run for the event unless one is under way (then that one goes on). A bad time
/// limit is refused here, before anything runs.
pub fn start(state: &AppState, event_id: i64, input: SolveInput) -> AppResult<()> {
    let default_seconds = state.settings.solver.time_limit_seconds;
    let limit_seconds = planning::time_limit(&input, default_seconds)?;
    let key = key(state, event_id);
    {
        let mut jobs = registry();
        if jobs
            .get(&key)
            .is_some_and(|j| matches!(j.outcome, Outcome::Running))
        {
            return Ok(());
        }
        jobs.insert(
            key.clone(),
            Job {
                started: Instant::now(),
                limit_seconds,
                iterations: 0,
                score: None,
                took: None,
                outcome: Outcome::Running,
            },
        );
    }
    let pool = state.pool.clone();
    std::thread::spawn(move || {
        let progress_key = key.clone();
        let run = std::panic::catch_unwind(AssertUnwindSafe(|| -> Finished {
            let mut conn = pool.get()?;
            let mut report = |p: &crate::solver::Progress| {
                if let Some(job) = registry().get_mut(&progress_key) {
                    job.iterations = p.iterations;
                    job.score = Some(p.score);
                }
            };
            planning::solve_with_progress(&mut conn, event_id, &input, default_seconds, &mut report)
                .map(|s| s.version.id)
        }));
        let outcome = match run {
            Ok(Ok(version)) => Outcome::Done(version),
            Ok(Err(e)) => Outcome::Failed(e),
            Err(_) => Outcome::Failed(AppError::Internal("the solver run panicked".into())),
        };
        if let Some(job) = registry().get_mut(&key) {
            job.took = Some(job.started.elapsed().as_secs_f64());
            job.outcome = outcome;
        }
    });
    Ok(())
}

/// The run of the event, if there is one the page has not shown yet.
pub fn progress(state: &AppState, event_id: i64) -> Option<Progress> {
    let jobs = registry();
    let job = jobs.get(&key(state, event_id))?;
    let seconds = job
        .took
        .unwrap_or_else(|| job.started.elapsed().as_secs_f64());
    Some(Progress {
        running: matches!(job.outcome, Outcome::Running),
        iterations: job.iterations,
        score: job.score,
        seconds: (seconds * 10.0).round() / 10.0,
        limit_seconds: job.limit_seconds,
    })
}

/// The outcome of the event's finished run, handed out once.
pub fn take_finished(state: &AppState, event_id: i64) -> Option<Finished> {
    let mut jobs = registry();
    let key = key(state, event_id);
    if jobs
        .get(&key)
        .is_some_and(|j| matches!(j.outcome, Outcome::Running))
    {
        return None;
    }
    match jobs.remove(&key)?.outcome {
        Outcome::Done(version) => Some(Ok(version)),
        Outcome::Failed(e) => Some(Err(e)),
        Outcome::Running => None,
    }
}

/// The version a finished run created, without handing the outcome out (the progress
/// endpoint names it, the page then shows it).
pub fn finished_version(state: &AppState, event_id: i64) -> Option<Option<i64>> {
    let jobs = registry();
    match &jobs.get(&key(state, event_id))?.outcome {
        Outcome::Running => None,
        Outcome::Done(version) => Some(Some(*version)),
        Outcome::Failed(_) => Some(None),
    }
}
