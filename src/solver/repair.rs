//! Exact repair of one participant's day: with everything else fixed, re-seat that
//! participant's movable meetings of the day on the best set of positions.
//!
//! Under the breaks measure a participant's day costs nothing when its meetings form one
//! run, so the candidate position sets are the runs (one per first position, skipping the
//! positions its immovable meetings hold) and the current positions; for each, the
//! meetings go to the positions by a minimum-cost assignment, where a meeting's cost at a
//! position is what it changes for its other participants. The best set wins.

use super::model::NONE;
use super::state::State;

/// Most meetings one repair re-seats (the assignment is cubic in it).
const MAX_MEETINGS: usize = 24;

/// Re-seats the one-slot, non-fixed meetings of participant `p` on day `d` where they
/// cost least (score minus `guide` per empty slot inside a day), everything else fixed.
/// False when there is nothing to re-seat or no set of positions takes them all.
pub fn repair_day(st: &mut State, p: usize, d: usize, guide: f64, list: &mut Vec<u32>) -> bool {
    let md = st.model;
    st.meetings_on_day(p, d, list);
    list.retain(|&m| md.length[m as usize] == 1);
    let k = list.len();
    if k == 0 || k > MAX_MEETINGS {
        return false;
    }
    let first = match md.slot_day.iter().position(|&x| x as usize == d) {
        Some(t) => t,
        None => return false,
    };
    let day_len = md.slot_day[first..]
        .iter()
        .take_while(|&&x| x as usize == d)
        .count();
    let old_pos: Vec<usize> = list
        .iter()
        .map(|&m| md.slot_pos[st.start[m as usize] as usize] as usize)
        .collect();
    for &m in list.iter() {
        st.remove(m as usize);
    }
    let kp = p * md.n_days + d;
    let base = st.day_mask(kp);
    // cost of meeting j at position x for everyone but `p`, and its interpreter
    let mut cost = vec![f64::INFINITY; k * day_len];
    for (j, &m) in list.iter().enumerate() {
        let m = m as usize;
        for x in 0..day_len {
            let t = first + x;
            let Some(v) = md.value_at(m, t as u32) else {
                continue;
            };
            if st.can_place(m, t).is_none() {
                continue;
            }
            let bit = 1u128 << x;
            let mut c = -f64::from(v);
            for &q in md.parts(m) {
                let q = q as usize;
                if q == p {
                    continue;
                }
                let kq = q * md.n_days + d;
                let (a, old) = (md.avail_mask[kq], st.day_mask(kq));
                c += (md.idle_cost(a, old | bit) - md.idle_cost(a, old)) as f64;
                c += guide * (md.gap_slots(old | bit) - md.gap_slots(old)) as f64;
            }
            cost[j * day_len + x] = c;
        }
    }
    let free: Vec<usize> = (0..day_len).filter(|&x| base & (1 << x) == 0).collect();
    let mut sets: Vec<Vec<usize>> = (0..free.len().saturating_sub(k - 1))
        .map(|a| free[a..a + k].to_vec())
        .collect();
    let mut current = old_pos.clone();
    current.sort_unstable();
    if !sets.contains(&current) {
        sets.push(current);
    }
    let mut best: Option<(f64, Vec<usize>)> = None;
    let mut sub = vec![0.0; k * k];
    for set in &sets {
        let mut mask = base;
        for &x in set {
            mask |= 1 << x;
        }
        let own = (md.idle_cost(md.avail_mask[kp], mask) - md.idle_cost(md.avail_mask[kp], base))
            as f64
            + guide * (md.gap_slots(mask) - md.gap_slots(base)) as f64;
        for j in 0..k {
            for (c, &x) in set.iter().enumerate() {
                sub[j * k + c] = cost[j * day_len + x];
            }
        }
        let Some((total, cols)) = assign(&sub, k) else {
            continue;
        };
        let total = total + own;
        if best.as_ref().map_or(true, |(b, _)| total < *b - 1e-9) {
            best = Some((total, cols.iter().map(|&c| set[c]).collect()));
        }
    }
    let Some((_, seats)) = best else {
        return false;
    };
    for (j, &x) in seats.iter().enumerate() {
        let (m, t) = (list[j] as usize, first + x);
        let (Some(v), Some(i)) = (md.value_at(m, t as u32), st.can_place(m, t)) else {
            return false;
        };
        st.insert(m, t, i, v);
    }
    debug_assert!(list.iter().all(|&m| st.start[m as usize] != NONE));
    true
}

/// Minimum-cost perfect assignment of rows to columns of the square matrix `c` (`n` by
/// `n`, row-major, infinite where not allowed): the cost and each row's column, or None
/// when every assignment uses an infinite entry. Hungarian method with potentials.
fn assign(c: &[f64], n: usize) -> Option<(f64, Vec<usize>)> {
    const BIG: f64 = 1e15;
    let at = |i: usize, j: usize| {
        let x = c[i * n + j];
        if x.is_finite() {
            x
        } else {
            BIG
        }
    };
    // 1-based rows and columns; column 0 is the virtual start
    let mut u = vec![0.0; n + 1];
    let mut v = vec![0.0; n + 1];
    let mut row_of = vec![0usize; n + 1];
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        row_of[0] = i;
        let mut j0 = 0;
        let mut minv = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = row_of[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0;
            for j in 1..=n {
                if used[j] {
                    continue;
                }
                let cur = at(i0 - 1, j - 1) - u[i0] - v[j];
                if cur < minv[j] {
                    minv[j] = cur;
                    way[j] = j0;
                }
                if minv[j] < delta {
                    delta = minv[j];
                    j1 = j;
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[row_of[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if row_of[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            row_of[j0] = row_of[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut cols = vec![0usize; n];
    for j in 1..=n {
        cols[row_of[j] - 1] = j - 1;
    }
    let total: f64 = (0..n).map(|i| at(i, cols[i])).sum();
    (total < BIG / 2.0).then_some((total, cols))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solver::model::Model;
    use crate::solver::problem::{IdleMeasure, Problem};
    use crate::solver::score::evaluate;
    use crate::solver::state::fixtures::{assignments, one_day};

    /// One day of six slots, one room; participant 0 meets 1, 2 and 3, and 1 meets 2.
    fn problem() -> Problem {
        one_day(6, 4, &[(0, 1), (0, 2), (0, 3), (1, 2)], IdleMeasure::Breaks)
    }

    #[test]
    fn repairing_a_day_closes_its_breaks_and_keeps_the_score_exact() {
        let p = problem();
        let md = Model::new(&p);
        let mut st = State::new(&md);
        // participant 0 at slots 0, 2, 4 (two breaks); participant 1 at 0 and 5 (one)
        for (m, s) in [(0, 0), (1, 2), (2, 4), (3, 5)] {
            st.insert(m, s, NONE, 1000);
        }
        assert_eq!(st.score, evaluate(&p, &assignments(&st)).score);
        assert_eq!(st.score, 4000 - 4);
        let mut list = Vec::new();
        assert!(repair_day(&mut st, 0, 0, 0.5, &mut list));
        let eval = evaluate(&p, &assignments(&st));
        assert_eq!(st.score, eval.score);
        // meeting 3 stays at 5 and one room per slot: participant 0 takes 2-3-4, with
        // 1 or 2 next to meeting 3; the other keeps one break
        assert_eq!(eval.breaks, 1);
        assert_eq!(eval.scheduled_weight, 4);
        assert_eq!((st.start[2], st.start[3]), (2, 5));
    }

    #[test]
    fn nothing_to_repair_on_a_day_without_meetings() {
        let p = problem();
        let md = Model::new(&p);
        let mut st = State::new(&md);
        let mut list = Vec::new();
        assert!(!repair_day(&mut st, 0, 0, 0.5, &mut list));
        assert_eq!(st.score, md.base_score);
    }

    #[test]
    fn assignment_finds_the_cheapest_permutation_and_avoids_forbidden_entries() {
        let inf = f64::INFINITY;
        let c = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
        let (total, cols) = assign(&c, 3).expect("an assignment exists");
        assert_eq!(total, 5.0);
        assert_eq!(cols, vec![1, 0, 2]);
        let c = [1.0, inf, 1.0, inf];
        assert!(assign(&c, 2).is_none());
        let c = [inf, 7.0, 2.0, inf];
        assert_eq!(assign(&c, 2), Some((9.0, vec![1, 0])));
    }
}
