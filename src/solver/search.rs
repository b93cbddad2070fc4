//! The search: most-constrained-first construction, then rounds of large-neighbourhood
//! search on every thread from the best schedule so far.
//!
//! Moves (each applied, scored incrementally, kept or undone by a simulated-annealing
//! test): insert an unscheduled meeting, ejecting what blocks it (people, room, interpreter,
//! `max_meetings`) and re-inserting the ejected meetings where they fit best, two levels
//! deep; relocate a scheduled meeting the same way (or back to its published slot);
//! Kempe-chain swaps between two slots; swaps of two slots' whole contents; empty one
//! participant's day and refill it; under the breaks measure, re-seat one participant's
//! day exactly (see [`super::repair`]). After rounds without progress one search starts from
//! a perturbed copy of the best. Rounds have a fixed number of iterations and seeds
//! derived from the round and the thread, so a run with an iteration budget (and no
//! deadline) is reproducible. Under the breaks measure, an exact proof ([`exact`]) runs
//! on one of the threads once every meeting is scheduled; with a deadline its bound and
//! schedule count as soon as they come, without one only at the end (it is
//! deterministic itself, within a conflict budget).

use std::sync::atomic::Ordering;
use std::thread::ScopedJoinHandle;
use std::time::Instant;

use super::exact;
use super::model::{Model, NONE};
use super::problem::IdleMeasure;
use super::repair::repair_day;
use super::rng::Rng;
use super::score::{MOVED, WEIGHT};
use super::state::State;

/// How a search runs and when it stops (the first of the two limits reached).
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    /// Iterations per thread; with no deadline either, a default budget.
    pub max_iterations: Option<u64>,
    pub deadline: Option<Instant>,
    /// Parallel searches (each round starts all of them from the best schedule).
    pub threads: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 1,
            max_iterations: None,
            deadline: None,
            threads: 1,
        }
    }
}

/// Reported after the construction and after every round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub round: u64,
    /// Iterations done so far by each thread.
    pub iterations: u64,
    pub score: i64,
}

/// Rounds when neither an iteration budget nor a deadline is given.
const DEFAULT_ROUNDS: u64 = 20;
/// Temperature of the acceptance test at the start; it falls to zero at the end.
const START_TEMPERATURE: f64 = 1.0;
/// The same under the breaks measure, where the guide term widens the score steps.
const START_TEMPERATURE_BREAKS: f64 = 2.0;

/// Under the breaks measure, moves are judged by the score minus this much per empty
/// slot inside a participant's day, so that breaks shrink before they close.
const GUIDE: f64 = 0.5;

/// After this many rounds without improvement, every other search starts with a kick.
const STALE_ROUNDS: u32 = 4;

/// How far an ejection chain goes: ejected meetings that fit nowhere eject in turn.
const EJECT_DEPTH: u32 = 2;

/// Under the breaks measure, a round is at least this long: breaks close after long
/// walks across equal scores, which short rounds (each from the best) cut off.
const BREAKS_ROUND: u64 = 50_000;

/// Conflicts the lower-bound proof may take, and the share of the time (with a deadline)
/// it takes on a single thread.
const PROOF_CONFLICTS: u64 = 2_000_000;
const PROOF_SHARE: f64 = 0.5;
/// The share of the time after which the search's thread assists the proof, under a
/// deadline, with two threads or more. The search's schedule is what a run gives when the
/// proof finds no optimal one, and the search's temperature falls over its own share: in
/// 2 s it reaches about what it does in 4 s (ticf-13crafb 9-12 breaks, forum-13crafb
/// 11-13, ticf-13crafc 4), and the assistant's longer time counts for more (the four
/// hardest B2B events, seeds 1-12: 34 of 48 runs optimal within 10 s from 0.2, 26 from 0.4,
/// 32 from 0.1 with schedules of up to 16 breaks when not optimal); an assistant from the
/// search's first stall left it 10-17.
const ASSIST_FROM: f64 = 0.2;

/// Percent of the moves that repair one participant's day exactly (breaks measure only).
const REPAIR_SHARE: u32 = 10;

fn round_size(model: &Model) -> u64 {
    let size = (model.n_meetings as u64 * 10).clamp(5_000, 300_000);
    match model.idle {
        IdleMeasure::Slots => size,
        IdleMeasure::Breaks => size.max(BREAKS_ROUND),
    }
}

/// Runs construction and search; returns the best schedule (a state at its best score),
/// the number of iterations each thread made, and whether the schedule is proven optimal.
pub fn run<'a>(
    model: &'a Model,
    options: &Options,
    progress: &mut dyn FnMut(&Progress),
) -> (State<'a>, u64, bool) {
    let started = Instant::now();
    let mut rng = Rng::new(options.seed);
    let mut state = State::new(model);
    construct(&mut state, &mut rng);
    // the baseline greedy's schedule too: the search never ends below it
    let mut plain = State::new(model);
    greedy(&mut plain);
    if plain.score > state.score {
        state = plain;
    }
    state.forget();
    let per_round = round_size(model);
    let budget = match (options.max_iterations, options.deadline) {
        (Some(b), _) => b,
        (None, Some(_)) => u64::MAX,
        (None, None) => per_round * DEFAULT_ROUNDS,
    };
    let threads = options.threads.max(1);
    // a lower bound is proved once, as soon as every meeting that can be is scheduled: on
    // a thread of its own when there are two or more (the search keeps the others), else
    // in turn with the search
    let mut provable = exact::applies(model);
    let lns_threads = if provable && threads >= 2 {
        threads - 1
    } else {
        threads
    };
    let status = exact::Status::default();
    let mut done = 0u64;
    let mut round = 0u64;
    // rounds since the best schedule last improved
    let mut stale = 0u32;
    progress(&Progress {
        round,
        iterations: done,
        score: state.score,
    });
    // a schedule at a proven bound is optimal: stop there
    let most = model.upper_bound();
    let mut bound = most;
    std::thread::scope(|scope| {
        let mut proof = None;
        // the proof's start, until this thread has assisted it
        let mut to_assist: Option<Vec<u32>> = None;
        while done < budget
            && state.score < bound
            && options.deadline.map_or(true, |d| Instant::now() < d)
        {
            if provable && state.open.is_empty() {
                provable = false;
                if threads >= 2 {
                    let start = state.start.clone();
                    to_assist = Some(start.clone());
                    let status = &status;
                    proof = Some(scope.spawn(move || {
                        exact::lower_bound(model, &start, PROOF_CONFLICTS, options.deadline, status)
                    }));
                } else {
                    let share = options.deadline.map(|d| {
                        let now = Instant::now();
                        now + d.saturating_duration_since(started).mul_f64(PROOF_SHARE)
                    });
                    let lb =
                        exact::lower_bound(model, &state.start, PROOF_CONFLICTS, share, &status);
                    bound = adopt(&mut state, lb, most);
                    round += 1;
                    progress(&Progress {
                        round,
                        iterations: done,
                        score: state.score,
                    });
                    continue;
                }
            }
            // from ASSIST_FROM of the time on, this thread assists the proof with a second
            // solver; not without a deadline, so that such runs stay reproducible
            let assist_from = options
                .deadline
                .map(|d| started + d.saturating_duration_since(started).mul_f64(ASSIST_FROM));
            if let (Some(from), Some(start)) = (assist_from, &to_assist) {
                if Instant::now() >= from {
                    let lb = exact::assist(model, start, options.deadline, &status);
                    to_assist = None;
                    bound = bound.min(adopt(&mut state, lb, most));
                    // one of the two is done (the stop flag is set only then, until the
                    // end): the proof's thread returns at once
                    if status.stop.load(Ordering::Relaxed) {
                        if let Some(h) = proof.take() {
                            bound = bound.min(finish(h, &mut state, most));
                        }
                    }
                    continue;
                }
            }
            let iters = per_round.min(budget - done);
            let frac = match options.deadline {
                Some(d) => {
                    // the search's own time ends where the assistance begins
                    let end = match (assist_from, &to_assist) {
                        (Some(from), Some(_)) => from,
                        _ => d,
                    };
                    let total = end.saturating_duration_since(started).as_secs_f64();
                    let spent = started.elapsed().as_secs_f64();
                    (spent / total.max(1e-9)).max(done as f64 / budget as f64)
                }
                None => done as f64 / budget as f64,
            };
            let start_temp = match model.idle {
                IdleMeasure::Slots => START_TEMPERATURE,
                IdleMeasure::Breaks => START_TEMPERATURE_BREAKS,
            };
            let temp = start_temp * (1.0 - frac.min(1.0)).powi(2);
            let seed_of = |k: usize| {
                options.seed ^ (round + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (k as u64) << 48
            };
            let kick = stale >= STALE_ROUNDS;
            let results: Vec<(State<'a>, u64)> = if lns_threads == 1 {
                vec![search(
                    state.clone(),
                    seed_of(0),
                    iters,
                    options.deadline,
                    temp,
                    kick && round % 2 == 1,
                )]
            } else {
                std::thread::scope(|inner| {
                    let handles: Vec<_> = (0..lns_threads)
                        .map(|k| {
                            let st = state.clone();
                            let seed = seed_of(k);
                            let deadline = options.deadline;
                            inner.spawn(move || {
                                search(st, seed, iters, deadline, temp, kick && k % 2 == 1)
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                        .collect()
                })
            };
            let mut made = 0;
            stale += 1;
            for (st, its) in results {
                made = made.max(its);
                if st.score > state.score {
                    state = st;
                    stale = 0;
                }
            }
            if stale == 0 && proof.is_some() {
                if let Ok(mut best) = status.best.lock() {
                    best.clone_from(&state.start);
                }
            }
            done += made;
            round += 1;
            // with a deadline, what the proof has found counts at once; without one, only
            // at the end, so that the run stays reproducible
            if options.deadline.is_some() {
                if let Some(h) = proof.take_if(|h: &mut ScopedJoinHandle<_>| h.is_finished()) {
                    bound = bound.min(finish(h, &mut state, most));
                } else {
                    bound = bound.min(proven(model, most, status.proven.load(Ordering::Relaxed)));
                }
            }
            progress(&Progress {
                round,
                iterations: done,
                score: state.score,
            });
            if made < iters {
                break; // the deadline stopped the round
            }
        }
        // the proof's outcome, and the proof itself when the budget ran out before it began
        if let Some(h) = proof {
            if options.deadline.is_some() {
                status.stop.store(true, Ordering::Relaxed);
            }
            bound = bound.min(finish(h, &mut state, most));
        } else if provable
            && state.open.is_empty()
            && options.deadline.map_or(true, |d| Instant::now() < d)
        {
            let lb = exact::lower_bound(
                model,
                &state.start,
                PROOF_CONFLICTS,
                options.deadline,
                &status,
            );
            bound = adopt(&mut state, lb, most);
        }
    });
    fill(&mut state, &mut rng);
    state.forget();
    let optimal = state.score >= bound;
    (state, done, optimal)
}

/// Waits for the proof's thread and adopts what it found (see [`adopt`]).
fn finish(proof: ScopedJoinHandle<'_, exact::LowerBound>, state: &mut State, most: i64) -> i64 {
    let lb = proof
        .join()
        .unwrap_or_else(|e| std::panic::resume_unwind(e));
    adopt(state, lb, most)
}

/// Adopts the optimal schedule a lower-bound proof found, if it is better than `state`'s;
/// returns the score bound the proof gives (from `most`, the bound without it).
fn adopt(state: &mut State, lb: exact::LowerBound, most: i64) -> i64 {
    let md = state.model;
    if let Some(start) = lb.optimal {
        let mut next = State::new(md);
        for (m, &s) in start.iter().enumerate() {
            if s != NONE {
                let v = md
                    .value_at(m, s)
                    .expect("the formula only offers feasible starts");
                next.insert(m, s as usize, NONE, v);
            }
        }
        next.forget();
        if next.score > state.score {
            *state = next;
        }
    }
    proven(md, most, lb.breaks)
}

/// The score bound when every schedule of the best one's meetings has at least `breaks`
/// breaks: a schedule without some meeting loses at least that meeting's value instead.
fn proven(md: &Model, most: i64, breaks: u64) -> i64 {
    let least = (0..md.n_meetings)
        .filter_map(|m| md.cand_val[md.cands(m)].first())
        .map(|&v| i64::from(v.max(0)))
        .min()
        .unwrap_or(0);
    most - (breaks as i64).min(least)
}

/// Meetings by most constrained first (fixed, then heaviest, then fewest starts), each at
/// its best start.
fn construct(state: &mut State, rng: &mut Rng) {
    let md = state.model;
    let mut order: Vec<u32> = (0..md.n_meetings as u32)
        .filter(|&m| !md.cands(m as usize).is_empty())
        .collect();
    order.sort_by_key(|&m| {
        let m = m as usize;
        (
            !md.fixed[m],
            std::cmp::Reverse(md.weight[m]),
            md.cands(m).len(),
        )
    });
    for m in order {
        let m = m as usize;
        if let Some((s, i, v, delta)) = state.best_insert(m, rng) {
            if delta > 0 || md.fixed[m] {
                state.insert(m, s as usize, i, v);
            }
        }
    }
}

/// The baseline greedy (`bench/greedy.py`): fixed first, then by weight and length
/// (descending); each at its previous start if possible, else the earliest start
/// comfortable for everyone, else the earliest start.
fn greedy(state: &mut State) {
    let md = state.model;
    let mut order: Vec<usize> = (0..md.n_meetings).collect();
    order.sort_by_key(|&m| {
        (
            !md.fixed[m],
            std::cmp::Reverse(md.weight[m]),
            std::cmp::Reverse(md.length[m]),
        )
    });
    for m in order {
        let prev = md.previous[m];
        let comfortable = |k: usize| {
            let bonus = if md.cand[k] == prev { MOVED as i32 } else { 0 };
            md.cand_val[k] - bonus == WEIGHT as i32 * md.weight[m] as i32
        };
        let placeable = |state: &State, k: usize| state.can_place(m, md.cand[k] as usize);
        let at_prev = md
            .cands(m)
            .find(|&k| md.cand[k] == prev)
            .and_then(|k| placeable(state, k).map(|i| (k, i)));
        let choice = at_prev
            .or_else(|| {
                md.cands(m)
                    .filter(|&k| comfortable(k))
                    .find_map(|k| placeable(state, k).map(|i| (k, i)))
            })
            .or_else(|| {
                md.cands(m)
                    .find_map(|k| placeable(state, k).map(|i| (k, i)))
            });
        if let Some((k, i)) = choice {
            state.insert(m, md.cand[k] as usize, i, md.cand_val[k]);
        }
    }
}

/// Inserts every open meeting that still fits with a gain.
fn fill(state: &mut State, rng: &mut Rng) {
    let open = state.open.clone();
    for m in open {
        let m = m as usize;
        if let Some((s, i, v, delta)) = state.best_insert(m, rng) {
            if delta > 0 {
                state.insert(m, s as usize, i, v);
            }
        }
    }
}

/// Buffers reused by the moves.
#[derive(Default)]
struct Scratch {
    blockers: Vec<u32>,
    list: Vec<u32>,
    /// Meetings placed by the current move, which it must not eject again.
    placed: Vec<u32>,
}

fn search<'a>(
    mut st: State<'a>,
    seed: u64,
    iters: u64,
    deadline: Option<Instant>,
    temp: f64,
    kicked: bool,
) -> (State<'a>, u64) {
    let md = st.model;
    let mut rng = Rng::new(seed);
    let mut sc = Scratch::default();
    if kicked {
        kick(&mut st, &mut rng, &mut sc);
    }
    let mut best = st.score;
    let bound = md.upper_bound();
    st.forget();
    let guide = match md.idle {
        IdleMeasure::Breaks => GUIDE,
        IdleMeasure::Slots => 0.0,
    };
    // without improvement for this long, go back to the best schedule
    let max_log = 20 * md.n_meetings + 20_000;
    let mut it = 0;
    while it < iters {
        if it & 255 == 0 && (best >= bound || deadline.is_some_and(|d| Instant::now() >= d)) {
            break;
        }
        it += 1;
        let mark = st.mark();
        let old = st.score;
        let old_aux = st.aux;
        sc.placed.clear();
        let r = rng.below(100);
        let ok = if r < 40 && !st.open.is_empty() {
            let m = st.open[rng.below(st.open.len() as u32) as usize] as usize;
            insert_move(&mut st, m, &mut rng, &mut sc)
        } else if r < 60 {
            let m = focus(&st, &mut rng);
            st.start[m] != NONE && kempe(&mut st, m, &mut rng, &mut sc)
        } else if r < 65 {
            let m = focus(&st, &mut rng);
            st.start[m] != NONE && swap_slots(&mut st, m, &mut rng, &mut sc)
        } else if r < 85 {
            let m = if r < 70 && !md.published.is_empty() {
                md.published[rng.below(md.published.len() as u32) as usize] as usize
            } else {
                focus(&st, &mut rng)
            };
            st.start[m] != NONE && !md.fixed[m] && relocate(&mut st, m, &mut rng, &mut sc)
        } else if r < 100 - REPAIR_SHARE || md.idle != IdleMeasure::Breaks {
            let m = focus(&st, &mut rng);
            st.start[m] != NONE && ruin_day(&mut st, m, &mut rng, &mut sc)
        } else {
            let m = focus(&st, &mut rng);
            st.start[m] != NONE && {
                let parts = md.parts(m);
                let p = parts[rng.below(parts.len() as u32) as usize] as usize;
                let d = md.slot_day[st.start[m] as usize] as usize;
                repair_day(&mut st, p, d, guide, &mut sc.list)
            }
        };
        if !ok {
            st.undo_to(mark);
            continue;
        }
        let new = st.score;
        let gain = (new - old) as f64 - guide * (st.aux - old_aux) as f64;
        let accept = gain >= 0.0 || (temp > 0.0 && rng.unit() < (gain / temp).exp());
        if !accept {
            st.undo_to(mark);
        } else if new > best {
            best = new;
            st.forget();
        }
        if st.log_len() > max_log {
            st.undo_to(0);
        }
    }
    st.undo_to(0);
    (st, it)
}

/// Diversification: takes out a few random meetings and puts them back in random order
/// where they fit best, whatever that costs.
fn kick(st: &mut State, rng: &mut Rng, sc: &mut Scratch) {
    let md = st.model;
    let scheduled = md.n_meetings - st.open.len();
    sc.list.clear();
    for _ in 0..(scheduled / 10).clamp(4, 200) {
        let m = rng.below(md.n_meetings as u32) as usize;
        if st.start[m] != NONE && !md.fixed[m] {
            st.remove(m);
            sc.list.push(m as u32);
        }
    }
    shuffle(&mut sc.list, rng);
    for k in 0..sc.list.len() {
        let m = sc.list[k] as usize;
        refill_around(st, m, rng);
        if st.start[m] == NONE {
            if let Some((s, i, v, _)) = st.best_insert(m, rng) {
                st.insert(m, s as usize, i, v);
            }
        }
    }
}

/// Inserts the open meeting `m`: where it fits if it does, else by ejection.
fn insert_move(st: &mut State, m: usize, rng: &mut Rng, sc: &mut Scratch) -> bool {
    if let Some((s, i, v, delta)) = st.best_insert(m, rng) {
        if delta > 0 {
            st.insert(m, s as usize, i, v);
            return true;
        }
    }
    let target = home(st.model, m)
        .filter(|_| rng.below(2) == 0)
        .or_else(|| pick_start(st, m, NONE, rng));
    match target {
        Some(k) => eject_insert(st, m, k, rng, sc, EJECT_DEPTH),
        None => false,
    }
}

/// The candidate index of `m`'s previously published start, if it is still feasible.
fn home(md: &Model, m: usize) -> Option<usize> {
    let prev = md.previous[m];
    if prev == NONE {
        return None;
    }
    md.cands(m).find(|&k| md.cand[k] == prev)
}

/// Moves the scheduled meeting `m`: to its best free start, or by ejection elsewhere;
/// then lets its participants' open meetings use the room it left.
fn relocate(st: &mut State, m: usize, rng: &mut Rng, sc: &mut Scratch) -> bool {
    let old = st.start[m];
    st.remove(m);
    let back = home(st.model, m).filter(|&k| st.model.cand[k] != old);
    let ok = if let (Some(k), 0) = (back, rng.below(2)) {
        eject_insert(st, m, k, rng, sc, EJECT_DEPTH)
    } else if rng.below(2) == 0 {
        match st.best_insert(m, rng) {
            Some((s, i, v, _)) => {
                st.insert(m, s as usize, i, v);
                true
            }
            None => false,
        }
    } else {
        let target = home(st.model, m)
            .filter(|&k| st.model.cand[k] != old && rng.below(2) == 0)
            .or_else(|| pick_start(st, m, old, rng));
        match target {
            Some(k) => eject_insert(st, m, k, rng, sc, EJECT_DEPTH),
            None => false,
        }
    };
    if ok && st.start[m] != old {
        refill_around(st, m, rng);
    }
    ok
}

/// Tries the open meetings of `m`'s participants, where they fit with a gain.
fn refill_around(st: &mut State, m: usize, rng: &mut Rng) {
    let md = st.model;
    for &p in md.parts(m) {
        for &o in md.meetings_of(p as usize) {
            let o = o as usize;
            if st.start[o] != NONE || md.cands(o).is_empty() {
                continue;
            }
            if let Some((s, i, v, delta)) = st.best_insert(o, rng) {
                if delta > 0 {
                    st.insert(o, s as usize, i, v);
                }
            }
        }
    }
}

/// Empties the day of one participant of meeting `m` and refills it (with that
/// participant's open meetings too), heaviest first, ties at random.
fn ruin_day(st: &mut State, m: usize, rng: &mut Rng, sc: &mut Scratch) -> bool {
    let md = st.model;
    let parts = md.parts(m);
    let p = parts[rng.below(parts.len() as u32) as usize] as usize;
    let d = md.slot_day[st.start[m] as usize] as usize;
    st.meetings_on_day(p, d, &mut sc.list);
    for &o in &sc.list {
        st.remove(o as usize);
    }
    for &o in md.meetings_of(p) {
        if st.start[o as usize] == NONE && !md.cands(o as usize).is_empty() && !sc.list.contains(&o)
        {
            sc.list.push(o);
        }
    }
    shuffle(&mut sc.list, rng);
    sc.list
        .sort_by_key(|&o| std::cmp::Reverse(md.weight[o as usize]));
    for k in 0..sc.list.len() {
        let o = sc.list[k] as usize;
        if let Some((s, i, v, delta)) = st.best_insert(o, rng) {
            if delta > 0 {
                st.insert(o, s as usize, i, v);
            }
        }
    }
    true
}

/// Kempe-chain swap: moves the scheduled meeting `m` from its slot `a` to another slot
/// `b`, and with it, alternately, every meeting of `b` and of `a` that shares a
/// participant with a moved one, so nobody is double booked. One-slot meetings only.
fn kempe(st: &mut State, m: usize, rng: &mut Rng, sc: &mut Scratch) -> bool {
    let md = st.model;
    if md.length[m] != 1 || md.fixed[m] {
        return false;
    }
    let r = md.cands(m);
    let a = st.start[m];
    let b = if rng.below(2) == 0 {
        md.cand[r.start + rng.below(r.len() as u32) as usize]
    } else {
        // next to another meeting of one of its participants: closes a gap
        let parts = md.parts(m);
        let p = parts[rng.below(parts.len() as u32) as usize] as usize;
        let o = md.meetings_of(p)[rng.below(md.meetings_of(p).len() as u32) as usize] as usize;
        if st.start[o] == NONE || o == m {
            return false;
        }
        let t = if rng.below(2) == 0 {
            st.start[o].wrapping_sub(1)
        } else {
            st.start[o] + md.length[o]
        };
        if md.value_at(m, t).is_none() {
            return false;
        }
        t
    };
    if a == b {
        return false;
    }
    // the chain: meetings to move, each tagged with its slot
    sc.blockers.clear();
    sc.blockers.push(m as u32);
    let mut k = 0;
    while k < sc.blockers.len() {
        let o = sc.blockers[k] as usize;
        let (from, to) = if st.start[o] == a { (a, b) } else { (b, a) };
        debug_assert_eq!(st.start[o], from);
        for &p in md.parts(o) {
            let x = st.occupant(p as usize, to as usize);
            if x == NONE || sc.blockers.contains(&x) {
                continue;
            }
            if md.length[x as usize] != 1 || md.fixed[x as usize] {
                return false;
            }
            sc.blockers.push(x);
        }
        k += 1;
        if sc.blockers.len() > 64 {
            return false;
        }
    }
    swap_all(st, a, b, sc)
}

/// Swaps the whole contents of slot `m`'s slot and another slot of its day, when every
/// meeting there has one slot and can go to the other one.
fn swap_slots(st: &mut State, m: usize, rng: &mut Rng, sc: &mut Scratch) -> bool {
    let md = st.model;
    let a = st.start[m];
    let d = md.slot_day[a as usize];
    let b = md.cand[md.cands(m).start + rng.below(md.cands(m).len() as u32) as usize];
    if a == b || md.slot_day[b as usize] != d {
        return false;
    }
    sc.blockers.clear();
    sc.blockers.extend_from_slice(&st.slot_list[a as usize]);
    sc.blockers.extend_from_slice(&st.slot_list[b as usize]);
    if sc
        .blockers
        .iter()
        .any(|&o| md.length[o as usize] != 1 || md.fixed[o as usize])
    {
        return false;
    }
    swap_all(st, a, b, sc)
}

/// Moves every meeting of `sc.blockers` from its slot (`a` or `b`) to the other one.
fn swap_all(st: &mut State, a: u32, b: u32, sc: &mut Scratch) -> bool {
    let md = st.model;
    sc.list.clear();
    for &o in &sc.blockers {
        let to = if st.start[o as usize] == a { b } else { a };
        sc.list.push(to);
    }
    for &o in &sc.blockers {
        st.remove(o as usize);
    }
    for j in 0..sc.blockers.len() {
        let (o, to) = (sc.blockers[j] as usize, sc.list[j]);
        let Some(v) = md.value_at(o, to) else {
            return false;
        };
        let Some(i) = st.can_place(o, to as usize) else {
            return false;
        };
        st.insert(o, to as usize, i, v);
    }
    true
}

/// A random meeting, preferring a scheduled one whose participants have idle time that
/// day (where compaction moves can gain).
fn focus(st: &State, rng: &mut Rng) -> usize {
    let md = st.model;
    let mut m = rng.below(md.n_meetings as u32) as usize;
    for _ in 0..4 {
        if st.start[m] != NONE {
            let d = md.slot_day[st.start[m] as usize] as usize;
            let idle = md.parts(m).iter().any(|&p| {
                let k = p as usize * md.n_days + d;
                md.idle_cost(md.avail_mask[k], st.day_mask(k)) > 0
            });
            if idle {
                break;
            }
        }
        m = rng.below(md.n_meetings as u32) as usize;
    }
    m
}

fn shuffle(v: &mut [u32], rng: &mut Rng) {
    for k in (1..v.len()).rev() {
        let j = rng.below(k as u32 + 1) as usize;
        v.swap(k, j);
    }
}

/// Among a few random feasible starts of the unscheduled `m` (not `avoid`), the one whose
/// value minus the weight of the meetings of its participants there is highest: an index
/// into the model's candidates.
fn pick_start(st: &State, m: usize, avoid: u32, rng: &mut Rng) -> Option<usize> {
    let md = st.model;
    let r = md.cands(m);
    if r.is_empty() {
        return None;
    }
    let len = md.length[m] as usize;
    let mut best: Option<(usize, i64)> = None;
    for _ in 0..3 {
        let k = r.start + rng.below(r.len() as u32) as usize;
        let s = md.cand[k] as usize;
        if s as u32 == avoid {
            continue;
        }
        let mut est = i64::from(md.cand_val[k]);
        for &p in md.parts(m) {
            let mut last = NONE;
            for t in s..s + len {
                let o = st.occupant(p as usize, t);
                if o != NONE && o != last {
                    // Saturating: several fixed occupants would overflow the estimate.
                    est = est.saturating_sub(if md.fixed[o as usize] {
                        i64::MAX / 4
                    } else {
                        1000 * i64::from(md.weight[o as usize])
                    });
                    last = o;
                }
            }
        }
        if best.map_or(true, |(_, b)| est > b) {
            best = Some((k, est));
        }
    }
    best.map(|(k, _)| k)
}

/// Places the unscheduled `m` at candidate `k`, ejecting whatever blocks it, then puts
/// the ejected meetings back where they fit best. False if a fixed meeting is in the way.
fn eject_insert(
    st: &mut State,
    m: usize,
    k: usize,
    rng: &mut Rng,
    sc: &mut Scratch,
    depth: u32,
) -> bool {
    let md = st.model;
    let s = md.cand[k] as usize;
    let len = md.length[m] as usize;
    let mut blockers: Vec<u32> = Vec::new();
    for &p in md.parts(m) {
        for t in s..s + len {
            let o = st.occupant(p as usize, t);
            if o != NONE && !blockers.contains(&o) {
                blockers.push(o);
            }
        }
    }
    // fixed meetings stay, and so do those this move has just placed
    if blockers
        .iter()
        .any(|&o| md.fixed[o as usize] || sc.placed.contains(&o))
    {
        return false;
    }
    for &o in &blockers {
        st.remove(o as usize);
    }
    // one more meeting away for a participant at `max_meetings`
    for &p in md.parts(m) {
        let p = p as usize;
        if st.count[p] >= md.max_meetings[p] {
            let mine: Vec<u32> = md
                .meetings_of(p)
                .iter()
                .copied()
                .filter(|&o| {
                    st.start[o as usize] != NONE && !md.fixed[o as usize] && !sc.placed.contains(&o)
                })
                .collect();
            if mine.is_empty() {
                return false;
            }
            let o = mine[rng.below(mine.len() as u32) as usize];
            st.remove(o as usize);
            blockers.push(o);
        }
    }
    // a room: the lightest meeting of a full slot
    for t in s..s + len {
        if st.room_use[t] >= md.rooms {
            let pick = st.slot_list[t]
                .iter()
                .copied()
                .filter(|&o| !md.fixed[o as usize] && !sc.placed.contains(&o))
                .min_by_key(|&o| (md.weight[o as usize], rng.below(1 << 16)));
            let Some(o) = pick else { return false };
            st.remove(o as usize);
            blockers.push(o);
        }
    }
    // an interpreter: free one who could serve
    if md.needs_interp[m] && st.free_interp(m, s).is_none() {
        let able: Vec<u32> = md
            .interps(m)
            .iter()
            .copied()
            .filter(|&i| (s..s + len).all(|t| md.interp_avail[i as usize * md.n_slots + t]))
            .collect();
        if able.is_empty() {
            return false;
        }
        let i = able[rng.below(able.len() as u32) as usize] as usize;
        for t in s..s + len {
            let o = st.interp_occupant(i, t);
            if o != NONE {
                if md.fixed[o as usize] || sc.placed.contains(&o) {
                    return false;
                }
                st.remove(o as usize);
                blockers.push(o);
            }
        }
    }
    let Some(i) = st.can_place(m, s) else {
        return false;
    };
    st.insert(m, s, i, md.cand_val[k]);
    sc.placed.push(m as u32);
    shuffle(&mut blockers, rng);
    blockers.sort_by_key(|&o| std::cmp::Reverse(md.weight[o as usize]));
    for o in blockers.iter().map(|&o| o as usize) {
        match st.best_insert(o, rng) {
            Some((s2, i2, v2, delta)) if delta > 0 => st.insert(o, s2 as usize, i2, v2),
            _ if depth > 0 => {
                // no room left for it: push it on, ejecting in turn
                if let Some(k2) = pick_start(st, o, NONE, rng) {
                    let mark = st.mark();
                    if !eject_insert(st, o, k2, rng, sc, depth - 1) {
                        st.undo_to(mark);
                    }
                }
            }
            _ => {}
        }
    }
    true
}
