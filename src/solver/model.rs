//! The problem compiled for the search: flat arrays, feasible starts and their values.
//!
//! A meeting's static value at a start (weight, comfort, stability) is computed once;
//! only the idle term depends on the other meetings and is kept by [`super::state`].

use super::problem::{IdleMeasure, Problem};
use super::score::{MOVED, UNCOMFORTABLE, WEIGHT};

pub const NONE: u32 = u32::MAX;

pub struct Model {
    pub n_slots: usize,
    pub n_days: usize,
    pub n_parts: usize,
    pub n_meetings: usize,
    pub slot_day: Vec<u32>,
    /// Position of a slot inside its day.
    pub slot_pos: Vec<u32>,
    pub rooms: u32,
    pub idle: IdleMeasure,
    /// Per (participant, day): available slots as a bit mask over the day's positions.
    pub avail_mask: Vec<u128>,
    pub max_meetings: Vec<u32>,
    pub weight: Vec<u32>,
    pub length: Vec<u32>,
    pub fixed: Vec<bool>,
    /// Previously published start, [`NONE`] if none.
    pub previous: Vec<u32>,
    /// Meetings with a previously published start.
    pub published: Vec<u32>,
    /// Meeting participants, flat (`mp_off[m]..mp_off[m + 1]`).
    pub mp_off: Vec<u32>,
    pub mp: Vec<u32>,
    /// Feasible starts of each meeting, flat and sorted, with their static value.
    pub cand_off: Vec<u32>,
    pub cand: Vec<u32>,
    pub cand_val: Vec<i32>,
    /// Interpreters able to serve a meeting that needs one, flat.
    pub mi_off: Vec<u32>,
    pub mi: Vec<u32>,
    pub needs_interp: Vec<bool>,
    pub interp_avail: Vec<bool>,
    /// Meetings of each participant, flat.
    pub pm_off: Vec<u32>,
    pub pm: Vec<u32>,
    /// The score with nothing scheduled (every previously published meeting moved).
    pub base_score: i64,
}

impl Model {
    /// Compiles a validated problem.
    pub fn new(p: &Problem) -> Model {
        let n = p.slots.len();
        let n_days = p.slots.last().map_or(0, |s| s.day + 1);
        let mut slot_pos = vec![0u32; n];
        let mut day_len = vec![0u32; n_days];
        for (t, s) in p.slots.iter().enumerate() {
            slot_pos[t] = day_len[s.day];
            day_len[s.day] += 1;
        }
        let slot_day: Vec<u32> = p.slots.iter().map(|s| s.day as u32).collect();
        let mut avail_mask = vec![0u128; p.participants.len() * n_days];
        for (k, part) in p.participants.iter().enumerate() {
            for t in 0..n {
                if part.available[t] {
                    avail_mask[k * n_days + slot_day[t] as usize] |= 1u128 << slot_pos[t];
                }
            }
        }
        let mut mp_off = vec![0u32];
        let mut mp = Vec::new();
        let mut cand_off = vec![0u32];
        let mut cand = Vec::new();
        let mut cand_val = Vec::new();
        let mut mi_off = vec![0u32];
        let mut mi = Vec::new();
        let mut needs_interp = Vec::with_capacity(p.meetings.len());
        let mut base_score = 0i64;
        let mut pm_count = vec![0u32; p.participants.len()];
        for (m, meeting) in p.meetings.iter().enumerate() {
            mp.extend(meeting.participants.iter().map(|&x| x as u32));
            mp_off.push(mp.len() as u32);
            for &x in &meeting.participants {
                pm_count[x] += 1;
            }
            let needs = p.needs_interpreter(m);
            needs_interp.push(needs);
            if needs {
                mi.extend(
                    (0..p.interpreters.len())
                        .filter(|&i| p.can_serve(i, m))
                        .map(|i| i as u32),
                );
            }
            mi_off.push(mi.len() as u32);
            let interp_ok = |range: &std::ops::Range<usize>| {
                !needs
                    || mi[mi_off[m] as usize..].iter().any(|&i| {
                        range
                            .clone()
                            .all(|t| p.interpreters[i as usize].available[t])
                    })
            };
            if meeting.previous.is_some() {
                base_score -= MOVED;
            }
            let starts: Vec<usize> = match meeting.fixed {
                Some(s) => vec![s],
                None => (0..n).collect(),
            };
            for s in starts {
                let Some(range) = p.span(m, s) else { continue };
                let ok = range.clone().all(|t| {
                    meeting.available.as_ref().map_or(true, |a| a[t])
                        && meeting
                            .participants
                            .iter()
                            .all(|&x| p.participants[x].available[t])
                });
                if !ok || !interp_ok(&range) {
                    continue;
                }
                let unc = meeting
                    .participants
                    .iter()
                    .filter(|&&x| !p.comfortable(x, m, s))
                    .count() as i64;
                let mut v = WEIGHT * i64::from(meeting.weight) - UNCOMFORTABLE * unc;
                if meeting.previous == Some(s) {
                    v += MOVED;
                }
                cand.push(s as u32);
                cand_val.push(v as i32);
            }
            cand_off.push(cand.len() as u32);
        }
        let mut pm_off = vec![0u32; p.participants.len() + 1];
        for k in 0..p.participants.len() {
            pm_off[k + 1] = pm_off[k] + pm_count[k];
        }
        let mut fill = pm_off.clone();
        let mut pm = vec![0u32; mp.len()];
        for m in 0..p.meetings.len() {
            for &x in &mp[mp_off[m] as usize..mp_off[m + 1] as usize] {
                pm[fill[x as usize] as usize] = m as u32;
                fill[x as usize] += 1;
            }
        }
        let n_interp = p.interpreters.len();
        let mut interp_avail = vec![false; n_interp * n];
        for (i, it) in p.interpreters.iter().enumerate() {
            interp_avail[i * n..(i + 1) * n].copy_from_slice(&it.available);
        }
        Model {
            n_slots: n,
            n_days,
            n_parts: p.participants.len(),
            n_meetings: p.meetings.len(),
            slot_day,
            slot_pos,
            rooms: p.rooms.unwrap_or(u32::MAX),
            idle: p.idle,
            avail_mask,
            max_meetings: p
                .participants
                .iter()
                .map(|x| x.max_meetings.unwrap_or(u32::MAX))
                .collect(),
            published: (0..p.meetings.len() as u32)
                .filter(|&m| p.meetings[m as usize].previous.is_some())
                .collect(),
            weight: p.meetings.iter().map(|m| m.weight).collect(),
            length: p.meetings.iter().map(|m| m.length).collect(),
            fixed: p.meetings.iter().map(|m| m.fixed.is_some()).collect(),
            previous: p
                .meetings
                .iter()
                .map(|m| m.previous.map_or(NONE, |s| s.min(NONE as usize) as u32))
                .collect(),
            mp_off,
            mp,
            cand_off,
            cand,
            cand_val,
            mi_off,
            mi,
            needs_interp,
            interp_avail,
            pm_off,
            pm,
            base_score,
        }
    }

    /// No schedule scores more: every meeting at its best start, no idle time.
    pub fn upper_bound(&self) -> i64 {
        self.base_score
            + (0..self.n_meetings)
                .map(|m| {
                    self.cand_val[self.cands(m)]
                        .iter()
                        .map(|&v| i64::from(v.max(0)))
                        .max()
                        .unwrap_or(0)
                })
                .sum::<i64>()
    }

    #[inline]
    pub fn parts(&self, m: usize) -> &[u32] {
        &self.mp[self.mp_off[m] as usize..self.mp_off[m + 1] as usize]
    }

    #[inline]
    pub fn cands(&self, m: usize) -> std::ops::Range<usize> {
        self.cand_off[m] as usize..self.cand_off[m + 1] as usize
    }

    #[inline]
    pub fn interps(&self, m: usize) -> &[u32] {
        &self.mi[self.mi_off[m] as usize..self.mi_off[m + 1] as usize]
    }

    #[inline]
    pub fn meetings_of(&self, p: usize) -> &[u32] {
        &self.pm[self.pm_off[p] as usize..self.pm_off[p + 1] as usize]
    }

    /// Static value of meeting `m` at start `s`, if `s` is one of its feasible starts.
    pub fn value_at(&self, m: usize, s: u32) -> Option<i32> {
        let r = self.cands(m);
        let k = self.cand[r.clone()].binary_search(&s).ok()?;
        Some(self.cand_val[r.start + k])
    }

    /// Bits of the day positions covered by meeting `m` starting at `s`.
    #[inline]
    pub fn span_bits(&self, m: usize, s: usize) -> u128 {
        let len = self.length[m];
        let ones = if len >= 128 {
            u128::MAX
        } else {
            (1u128 << len) - 1
        };
        ones << self.slot_pos[s]
    }

    /// Empty positions between the first and last occupied ones.
    #[inline]
    pub fn gap_slots(&self, mask: u128) -> i64 {
        if mask == 0 {
            return 0;
        }
        let span = 128 - mask.leading_zeros() - mask.trailing_zeros();
        i64::from(span - mask.count_ones())
    }

    /// Idle cost of one participant-day with occupied positions `mask`.
    #[inline]
    pub fn idle_cost(&self, avail: u128, mask: u128) -> i64 {
        if mask.count_ones() < 2 {
            return 0;
        }
        match self.idle {
            IdleMeasure::Breaks => i64::from((mask & !(mask << 1)).count_ones()) - 1,
            IdleMeasure::Slots => {
                let lo = mask.trailing_zeros();
                let hi = 127 - mask.leading_zeros();
                let between = ((1u128 << hi) - 1) & !((1u128 << (lo + 1)) - 1);
                i64::from((avail & !mask & between).count_ones())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::problem::{Meeting, Participant, Slot};

    fn model(idle: IdleMeasure) -> Model {
        let slots = (0..6)
            .map(|k| Slot {
                start: k * 100,
                end: k * 100 + 100,
                day: 0,
            })
            .collect();
        let part = || Participant {
            languages: vec!["en".into()],
            available: vec![true, true, false, true, true, true],
            ..Default::default()
        };
        let problem = Problem {
            slots,
            rooms: None,
            participants: vec![part(), part()],
            interpreters: vec![],
            meetings: vec![Meeting {
                participants: vec![0, 1],
                weight: 2,
                length: 2,
                fixed: None,
                available: None,
                previous: Some(3),
            }],
            idle,
        };
        Model::new(&problem)
    }

    #[test]
    fn breaks_count_runs_between_meetings() {
        let md = model(IdleMeasure::Breaks);
        assert_eq!(md.idle_cost(0, 0b100101), 2);
        assert_eq!(md.idle_cost(0, 0b111), 0);
        assert_eq!(md.idle_cost(0, 0b1000), 0);
        assert_eq!(md.gap_slots(0b100101), 3);
    }

    #[test]
    fn idle_slots_count_only_available_empty_slots_inside_the_day() {
        let md = model(IdleMeasure::Slots);
        // positions 1..4 lie between; 2 is unavailable
        assert_eq!(md.idle_cost(0b111011, 0b100001), 3);
        assert_eq!(md.idle_cost(0b111011, 0b000001), 0);
    }

    #[test]
    fn starts_skip_unavailable_spans_and_value_the_previous_start() {
        let md = model(IdleMeasure::Slots);
        // length 2 needs two available slots: 0-1, 3-4, 4-5
        assert_eq!(&md.cand, &[0, 3, 4]);
        assert_eq!(md.value_at(0, 3), Some(2000 + MOVED as i32));
        assert_eq!(md.value_at(0, 0), Some(2000));
        assert_eq!(md.base_score, -MOVED);
    }
}
