//! A conflict-driven clause-learning SAT engine for the exact phase ([`super::exact`]).
//!
//! The classic design: two watched literals (binary clauses kept apart, as implications
//! checked before the longer clauses and without touching them), first-UIP learning with
//! recursive minimisation, VSIDS branching with saved phases (seeded from a known schedule,
//! so the search starts next to it), a learnt-clause database halved by literal-block
//! distance, and rounds of failed-literal probing between restarts (what refutes "no
//! break" on the B2B events within seconds). It alternates between a stable mode
//! (branching on the chosen variables only, long Luby restarts, target phases: the values
//! of the longest trail without a conflict since the last restart), which finds
//! schedules, and a focused one (every variable, restarts when recent learnt clauses get
//! worse), which refutes: on the B2B events the first alone found no refutation of "no
//! break" in 10 s that the two together find in 6.
//! Clauses are added at the root, between calls; a call may assume literals (all decided
//! together on level 1), so that one formula answers a series of questions and keeps what
//! it learnt, and a refutation names the assumptions it used (a core).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub struct Lit(u32);

impl Lit {
    pub fn pos(var: u32) -> Lit {
        Lit(var << 1)
    }

    pub fn neg(var: u32) -> Lit {
        Lit(var << 1 | 1)
    }

    #[inline]
    pub fn var(self) -> usize {
        (self.0 >> 1) as usize
    }

    #[inline]
    fn idx(self) -> usize {
        self.0 as usize
    }

    #[inline]
    fn negative(self) -> bool {
        self.0 & 1 == 1
    }
}

impl std::ops::Not for Lit {
    type Output = Lit;
    #[inline]
    fn not(self) -> Lit {
        Lit(self.0 ^ 1)
    }
}

const FALSE: u8 = 0;
const TRUE: u8 = 1;
const UNDEF: u8 = 2;
const NO_REASON: u32 = u32::MAX;

/// Clause header in the arena: length, flags and LBD, activity (f32 bits).
const HDR: usize = 3;
const LEARNT: u32 = 1;
const DELETED: u32 = 2;

/// Conflicts before the first learnt-clause reduction, and its growth after each.
const FIRST_REDUCE: u64 = 2_000;
const REDUCE_STEP: u64 = 300;
/// Conflicts per Luby unit between stable-mode restarts (at 100 the schedule at a proven
/// bound took 1.7 times as long on two B2B events).
const RESTART_UNIT: u64 = 512;
const VAR_DECAY: f64 = 0.95;
/// Conflicts of the first stable phase (and of the first focused one).
const MODE_FIRST: u64 = 2_000;
/// Focused mode restarts when the recent LBD average exceeds the long one by this factor,
/// after at least this many conflicts.
const FOCUSED_MARGIN: f64 = 1.25;
const FOCUSED_MIN_RUN: u64 = 50;
const FAST_EMA: f64 = 1.0 / 32.0;
const SLOW_EMA: f64 = 1.0 / 4096.0;
const CLAUSE_DECAY: f32 = 0.999;
/// Failed-literal probing: the first round after this many conflicts, the k-th round this
/// many times k after the last; each round propagates at most a tenth of what the search
/// has propagated so far (and at least `PROBE_MIN_EFFORT` literals).
const PROBE_INTERVAL: u64 = 1_000;
const PROBE_EFFORT: f64 = 0.1;
const PROBE_MIN_EFFORT: u64 = 100_000;

/// A watch on a clause of three literals or more.
#[derive(Clone, Copy)]
struct Watch {
    cref: u32,
    /// A literal of the clause: when true the clause needs no visit.
    blocker: Lit,
}

/// An antecedent (a reason or a conflict) that is a binary clause: this bit, and in the
/// others the clause's literal besides the implied one (for a conflict, besides
/// [`Conflict::lit`]). Binary clauses are propagated from lists of literals alone, without
/// the arena or a clause reference: half the memory to stream in the hottest loop. Clause
/// references and literals stay below this bit (see [`Sat::new_var`]).
const BINARY: u32 = 1 << 31;

/// A clause that propagation found false: `antecedent` is its reference (and `lit` one of
/// its literals, unused), or [`BINARY`] with one of its two literals and `lit` the other.
#[derive(Clone, Copy)]
struct Conflict {
    antecedent: u32,
    lit: Lit,
}

/// Short learnt clauses that solvers of the same formula pass to each other: each
/// solver appends its own and takes the others' at its restarts.
#[derive(Default)]
pub struct Exchange {
    clauses: Mutex<Vec<(u32, Vec<Lit>)>>,
}

/// A solver's side of an [`Exchange`].
struct Sharing {
    exchange: Arc<Exchange>,
    id: u32,
    /// Only clauses over variables below this one are shared (those after it are the
    /// solver's own).
    vars: u32,
    /// The exchange's clauses taken so far.
    read: usize,
    outbox: Vec<Vec<Lit>>,
}

/// Longest learnt clause passed on.
const SHARED_LEN_MAX: usize = 8;

/// What a call to [`Sat::solve`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sat,
    Unsat,
    /// The conflict budget or the deadline ran out first.
    Unknown,
}

pub struct Sat {
    sharing: Option<Sharing>,
    /// Per literal: TRUE, FALSE or UNDEF (both literals of a variable kept in step).
    values: Vec<u8>,
    level: Vec<u32>,
    reason: Vec<u32>,
    phase: Vec<bool>,
    target: Vec<bool>,
    target_len: usize,
    decision: Vec<bool>,
    activity: Vec<f64>,
    heap: VarHeap,
    seen: Vec<bool>,
    arena: Vec<u32>,
    originals: Vec<u32>,
    learnts: Vec<u32>,
    watches: Vec<Vec<Watch>>,
    /// Per literal, the other literals of the binary clauses that become unit when it is
    /// false.
    implications: Vec<Vec<Lit>>,
    trail: Vec<Lit>,
    trail_lim: Vec<usize>,
    qhead: usize,
    var_inc: f64,
    cla_inc: f32,
    ok: bool,
    model: Vec<bool>,
    conflicts: u64,
    next_reduce: u64,
    reductions: u64,
    restarts: u64,
    to_clear: Vec<Lit>,
    stack: Vec<Lit>,
    core: Vec<Lit>,
    interrupt: Option<Arc<AtomicBool>>,
    /// Focused mode: every variable is branched on and restarts follow the recent
    /// learnt-clause quality (what refutations need); stable mode: only the branching
    /// variables, Luby restarts, saved phases (what finding a schedule needs).
    focused: bool,
    mode_end: u64,
    mode_len: u64,
    /// Moving averages of the learnt clauses' LBD, over the last few dozen conflicts and
    /// over thousands.
    fast_lbd: f64,
    slow_lbd: f64,
    /// Literals still to probe in this round (see [`Sat::schedule_probes`]), whether the
    /// top decision level is a probe, when the next round starts (in conflicts), rounds so
    /// far, and where this round's effort ends (in propagated literals).
    probes: Vec<Lit>,
    probing: bool,
    next_probe: u64,
    probe_rounds: u64,
    propagations: u64,
    probe_until: u64,
}

impl Default for Sat {
    fn default() -> Self {
        Sat::new()
    }
}

impl Sat {
    pub fn new() -> Sat {
        Sat {
            sharing: None,
            values: Vec::new(),
            level: Vec::new(),
            reason: Vec::new(),
            phase: Vec::new(),
            target: Vec::new(),
            target_len: 0,
            decision: Vec::new(),
            activity: Vec::new(),
            heap: VarHeap::default(),
            seen: Vec::new(),
            arena: Vec::new(),
            originals: Vec::new(),
            learnts: Vec::new(),
            watches: Vec::new(),
            implications: Vec::new(),
            trail: Vec::new(),
            trail_lim: Vec::new(),
            qhead: 0,
            var_inc: 1.0,
            cla_inc: 1.0,
            ok: true,
            model: Vec::new(),
            conflicts: 0,
            next_reduce: FIRST_REDUCE,
            reductions: 0,
            restarts: 0,
            to_clear: Vec::new(),
            stack: Vec::new(),
            core: Vec::new(),
            interrupt: None,
            focused: false,
            mode_end: MODE_FIRST,
            mode_len: MODE_FIRST,
            fast_lbd: 0.0,
            slow_lbd: 0.0,
            probes: Vec::new(),
            probing: false,
            next_probe: PROBE_INTERVAL,
            probe_rounds: 0,
            propagations: 0,
            probe_until: 0,
        }
    }

    pub fn new_var(&mut self) -> u32 {
        // literals (two per variable) stay below the [`BINARY`] bit and apart from
        // NO_REASON's literal part
        debug_assert!(self.level.len() < (1 << 30) - 1, "too many variables");
        let v = self.level.len() as u32;
        self.values.push(UNDEF);
        self.values.push(UNDEF);
        self.level.push(0);
        self.reason.push(NO_REASON);
        self.phase.push(false);
        self.target.push(false);
        self.decision.push(true);
        self.activity.push(0.0);
        self.seen.push(false);
        self.watches.push(Vec::new());
        self.watches.push(Vec::new());
        self.implications.push(Vec::new());
        self.implications.push(Vec::new());
        self.heap.insert(v as usize, &self.activity);
        v
    }

    /// A flag that, once set (by another thread), ends every call as with the deadline.
    pub fn set_interrupt(&mut self, flag: Arc<AtomicBool>) {
        self.interrupt = Some(flag);
    }

    /// Joins `exchange` as solver `id`: from now on, short learnt clauses over the
    /// variables so far are passed on, and the others' are taken at restarts.
    pub fn share(&mut self, exchange: Arc<Exchange>, id: u32) {
        self.sharing = Some(Sharing {
            exchange,
            id,
            vars: (self.values.len() / 2) as u32,
            read: 0,
            outbox: Vec::new(),
        });
    }

    /// Passes on the clauses learnt since the last call and adds the others' (at level 0);
    /// false when they refute the formula.
    fn swap_clauses(&mut self) -> bool {
        let Some(sh) = self.sharing.as_mut() else {
            return true;
        };
        let incoming: Vec<Vec<Lit>> = {
            let Ok(mut all) = sh.exchange.clauses.lock() else {
                return true;
            };
            let id = sh.id;
            all.extend(sh.outbox.drain(..).map(|c| (id, c)));
            let new = all[sh.read..]
                .iter()
                .filter(|(from, _)| *from != id)
                .map(|(_, c)| c.clone())
                .collect();
            sh.read = all.len();
            new
        };
        incoming.iter().all(|c| self.insert(c, true))
    }

    /// Conflicts so far, over all calls.
    pub fn conflicts(&self) -> u64 {
        self.conflicts
    }

    /// The polarity the search tries first for `var` (until it learns better).
    pub fn set_phase(&mut self, var: u32, value: bool) {
        self.phase[var as usize] = value;
        self.target[var as usize] = value;
    }

    /// Keeps `var` out of the branching in stable mode: only for variables that
    /// propagation fixes once the branching ones are set, or that may stay false (a model
    /// reads them as false).
    pub fn set_decision(&mut self, var: u32, decision: bool) {
        self.decision[var as usize] = decision;
    }

    /// After [`Outcome::Unsat`]: assumptions of that call that the formula refutes
    /// together (an unsatisfiable core; empty when the formula alone is unsatisfiable).
    pub fn core(&self) -> &[Lit] {
        &self.core
    }

    /// The value of `var` in the last satisfying assignment.
    pub fn value(&self, var: u32) -> bool {
        self.model[var as usize]
    }

    #[inline]
    fn lit_value(&self, l: Lit) -> u8 {
        self.values[l.idx()]
    }

    fn decision_level(&self) -> u32 {
        self.trail_lim.len() as u32
    }

    /// Adds a clause (between calls only). False when the formula became unsatisfiable.
    pub fn add_clause(&mut self, lits: &[Lit]) -> bool {
        self.insert(lits, false)
    }

    /// Adds a clause at level 0, as a learnt one (which the reduction may delete; its LBD
    /// taken as its length) or an original one.
    fn insert(&mut self, lits: &[Lit], learnt: bool) -> bool {
        if !self.ok {
            return false;
        }
        self.cancel_until(0);
        let mut c: Vec<Lit> = lits.to_vec();
        c.sort_unstable();
        c.dedup();
        if c.windows(2).any(|w| w[0] == !w[1]) || c.iter().any(|&l| self.lit_value(l) == TRUE) {
            return true;
        }
        c.retain(|&l| self.lit_value(l) != FALSE);
        match c.len() {
            0 => self.ok = false,
            1 => {
                self.enqueue(c[0], NO_REASON);
                self.ok = self.propagate().is_none();
            }
            n if learnt => {
                let cref = self.alloc(&c, true, n as u32);
                self.learnts.push(cref);
                self.attach(cref);
            }
            _ => {
                let cref = self.alloc(&c, false, 0);
                self.originals.push(cref);
                self.attach(cref);
            }
        }
        self.ok
    }

    fn alloc(&mut self, lits: &[Lit], learnt: bool, lbd: u32) -> u32 {
        let cref = self.arena.len() as u32;
        self.arena.push(lits.len() as u32);
        self.arena
            .push(if learnt { LEARNT } else { 0 } | lbd.min(1 << 20) << 2);
        self.arena.push(0f32.to_bits());
        self.arena.extend(lits.iter().map(|l| l.0));
        cref
    }

    #[inline]
    fn clause_len(&self, cref: u32) -> usize {
        self.arena[cref as usize] as usize
    }

    #[inline]
    fn clause_lit(&self, cref: u32, k: usize) -> Lit {
        Lit(self.arena[cref as usize + HDR + k])
    }

    fn attach(&mut self, cref: u32) {
        let (a, b) = (self.clause_lit(cref, 0), self.clause_lit(cref, 1));
        if self.clause_len(cref) == 2 {
            self.implications[a.idx()].push(b);
            self.implications[b.idx()].push(a);
        } else {
            self.watches[a.idx()].push(Watch { cref, blocker: b });
            self.watches[b.idx()].push(Watch { cref, blocker: a });
        }
    }

    #[inline]
    fn enqueue(&mut self, l: Lit, reason: u32) {
        let depth = self.decision_level();
        assign(
            &mut self.values,
            &mut self.level,
            &mut self.reason,
            &mut self.trail,
            l,
            reason,
            depth,
        );
    }

    /// The number of literals of an antecedent (see [`BINARY`]).
    #[inline]
    fn antecedent_len(&self, antecedent: u32) -> usize {
        if antecedent & BINARY != 0 {
            2
        } else {
            self.clause_len(antecedent)
        }
    }

    /// The `k`-th literal of an antecedent of `implied` (a binary one's first literal is
    /// `implied` itself).
    #[inline]
    fn antecedent_lit(&self, antecedent: u32, implied: Lit, k: usize) -> Lit {
        match (antecedent & BINARY != 0, k) {
            (true, 0) => implied,
            (true, _) => Lit(antecedent & !BINARY),
            (false, _) => self.clause_lit(antecedent, k),
        }
    }

    /// Unit propagation; the conflicting clause if any. The fields are borrowed apart so
    /// that the compiler keeps them in registers across the loop.
    fn propagate(&mut self) -> Option<Conflict> {
        let Sat {
            values,
            level,
            reason,
            trail,
            trail_lim,
            qhead,
            watches,
            implications,
            arena,
            propagations,
            ..
        } = self;
        let depth = trail_lim.len() as u32;
        let mut conflict = None;
        'trail: while *qhead < trail.len() {
            let p = trail[*qhead];
            *qhead += 1;
            *propagations += 1;
            let false_lit = !p;
            // binary clauses first: no clause memory to touch
            for &other in &implications[false_lit.idx()] {
                match values[other.idx()] {
                    TRUE => {}
                    FALSE => {
                        conflict = Some(Conflict {
                            antecedent: BINARY | other.0,
                            lit: false_lit,
                        });
                        break 'trail;
                    }
                    _ => assign(
                        values,
                        level,
                        reason,
                        trail,
                        other,
                        BINARY | false_lit.0,
                        depth,
                    ),
                }
            }
            let mut ws = std::mem::take(&mut watches[false_lit.idx()]);
            let (mut i, mut j) = (0, 0);
            while i < ws.len() {
                let w = ws[i];
                i += 1;
                if values[w.blocker.idx()] == TRUE {
                    ws[j] = w;
                    j += 1;
                    continue;
                }
                let base = w.cref as usize + HDR;
                if arena[base] == false_lit.0 {
                    arena.swap(base, base + 1);
                }
                let first = Lit(arena[base]);
                let kept = Watch {
                    cref: w.cref,
                    blocker: first,
                };
                let fv = values[first.idx()];
                if first != w.blocker && fv == TRUE {
                    ws[j] = kept;
                    j += 1;
                    continue;
                }
                let len = arena[w.cref as usize] as usize;
                let mut moved = false;
                for k in 2..len {
                    let l = Lit(arena[base + k]);
                    if values[l.idx()] != FALSE {
                        arena[base + 1] = l.0;
                        arena[base + k] = false_lit.0;
                        watches[l.idx()].push(kept);
                        moved = true;
                        break;
                    }
                }
                if moved {
                    continue;
                }
                ws[j] = kept;
                j += 1;
                if fv == FALSE {
                    conflict = Some(Conflict {
                        antecedent: w.cref,
                        lit: first,
                    });
                    break;
                }
                assign(values, level, reason, trail, first, w.cref, depth);
            }
            ws.copy_within(i.., j);
            ws.truncate(j + ws.len() - i);
            watches[false_lit.idx()] = ws;
            if conflict.is_some() {
                break;
            }
        }
        if conflict.is_some() {
            *qhead = trail.len();
        }
        conflict
    }

    fn cancel_until(&mut self, level: u32) {
        self.undo_to(level, true);
    }

    /// Backtracks to `level`; a probe's values are not saved as phases (they would pull
    /// the search towards whatever the probe propagated).
    fn undo_to(&mut self, level: u32, save_phases: bool) {
        if self.decision_level() <= level {
            return;
        }
        let lim = self.trail_lim[level as usize];
        for k in (lim..self.trail.len()).rev() {
            let l = self.trail[k];
            let v = l.var();
            if save_phases {
                self.phase[v] = !l.negative();
            }
            self.values[l.idx()] = UNDEF;
            self.values[(!l).idx()] = UNDEF;
            self.reason[v] = NO_REASON;
            if (self.decision[v] || self.focused) && !self.heap.contains(v) {
                self.heap.insert(v, &self.activity);
            }
        }
        self.trail.truncate(lim);
        self.trail_lim.truncate(level as usize);
        self.qhead = lim;
    }

    fn bump_var(&mut self, v: usize) {
        self.activity[v] += self.var_inc;
        if self.activity[v] > 1e100 {
            for a in &mut self.activity {
                *a *= 1e-100;
            }
            self.var_inc *= 1e-100;
        }
        self.heap.increased(v, &self.activity);
    }

    fn bump_clause(&mut self, cref: u32) {
        let slot = cref as usize + 2;
        let a = f32::from_bits(self.arena[slot]) + self.cla_inc;
        self.arena[slot] = a.to_bits();
        if a > 1e20 {
            for &c in &self.learnts {
                let s = c as usize + 2;
                self.arena[s] = (f32::from_bits(self.arena[s]) * 1e-20).to_bits();
            }
            self.cla_inc *= 1e-20;
        }
    }

    fn abstract_level(&self, v: usize) -> u32 {
        1 << (self.level[v] & 31)
    }

    /// First-UIP analysis of `conflict`: the learnt clause (asserting literal first, a
    /// literal of the backtrack level second), the backtrack level and the clause's LBD.
    fn analyze(&mut self, conflict: Conflict) -> (Vec<Lit>, u32, u32) {
        let mut learnt = vec![Lit(0)];
        let mut path = 0u32;
        let mut pivot: Option<Lit> = None;
        let mut index = self.trail.len();
        let (mut antecedent, mut implied) = (conflict.antecedent, conflict.lit);
        loop {
            if antecedent & BINARY == 0 && self.arena[antecedent as usize + 1] & LEARNT != 0 {
                self.bump_clause(antecedent);
            }
            for k in 0..self.antecedent_len(antecedent) {
                let q = self.antecedent_lit(antecedent, implied, k);
                let v = q.var();
                if pivot.is_some_and(|p| p.var() == v) || self.seen[v] || self.level[v] == 0 {
                    continue;
                }
                self.bump_var(v);
                self.seen[v] = true;
                if self.level[v] >= self.decision_level() {
                    path += 1;
                } else {
                    learnt.push(q);
                }
            }
            loop {
                index -= 1;
                if self.seen[self.trail[index].var()] {
                    break;
                }
            }
            let p = self.trail[index];
            self.seen[p.var()] = false;
            path -= 1;
            pivot = Some(p);
            if path == 0 {
                learnt[0] = !p;
                break;
            }
            antecedent = self.reason[p.var()];
            implied = p;
        }
        // recursive minimisation: drop literals implied by the others
        self.to_clear.clear();
        self.to_clear.extend_from_slice(&learnt);
        let levels = learnt[1..]
            .iter()
            .fold(0u32, |acc, l| acc | self.abstract_level(l.var()));
        let mut kept = 1;
        for k in 1..learnt.len() {
            let l = learnt[k];
            if self.reason[l.var()] == NO_REASON || !self.redundant(l, levels) {
                learnt[kept] = l;
                kept += 1;
            }
        }
        learnt.truncate(kept);
        for k in 0..self.to_clear.len() {
            let v = self.to_clear[k].var();
            self.seen[v] = false;
        }
        // the literal of the highest remaining level goes second
        let mut bt = 0;
        if learnt.len() > 1 {
            let mut best = 1;
            for k in 2..learnt.len() {
                if self.level[learnt[k].var()] > self.level[learnt[best].var()] {
                    best = k;
                }
            }
            learnt.swap(1, best);
            bt = self.level[learnt[1].var()];
        }
        let mut lvls: Vec<u32> = learnt.iter().map(|l| self.level[l.var()]).collect();
        lvls.sort_unstable();
        lvls.dedup();
        (learnt, bt, lvls.len() as u32)
    }

    /// The assumptions (decided on level 1) from which the conflict at level 1 follows.
    fn analyze_final(&mut self, conflict: Conflict) {
        self.core.clear();
        for k in 0..self.antecedent_len(conflict.antecedent) {
            let v = self
                .antecedent_lit(conflict.antecedent, conflict.lit, k)
                .var();
            if self.level[v] > 0 {
                self.seen[v] = true;
            }
        }
        for i in (self.trail_lim[0]..self.trail.len()).rev() {
            let l = self.trail[i];
            let v = l.var();
            if !self.seen[v] {
                continue;
            }
            self.seen[v] = false;
            let r = self.reason[v];
            if r == NO_REASON {
                self.core.push(l);
                continue;
            }
            for k in 0..self.antecedent_len(r) {
                let u = self.antecedent_lit(r, l, k).var();
                if u != v && self.level[u] > 0 {
                    self.seen[u] = true;
                }
            }
        }
    }

    /// Whether `l` (in the learnt clause, with a reason) follows from the clause's other
    /// literals; marks what it visits as seen (cleared by the caller).
    fn redundant(&mut self, l: Lit, levels: u32) -> bool {
        self.stack.clear();
        self.stack.push(l);
        let top = self.to_clear.len();
        while let Some(q) = self.stack.pop() {
            let c = self.reason[q.var()];
            for k in 0..self.antecedent_len(c) {
                let r = self.antecedent_lit(c, q, k);
                let v = r.var();
                if v == q.var() || self.seen[v] || self.level[v] == 0 {
                    continue;
                }
                if self.reason[v] != NO_REASON && self.abstract_level(v) & levels != 0 {
                    self.seen[v] = true;
                    self.stack.push(r);
                    self.to_clear.push(r);
                } else {
                    for k in top..self.to_clear.len() {
                        let v = self.to_clear[k].var();
                        self.seen[v] = false;
                    }
                    self.to_clear.truncate(top);
                    return false;
                }
            }
        }
        true
    }

    fn locked(&self, cref: u32) -> bool {
        let l = self.clause_lit(cref, 0);
        self.reason[l.var()] == cref && self.lit_value(l) == TRUE
    }

    /// Deletes the worse half of the long learnt clauses (by LBD, then activity), keeping
    /// the glue clauses (LBD 2) and those that are reasons now, then compacts the arena.
    fn reduce(&mut self) {
        let mut cands: Vec<u32> = self
            .learnts
            .iter()
            .copied()
            .filter(|&c| self.clause_len(c) > 2 && self.arena[c as usize + 1] >> 2 > 2)
            .collect();
        let key = |s: &Sat, c: u32| {
            (
                s.arena[c as usize + 1] >> 2,
                std::cmp::Reverse(f32::from_bits(s.arena[c as usize + 2]).to_bits()),
            )
        };
        cands.sort_by_key(|&c| key(self, c));
        for &c in &cands[cands.len() / 2..] {
            if !self.locked(c) {
                self.arena[c as usize + 1] |= DELETED;
            }
        }
        // compact: copy the live clauses, leave each one's new address in its old header
        let mut old = std::mem::take(&mut self.arena);
        let mut arena = Vec::with_capacity(old.len());
        for list in [&mut self.originals, &mut self.learnts] {
            list.retain(|&c| old[c as usize + 1] & DELETED == 0);
            for c in list.iter_mut() {
                let start = *c as usize;
                let new = arena.len() as u32;
                arena.extend_from_slice(&old[start..start + HDR + old[start] as usize]);
                old[start + 2] = new;
                *c = new;
            }
        }
        // reasons are never deleted, so each has a forwarding address (binary antecedents
        // and decisions name no clause)
        for l in &self.trail {
            let r = &mut self.reason[l.var()];
            if *r & BINARY == 0 {
                *r = old[*r as usize + 2];
            }
        }
        self.arena = arena;
        for w in &mut self.watches {
            w.clear();
        }
        for w in &mut self.implications {
            w.clear();
        }
        for k in 0..self.originals.len() {
            self.attach(self.originals[k]);
        }
        for k in 0..self.learnts.len() {
            self.attach(self.learnts[k]);
        }
    }

    /// Switches between stable and focused mode (see [`Sat::focused`]); each stable
    /// phase after a focused one lasts twice as long as the last.
    fn switch_mode(&mut self) {
        self.focused = !self.focused;
        if self.focused {
            for v in 0..self.level.len() {
                if self.lit_value(Lit::pos(v as u32)) == UNDEF && !self.heap.contains(v) {
                    self.heap.insert(v, &self.activity);
                }
            }
        } else {
            self.mode_len *= 2;
        }
        self.mode_end = self.conflicts + self.mode_len;
    }

    /// Keeps the phases of the longest conflict-free trail since the last restart: stable
    /// mode heads back towards it (target phases, as in CaDiCaL), which is what finds
    /// schedules of tightly packed events.
    fn update_target(&mut self) {
        let free_of_conflict = self.trail_lim[self.trail_lim.len() - 1];
        if free_of_conflict > self.target_len {
            for &l in &self.trail[..free_of_conflict] {
                self.target[l.var()] = !l.negative();
            }
            self.target_len = free_of_conflict;
        }
    }

    /// Starts a round of failed-literal probing (as in CaDiCaL): each root of the binary
    /// implication graph (a literal that implies others through binary clauses and that
    /// none implies) is decided alone above the assumptions and undone unless it fails;
    /// a failure is an ordinary conflict, whose learnt clause refutes the literal. On the
    /// B2B events this is what refutes "no break" within seconds: the packing argument
    /// behind it lies in what the probes propagate through the room and busy counts,
    /// which the search's own decisions, taken together, never isolate.
    fn schedule_probes(&mut self) {
        self.probe_rounds += 1;
        self.next_probe = self.conflicts + PROBE_INTERVAL * self.probe_rounds;
        self.probes.clear();
        for v in 0..self.level.len() as u32 {
            for p in [Lit::pos(v), Lit::neg(v)] {
                if self.lit_value(p) == UNDEF
                    && !self.implications[(!p).idx()].is_empty()
                    && self.implications[p.idx()].is_empty()
                {
                    self.probes.push(p);
                }
            }
        }
        let effort = (self.propagations as f64 * PROBE_EFFORT) as u64;
        self.probe_until = self.propagations + effort.max(PROBE_MIN_EFFORT);
    }

    fn pick_branch(&mut self) -> Option<Lit> {
        while let Some(v) = self.heap.pop(&self.activity) {
            if self.lit_value(Lit::pos(v as u32)) == UNDEF && (self.decision[v] || self.focused) {
                let v32 = v as u32;
                let value = if self.focused {
                    self.phase[v]
                } else {
                    self.target[v]
                };
                return Some(if value { Lit::pos(v32) } else { Lit::neg(v32) });
            }
        }
        None
    }

    /// Searches for a satisfying assignment in which every literal of `assumptions` holds,
    /// within `max_conflicts` more conflicts and the deadline. On [`Outcome::Sat`],
    /// [`Sat::value`] reads the model. What is learnt stays valid without the assumptions.
    pub fn solve(
        &mut self,
        assumptions: &[Lit],
        max_conflicts: u64,
        deadline: Option<Instant>,
    ) -> Outcome {
        self.core.clear();
        self.probing = false;
        if !self.swap_clauses() || !self.ok {
            return Outcome::Unsat;
        }
        let stop_at = self.conflicts.saturating_add(max_conflicts);
        // a restart keeps the assumptions' level
        let restart_level = u32::from(!assumptions.is_empty());
        loop {
            let allowed = luby(self.restarts) * RESTART_UNIT;
            self.restarts += 1;
            let mut here = 0u64;
            loop {
                if let Some(conflict) = self.propagate() {
                    self.probing = false;
                    self.conflicts += 1;
                    here += 1;
                    if self.decision_level() == 0 {
                        self.ok = false;
                        return Outcome::Unsat;
                    }
                    if self.decision_level() == 1 && !assumptions.is_empty() {
                        // the assumptions alone conflict
                        self.analyze_final(conflict);
                        self.cancel_until(0);
                        return Outcome::Unsat;
                    }
                    if !self.focused {
                        self.update_target();
                    }
                    let (learnt, bt, lbd) = self.analyze(conflict);
                    if let Some(sh) = self.sharing.as_mut() {
                        if learnt.len() <= SHARED_LEN_MAX
                            && learnt.iter().all(|l| (l.var() as u32) < sh.vars)
                        {
                            sh.outbox.push(learnt.clone());
                        }
                    }
                    self.fast_lbd += (f64::from(lbd) - self.fast_lbd) * FAST_EMA;
                    self.slow_lbd += (f64::from(lbd) - self.slow_lbd) * SLOW_EMA;
                    self.cancel_until(bt);
                    if learnt.len() == 1 {
                        self.enqueue(learnt[0], NO_REASON);
                    } else {
                        let cref = self.alloc(&learnt, true, lbd);
                        self.learnts.push(cref);
                        self.attach(cref);
                        self.enqueue(learnt[0], cref);
                    }
                    self.var_inc /= VAR_DECAY;
                    self.cla_inc /= CLAUSE_DECAY;
                    if self.conflicts >= self.next_reduce {
                        self.reductions += 1;
                        self.next_reduce =
                            self.conflicts + FIRST_REDUCE + REDUCE_STEP * self.reductions;
                        self.reduce();
                    }
                    if self.conflicts & 255 == 0
                        && (deadline.is_some_and(|d| Instant::now() >= d)
                            || self
                                .interrupt
                                .as_ref()
                                .is_some_and(|f| f.load(Ordering::Relaxed)))
                    {
                        self.cancel_until(0);
                        return Outcome::Unknown;
                    }
                    continue;
                }
                if self.conflicts >= stop_at {
                    self.cancel_until(0);
                    return Outcome::Unknown;
                }
                let restart = if self.focused {
                    here >= FOCUSED_MIN_RUN && self.fast_lbd > FOCUSED_MARGIN * self.slow_lbd
                } else {
                    here >= allowed
                };
                if restart {
                    self.probing = false;
                    self.cancel_until(restart_level);
                    if !self.swap_clauses() {
                        return Outcome::Unsat;
                    }
                    self.target_len = 0;
                    if self.conflicts >= self.next_probe {
                        self.schedule_probes();
                    }
                    if self.conflicts >= self.mode_end {
                        self.switch_mode();
                    }
                    break;
                }
                // all assumptions are decided together on level 1: after a conflict the
                // search backjumps no lower than them unless it learnt a unit
                if !assumptions.is_empty() && self.decision_level() == 0 {
                    self.trail_lim.push(self.trail.len());
                    for &a in assumptions {
                        match self.lit_value(a) {
                            TRUE => {}
                            FALSE => {
                                // false at the root, or the negation of another assumption
                                self.core.push(a);
                                if self.level[a.var()] > 0 {
                                    self.core.push(!a);
                                }
                                self.cancel_until(0);
                                return Outcome::Unsat;
                            }
                            _ => self.enqueue(a, NO_REASON),
                        }
                    }
                    continue;
                }
                // a probe that propagated without a conflict is undone
                if self.probing {
                    self.probing = false;
                    self.undo_to(restart_level, false);
                }
                if self.decision_level() == restart_level && !self.probes.is_empty() {
                    if self.propagations > self.probe_until {
                        self.probes.clear();
                    }
                    if let Some(p) = self.probes.pop() {
                        if self.lit_value(p) == UNDEF {
                            self.trail_lim.push(self.trail.len());
                            self.enqueue(p, NO_REASON);
                            self.probing = true;
                        }
                        continue;
                    }
                }
                match self.pick_branch() {
                    Some(l) => {
                        self.trail_lim.push(self.trail.len());
                        self.enqueue(l, NO_REASON);
                    }
                    None => {
                        self.model = (0..self.level.len() as u32)
                            .map(|v| self.lit_value(Lit::pos(v)) == TRUE)
                            .collect();
                        self.cancel_until(0);
                        return Outcome::Sat;
                    }
                }
            }
        }
    }
}

/// Makes `l` true on the trail at `depth` with `reason` (a clause reference, a binary
/// antecedent or [`NO_REASON`]); a free function so that [`Sat::propagate`] can call it
/// while it holds the watch lists.
#[inline]
fn assign(
    values: &mut [u8],
    level: &mut [u32],
    reason: &mut [u32],
    trail: &mut Vec<Lit>,
    l: Lit,
    antecedent: u32,
    depth: u32,
) {
    let v = l.var();
    values[l.idx()] = TRUE;
    values[(!l).idx()] = FALSE;
    level[v] = depth;
    reason[v] = antecedent;
    trail.push(l);
}

/// The Luby sequence 1 1 2 1 1 2 4 1 1 2 ... at index `i`.
fn luby(mut i: u64) -> u64 {
    let (mut size, mut seq) = (1u64, 0u32);
    while size < i + 1 {
        seq += 1;
        size = 2 * size + 1;
    }
    while size - 1 != i {
        size = (size - 1) >> 1;
        seq -= 1;
        i %= size;
    }
    1 << seq
}

/// A binary max-heap of variables by activity.
#[derive(Default)]
struct VarHeap {
    heap: Vec<usize>,
    pos: Vec<usize>,
}

impl VarHeap {
    const ABSENT: usize = usize::MAX;

    fn contains(&self, v: usize) -> bool {
        v < self.pos.len() && self.pos[v] != Self::ABSENT
    }

    fn insert(&mut self, v: usize, act: &[f64]) {
        if self.pos.len() <= v {
            self.pos.resize(v + 1, Self::ABSENT);
        }
        self.pos[v] = self.heap.len();
        self.heap.push(v);
        self.up(self.heap.len() - 1, act);
    }

    fn increased(&mut self, v: usize, act: &[f64]) {
        if self.contains(v) {
            self.up(self.pos[v], act);
        }
    }

    fn pop(&mut self, act: &[f64]) -> Option<usize> {
        let top = *self.heap.first()?;
        let last = self.heap.pop()?;
        self.pos[top] = Self::ABSENT;
        if !self.heap.is_empty() {
            self.heap[0] = last;
            self.pos[last] = 0;
            self.down(0, act);
        }
        Some(top)
    }

    fn up(&mut self, mut i: usize, act: &[f64]) {
        let v = self.heap[i];
        while i > 0 {
            let parent = (i - 1) / 2;
            if act[self.heap[parent]] >= act[v] {
                break;
            }
            self.heap[i] = self.heap[parent];
            self.pos[self.heap[i]] = i;
            i = parent;
        }
        self.heap[i] = v;
        self.pos[v] = i;
    }

    fn down(&mut self, mut i: usize, act: &[f64]) {
        let v = self.heap[i];
        loop {
            let left = 2 * i + 1;
            if left >= self.heap.len() {
                break;
            }
            let right = left + 1;
            let child = if right < self.heap.len() && act[self.heap[right]] > act[self.heap[left]] {
                right
            } else {
                left
            };
            if act[self.heap[child]] <= act[v] {
                break;
            }
            self.heap[i] = self.heap[child];
            self.pos[self.heap[i]] = i;
            i = child;
        }
        self.heap[i] = v;
        self.pos[v] = i;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::rng::Rng;

    fn lit(x: i32) -> Lit {
        let v = x.unsigned_abs() - 1;
        if x > 0 {
            Lit::pos(v)
        } else {
            Lit::neg(v)
        }
    }

    /// `var` or its negation, at random.
    fn random_polarity(rng: &mut Rng, var: u32) -> Lit {
        if rng.below(2) == 0 {
            Lit::pos(var)
        } else {
            Lit::neg(var)
        }
    }

    /// A clause of `width` literals over variables below `n`, at random.
    fn random_clause(rng: &mut Rng, n: usize, width: u32) -> Vec<Lit> {
        (0..width)
            .map(|_| {
                let v = rng.below(n as u32);
                random_polarity(rng, v)
            })
            .collect()
    }

    /// A clause in the integer form of [`satisfiable_by_enumeration`].
    /// Whether the last model satisfies every clause.
    fn satisfies(s: &Sat, clauses: &[Vec<Lit>]) -> bool {
        clauses
            .iter()
            .all(|c| c.iter().any(|l| s.value(l.var() as u32) != l.negative()))
    }

    /// Solves without assumptions and checks the answer against `expected` (from
    /// enumeration) and the model against the clauses; whether it was satisfiable.
    fn checked_answer(s: &mut Sat, clauses: &[Vec<Lit>], expected: bool) -> bool {
        match s.solve(&[], u64::MAX, None) {
            Outcome::Sat => {
                assert!(expected);
                assert!(satisfies(s, clauses));
                true
            }
            Outcome::Unsat => {
                assert!(!expected);
                false
            }
            Outcome::Unknown => panic!("no budget was set"),
        }
    }

    fn as_ints(c: &[Lit]) -> Vec<i32> {
        c.iter()
            .map(|l| (l.var() as i32 + 1) * if l.negative() { -1 } else { 1 })
            .collect()
    }

    fn satisfiable_by_enumeration(n: usize, clauses: &[Vec<i32>]) -> bool {
        (0u32..1 << n).any(|bits| {
            clauses.iter().all(|c| {
                c.iter().any(|&x| {
                    let v = bits >> (x.unsigned_abs() - 1) & 1 == 1;
                    v == (x > 0)
                })
            })
        })
    }

    /// Every pigeon in a hole, no two in one.
    fn pigeonhole(pigeons: u32, holes: u32) -> Sat {
        let mut s = Sat::new();
        let var = |p: u32, h: u32| p * holes + h;
        for _ in 0..pigeons * holes {
            s.new_var();
        }
        for p in 0..pigeons {
            let c: Vec<Lit> = (0..holes).map(|h| Lit::pos(var(p, h))).collect();
            s.add_clause(&c);
        }
        for h in 0..holes {
            for p in 0..pigeons {
                for q in p + 1..pigeons {
                    s.add_clause(&[Lit::neg(var(p, h)), Lit::neg(var(q, h))]);
                }
            }
        }
        s
    }

    #[test]
    fn luby_sequence_starts_as_published() {
        let got: Vec<u64> = (0..15).map(luby).collect();
        assert_eq!(got, [1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8]);
    }

    #[test]
    fn random_3sat_agrees_with_enumeration_and_models_satisfy() {
        let mut rng = Rng::new(11);
        let (mut sat_seen, mut unsat_seen) = (0, 0);
        for _ in 0..400 {
            let n = 4 + rng.below(9) as usize;
            let m = (n as f64 * (3.0 + rng.unit() * 2.5)) as usize;
            let clauses: Vec<Vec<i32>> = (0..m)
                .map(|_| {
                    (0..3)
                        .map(|_| {
                            let v = 1 + rng.below(n as u32) as i32;
                            if rng.below(2) == 0 {
                                v
                            } else {
                                -v
                            }
                        })
                        .collect()
                })
                .collect();
            let mut s = Sat::new();
            for _ in 0..n {
                s.new_var();
            }
            let lit_clauses: Vec<Vec<Lit>> = clauses
                .iter()
                .map(|c| c.iter().map(|&x| lit(x)).collect())
                .collect();
            for c in &lit_clauses {
                s.add_clause(c);
            }
            let expected = satisfiable_by_enumeration(n, &clauses);
            if checked_answer(&mut s, &lit_clauses, expected) {
                sat_seen += 1;
            } else {
                unsat_seen += 1;
            }
        }
        assert!(
            sat_seen > 50 && unsat_seen > 50,
            "{sat_seen} / {unsat_seen}"
        );
    }

    /// Pigeonhole 7 into 6 takes thousands of conflicts: it exercises restarts, the
    /// learnt-clause reduction and the arena compaction.
    #[test]
    fn pigeonhole_is_unsatisfiable_and_one_more_hole_is_not() {
        for (pigeons, holes, expected) in [(7, 6, Outcome::Unsat), (7, 7, Outcome::Sat)] {
            assert_eq!(
                pigeonhole(pigeons, holes).solve(&[], u64::MAX, None),
                expected
            );
        }
    }

    /// A refutation long enough to pass through both modes and back.
    #[test]
    fn a_long_refutation_switches_modes_and_stays_sound() {
        let mut s = pigeonhole(9, 8);
        assert_eq!(s.solve(&[], u64::MAX, None), Outcome::Unsat);
        assert!(
            s.conflicts() > 2 * MODE_FIRST,
            "{} conflicts",
            s.conflicts()
        );
    }

    #[test]
    fn clauses_added_between_calls_tighten_the_formula() {
        let mut s = Sat::new();
        let (a, b) = (s.new_var(), s.new_var());
        s.add_clause(&[Lit::pos(a), Lit::pos(b)]);
        s.set_phase(a, true);
        assert_eq!(s.solve(&[], u64::MAX, None), Outcome::Sat);
        s.add_clause(&[Lit::neg(a)]);
        assert_eq!(s.solve(&[], u64::MAX, None), Outcome::Sat);
        assert!(!s.value(a) && s.value(b));
        assert!(!s.add_clause(&[Lit::neg(b)]));
        assert_eq!(s.solve(&[], u64::MAX, None), Outcome::Unsat);
    }

    #[test]
    fn assumptions_hold_in_models_and_a_refutation_under_them_leaves_the_formula_alone() {
        // x0 + x1 + x2 >= 2 as clauses: every pair has one true
        let mut s = Sat::new();
        let v: Vec<u32> = (0..3).map(|_| s.new_var()).collect();
        for (a, b) in [(0, 1), (0, 2), (1, 2)] {
            s.add_clause(&[Lit::pos(v[a]), Lit::pos(v[b])]);
        }
        assert_eq!(s.solve(&[Lit::neg(v[0])], u64::MAX, None), Outcome::Sat);
        assert!(!s.value(v[0]) && s.value(v[1]) && s.value(v[2]));
        let two_false = [Lit::neg(v[0]), Lit::neg(v[2])];
        assert_eq!(s.solve(&two_false, u64::MAX, None), Outcome::Unsat);
        assert_eq!(s.solve(&[], u64::MAX, None), Outcome::Sat);
        assert_eq!(s.solve(&[Lit::neg(v[1])], u64::MAX, None), Outcome::Sat);
        assert!(s.value(v[0]) && !s.value(v[1]) && s.value(v[2]));
    }

    /// A refutation under assumptions names a core: some of the assumptions, which the
    /// formula refutes again on their own.
    #[test]
    fn a_refutation_under_assumptions_names_a_core_of_them() {
        let mut rng = crate::solver::rng::Rng::new(11);
        let mut cores = 0;
        for _ in 0..300 {
            let n = 12;
            let mut s = Sat::new();
            let vars: Vec<u32> = (0..n).map(|_| s.new_var()).collect();
            for _ in 0..30 {
                let clause: Vec<Lit> = (0..3)
                    .map(|_| {
                        let v = vars[rng.below(n) as usize];
                        random_polarity(&mut rng, v)
                    })
                    .collect();
                s.add_clause(&clause);
            }
            let assumptions: Vec<Lit> = vars[..6]
                .iter()
                .map(|&v| random_polarity(&mut rng, v))
                .collect();
            if s.solve(&assumptions, u64::MAX, None) != Outcome::Unsat {
                continue;
            }
            let core = s.core().to_vec();
            assert!(core.iter().all(|l| assumptions.contains(l)), "{core:?}");
            assert_eq!(s.solve(&core, u64::MAX, None), Outcome::Unsat);
            if !core.is_empty() {
                cores += 1;
            }
        }
        assert!(cores > 20, "only {cores} refutations under assumptions");
    }

    /// Probing from the first decision on (rounds normally wait for a thousand conflicts):
    /// answers agree with enumeration, models satisfy, and a refutation under assumptions
    /// names assumptions the formula refutes again.
    #[test]
    fn probing_keeps_answers_models_and_cores_right() {
        let mut rng = Rng::new(23);
        let (mut probed, mut refuted, mut satisfied) = (0, 0, 0);
        for _ in 0..300 {
            let n = 8 + rng.below(5) as usize;
            let clauses: Vec<Vec<Lit>> = (0..n * 2 + rng.below(n as u32) as usize)
                .map(|_| {
                    let width = 2 + rng.below(2);
                    random_clause(&mut rng, n, width)
                })
                .collect();
            let mut s = Sat::new();
            for _ in 0..n {
                s.new_var();
            }
            for c in &clauses {
                s.add_clause(c);
            }
            let assumptions: Vec<Lit> = (0..3).map(|v| random_polarity(&mut rng, v)).collect();
            let with_assumptions: Vec<Vec<i32>> = clauses
                .iter()
                .map(|c| as_ints(c))
                .chain(assumptions.iter().map(|&a| as_ints(&[a])))
                .collect();
            let expected = satisfiable_by_enumeration(n, &with_assumptions);
            s.schedule_probes();
            probed += usize::from(!s.probes.is_empty());
            match s.solve(&assumptions, u64::MAX, None) {
                Outcome::Sat => {
                    assert!(expected);
                    satisfied += 1;
                    assert!(assumptions
                        .iter()
                        .all(|a| s.value(a.var() as u32) != a.negative()));
                    assert!(satisfies(&s, &clauses));
                }
                Outcome::Unsat => {
                    assert!(!expected);
                    refuted += 1;
                    let core = s.core().to_vec();
                    assert!(core.iter().all(|l| assumptions.contains(l)), "{core:?}");
                    assert_eq!(s.solve(&core, u64::MAX, None), Outcome::Unsat);
                }
                Outcome::Unknown => panic!("no budget was set"),
            }
        }
        assert!(
            refuted > 30 && satisfied > 30 && probed > 250,
            "{refuted} refuted, {satisfied} satisfied, {probed} probed"
        );
    }

    /// Two solvers of one formula pass short learnt clauses: the second refutes
    /// pigeonhole 8 into 7 in fewer conflicts with what the first learnt, and on random
    /// formulas, where the first has variables of its own on top (never passed on), the
    /// second's answers and models stay right.
    #[test]
    fn shared_clauses_keep_answers_right_and_save_conflicts() {
        let exchange = Arc::new(Exchange::default());
        let mut first = pigeonhole(8, 7);
        let mut second = pigeonhole(8, 7);
        first.share(exchange.clone(), 0);
        second.share(exchange.clone(), 1);
        assert_eq!(first.solve(&[], u64::MAX, None), Outcome::Unsat);
        assert_eq!(second.solve(&[], u64::MAX, None), Outcome::Unsat);
        assert!(
            second.conflicts() < first.conflicts() / 2,
            "{} conflicts after {}",
            second.conflicts(),
            first.conflicts()
        );

        let mut rng = Rng::new(31);
        let (mut passed, mut refuted, mut satisfied) = (0, 0, 0);
        for _ in 0..200 {
            let n = 10 + rng.below(4) as usize;
            let clauses: Vec<Vec<Lit>> = (0..n * 4 + rng.below(n as u32) as usize)
                .map(|_| random_clause(&mut rng, n, 3))
                .collect();
            let exchange = Arc::new(Exchange::default());
            let mut first = Sat::new();
            let mut second = Sat::new();
            for _ in 0..n {
                first.new_var();
                second.new_var();
            }
            for c in &clauses {
                first.add_clause(c);
                second.add_clause(c);
            }
            first.share(exchange.clone(), 0);
            second.share(exchange.clone(), 1);
            // the first's own variables: z_j implies a random clause's negation
            let own: Vec<Lit> = (0..3).map(|_| Lit::pos(first.new_var())).collect();
            for &z in &own {
                let c = &clauses[rng.below(clauses.len() as u32) as usize];
                for &l in c {
                    first.add_clause(&[!z, !l]);
                }
            }
            first.solve(&[], u64::MAX, None);
            // a call passes on what the last one learnt (here it fails on its assumption)
            first.solve(&own[..1], u64::MAX, None);
            passed += exchange.clauses.lock().map(|c| c.len()).unwrap_or(0);
            let ints: Vec<Vec<i32>> = clauses.iter().map(|c| as_ints(c)).collect();
            let expected = satisfiable_by_enumeration(n, &ints);
            if checked_answer(&mut second, &clauses, expected) {
                satisfied += 1;
            } else {
                refuted += 1;
            }
        }
        assert!(
            passed > 200 && refuted > 20 && satisfied > 20,
            "{passed} passed, {refuted} refuted, {satisfied} satisfied"
        );
    }

    #[test]
    fn a_conflict_budget_stops_the_search() {
        let mut s = pigeonhole(9, 8);
        assert_eq!(s.solve(&[], 100, None), Outcome::Unknown);
        assert!(s.conflicts() >= 100);
    }
}
