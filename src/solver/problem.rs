//! The facts of a solve: slots, participants, interpreters, meetings, with dense indices.
//!
//! Everything time-zone dependent is resolved before it gets here: availability is one
//! boolean per slot and comfort is a list of UTC intervals, so the solver needs no tz data.

/// A UTC interval `[start, end]` in seconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: i64,
    pub end: i64,
}

/// One time slot. Slots are sorted by `start` and do not overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub start: i64,
    pub end: i64,
    /// Index of the organiser's local day; slots of a day group the idle measures.
    pub day: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Participant {
    pub languages: Vec<String>,
    /// One entry per slot: may the participant meet in that slot?
    pub available: Vec<bool>,
    /// UTC intervals of the local comfort window; `None`: every slot is comfortable.
    /// A meeting is comfortable when its whole span lies inside one interval.
    pub comfort: Option<Vec<Interval>>,
    pub max_meetings: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interpreter {
    pub languages: Vec<String>,
    /// One entry per slot.
    pub available: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Indices into [`Problem::participants`], two or more, distinct.
    pub participants: Vec<usize>,
    pub weight: u32,
    /// Number of consecutive adjacent slots of one day.
    pub length: u32,
    /// Start slot the meeting must have.
    pub fixed: Option<usize>,
    /// One entry per slot: may the meeting take place there? `None`: no restriction.
    pub available: Option<Vec<bool>>,
    /// Start slot in the previously published schedule (an index past the last slot
    /// stands for a slot that no longer exists: the meeting counts as moved anyway).
    pub previous: Option<usize>,
}

/// Which idle measure the score subtracts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdleMeasure {
    /// Available, empty slots between a participant's first and last meeting of a day.
    #[default]
    Slots,
    /// Runs of empty slots between two meetings of a participant on one day.
    Breaks,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problem {
    pub slots: Vec<Slot>,
    /// Meetings that may run in one slot; `None` is unlimited.
    pub rooms: Option<u32>,
    pub participants: Vec<Participant>,
    pub interpreters: Vec<Interpreter>,
    pub meetings: Vec<Meeting>,
    pub idle: IdleMeasure,
}

/// The most slots one day may hold (the solver keeps a day as a 128-bit mask).
pub const MAX_SLOTS_PER_DAY: usize = 128;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProblemError {
    #[error("slot {0}: start must be before end, after the previous slot's end")]
    SlotOrder(usize),
    #[error("slot {0}: days must be numbered 0, 1, ... in slot order")]
    DayOrder(usize),
    #[error("day {0} has more than {MAX_SLOTS_PER_DAY} slots")]
    DayTooLong(usize),
    #[error("{what} {index}: availability has {got} entries, expected one per slot ({expected})")]
    AvailabilityLength {
        what: &'static str,
        index: usize,
        got: usize,
        expected: usize,
    },
    #[error("meeting {0}: needs two or more distinct, existing participants")]
    MeetingParticipants(usize),
    #[error("meeting {0}: weight and length must be positive")]
    MeetingSize(usize),
    #[error("meeting {0}: the fixed slot does not exist")]
    MeetingSlot(usize),
}

impl Problem {
    /// Checks the indices and shapes the solver relies on.
    pub fn validate(&self) -> Result<(), ProblemError> {
        let n = self.slots.len();
        let mut day = 0;
        for (k, s) in self.slots.iter().enumerate() {
            if s.start >= s.end || (k > 0 && s.start < self.slots[k - 1].end) {
                return Err(ProblemError::SlotOrder(k));
            }
            if k == 0 {
                if s.day != 0 {
                    return Err(ProblemError::DayOrder(k));
                }
            } else if s.day == day + 1 {
                day += 1;
            } else if s.day != day {
                return Err(ProblemError::DayOrder(k));
            }
        }
        let mut per_day = vec![0usize; if n == 0 { 0 } else { day + 1 }];
        for s in &self.slots {
            per_day[s.day] += 1;
            if per_day[s.day] > MAX_SLOTS_PER_DAY {
                return Err(ProblemError::DayTooLong(s.day));
            }
        }
        let check = |what, index, got: usize| {
            if got == n {
                Ok(())
            } else {
                Err(ProblemError::AvailabilityLength {
                    what,
                    index,
                    got,
                    expected: n,
                })
            }
        };
        for (k, p) in self.participants.iter().enumerate() {
            check("participant", k, p.available.len())?;
        }
        for (k, i) in self.interpreters.iter().enumerate() {
            check("interpreter", k, i.available.len())?;
        }
        for (k, m) in self.meetings.iter().enumerate() {
            if let Some(a) = &m.available {
                check("meeting", k, a.len())?;
            }
            let mut ps = m.participants.clone();
            ps.sort_unstable();
            ps.dedup();
            if ps.len() < 2
                || ps.len() != m.participants.len()
                || ps.iter().any(|&p| p >= self.participants.len())
            {
                return Err(ProblemError::MeetingParticipants(k));
            }
            if m.weight == 0 || m.length == 0 {
                return Err(ProblemError::MeetingSize(k));
            }
            if m.fixed.is_some_and(|s| s >= n) {
                return Err(ProblemError::MeetingSlot(k));
            }
        }
        Ok(())
    }

    /// Does no single language reach every participant of meeting `m`?
    pub fn needs_interpreter(&self, m: usize) -> bool {
        let parts = &self.meetings[m].participants;
        let Some((first, rest)) = parts.split_first() else {
            return false;
        };
        !self.participants[*first].languages.iter().any(|l| {
            rest.iter()
                .all(|&p| self.participants[p].languages.contains(l))
        })
    }

    /// Can interpreter `i` serve meeting `m` (a language of every participant)?
    pub fn can_serve(&self, i: usize, m: usize) -> bool {
        let langs = &self.interpreters[i].languages;
        self.meetings[m].participants.iter().all(|&p| {
            self.participants[p]
                .languages
                .iter()
                .any(|l| langs.contains(l))
        })
    }

    /// Is the meeting starting at `start` inside participant `p`'s comfort window?
    pub fn comfortable(&self, p: usize, m: usize, start: usize) -> bool {
        let Some(windows) = &self.participants[p].comfort else {
            return true;
        };
        let last = start + self.meetings[m].length as usize - 1;
        let (Some(a), Some(b)) = (self.slots.get(start), self.slots.get(last)) else {
            return false;
        };
        windows.iter().any(|w| w.start <= a.start && b.end <= w.end)
    }

    /// The slots of meeting `m` starting at `start`, if they exist, are adjacent and on
    /// one day.
    pub fn span(&self, m: usize, start: usize) -> Option<std::ops::Range<usize>> {
        let len = self.meetings[m].length as usize;
        let end = start.checked_add(len)?;
        if end > self.slots.len() {
            return None;
        }
        for t in start + 1..end {
            let (a, b) = (&self.slots[t - 1], &self.slots[t]);
            if a.end != b.start || a.day != b.day {
                return None;
            }
        }
        Some(start..end)
    }
}

/// One boolean per slot: does the slot lie wholly inside one of `intervals`?
pub fn slots_within(slots: &[Slot], intervals: &[Interval]) -> Vec<bool> {
    slots
        .iter()
        .map(|s| {
            intervals
                .iter()
                .any(|iv| iv.start <= s.start && s.end <= iv.end)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(k: i64, day: usize) -> Slot {
        Slot {
            start: k * 10,
            end: k * 10 + 10,
            day,
        }
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let mut p = Problem {
            slots: vec![slot(0, 0), slot(1, 0), slot(3, 1)],
            participants: vec![Participant {
                available: vec![true; 3],
                ..Default::default()
            }],
            ..Default::default()
        };
        assert_eq!(p.validate(), Ok(()));
        p.meetings.push(Meeting {
            participants: vec![0, 0],
            weight: 1,
            length: 1,
            fixed: None,
            available: None,
            previous: None,
        });
        assert_eq!(p.validate(), Err(ProblemError::MeetingParticipants(0)));
        p.meetings.clear();
        p.slots[2].day = 2;
        assert_eq!(p.validate(), Err(ProblemError::DayOrder(2)));
        p.slots[2].day = 1;
        p.participants[0].available.pop();
        assert!(matches!(
            p.validate(),
            Err(ProblemError::AvailabilityLength { got: 2, .. })
        ));
    }

    #[test]
    fn spans_need_adjacent_slots_of_one_day() {
        let p = Problem {
            slots: vec![slot(0, 0), slot(1, 0), slot(3, 0), slot(4, 1)],
            meetings: vec![Meeting {
                participants: vec![0, 1],
                weight: 1,
                length: 2,
                fixed: None,
                available: None,
                previous: None,
            }],
            ..Default::default()
        };
        assert_eq!(p.span(0, 0), Some(0..2));
        assert_eq!(p.span(0, 1), None); // a gap
        assert_eq!(p.span(0, 2), None); // another day
        assert_eq!(p.span(0, 3), None); // past the end
    }
}
