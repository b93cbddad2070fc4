//! Lower bounds under the breaks measure: "the same meetings with at most K breaks" as a
//! SAT formula, refuted by [`super::sat`] for K = 0, 1, ... until a refutation runs out of
//! budget. A refuted K proves that every schedule of these meetings has more breaks, so a
//! search that reaches K + 1 can stop: its schedule is optimal. A formula that is
//! satisfiable gives such an optimal schedule itself.
//!
//! It applies when every meeting is one slot long, needs no interpreter, and is worth the
//! same at each of its starts (no comfort or stability differences): then the score of a
//! schedule of a fixed set of meetings depends on its breaks alone.
//!
//! Variables: `x[m, t]` meeting m starts at slot t (the only ones branched on);
//! `y[p, t]` participant p is busy at t; `after[p, i]` p is busy somewhere from day
//! position i on; `brk[p, i]` p's day breaks after position i (busy at i, free at i + 1,
//! busy later). A totalizer counts the breaks, and each bound is an assumption on its
//! outputs, so what one refutation learns serves the next.

use std::time::Instant;

use super::model::{Model, NONE};
use super::problem::IdleMeasure;
use super::sat::{Lit, Outcome, Sat};

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
    mask.iter().map(|&k| md.idle_cost(0, k).max(0) as u64).sum()
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
/// `start` (feasible; see [`applies`]), each refutation within `conflicts`, all within
/// the deadline.
pub fn lower_bound(
    md: &Model,
    start: &[u32],
    conflicts: u64,
    deadline: Option<Instant>,
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
    };
    let count = enc.encode(start, best as usize);
    while let Some(&more) = count.get(bound.breaks as usize) {
        let assume = [!more];
        match enc.sat.solve(&assume, conflicts, deadline) {
            Outcome::Unsat => bound.breaks += 1,
            Outcome::Unknown => break,
            Outcome::Sat => {
                let found = enc.model_starts(start);
                debug_assert_eq!(breaks_of(md, &found), bound.breaks);
                bound.optimal = Some(found);
                break;
            }
        }
    }
    bound
}

struct Encoder<'a> {
    md: &'a Model,
    sat: Sat,
    /// Per meeting, its (slot, variable) pairs; empty for unscheduled meetings.
    x: Vec<Vec<(u32, u32)>>,
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

    /// Encodes the schedules of `start`'s meetings; returns the count of breaks up to
    /// `cap` (output j is true when there are more than j).
    fn encode(&mut self, start: &[u32], cap: usize) -> Vec<Lit> {
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
        for list in &at_slot {
            let lits: Vec<Lit> = list.iter().map(|&(_, l)| l).collect();
            self.at_most(&lits, md.rooms as usize);
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
            let free: Vec<Lit> = (0..n).filter_map(|t| busy[p * n + t]).map(|l| !l).collect();
            self.at_most(&free, free.len().saturating_sub(meetings_of[p]));
        }
        let breaks = self.breaks(&busy, &busy_now, &meetings_of);
        self.totalizer(&breaks, cap)
    }

    /// The break literals of every participant and day.
    fn breaks(
        &mut self,
        busy: &[Option<Lit>],
        busy_now: &[bool],
        meetings_of: &[usize],
    ) -> Vec<Lit> {
        let md = self.md;
        let n = md.n_slots;
        let mut breaks = Vec::new();
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
                    breaks.push(b);
                }
            }
            first += len;
        }
        breaks
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

    /// On random small problems (two days, lunch gaps, unavailable slots, tight rooms)
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
            // two days of four slots
            p.slots = (0..8)
                .map(|k| Slot {
                    start: k * 10 + (k / 4) * 1000,
                    end: k * 10 + 10 + (k / 4) * 1000,
                    day: (k / 4) as usize,
                })
                .collect();
            p.rooms = Some(1 + rng.below(3));
            for part in &mut p.participants {
                for a in &mut part.available {
                    *a = rng.below(5) != 0;
                }
            }
            let md = Model::new(&p);
            let schedules = all_schedules(&md);
            let Some(optimum) = schedules.iter().map(|s| breaks_of(&md, s)).min() else {
                continue;
            };
            let from = &schedules[rng.below(schedules.len() as u32) as usize];
            let lb = lower_bound(&md, from, u64::MAX, None);
            assert_eq!(lb.breaks, optimum, "pairs {pairs:?}");
            match lb.optimal {
                Some(found) => {
                    assert!(schedules.contains(&found), "infeasible: {found:?}");
                    assert_eq!(breaks_of(&md, &found), optimum);
                    assert!(breaks_of(&md, from) > optimum);
                }
                None => assert_eq!(breaks_of(&md, from), optimum),
            }
            checked += 1;
        }
        assert!(checked > 200, "only {checked} problems had a schedule");
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
}
