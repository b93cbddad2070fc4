//! Property tests: on random small problems the solver's schedule is feasible (checked
//! here, independently of the solver), its reported score is the one recomputed here,
//! and it is never below the baseline greedy construction (also written here).

use matchtour::solver::{
    self, Assignment, IdleMeasure, Interpreter, Interval, Meeting, Options, Participant, Problem,
    Slot,
};
use proptest::prelude::*;

/// A tiny deterministic generator, so that a case is a handful of numbers.
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const LANGS: [&str; 3] = ["de", "zh", "en"];

fn span_ok(p: &Problem, m: usize, s: usize) -> bool {
    let len = p.meetings[m].length as usize;
    s + len <= p.slots.len()
        && (s + 1..s + len)
            .all(|t| p.slots[t - 1].end == p.slots[t].start && p.slots[t - 1].day == p.slots[t].day)
}

fn needs_interpreter(p: &Problem, m: usize) -> bool {
    !LANGS.iter().any(|l| {
        p.meetings[m]
            .participants
            .iter()
            .all(|&x| p.participants[x].languages.iter().any(|y| y == l))
    })
}

fn can_serve(p: &Problem, i: usize, m: usize) -> bool {
    p.meetings[m].participants.iter().all(|&x| {
        p.participants[x]
            .languages
            .iter()
            .any(|l| p.interpreters[i].languages.contains(l))
    })
}

/// Every hard constraint of FORMAT.md; the first violation found.
fn violation(p: &Problem, assignments: &[Assignment]) -> Option<String> {
    let n = p.slots.len();
    let mut seen = vec![false; p.meetings.len()];
    let mut person = vec![false; p.participants.len() * n];
    let mut interp = vec![false; p.interpreters.len() * n];
    let mut rooms = vec![0u32; n];
    let mut count = vec![0u32; p.participants.len()];
    for a in assignments {
        let m = &p.meetings[a.meeting];
        if std::mem::replace(&mut seen[a.meeting], true) {
            return Some(format!("meeting {} twice", a.meeting));
        }
        if !span_ok(p, a.meeting, a.start) {
            return Some(format!("meeting {} span", a.meeting));
        }
        if m.fixed.is_some_and(|f| f != a.start) {
            return Some(format!("meeting {} not at its fixed start", a.meeting));
        }
        let span = a.start..a.start + m.length as usize;
        for t in span.clone() {
            if m.available.as_ref().is_some_and(|av| !av[t]) {
                return Some(format!("meeting {} outside its window", a.meeting));
            }
            rooms[t] += 1;
            if p.rooms.is_some_and(|r| rooms[t] > r) {
                return Some(format!("rooms exceeded in {t}"));
            }
            for &x in &m.participants {
                if !p.participants[x].available[t]
                    || std::mem::replace(&mut person[x * n + t], true)
                {
                    return Some(format!("participant {x} unavailable or double in {t}"));
                }
            }
        }
        for &x in &m.participants {
            count[x] += 1;
            if p.participants[x].max_meetings.is_some_and(|c| count[x] > c) {
                return Some(format!("participant {x} over max_meetings"));
            }
        }
        match (needs_interpreter(p, a.meeting), a.interpreter) {
            (false, None) => {}
            (true, Some(i)) => {
                if !can_serve(p, i, a.meeting) {
                    return Some(format!("interpreter {i} cannot serve {}", a.meeting));
                }
                for t in span {
                    if !p.interpreters[i].available[t]
                        || std::mem::replace(&mut interp[i * n + t], true)
                    {
                        return Some(format!("interpreter {i} unavailable or double in {t}"));
                    }
                }
            }
            _ => return Some(format!("meeting {}: wrong interpreter presence", a.meeting)),
        }
    }
    for (k, m) in p.meetings.iter().enumerate() {
        if m.fixed.is_some() && !seen[k] {
            return Some(format!("fixed meeting {k} unscheduled"));
        }
    }
    None
}

/// The score as FORMAT.md defines it.
fn score(p: &Problem, assignments: &[Assignment]) -> i64 {
    let n = p.slots.len();
    let mut busy = vec![false; p.participants.len() * n];
    let mut start = vec![None; p.meetings.len()];
    let mut total = 0i64;
    for a in assignments {
        let m = &p.meetings[a.meeting];
        start[a.meeting] = Some(a.start);
        total += 1000 * i64::from(m.weight);
        let (begin, finish) = (
            p.slots[a.start].start,
            p.slots[a.start + m.length as usize - 1].end,
        );
        for &x in &m.participants {
            let ok = p.participants[x].comfort.as_ref().map_or(true, |w| {
                w.iter().any(|iv| iv.start <= begin && finish <= iv.end)
            });
            if !ok {
                total -= 20;
            }
            for t in a.start..a.start + m.length as usize {
                busy[x * n + t] = true;
            }
        }
    }
    for (k, m) in p.meetings.iter().enumerate() {
        if m.previous.is_some() && m.previous != start[k] {
            total -= 200;
        }
    }
    let days = p.slots.iter().map(|s| s.day).max().map_or(0, |d| d + 1);
    for x in 0..p.participants.len() {
        for d in 0..days {
            let slots: Vec<usize> = (0..n).filter(|&t| p.slots[t].day == d).collect();
            let occupied: Vec<usize> = (0..slots.len())
                .filter(|&k| busy[x * n + slots[k]])
                .collect();
            if occupied.len() < 2 {
                continue;
            }
            total -= match p.idle {
                IdleMeasure::Breaks => occupied.windows(2).filter(|w| w[1] > w[0] + 1).count(),
                IdleMeasure::Slots => (occupied[0] + 1..occupied[occupied.len() - 1])
                    .filter(|&k| p.participants[x].available[slots[k]] && !busy[x * n + slots[k]])
                    .count(),
            } as i64;
        }
    }
    total
}

/// The baseline greedy of bench/greedy.py.
fn greedy(p: &Problem) -> Vec<Assignment> {
    let mut order: Vec<usize> = (0..p.meetings.len()).collect();
    order.sort_by_key(|&m| {
        let x = &p.meetings[m];
        (
            x.fixed.is_none(),
            std::cmp::Reverse(x.weight),
            std::cmp::Reverse(x.length),
        )
    });
    let mut out: Vec<Assignment> = Vec::new();
    for m in order {
        let meeting = &p.meetings[m];
        let try_at = |s: usize, out: &Vec<Assignment>| -> Option<Assignment> {
            if !span_ok(p, m, s) || meeting.fixed.is_some_and(|f| f != s) {
                return None;
            }
            let interpreters: Vec<Option<usize>> = if needs_interpreter(p, m) {
                (0..p.interpreters.len())
                    .filter(|&i| can_serve(p, i, m))
                    .map(Some)
                    .collect()
            } else {
                vec![None]
            };
            interpreters.into_iter().find_map(|interpreter| {
                let mut trial = out.clone();
                let a = Assignment {
                    meeting: m,
                    start: s,
                    interpreter,
                };
                trial.push(a);
                violation_placed(p, &trial).then_some(a)
            })
        };
        let comfortable = |s: usize| {
            let (begin, finish) = (
                p.slots[s].start,
                p.slots[s + meeting.length as usize - 1].end,
            );
            meeting.participants.iter().all(|&x| {
                p.participants[x].comfort.as_ref().map_or(true, |w| {
                    w.iter().any(|iv| iv.start <= begin && finish <= iv.end)
                })
            })
        };
        let n = p.slots.len();
        let pick = meeting
            .previous
            .filter(|&s| s < n)
            .and_then(|s| try_at(s, &out))
            .or_else(|| {
                (0..n)
                    .filter(|&s| span_ok(p, m, s) && comfortable(s))
                    .find_map(|s| try_at(s, &out))
            })
            .or_else(|| (0..n).find_map(|s| try_at(s, &out)));
        if let Some(a) = pick {
            out.push(a);
        }
    }
    out
}

/// Feasible apart from fixed meetings not yet placed.
fn violation_placed(p: &Problem, assignments: &[Assignment]) -> bool {
    match violation(p, assignments) {
        None => true,
        Some(v) => v.starts_with("fixed meeting") && v.ends_with("unscheduled"),
    }
}

fn availability(g: &mut Gen, n: usize, percent: u64) -> Vec<bool> {
    (0..n).map(|_| g.chance(percent)).collect()
}

fn random_problem(seed: u64, n_slots: usize, n_parts: usize, n_meetings: usize) -> Problem {
    let mut g = Gen(seed | 1);
    let mut slots = Vec::new();
    let (mut t, mut day) = (1_600_000_000i64, 0usize);
    for k in 0..n_slots {
        if k > 0 && g.chance(15) {
            day += 1;
            t += 86_400;
        } else if k > 0 && g.chance(15) {
            t += 3_600; // a gap: consecutive but not adjacent
        }
        slots.push(Slot {
            start: t,
            end: t + 1_200,
            day,
        });
        t += 1_200;
    }
    let first = slots[0].start;
    let span = t - first;
    let comfort = |g: &mut Gen| {
        g.chance(50).then(|| {
            let a = first + (g.below(span as u64) as i64);
            vec![Interval {
                start: a,
                end: a + g.below(span as u64) as i64,
            }]
        })
    };
    let langs = |g: &mut Gen| {
        let mut l: Vec<String> = LANGS
            .iter()
            .filter(|_| g.chance(50))
            .map(|s| s.to_string())
            .collect();
        if l.is_empty() {
            l.push(LANGS[g.below(3) as usize].to_string());
        }
        l
    };
    let participants = (0..n_parts)
        .map(|_| Participant {
            languages: langs(&mut g),
            available: availability(&mut g, n_slots, 80),
            comfort: comfort(&mut g),
            max_meetings: g.chance(30).then(|| g.below(4) as u32),
        })
        .collect();
    let interpreters = (0..g.below(3))
        .map(|_| Interpreter {
            languages: langs(&mut g),
            available: availability(&mut g, n_slots, 70),
        })
        .collect();
    let rooms = g.chance(60).then(|| 1 + g.below(3) as u32);
    let idle = if g.chance(50) {
        IdleMeasure::Breaks
    } else {
        IdleMeasure::Slots
    };
    let mut p = Problem {
        slots,
        rooms,
        participants,
        interpreters,
        meetings: Vec::new(),
        idle,
    };
    for _ in 0..n_meetings {
        let size = if g.chance(20) && n_parts > 2 { 3 } else { 2 };
        let mut who: Vec<usize> = Vec::new();
        while who.len() < size {
            let x = g.below(n_parts as u64) as usize;
            if !who.contains(&x) {
                who.push(x);
            }
        }
        p.meetings.push(Meeting {
            participants: who,
            weight: 1 + g.below(3) as u32,
            length: if g.chance(20) { 2 } else { 1 },
            fixed: None,
            available: g.chance(20).then(|| availability(&mut g, n_slots, 60)),
            previous: g.chance(30).then(|| g.below(n_slots as u64) as usize),
        });
    }
    // a few fixed meetings, each only if it fits with the fixed ones before it
    let mut fixed: Vec<Assignment> = Vec::new();
    for m in 0..n_meetings {
        if !g.chance(15) {
            continue;
        }
        let s = g.below(n_slots as u64) as usize;
        p.meetings[m].fixed = Some(s);
        let interpreter = if needs_interpreter(&p, m) {
            (0..p.interpreters.len()).find(|&i| {
                let mut trial = fixed.clone();
                trial.push(Assignment {
                    meeting: m,
                    start: s,
                    interpreter: Some(i),
                });
                violation_placed(&p, &trial)
            })
        } else {
            None
        };
        let a = Assignment {
            meeting: m,
            start: s,
            interpreter,
        };
        let mut trial = fixed.clone();
        trial.push(a);
        if (interpreter.is_some() || !needs_interpreter(&p, m)) && violation_placed(&p, &trial) {
            fixed.push(a);
        } else {
            p.meetings[m].fixed = None;
        }
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn schedules_are_feasible_exactly_scored_and_beat_greedy(
        seed in any::<u64>(),
        n_slots in 2usize..12,
        n_parts in 2usize..8,
        n_meetings in 1usize..14,
        threads in 1usize..3,
    ) {
        let problem = random_problem(seed, n_slots, n_parts, n_meetings);
        let options = Options { seed, max_iterations: Some(300), deadline: None, threads };
        let solution = solver::solve(&problem, &options, &mut |_| {}).expect("valid problem");
        prop_assert_eq!(violation(&problem, &solution.assignments), None);
        prop_assert_eq!(solution.score.score, score(&problem, &solution.assignments));
        let base = greedy(&problem);
        prop_assert_eq!(violation(&problem, &base), None, "the test's greedy is infeasible");
        prop_assert!(solution.score.score >= score(&problem, &base));
        prop_assert_eq!(solution.assignments.len() + solution.unscheduled.len(), problem.meetings.len());
    }

    #[test]
    fn same_seed_and_budget_give_the_same_schedule(seed in any::<u64>()) {
        let problem = random_problem(seed, 10, 6, 12);
        let options = Options { seed, max_iterations: Some(400), deadline: None, threads: 2 };
        let a = solver::solve(&problem, &options, &mut |_| {}).expect("valid problem");
        let b = solver::solve(&problem, &options, &mut |_| {}).expect("valid problem");
        prop_assert_eq!(a, b);
    }
}
