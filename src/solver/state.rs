//! A schedule under construction with its score kept incrementally, and an undo log.
//!
//! Every change goes through [`State::insert`] and [`State::remove`], which keep the
//! occupancy tables, the per participant-day bit masks and the score exact, and log the
//! change so a rejected move (or everything since the best schedule) can be undone.

use super::model::{Model, NONE};
use super::rng::Rng;

#[derive(Clone, Copy)]
enum Undo {
    Inserted(u32),
    Removed { m: u32, s: u32, i: u32, v: i32 },
}

#[derive(Clone)]
pub struct State<'a> {
    pub model: &'a Model,
    /// Start slot of each meeting, [`NONE`] when unscheduled.
    pub start: Vec<u32>,
    pub interp: Vec<u32>,
    val: Vec<i32>,
    /// Meeting occupying each (participant, slot).
    occ: Vec<u32>,
    /// Occupied day positions of each (participant, day).
    mask: Vec<u128>,
    /// Meeting served by each (interpreter, slot).
    iocc: Vec<u32>,
    pub room_use: Vec<u32>,
    /// Meetings occupying each slot.
    pub slot_list: Vec<Vec<u32>>,
    pub count: Vec<u32>,
    pub score: i64,
    /// Empty slots inside participants' days: not scored, a guide for the search under
    /// the breaks measure (a shorter break is closer to closing).
    pub aux: i64,
    /// Unscheduled meetings that have at least one feasible start, and their positions.
    pub open: Vec<u32>,
    open_pos: Vec<u32>,
    log: Vec<Undo>,
}

impl<'a> State<'a> {
    pub fn new(model: &'a Model) -> State<'a> {
        let n = model.n_slots;
        let n_interp = model.interp_avail.len() / n.max(1);
        let mut open = Vec::new();
        let mut open_pos = vec![NONE; model.n_meetings];
        for (m, pos) in open_pos.iter_mut().enumerate() {
            if !model.cands(m).is_empty() {
                *pos = open.len() as u32;
                open.push(m as u32);
            }
        }
        State {
            model,
            start: vec![NONE; model.n_meetings],
            interp: vec![NONE; model.n_meetings],
            val: vec![0; model.n_meetings],
            occ: vec![NONE; model.n_parts * n],
            mask: vec![0; model.n_parts * model.n_days],
            iocc: vec![NONE; n_interp * n],
            room_use: vec![0; n],
            slot_list: vec![Vec::new(); n],
            count: vec![0; model.n_parts],
            score: model.base_score,
            aux: 0,
            open,
            open_pos,
            log: Vec::new(),
        }
    }

    #[inline]
    pub fn occupant(&self, p: usize, t: usize) -> u32 {
        self.occ[p * self.model.n_slots + t]
    }

    #[inline]
    pub fn interp_occupant(&self, i: usize, t: usize) -> u32 {
        self.iocc[i * self.model.n_slots + t]
    }

    /// Occupied day positions of a (participant, day), by its index `p * n_days + d`.
    #[inline]
    pub fn day_mask(&self, k: usize) -> u128 {
        self.mask[k]
    }

    /// An interpreter free for meeting `m` at `s` ([`NONE`] when it needs none).
    pub fn free_interp(&self, m: usize, s: usize) -> Option<u32> {
        let md = self.model;
        if !md.needs_interp[m] {
            return Some(NONE);
        }
        let len = md.length[m] as usize;
        let n = md.n_slots;
        md.interps(m).iter().copied().find(|&i| {
            let base = i as usize * n;
            (s..s + len).all(|t| md.interp_avail[base + t] && self.iocc[base + t] == NONE)
        })
    }

    /// Can `m` (unscheduled) start at its feasible start `s` now? Returns its interpreter.
    pub fn can_place(&self, m: usize, s: usize) -> Option<u32> {
        let md = self.model;
        let len = md.length[m] as usize;
        if (s..s + len).any(|t| self.room_use[t] >= md.rooms) {
            return None;
        }
        let bits = md.span_bits(m, s);
        let d = md.slot_day[s] as usize;
        for &p in md.parts(m) {
            let p = p as usize;
            if self.mask[p * md.n_days + d] & bits != 0 || self.count[p] >= md.max_meetings[p] {
                return None;
            }
        }
        self.free_interp(m, s)
    }

    /// Score change of inserting `m` at `s` with static value `v` (feasibility assumed).
    pub fn insert_delta(&self, m: usize, s: usize, v: i32) -> i64 {
        let md = self.model;
        let bits = md.span_bits(m, s);
        let d = md.slot_day[s] as usize;
        let mut delta = i64::from(v);
        for &p in md.parts(m) {
            let k = p as usize * md.n_days + d;
            let (a, old) = (md.avail_mask[k], self.mask[k]);
            delta -= md.idle_cost(a, old | bits) - md.idle_cost(a, old);
        }
        delta
    }

    /// Score change of removing the scheduled meeting `m`.
    pub fn remove_delta(&self, m: usize) -> i64 {
        let md = self.model;
        let s = self.start[m] as usize;
        let bits = md.span_bits(m, s);
        let d = md.slot_day[s] as usize;
        let mut delta = -i64::from(self.val[m]);
        for &p in md.parts(m) {
            let k = p as usize * md.n_days + d;
            let (a, old) = (md.avail_mask[k], self.mask[k]);
            delta -= md.idle_cost(a, old & !bits) - md.idle_cost(a, old);
        }
        delta
    }

    /// The best start for the unscheduled `m` now, without moving anything else:
    /// `(start, interpreter, value, score delta)`, ties broken at random.
    pub fn best_insert(&self, m: usize, rng: &mut Rng) -> Option<(u32, u32, i32, i64)> {
        let md = self.model;
        let mut best: Option<(u32, u32, i32, i64)> = None;
        let mut ties = 0u32;
        for k in md.cands(m) {
            let s = md.cand[k] as usize;
            let Some(i) = self.can_place(m, s) else {
                continue;
            };
            let v = md.cand_val[k];
            let delta = self.insert_delta(m, s, v);
            match best {
                Some((_, _, _, b)) if delta < b => {}
                Some((_, _, _, b)) if delta == b => {
                    ties += 1;
                    if rng.below(ties + 1) == 0 {
                        best = Some((s as u32, i, v, delta));
                    }
                }
                _ => {
                    ties = 0;
                    best = Some((s as u32, i, v, delta));
                }
            }
        }
        best
    }

    pub fn insert(&mut self, m: usize, s: usize, i: u32, v: i32) {
        self.score += self.insert_delta(m, s, v);
        self.apply_insert(m, s, i, v);
        self.log.push(Undo::Inserted(m as u32));
    }

    pub fn remove(&mut self, m: usize) {
        self.score += self.remove_delta(m);
        let (s, i, v) = (self.start[m], self.interp[m], self.val[m]);
        self.apply_remove(m);
        self.log.push(Undo::Removed {
            m: m as u32,
            s,
            i,
            v,
        });
    }

    fn apply_insert(&mut self, m: usize, s: usize, i: u32, v: i32) {
        let md = self.model;
        let n = md.n_slots;
        let len = md.length[m] as usize;
        let bits = md.span_bits(m, s);
        let d = md.slot_day[s] as usize;
        for &p in md.parts(m) {
            let p = p as usize;
            let k = p * md.n_days + d;
            self.aux -= md.gap_slots(self.mask[k]);
            self.mask[k] |= bits;
            self.aux += md.gap_slots(self.mask[k]);
            self.count[p] += 1;
            self.occ[p * n + s..p * n + s + len].fill(m as u32);
        }
        for t in s..s + len {
            self.room_use[t] += 1;
            self.slot_list[t].push(m as u32);
        }
        if i != NONE {
            let base = i as usize * n;
            self.iocc[base + s..base + s + len].fill(m as u32);
        }
        self.start[m] = s as u32;
        self.interp[m] = i;
        self.val[m] = v;
        let pos = self.open_pos[m] as usize;
        let last = *self.open.last().unwrap_or(&(m as u32));
        self.open.swap_remove(pos);
        if last != m as u32 {
            self.open_pos[last as usize] = pos as u32;
        }
        self.open_pos[m] = NONE;
    }

    fn apply_remove(&mut self, m: usize) {
        let md = self.model;
        let n = md.n_slots;
        let s = self.start[m] as usize;
        let len = md.length[m] as usize;
        let bits = md.span_bits(m, s);
        let d = md.slot_day[s] as usize;
        for &p in md.parts(m) {
            let p = p as usize;
            let k = p * md.n_days + d;
            self.aux -= md.gap_slots(self.mask[k]);
            self.mask[k] &= !bits;
            self.aux += md.gap_slots(self.mask[k]);
            self.count[p] -= 1;
            self.occ[p * n + s..p * n + s + len].fill(NONE);
        }
        for t in s..s + len {
            self.room_use[t] -= 1;
            let list = &mut self.slot_list[t];
            if let Some(k) = list.iter().position(|&x| x == m as u32) {
                list.swap_remove(k);
            }
        }
        let i = self.interp[m];
        if i != NONE {
            let base = i as usize * n;
            self.iocc[base + s..base + s + len].fill(NONE);
        }
        self.start[m] = NONE;
        self.interp[m] = NONE;
        self.open_pos[m] = self.open.len() as u32;
        self.open.push(m as u32);
    }

    /// Position in the undo log, to come back to with [`State::undo_to`].
    pub fn mark(&self) -> usize {
        self.log.len()
    }

    pub fn undo_to(&mut self, mark: usize) {
        while self.log.len() > mark {
            match self.log.pop() {
                Some(Undo::Inserted(m)) => {
                    self.score += self.remove_delta(m as usize);
                    self.apply_remove(m as usize);
                }
                Some(Undo::Removed { m, s, i, v }) => {
                    let (m, s) = (m as usize, s as usize);
                    self.score += self.insert_delta(m, s, v);
                    self.apply_insert(m, s, i, v);
                }
                None => break,
            }
        }
    }

    /// Forgets the undo log: the current schedule becomes the point to return to.
    pub fn forget(&mut self) {
        self.log.clear();
    }

    pub fn log_len(&self) -> usize {
        self.log.len()
    }

    /// The non-fixed meetings of participant `p` on day `d`.
    pub fn meetings_on_day(&self, p: usize, d: usize, out: &mut Vec<u32>) {
        out.clear();
        let md = self.model;
        let n = md.n_slots;
        for t in 0..n {
            if md.slot_day[t] as usize != d {
                continue;
            }
            let o = self.occ[p * n + t];
            if o != NONE && !md.fixed[o as usize] && out.last() != Some(&o) {
                out.push(o);
            }
        }
    }
}

/// Small problems and helpers shared by the solver's unit tests.
#[cfg(test)]
pub(crate) mod fixtures {
    use super::{State, NONE};
    use crate::solver::problem::{IdleMeasure, Meeting, Participant, Problem, Slot};
    use crate::solver::score::Assignment;

    /// One day of `n_slots` ten-minute slots and one room; each pair meets once, weight 1.
    pub fn one_day(
        n_slots: usize,
        n_people: usize,
        pairs: &[(usize, usize)],
        idle: IdleMeasure,
    ) -> Problem {
        Problem {
            slots: (0..n_slots as i64)
                .map(|k| Slot {
                    start: k * 10,
                    end: k * 10 + 10,
                    day: 0,
                })
                .collect(),
            rooms: Some(1),
            participants: (0..n_people)
                .map(|_| Participant {
                    languages: vec!["en".into()],
                    available: vec![true; n_slots],
                    ..Default::default()
                })
                .collect(),
            interpreters: vec![],
            meetings: pairs
                .iter()
                .map(|&(a, b)| Meeting {
                    participants: vec![a, b],
                    weight: 1,
                    length: 1,
                    fixed: None,
                    available: None,
                    previous: None,
                })
                .collect(),
            idle,
        }
    }

    /// The state's placements, for a full evaluation.
    pub fn assignments(st: &State) -> Vec<Assignment> {
        (0..st.start.len())
            .filter(|&m| st.start[m] != NONE)
            .map(|m| Assignment {
                meeting: m,
                start: st.start[m] as usize,
                interpreter: None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{self, assignments};
    use super::*;
    use crate::solver::problem::{IdleMeasure, Problem};
    use crate::solver::score::evaluate;

    fn problem() -> Problem {
        fixtures::one_day(5, 3, &[(0, 1), (0, 2), (1, 2)], IdleMeasure::Slots)
    }

    #[test]
    fn incremental_score_matches_a_full_evaluation_and_undo_restores_it() {
        let p = problem();
        let md = Model::new(&p);
        let mut st = State::new(&md);
        st.insert(0, 0, NONE, 1000);
        st.insert(1, 3, NONE, 1000);
        assert_eq!(st.score, evaluate(&p, &assignments(&st)).score);
        assert_eq!(st.score, 2000 - 2); // participant 0 idles in slots 1 and 2
        let mark = st.mark();
        st.remove(0);
        st.insert(2, 1, NONE, 1000);
        assert_eq!(st.score, evaluate(&p, &assignments(&st)).score);
        st.undo_to(mark);
        assert_eq!(st.start, vec![0, 3, NONE]);
        assert_eq!(st.score, 2000 - 2);
        assert_eq!(st.open, vec![2]);
    }

    #[test]
    fn a_full_room_or_a_busy_participant_blocks_a_start() {
        let p = problem();
        let md = Model::new(&p);
        let mut st = State::new(&md);
        st.insert(0, 0, NONE, 1000);
        assert_eq!(st.can_place(2, 0), None); // one room
        assert_eq!(st.can_place(1, 0), None);
        assert_eq!(st.can_place(1, 1), Some(NONE));
    }
}
