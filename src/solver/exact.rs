//! Optimal schedules under the breaks measure, by MaxSAT over the CNF of "these
//! meetings, each somewhere" (core-guided and implicit hitting sets; see
//! [`lower_bound`]). Every refutation proves one more break unavoidable, so a search
//! that reaches the bound can stop; a satisfiable call at the bound gives an optimal
//! schedule itself.
//!
//! It applies when every meeting is one slot long, needs no interpreter, and is worth the
//! same at each of its starts (no comfort or stability differences): then the score of a
//! schedule of a fixed set of meetings depends on its breaks alone.
//!
//! Variables: `x[m, t]` meeting m starts at slot t; `y[p, t]` participant p is busy at
//! t; `after[p, i]` p is busy somewhere from day position i on; `brk[p, i]` p's day
//! breaks after position i (busy at i, free at i + 1, busy later); for a participant
//! whose meetings all fall on one day, the position of its first meeting in order
//! encoding, which without a break fixes every `y` of the day (see [`Encoder::window`]).
//! Implied constraints make the search fast: each participant is busy in exactly as many
//! slots as it has meetings, and no slot holds more people than its rooms seat (without
//! it, a schedule without breaks and within the rooms took minutes instead of
//! milliseconds to find); two participants who meet have overlapping windows. The room
//! limits enter from the start where their counters are small, else lazily, for the slots
//! a model overfills.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use super::model::{Model, NONE};
use super::problem::IdleMeasure;
use super::sat::{Exchange, Lit, Outcome, Sat};

/// At most one of a few literals is encoded pairwise; of more, with a ladder.
const PAIRWISE_MAX: usize = 6;

/// Whether lower bounds can be proved for this model (see the module's text).
pub fn applies(md: &Model) -> bool {
    md.idle == IdleMeasure::Breaks
        && (0..md.n_meetings).all(|m| {
            let vals = &md.cand_val[md.cands(m)];
            md.length[m] == 1 && !md.needs_interp[m] && vals.iter().all(|&v| v == vals[0])
        })
}

/// Breaks of the schedule `start` (one-slot meetings).
pub fn breaks_of(md: &Model, start: &[u32]) -> u64 {
    day_masks(md, start)
        .iter()
        .map(|&k| md.idle_cost(0, k).max(0) as u64)
        .sum()
}

/// Per participant and day (`p * n_days + day`), the positions `start` keeps it busy.
fn day_masks(md: &Model, start: &[u32]) -> Vec<u128> {
    let mut mask = vec![0u128; md.n_parts * md.n_days];
    for (m, &s) in start.iter().enumerate() {
        if s == NONE {
            continue;
        }
        let s = s as usize;
        for &p in md.parts(m) {
            mask[p as usize * md.n_days + md.slot_day[s] as usize] |= 1u128 << md.slot_pos[s];
        }
    }
    mask
}

/// What a proof running on another thread shares: the bound proven so far, a flag that
/// stops it, and the search's best schedule of the same meetings (empty until the search
/// improves on the proof's start), whose broken days the proof tries first.
#[derive(Default)]
pub struct Status {
    pub proven: AtomicU64,
    pub stop: Arc<AtomicBool>,
    pub best: Mutex<Vec<u32>>,
    /// What the hitting sets of the proof and of its [`assist`]ant have found.
    sets: Mutex<SharedSets>,
    /// Short learnt clauses, passed between the proof's solver and its assistant's.
    clauses: Arc<Exchange>,
}

/// What the hitting sets of two solvers of the same formula share: each takes the cores
/// either finds, and an allotment one of them is trying is not tried by the other.
#[derive(Default)]
struct SharedSets {
    cores: Vec<Core>,
    /// Calls so far per allotment.
    tries: BTreeMap<Vec<u32>, u32>,
    /// The allotments a solver is trying now, which the other passes over.
    running: BTreeSet<Vec<u32>>,
}

/// What the lower-bound proof found for the meetings of a schedule.
#[derive(Debug, PartialEq, Eq)]
pub struct LowerBound {
    /// Every schedule of these meetings has at least this many breaks.
    pub breaks: u64,
    /// A schedule of these meetings with exactly that many breaks, when one was found
    /// (and it has fewer than the given one).
    pub optimal: Option<Vec<u32>>,
}

/// Proves a lower bound on the breaks of any schedule of the meetings scheduled in
/// `start` (feasible; see [`applies`]) within `conflicts` and the deadline.
///
/// Two methods take turns on one formula: a core-guided proof ([`Oll`]), which raises
/// the bound fast, and implicit hitting sets ([`HittingSets`]), which find the schedule
/// at the bound (as one call with a count over a core it took 26 s on ticf-13crafc, as
/// calls that each name who breaks 3 s) and prove bounds where the cores are many.
/// Whatever either proves holds for both, and a schedule at the bound is optimal.
pub fn lower_bound(
    md: &Model,
    start: &[u32],
    conflicts: u64,
    deadline: Option<Instant>,
    status: &Status,
) -> LowerBound {
    prove(md, start, conflicts, deadline, status, FIRST_SLICE, 0)
}

/// A second [`lower_bound`] of the same `start`, run beside the first on another thread
/// until either is done or `deadline` passes: a solver of its own on the same formula,
/// taking the first one's short learnt clauses at its restarts and passing on its own,
/// and sharing the hitting sets' cores. Without the clauses it did not help: the proof's
/// schedules at the bound are mostly found by its core-guided calls, after the learnt
/// clauses of many hitting-set calls (the four hardest B2B events, 10 s: with an
/// assistant of hitting sets alone 7-11 of 24 runs optimal, with none 10-12; with this
/// one from 40% of the time on, 28 of 48 against 19 of 48; from 20%, 34 of 48).
pub fn assist(md: &Model, start: &[u32], deadline: Option<Instant>, status: &Status) -> LowerBound {
    prove(md, start, u64::MAX, deadline, status, FIRST_SLICE, 1)
}

/// [`lower_bound`], with the proof's first turn `first_slice` conflicts long, by the
/// solver `id` of the status's clause exchange.
fn prove(
    md: &Model,
    start: &[u32],
    conflicts: u64,
    deadline: Option<Instant>,
    status: &Status,
    first_slice: u64,
    id: u32,
) -> LowerBound {
    let best = breaks_of(md, start);
    let mut bound = LowerBound {
        breaks: 0,
        optimal: None,
    };
    if best == 0 {
        return bound;
    }
    let mut enc = Encoder {
        md,
        sat: Sat::new(),
        x: vec![Vec::new(); md.n_meetings],
        rooms_pending: Vec::new(),
        windows: Vec::new(),
    };
    enc.sat.set_interrupt(status.stop.clone());
    let groups = interchangeable(md, start);
    let start = &in_order(start, &groups);
    let counts = enc.encode(start, best as usize);
    enc.order(&groups);
    enc.sat.share(status.clauses.clone(), id);
    let stop_at = enc.sat.conflicts().saturating_add(conflicts);
    let mut oll = Oll::new(&counts);
    let preferred = broken_days(md, start, &counts);
    let mut sets = HittingSets::new(counts, preferred, &status.sets);
    let cap = best as usize;
    // the two take turns: the core-guided proof raises the bound fast; the hitting sets
    // find the schedule at it (and prove bounds of their own)
    let mut oll_turn = true;
    let mut slice = first_slice;
    loop {
        let budget = slice.min(stop_at.saturating_sub(enc.sat.conflicts()));
        if budget == 0
            || deadline.is_some_and(|d| Instant::now() >= d)
            || status.stop.load(Ordering::Relaxed)
        {
            break;
        }
        let step = if oll_turn {
            oll.step(&mut enc, &mut sets, start, cap, budget, deadline)
        } else {
            let best = status.best.lock().map(|b| b.clone()).unwrap_or_default();
            if best.len() == start.len() {
                sets.preferred = broken_days(md, &best, &sets.counts);
            }
            sets.step(&mut enc, start, budget, deadline)
        };
        match step {
            Step::Open => {
                oll_turn = !oll_turn;
                if oll_turn {
                    slice = slice.saturating_mul(2);
                }
            }
            Step::AtLeast(breaks) => {
                if breaks > bound.breaks {
                    bound.breaks = breaks;
                    status.proven.fetch_max(breaks, Ordering::Relaxed);
                }
                // done: an assistant stops too
                if bound.breaks >= best {
                    status.stop.store(true, Ordering::Relaxed);
                    break;
                }
            }
            Step::Found(found) => {
                if breaks_of(md, &found) <= bound.breaks {
                    bound.optimal = Some(found);
                    status.stop.store(true, Ordering::Relaxed);
                }
                break;
            }
            // the formula itself is refuted, which `start` contradicts
            Step::Refuted => break,
        }
    }
    bound
}

/// Conflicts of each method's first turn, doubled every round (the hitting sets with
/// three times the proof's found ticf-13crafc's schedule in more runs, but tic-13crafc's,
/// which needs the proof, in 3 of 6 seeds instead of 6 of 6).
const FIRST_SLICE: u64 = 5_000;

/// What a turn of [`Oll`] or [`HittingSets`] found.
enum Step {
    /// Nothing within its conflicts.
    Open,
    /// Every schedule has at least this many breaks.
    AtLeast(u64),
    /// A schedule with no more breaks than any proven bound: optimal.
    Found(Vec<u32>),
    /// The formula itself is refuted, which the start contradicts.
    Refuted,
}

/// The core-guided proof (OLL): every break is assumed away; each refutation names a
/// core of breaks (or of counts over earlier cores) of which one at least must happen,
/// so the bound rises by one and the core's members are replaced by "at most one of
/// them" (a count that later cores relax further). A satisfiable call is optimal.
struct Oll {
    softs: Vec<Soft>,
    bound: u64,
}

impl Oll {
    /// One soft per participant and day: its breaks stay at zero.
    fn new(counts: &[Count]) -> Oll {
        let softs = counts
            .iter()
            .map(|count| Soft {
                holds: !count.outs[0],
                outs: Rc::new(count.outs.clone()),
                k: 0,
            })
            .collect();
        Oll { softs, bound: 0 }
    }

    /// One call with every soft assumed; a core also goes to `sets` when it names
    /// participants' counts alone (the first one does).
    fn step(
        &mut self,
        enc: &mut Encoder,
        sets: &mut HittingSets,
        start: &[u32],
        cap: usize,
        budget: u64,
        deadline: Option<Instant>,
    ) -> Step {
        let assume: Vec<Lit> = self.softs.iter().map(|s| s.holds).collect();
        match enc.solve(&assume, budget, deadline) {
            Outcome::Unknown => Step::Open,
            Outcome::Sat => Step::Found(enc.model_starts(start)),
            Outcome::Unsat => {
                let Some(core) = enc.trimmed_core(budget, deadline) else {
                    return Step::Refuted;
                };
                sets.learn(&core);
                self.bound += 1;
                enc.relax(&mut self.softs, &core, cap);
                Step::AtLeast(self.bound)
            }
        }
    }
}

/// A core of the hitting-set search: one at least of these counts (by index) exceeds
/// its level.
type Core = Vec<(u32, u32)>;

/// Whether the allotment `allot` (breaks per count) gives some member of `core` more
/// breaks than its level.
fn hits(allot: &[u32], core: &Core) -> bool {
    core.iter().any(|&(c, level)| allot[c as usize] > level)
}

/// Allotments of at most `cost` breaks that hit every core: at most `cap` of them, those
/// that break fewer counts outside `preferred` first; the flag is false when `nodes` ran
/// out first or the deadline passed, so that an empty answer proves nothing.
fn allotments(
    cores: &[Core],
    preferred: &[bool],
    cost: u32,
    cap: usize,
    nodes: u64,
    deadline: Option<Instant>,
) -> (Vec<Vec<u32>>, bool) {
    struct Search<'a> {
        cores: &'a [Core],
        /// Per count, the cores it is in, with its level there.
        member_of: Vec<Vec<(usize, u32)>>,
        /// Per core, how many of its members the allotment gives more than their level.
        hit: Vec<u32>,
        preferred: &'a [bool],
        cost: u32,
        /// The most counts outside `preferred` an allotment may break.
        outside: u32,
        cap: usize,
        nodes: u64,
        deadline: Option<Instant>,
        out: BTreeSet<Vec<u32>>,
    }
    impl Search<'_> {
        /// Sets count `c` to `to` breaks, keeping the cores' hits in step.
        fn set(&mut self, allot: &mut [u32], c: usize, to: u32) {
            let was = allot[c];
            for &(k, level) in &self.member_of[c] {
                match (was > level, to > level) {
                    (false, true) => self.hit[k] += 1,
                    (true, false) => self.hit[k] -= 1,
                    _ => {}
                }
            }
            allot[c] = to;
        }

        /// False when the node limit or the deadline stopped it. `outside`: the counts
        /// outside `preferred` it breaks, at most `self.outside`.
        fn visit(&mut self, allot: &mut Vec<u32>, spent: u32, outside: u32) -> bool {
            if self.nodes == 0
                || (self.nodes % 1024 == 0 && self.deadline.is_some_and(|d| Instant::now() >= d))
            {
                return false;
            }
            self.nodes -= 1;
            // branch on the smallest core it misses
            let missed = (0..self.cores.len())
                .filter(|&k| self.hit[k] == 0)
                .min_by_key(|&k| self.cores[k].len());
            let Some(k) = missed else {
                self.out.insert(allot.clone());
                return true;
            };
            let mut members = self.cores[k].clone();
            members.sort_by_key(|&(c, _)| !self.preferred[c as usize]);
            for (c, level) in members {
                let c = c as usize;
                let was = allot[c];
                let more = level + 1 - was;
                let new_outside = u32::from(was == 0 && !self.preferred[c]);
                if spent + more > self.cost || outside + new_outside > self.outside {
                    continue;
                }
                self.set(allot, c, level + 1);
                let finished = self.visit(allot, spent + more, outside + new_outside);
                self.set(allot, c, was);
                if !finished {
                    return false;
                }
                if self.out.len() >= self.cap {
                    break;
                }
            }
            true
        }
    }
    let mut member_of = vec![Vec::new(); preferred.len()];
    for (k, core) in cores.iter().enumerate() {
        for &(c, level) in core {
            member_of[c as usize].push((k, level));
        }
    }
    let mut search = Search {
        cores,
        member_of,
        hit: vec![0; cores.len()],
        preferred,
        cost,
        outside: 0,
        cap,
        nodes,
        deadline,
        out: BTreeSet::new(),
    };
    // those with fewer counts outside `preferred` first: one search per limit on them, the
    // last one without a limit (the enumeration's first 256 leaves missed ticf-13crafb's
    // optimal allotment, all of whose days break in the search's schedule, until 8 s)
    let mut finished = true;
    for outside in 0..=cost {
        search.outside = outside;
        finished = search.visit(&mut vec![0; preferred.len()], 0, 0);
        if !finished || search.out.len() >= cap {
            break;
        }
    }
    let mut out: Vec<Vec<u32>> = search.out.into_iter().collect();
    out.sort_by_key(|allot| {
        allot
            .iter()
            .zip(preferred)
            .filter(|&(&k, &p)| k > 0 && !p)
            .count()
    });
    (out, finished)
}

/// Allotments tried per round, the conflicts of an allotment's first try (doubled at
/// each retry), and the size limit of the search for allotments.
const POOL: usize = 256;
const FIRST_TRY: u64 = 500;
const ALLOT_NODES: u64 = 2_000_000;

/// Implicit hitting sets (as in MaxHS): the cheapest allotments of breaks to the
/// participants' counts that hit every core found so far are tried in turn, each as
/// assumptions that hold every count to its allotment, with a budget that doubles at
/// each retry; a refuted one yields a core it misses. An allotment pins nearly every
/// participant's day to no break, which propagation makes quick to refute or to solve.
struct HittingSets<'a> {
    counts: Vec<Count>,
    /// Whether each count has breaks in the search's best schedule: allotments there are
    /// tried first (on forum-13crafb five of the six days that break in an optimal
    /// schedule break in the search's, which has 11-12).
    preferred: Vec<bool>,
    /// The count and level of each assumption "this count is at most that level".
    level_of: BTreeMap<Lit, (u32, u32)>,
    /// What it shares with another solver's hitting sets.
    shared: &'a Mutex<SharedSets>,
    /// The shared cores, as far as this solver has taken them.
    cores: Vec<Core>,
    /// Every allotment of fewer breaks is refuted.
    cost: u64,
}

impl<'a> HittingSets<'a> {
    fn new(counts: Vec<Count>, preferred: Vec<bool>, shared: &'a Mutex<SharedSets>) -> Self {
        let mut level_of = BTreeMap::new();
        for (c, count) in counts.iter().enumerate() {
            for (level, &o) in count.outs.iter().enumerate() {
                level_of.insert(!o, (c as u32, level as u32));
            }
        }
        HittingSets {
            preferred,
            counts,
            level_of,
            shared,
            cores: Vec::new(),
            cost: 0,
        }
    }

    /// Shares a core whose members are all participants' counts.
    fn learn(&mut self, core: &[Lit]) {
        let mapped: Option<Core> = core.iter().map(|l| self.level_of.get(l).copied()).collect();
        if let (Some(core), Ok(mut shared)) = (mapped, self.shared.lock()) {
            shared.cores.push(core);
        }
        self.sync();
    }

    /// Takes the cores shared since the last call.
    fn sync(&mut self) {
        if let Ok(shared) = self.shared.lock() {
            self.cores
                .extend_from_slice(&shared.cores[self.cores.len()..]);
        }
    }

    /// Takes `allot` unless the other solver is trying it; returns its calls so far.
    fn claim(&self, allot: &[u32]) -> Option<u32> {
        let mut shared = self.shared.lock().ok()?;
        if !shared.running.insert(allot.to_vec()) {
            return None;
        }
        Some(shared.tries.get(allot).copied().unwrap_or(0))
    }

    /// Gives `allot` back, counting the call when it had its whole budget.
    fn release(&self, allot: &[u32], counted: bool) {
        if let Ok(mut shared) = self.shared.lock() {
            shared.running.remove(allot);
            *shared.tries.entry(allot.to_vec()).or_insert(0) += u32::from(counted);
        }
    }

    /// Tries the cheapest allotments within `budget` conflicts. It starts from its own
    /// bound, not from the proof's, which may be higher: the cheaper rounds give cores
    /// that prune the later ones (forum-13crafb optimal within 10 s with 3 of seeds 1-8
    /// instead of none).
    fn step(
        &mut self,
        enc: &mut Encoder,
        start: &[u32],
        budget: u64,
        deadline: Option<Instant>,
    ) -> Step {
        self.sync();
        // with no core yet, the only allotment is the proof's own first call
        if self.cost == 0 && self.cores.is_empty() {
            return Step::Open;
        }
        let until = enc.sat.conflicts().saturating_add(budget);
        loop {
            let cost = u32::try_from(self.cost).unwrap_or(u32::MAX);
            let (pool, finished) = allotments(
                &self.cores,
                &self.preferred,
                cost,
                POOL,
                ALLOT_NODES,
                deadline,
            );
            if pool.is_empty() {
                if !finished {
                    return Step::Open;
                }
                self.cost += 1;
                return Step::AtLeast(self.cost);
            }
            let mut tried_any = false;
            for allot in pool {
                let left = until.saturating_sub(enc.sat.conflicts());
                if left == 0 {
                    return Step::Open;
                }
                self.sync();
                if !self.cores.iter().all(|c| hits(&allot, c)) {
                    continue;
                }
                let assume: Vec<Lit> = self
                    .counts
                    .iter()
                    .zip(&allot)
                    .filter_map(|(count, &k)| count.outs.get(k as usize).map(|&o| !o))
                    .collect();
                let Some(tried) = self.claim(&allot) else {
                    continue;
                };
                tried_any = true;
                let full = FIRST_TRY << tried.min(20);
                let conflicts = full.min(left);
                let before = enc.sat.conflicts();
                let outcome = enc.solve(&assume, conflicts, deadline);
                // a call cut short by the turn's end is not counted: its allotment comes
                // first in the next turn with its whole budget again
                self.release(&allot, conflicts == full);
                match outcome {
                    Outcome::Sat => return Step::Found(enc.model_starts(start)),
                    Outcome::Unsat => match enc.trimmed_core(conflicts, deadline) {
                        Some(core) => self.learn(&core),
                        None => return Step::Refuted,
                    },
                    Outcome::Unknown => {
                        // stopped before its conflicts ran out: the deadline or the stop
                        // flag (each further call would only run to its next check)
                        if enc.sat.conflicts() < before.saturating_add(conflicts) {
                            return Step::Open;
                        }
                    }
                }
            }
            // the other solver holds every allotment left
            if !tried_any {
                return Step::Open;
            }
        }
    }
}

/// Groups of scheduled meetings that differ only in a participant who has no other
/// meeting, and have the same candidate starts: exchanging two such participants maps
/// every schedule to one with the same breaks, so the proof may take the group's starts
/// in increasing order (without it, a refutation goes through every order of them).
fn interchangeable(md: &Model, start: &[u32]) -> Vec<Vec<usize>> {
    let mut meetings_of = vec![0u32; md.n_parts];
    for (m, _) in start.iter().enumerate().filter(|&(_, &s)| s != NONE) {
        for &p in md.parts(m) {
            meetings_of[p as usize] += 1;
        }
    }
    let mut by_rest: BTreeMap<(Vec<u32>, &[u32]), Vec<usize>> = BTreeMap::new();
    for (m, _) in start.iter().enumerate().filter(|&(_, &s)| s != NONE) {
        let parts = md.parts(m);
        let Some(lone) = parts.iter().position(|&p| meetings_of[p as usize] == 1) else {
            continue;
        };
        let mut rest = parts.to_vec();
        rest.remove(lone);
        if !rest.is_empty() {
            by_rest
                .entry((rest, &md.cand[md.cands(m)]))
                .or_default()
                .push(m);
        }
    }
    by_rest.into_values().filter(|g| g.len() >= 2).collect()
}

/// `start` with each group's starts in increasing order (the same schedule, up to an
/// exchange of interchangeable participants).
fn in_order(start: &[u32], groups: &[Vec<usize>]) -> Vec<u32> {
    let mut ordered = start.to_vec();
    for group in groups {
        let mut starts: Vec<u32> = group.iter().map(|&m| start[m]).collect();
        starts.sort_unstable();
        for (&m, s) in group.iter().zip(starts) {
            ordered[m] = s;
        }
    }
    ordered
}

/// One participant's breaks on one day, counted.
struct Count {
    /// Output j is true when there are more than j.
    outs: Vec<Lit>,
    part: usize,
    day: usize,
}

/// Per count, whether `schedule` (one-slot meetings) breaks that participant's day.
fn broken_days(md: &Model, schedule: &[u32], counts: &[Count]) -> Vec<bool> {
    let masks = day_masks(md, schedule);
    counts
        .iter()
        .map(|c| md.idle_cost(0, masks[c.part * md.n_days + c.day]) > 0)
        .collect()
}

/// A soft constraint of the core-guided proof, held by assumption: a count (of one
/// participant's breaks on a day, or over an earlier core) stays at most `k`.
struct Soft {
    holds: Lit,
    /// The count's outputs: j is true when more than j are.
    outs: Rc<Vec<Lit>>,
    k: usize,
}

/// The largest counter (inputs times bound) the formula holds for a people-per-slot
/// limit, or for a room limit from the start.
const IMPLIED_COUNTER_MAX: usize = 1 << 20;

/// Calls that try to shrink a core, each on the last core's members alone.
const TRIM_ROUNDS: usize = 5;

struct Encoder<'a> {
    md: &'a Model,
    sat: Sat,
    /// Per meeting, its (slot, variable) pairs; empty for unscheduled meetings.
    x: Vec<Vec<(u32, u32)>>,
    /// Per slot, the meetings that may start there, while its room limit is not yet in
    /// the formula (emptied when it is).
    rooms_pending: Vec<Vec<Lit>>,
    /// Per participant, its window when it has one (see [`Encoder::window`]).
    windows: Vec<Option<Window>>,
}

/// A participant's unbroken day as an order encoding of its first meeting's position.
struct Window {
    /// `ge[a - 1]`: the first meeting is at position a or later.
    ge: Vec<Lit>,
    /// The window holds when none of these is true (the participant has no break).
    when: Vec<Lit>,
    count: usize,
}

impl Encoder<'_> {
    /// An auxiliary variable: never branched on, since the meetings' starts fix it (or
    /// leave it free to be false) through the clauses.
    fn aux(&mut self, phase: bool) -> Lit {
        let v = self.sat.new_var();
        self.sat.set_phase(v, phase);
        self.sat.set_decision(v, false);
        Lit::pos(v)
    }

    /// Encodes the schedules of `start`'s meetings; returns the count of breaks of each
    /// participant and day where it may have some, up to `cap`.
    fn encode(&mut self, start: &[u32], cap: usize) -> Vec<Count> {
        let md = self.md;
        let n = md.n_slots;
        let mut busy_now = vec![false; md.n_parts * n];
        let mut meetings_of = vec![0usize; md.n_parts];
        for (m, &s0) in start.iter().enumerate() {
            if s0 != NONE {
                for &p in md.parts(m) {
                    busy_now[p as usize * n + s0 as usize] = true;
                    meetings_of[p as usize] += 1;
                }
            }
        }
        // meetings: exactly one start each; the search's schedule is the first guess
        let mut at_slot: Vec<Vec<(u32, Lit)>> = vec![Vec::new(); n];
        for (m, &s0) in start.iter().enumerate() {
            if s0 == NONE {
                continue;
            }
            let mut lits = Vec::new();
            for k in md.cands(m) {
                let t = md.cand[k];
                let v = self.sat.new_var();
                self.sat.set_phase(v, t == s0);
                self.x[m].push((t, v));
                at_slot[t as usize].push((m as u32, Lit::pos(v)));
                lits.push(Lit::pos(v));
            }
            self.sat.add_clause(&lits);
            self.at_most_one(&lits);
        }
        // room limits: in the formula from the start while their counters stay small (probing
        // refutes "no break" on ticf-13crafc in 2 s with them, not in 30 s without), else
        // added when a model overfills the slot
        let rooms = md.rooms as usize;
        for list in &at_slot {
            let lits: Vec<Lit> = list.iter().map(|&(_, l)| l).collect();
            if lits.len() <= rooms {
                continue;
            }
            if lits.len().saturating_mul(rooms) <= IMPLIED_COUNTER_MAX {
                self.at_most(&lits, rooms);
            } else {
                self.rooms_pending.push(lits);
            }
        }
        // participants: a busy literal per slot (None: never busy there)
        let mut busy: Vec<Option<Lit>> = vec![None; md.n_parts * n];
        let mut of_part: Vec<Vec<Lit>> = vec![Vec::new(); md.n_parts];
        for (t, list) in at_slot.iter().enumerate() {
            for &(m, l) in list {
                for &p in md.parts(m as usize) {
                    of_part[p as usize].push(l);
                }
            }
            for p in 0..md.n_parts {
                let xs = std::mem::take(&mut of_part[p]);
                busy[p * n + t] = match xs.len() {
                    0 => None,
                    1 => Some(xs[0]),
                    _ => {
                        let y = self.aux(busy_now[p * n + t]);
                        for &xl in &xs {
                            self.sat.add_clause(&[!xl, y]);
                        }
                        let mut c = xs.clone();
                        c.push(!y);
                        self.sat.add_clause(&c);
                        self.at_most_one(&xs);
                        Some(y)
                    }
                };
            }
        }
        // implied: each participant is busy in exactly as many slots as it has meetings
        for p in 0..md.n_parts {
            let busy_p: Vec<Lit> = (0..n).filter_map(|t| busy[p * n + t]).collect();
            let free: Vec<Lit> = busy_p.iter().map(|&l| !l).collect();
            self.at_most(&free, free.len().saturating_sub(meetings_of[p]));
            self.at_most(&busy_p, meetings_of[p]);
        }
        // implied by the rooms: no more people at a slot than its largest meetings seat
        for (t, list) in at_slot.iter().enumerate() {
            let mut sizes: Vec<usize> = list
                .iter()
                .map(|&(m, _)| md.parts(m as usize).len())
                .collect();
            sizes.sort_unstable_by(|a, b| b.cmp(a));
            let seats: usize = sizes.iter().take(md.rooms as usize).sum();
            let people: Vec<Lit> = (0..md.n_parts).filter_map(|p| busy[p * n + t]).collect();
            // its counter grows with people times seats: past this, it would outweigh the
            // rest of the formula
            if people.len().saturating_mul(seats) <= IMPLIED_COUNTER_MAX {
                self.at_most(&people, seats);
            }
        }
        self.windows = (0..md.n_parts).map(|_| None).collect();
        let counts = self.breaks(&busy, &busy_now, &meetings_of, cap);
        self.overlaps(start);
        counts
    }

    /// Implied: two participants who meet and both have windows have windows that
    /// overlap; p's first meeting at a or later puts their meeting there too, so q's
    /// first is at a + 1 - count(q) or later (the contrapositive covers the other side).
    /// Refutations need it: without it, "no break" on forum-13crafc took 13 s instead of 4.
    fn overlaps(&mut self, start: &[u32]) {
        let md = self.md;
        let mut pairs = Vec::new();
        for (m, _) in start.iter().enumerate().filter(|&(_, &s)| s != NONE) {
            for &p in md.parts(m) {
                for &q in md.parts(m) {
                    if p != q {
                        pairs.push((p as usize, q as usize));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        for (p, q) in pairs {
            let (Some(wp), Some(wq)) = (&self.windows[p], &self.windows[q]) else {
                continue;
            };
            let when: Vec<Lit> = wp.when.iter().chain(&wq.when).copied().collect();
            let clauses: Vec<Vec<Lit>> = (1..=wp.ge.len())
                .filter_map(|a| {
                    let b = (a + 1).checked_sub(wq.count).filter(|&b| b >= 1)?;
                    let mut c = when.clone();
                    c.push(!wp.ge[a - 1]);
                    // "q's first at b or later" cannot hold past its last start
                    c.extend(wq.ge.get(b - 1));
                    Some(c)
                })
                .collect();
            for c in clauses {
                self.sat.add_clause(&c);
            }
        }
    }

    /// Each group's meetings start in increasing order (see [`interchangeable`]): the
    /// next one starts after this one, and this one before the next.
    fn order(&mut self, groups: &[Vec<usize>]) {
        for group in groups {
            for pair in group.windows(2) {
                let earlier: Vec<Lit> = self.x[pair[0]].iter().map(|&(_, v)| Lit::pos(v)).collect();
                let later: Vec<Lit> = self.x[pair[1]].iter().map(|&(_, v)| Lit::pos(v)).collect();
                for k in 0..later.len() {
                    let mut after_one = vec![!later[k]];
                    after_one.extend_from_slice(&earlier[..k]);
                    self.sat.add_clause(&after_one);
                    let mut before_one = vec![!earlier[k]];
                    before_one.extend_from_slice(&later[k + 1..]);
                    self.sat.add_clause(&before_one);
                }
            }
        }
    }

    /// Adds the room limit of each slot where the last model holds more meetings than
    /// rooms; false when there is none.
    fn add_violated_rooms(&mut self) -> bool {
        let rooms = self.md.rooms as usize;
        let mut pending = std::mem::take(&mut self.rooms_pending);
        let before = pending.len();
        pending.retain(|lits| {
            let used = lits
                .iter()
                .filter(|l| self.sat.value(l.var() as u32))
                .count();
            if used > rooms {
                self.at_most(lits, rooms);
                false
            } else {
                true
            }
        });
        let added = pending.len() < before;
        self.rooms_pending = pending;
        added
    }

    /// One call, with the room limits a model overfills added until none is.
    fn solve(&mut self, assume: &[Lit], conflicts: u64, deadline: Option<Instant>) -> Outcome {
        loop {
            let outcome = self.sat.solve(assume, conflicts, deadline);
            if outcome != Outcome::Sat || !self.add_violated_rooms() {
                return outcome;
            }
        }
    }

    /// The core of the last call's refutation, shrunk by refuting its members alone again
    /// while that makes it smaller (within `conflicts` more); None when it is empty: the
    /// formula itself is refuted, which the proof's start contradicts.
    fn trimmed_core(&mut self, conflicts: u64, deadline: Option<Instant>) -> Option<Vec<Lit>> {
        let stop_at = self.sat.conflicts().saturating_add(conflicts);
        let mut core = self.sat.core().to_vec();
        for _ in 0..TRIM_ROUNDS {
            if core.len() <= 1 {
                break;
            }
            let left = stop_at.saturating_sub(self.sat.conflicts());
            if self.sat.solve(&core, left, deadline) != Outcome::Unsat
                || self.sat.core().len() >= core.len()
            {
                break;
            }
            core = self.sat.core().to_vec();
        }
        (!core.is_empty()).then_some(core)
    }

    /// Replaces the softs of `core` by "at most one of them is broken" and moves each
    /// count among them one further; counts go up to `cap`.
    fn relax(&mut self, softs: &mut Vec<Soft>, core: &[Lit], cap: usize) {
        let mut in_core = core.to_vec();
        in_core.sort_unstable();
        let mut broken = Vec::new();
        let mut kept = Vec::with_capacity(softs.len());
        for s in softs.drain(..) {
            if in_core.binary_search(&s.holds).is_err() {
                kept.push(s);
                continue;
            }
            broken.push(!s.holds);
            if let Some(&next) = s.outs.get(s.k + 1) {
                kept.push(Soft {
                    holds: !next,
                    outs: s.outs,
                    k: s.k + 1,
                });
            }
        }
        *softs = kept;
        if broken.len() >= 2 {
            let outs = self.totalizer(&broken, cap.min(broken.len()));
            if outs.len() >= 2 {
                softs.push(Soft {
                    holds: !outs[1],
                    outs: Rc::new(outs),
                    k: 1,
                });
            }
        } else if let [b] = broken[..] {
            self.sat.add_clause(&[b]);
        }
    }

    /// The count of breaks of every participant and day, up to `cap`.
    fn breaks(
        &mut self,
        busy: &[Option<Lit>],
        busy_now: &[bool],
        meetings_of: &[usize],
        cap: usize,
    ) -> Vec<Count> {
        let md = self.md;
        let n = md.n_slots;
        let mut counts = Vec::new();
        let mut first = 0;
        while first < n {
            let day = md.slot_day[first];
            let len = md.slot_day[first..]
                .iter()
                .take_while(|&&d| d == day)
                .count();
            for p in (0..md.n_parts).filter(|&p| meetings_of[p] >= 2) {
                let y: Vec<Option<Lit>> = (0..len).map(|i| busy[p * n + first + i]).collect();
                // after[i]: busy at some position >= i (only the forcing direction)
                let mut after: Vec<Option<Lit>> = vec![None; len + 1];
                for i in (0..len).rev() {
                    after[i] = match (y[i], after[i + 1]) {
                        (None, a) => a,
                        (Some(yl), None) => Some(yl),
                        (Some(yl), Some(al)) => {
                            let phase = (first + i..first + len).any(|t| busy_now[p * n + t]);
                            let l = self.aux(phase);
                            self.sat.add_clause(&[!yl, l]);
                            self.sat.add_clause(&[!al, l]);
                            Some(l)
                        }
                    };
                }
                let mut own = Vec::new();
                for i in 0..len.saturating_sub(2) {
                    let (Some(yi), Some(later)) = (y[i], after[i + 2]) else {
                        continue;
                    };
                    let b = self.aux(false);
                    let mut c = vec![!yi, !later, b];
                    if let Some(next) = y[i + 1] {
                        c.push(next);
                    }
                    self.sat.add_clause(&c);
                    own.push(b);
                }
                let count = (!own.is_empty()).then(|| self.totalizer(&own, cap.min(own.len())));
                // whether the day breaks at all is branched on, like the meetings: a search
                // that decides "no break here" for one day after another, learning which
                // days must break, finds the schedule at a proven bound sooner (the four
                // hardest B2B events, seeds 1-24: 75 of 96 runs optimal within 10 s
                // instead of 68, ticf-13crafc 24 of 24)
                if let Some(outs) = &count {
                    self.sat.set_decision(outs[0].var() as u32, true);
                }
                let elsewhere = (0..n)
                    .filter(|&t| t < first || t >= first + len)
                    .any(|t| busy[p * n + t].is_some());
                if !elsewhere {
                    let from = (0..len).find(|&i| busy_now[p * n + first + i]);
                    let unbroken = count.as_ref().map(|outs| !outs[0]);
                    self.windows[p] = self.window(&y, unbroken, meetings_of[p], from);
                }
                counts.extend(count.map(|outs| Count {
                    outs,
                    part: p,
                    day: day as usize,
                }));
            }
            first += len;
        }
        counts
    }

    /// Without a break, a participant's `count` meetings of the day fill the positions
    /// from its first one on: `ge[a]` "the first is at a or later" (an order encoding of
    /// that position) fixes every busy literal, and a busy or free position bounds it.
    /// Conditional on `unbroken` (its count of breaks is zero), so that a participant
    /// whose breaks are allowed is left free; `None`: it cannot have any. `from`: the
    /// position of the first meeting now, the first guess.
    fn window(
        &mut self,
        y: &[Option<Lit>],
        unbroken: Option<Lit>,
        count: usize,
        from: Option<usize>,
    ) -> Option<Window> {
        let len = y.len();
        if count < 2 || count > len {
            return None;
        }
        let last = len - count;
        // ge[a - 1] for a in 1..=last; "at 0 or later" is true, "at last + 1 or later" false
        let ge: Vec<Lit> = (1..=last)
            .map(|a| {
                let v = self.sat.new_var();
                self.sat.set_phase(v, from.is_some_and(|f| f >= a));
                Lit::pos(v)
            })
            .collect();
        for a in 1..last {
            self.sat.add_clause(&[!ge[a], ge[a - 1]]);
        }
        let when: Vec<Lit> = unbroken.map(|u| !u).into_iter().collect();
        let clause = |lits: &[Lit]| [&when[..], lits].concat();
        for (t, &yt) in y.iter().enumerate() {
            // busy at t exactly when the first is in t + 1 - count ..= t: "at lo or later"
            // (None: always) and not "at t + 1 or later" (None: never)
            let lo = (t + 1).saturating_sub(count).checked_sub(1).map(|a| ge[a]);
            let hi = (t < last).then(|| ge[t]);
            let mut inside: Vec<Lit> = lo.map(|l| !l).into_iter().chain(hi).collect();
            if let Some(yl) = yt {
                if let Some(l) = lo {
                    self.sat.add_clause(&clause(&[!yl, l]));
                }
                if let Some(h) = hi {
                    self.sat.add_clause(&clause(&[!yl, !h]));
                }
                inside.push(yl);
            }
            self.sat.add_clause(&clause(&inside));
        }
        Some(Window { ge, when, count })
    }

    /// At most one of `lits`.
    fn at_most_one(&mut self, lits: &[Lit]) {
        if lits.len() <= PAIRWISE_MAX {
            for i in 0..lits.len() {
                for j in i + 1..lits.len() {
                    self.sat.add_clause(&[!lits[i], !lits[j]]);
                }
            }
            return;
        }
        // ladder: s[i] is true when one of lits[..=i] is
        let mut prev: Option<Lit> = None;
        for (i, &l) in lits.iter().enumerate() {
            if let Some(s) = prev {
                self.sat.add_clause(&[!l, !s]);
            }
            if i + 1 < lits.len() {
                let s = self.aux(false);
                self.sat.add_clause(&[!l, s]);
                if let Some(p) = prev {
                    self.sat.add_clause(&[!p, s]);
                }
                prev = Some(s);
            }
        }
    }

    /// At most `k` of `lits`.
    fn at_most(&mut self, lits: &[Lit], k: usize) {
        if lits.len() > k {
            let count = self.totalizer(lits, k + 1);
            self.sat.add_clause(&[!count[k]]);
        }
    }

    /// Unary count of `lits` up to `cap`: output j is forced true when more than j are.
    fn totalizer(&mut self, lits: &[Lit], cap: usize) -> Vec<Lit> {
        if lits.len() <= 1 {
            return lits.to_vec();
        }
        let (l, r) = lits.split_at(lits.len() / 2);
        let a = self.totalizer(l, cap);
        let b = self.totalizer(r, cap);
        let width = (a.len() + b.len()).min(cap.max(1));
        let out: Vec<Lit> = (0..width).map(|_| self.aux(false)).collect();
        for i in 0..=a.len() {
            for j in 0..=b.len() {
                let s = i + j;
                if s == 0 || s > width {
                    continue;
                }
                let mut c = vec![out[s - 1]];
                if i > 0 {
                    c.push(!a[i - 1]);
                }
                if j > 0 {
                    c.push(!b[j - 1]);
                }
                self.sat.add_clause(&c);
            }
        }
        out
    }

    /// The starts of the last model (of every meeting `start` schedules).
    fn model_starts(&self, start: &[u32]) -> Vec<u32> {
        let mut found = start.to_vec();
        for (m, xs) in self.x.iter().enumerate() {
            if let Some(&(t, _)) = xs.iter().find(|&&(_, v)| self.sat.value(v)) {
                found[m] = t;
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::problem::{IdleMeasure, Slot};
    use crate::solver::rng::Rng;
    use crate::solver::state::fixtures::one_day;

    /// Every schedule of all meetings (one start each among its candidates) that keeps
    /// people and rooms apart.
    fn all_schedules(md: &Model) -> Vec<Vec<u32>> {
        let mut out = Vec::new();
        let mut start = vec![NONE; md.n_meetings];
        fn rec(md: &Model, m: usize, start: &mut Vec<u32>, out: &mut Vec<Vec<u32>>) {
            if m == md.n_meetings {
                out.push(start.clone());
                return;
            }
            for k in md.cands(m) {
                let t = md.cand[k];
                let clash = (0..m)
                    .any(|o| start[o] == t && md.parts(o).iter().any(|p| md.parts(m).contains(p)));
                let used = (0..m).filter(|&o| start[o] == t).count() as u32;
                if clash || used >= md.rooms {
                    continue;
                }
                start[m] = t;
                rec(md, m + 1, start, out);
                start[m] = NONE;
            }
        }
        rec(md, 0, &mut start, &mut out);
        out
    }

    /// Proves a bound from one of `md`'s schedules (at random) and checks it against all of
    /// them: the bound is the optimum, and a schedule the proof found is one of them and
    /// optimal. None when `md` has no schedule.
    fn prove_from_a_schedule(
        md: &Model,
        rng: &mut Rng,
        pairs: &[(usize, usize)],
    ) -> Option<(Vec<u32>, LowerBound)> {
        let schedules = all_schedules(md);
        let optimum = schedules.iter().map(|s| breaks_of(md, s)).min()?;
        let from = schedules[rng.below(schedules.len() as u32) as usize].clone();
        // a first turn of one conflict makes the hitting sets take part from the start; the
        // last is `lower_bound`'s own
        let mut last = None;
        for first_slice in [1, 16, FIRST_SLICE] {
            let lb = prove(
                md,
                &from,
                u64::MAX,
                None,
                &Status::default(),
                first_slice,
                0,
            );
            assert_eq!(
                lb.breaks, optimum,
                "pairs {pairs:?}, first turn {first_slice}"
            );
            if let Some(found) = &lb.optimal {
                assert!(schedules.contains(found), "infeasible: {found:?}");
                assert_eq!(breaks_of(md, found), optimum);
            }
            last = Some(lb);
        }
        // the proof and its assistant on two threads, sharing one status: whichever is done
        // first stops the other
        let status = Status::default();
        let (proof, assistant) = std::thread::scope(|scope| {
            let proof = scope.spawn(|| lower_bound(md, &from, u64::MAX, None, &status));
            let assistant = assist(md, &from, None, &status);
            (proof.join().expect("the proof panicked"), assistant)
        });
        assert_eq!(
            proof.breaks.max(assistant.breaks),
            optimum,
            "pairs {pairs:?}"
        );
        for found in [&proof.optimal, &assistant.optimal].into_iter().flatten() {
            assert!(schedules.contains(found), "infeasible: {found:?}");
            assert_eq!(breaks_of(md, found), optimum);
        }
        last.map(|lb| (from, lb))
    }

    /// On random small problems (one or two days, lunch gaps, unavailable slots, tight rooms)
    /// the proof reaches the optimum that enumeration finds, from any schedule, and the
    /// optimal schedule it returns is feasible.
    #[test]
    fn proves_the_enumerated_optimum() {
        let mut rng = Rng::new(5);
        let mut checked = 0;
        for _ in 0..300 {
            let people = 3 + rng.below(3) as usize;
            let pairs: Vec<(usize, usize)> = (0..4 + rng.below(3))
                .map(|_| {
                    let a = rng.below(people as u32) as usize;
                    let b = (a + 1 + rng.below(people as u32 - 1) as usize) % people;
                    (a, b)
                })
                .collect();
            let mut p = one_day(8, people, &pairs, IdleMeasure::Breaks);
            // two days of four slots, or one day of eight with a lunch gap (where a
            // participant's whole day is one window)
            let days = 1 + rng.below(2) as usize;
            p.slots = (0..8)
                .map(|k| Slot {
                    start: k * 10 + (k / 4) * 1000,
                    end: k * 10 + 10 + (k / 4) * 1000,
                    day: if days == 2 { (k / 4) as usize } else { 0 },
                })
                .collect();
            p.rooms = Some(1 + rng.below(3));
            for part in &mut p.participants {
                for a in &mut part.available {
                    *a = rng.below(5) != 0;
                }
            }
            let md = Model::new(&p);
            let Some((from, lb)) = prove_from_a_schedule(&md, &mut rng, &pairs) else {
                continue;
            };
            match lb.optimal {
                Some(_) => assert!(breaks_of(&md, &from) > lb.breaks),
                None => assert_eq!(breaks_of(&md, &from), lb.breaks),
            }
            checked += 1;
        }
        assert!(checked > 200, "only {checked} problems had a schedule");
    }

    #[test]
    fn ordering_interchangeable_participants_keeps_the_optimum() {
        let mut rng = Rng::new(11);
        let mut grouped = 0;
        for _ in 0..100 {
            // participant 0 meets two or three others who meet nobody else (alike in
            // availability), and the rest meet at random
            let lone = 2 + rng.below(2) as usize;
            let others = 2 + rng.below(2) as usize;
            let people = 1 + lone + others;
            let mut pairs: Vec<(usize, usize)> = (1..=lone).map(|q| (0, q)).collect();
            for _ in 0..2 + rng.below(2) {
                let a = lone + 1 + rng.below(others as u32) as usize;
                let b = if rng.below(2) == 0 {
                    0
                } else {
                    lone + 1 + (a - lone + rng.below(others as u32 - 1) as usize) % others
                };
                pairs.push((a, b));
            }
            let mut p = one_day(7, people, &pairs, IdleMeasure::Breaks);
            p.rooms = Some(1 + rng.below(2));
            let lone_available: Vec<bool> = (0..7).map(|_| rng.below(4) != 0).collect();
            for (i, part) in p.participants.iter_mut().enumerate() {
                if (1..=lone).contains(&i) {
                    part.available = lone_available.clone();
                } else {
                    for a in &mut part.available {
                        *a = rng.below(5) != 0;
                    }
                }
            }
            let md = Model::new(&p);
            let Some((from, lb)) = prove_from_a_schedule(&md, &mut rng, &pairs) else {
                continue;
            };
            let groups = interchangeable(&md, &from);
            assert!(groups.iter().any(|g| g.len() >= 2), "pairs {pairs:?}");
            grouped += 1;
            if let Some(found) = lb.optimal {
                for g in &groups {
                    assert!(g.windows(2).all(|w| found[w[0]] < found[w[1]]), "{found:?}");
                }
            }
        }
        assert!(grouped > 50, "only {grouped} problems had a schedule");
    }

    #[test]
    fn applies_only_to_one_slot_meetings_of_equal_value_under_breaks() {
        let p = one_day(4, 3, &[(0, 1), (1, 2)], IdleMeasure::Breaks);
        assert!(applies(&Model::new(&p)));
        let mut slots = p.clone();
        slots.idle = IdleMeasure::Slots;
        assert!(!applies(&Model::new(&slots)));
        let mut long = p.clone();
        long.meetings[0].length = 2;
        assert!(!applies(&Model::new(&long)));
        let mut published = p;
        published.meetings[1].previous = Some(2);
        assert!(!applies(&Model::new(&published)));
    }

    /// The allotments are exactly the cheap hitting ones: each hits every core within the
    /// cost, and every minimal one (lowering any count misses a core) is among them, so
    /// that an empty answer proves the cost too low (checked by enumeration).
    #[test]
    fn allotments_include_every_minimal_hitting_one() {
        let mut rng = Rng::new(17);
        for _ in 0..300 {
            let counts = 1 + rng.below(4) as usize;
            let cores: Vec<Core> = (0..rng.below(5))
                .map(|_| {
                    (0..1 + rng.below(3))
                        .map(|_| (rng.below(counts as u32), rng.below(2)))
                        .collect()
                })
                .collect();
            let cost = rng.below(5);
            let preferred: Vec<bool> = (0..counts).map(|_| rng.below(2) == 0).collect();
            let (found, finished) =
                allotments(&cores, &preferred, cost, usize::MAX, u64::MAX, None);
            assert!(finished);
            let hitting = |a: &[u32]| cores.iter().all(|c| hits(a, c));
            for a in &found {
                assert!(
                    hitting(a) && a.iter().sum::<u32>() <= cost,
                    "{a:?} for {cores:?}"
                );
            }
            // every allotment of counts up to 3 each
            let all: Vec<Vec<u32>> = (0..4u32.pow(counts as u32))
                .map(|code| (0..counts).map(|c| code / 4u32.pow(c as u32) % 4).collect())
                .collect();
            for a in all
                .iter()
                .filter(|a| hitting(a) && a.iter().sum::<u32>() <= cost)
            {
                let minimal = (0..counts).all(|c| {
                    let mut lower = a.clone();
                    lower[c] = lower[c].saturating_sub(1);
                    lower == *a || !hitting(&lower)
                });
                assert!(!minimal || found.contains(a), "{a:?} missing for {cores:?}");
            }
        }
    }

    /// A passed deadline stops the enumeration, which can run long with many large cores
    /// (the node limit alone allowed seconds per call with hundreds of cores).
    #[test]
    fn allotments_stop_at_the_deadline() {
        let mut rng = Rng::new(5);
        let counts = 58;
        let cores: Vec<Core> = (0..400)
            .map(|_| {
                (0..counts)
                    .filter(|_| rng.below(3) > 0)
                    .map(|c| (c, 0))
                    .collect()
            })
            .collect();
        let preferred = vec![false; counts as usize];
        let passed = Some(Instant::now());
        let (_, finished) = allotments(&cores, &preferred, 4, usize::MAX, u64::MAX, passed);
        assert!(!finished);
        let (found, finished) = allotments(&cores, &preferred, 1, usize::MAX, u64::MAX, None);
        assert!(finished && found.iter().all(|a| cores.iter().all(|c| hits(a, c))));
    }

    /// A day is broken when a free slot lies between two busy ones.
    #[test]
    fn broken_days_are_those_with_a_gap() {
        let md = Model::new(&one_day(
            6,
            3,
            &[(0, 1), (0, 2), (1, 2)],
            IdleMeasure::Breaks,
        ));
        let counts: Vec<Count> = (0..3)
            .map(|part| Count {
                outs: Vec::new(),
                part,
                day: 0,
            })
            .collect();
        // 0 meets at 0 and 2 (a gap), 1 at 0 and 1, 2 at 1 and 2
        assert_eq!(broken_days(&md, &[0, 2, 1], &counts), [true, false, false]);
        assert_eq!(
            broken_days(&md, &[0, 1, NONE], &counts),
            [false, false, false]
        );
    }
}
