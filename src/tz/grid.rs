//! Slot grids laid on the local wall clock, so a grid at 09:00 Berlin stays at 09:00 Berlin
//! across a DST switch (and moves from 16:00 to 15:00 in Shanghai). The rule for slots
//! around a switch is in the module header.

use chrono::{Duration, NaiveDate};

use super::{local_to_utc, LocalTime, TzError, UtcInterval, Zone};

/// Consecutive slots of `slot_minutes` local minutes from `from` to `to` on `date` in
/// `zone`, as UTC intervals. Only whole slots are made (a remainder shorter than a slot at
/// the end is left out); a `to` of 00:00 is midnight at the end of `date`. Errors: a length outside 1..=1440 minutes, an
/// end not after the start, no whole slot fitting, or a slot boundary that does not exist
/// on that date (inside a spring-forward gap). Ambiguous boundaries take the first
/// occurrence, like [`local_to_utc`].
pub fn slot_grid(
    date: NaiveDate,
    from: LocalTime,
    to: LocalTime,
    slot_minutes: i64,
    zone: Zone,
) -> Result<Vec<UtcInterval>, TzError> {
    if !(1..=1440).contains(&slot_minutes) {
        return Err(TzError::InvalidMinutes(slot_minutes));
    }
    let end = match to.minutes() {
        0 => 24 * 60,
        m => m,
    };
    if end <= from.minutes() {
        return Err(TzError::EndNotAfterStart { from, to });
    }
    let count = i64::from(end - from.minutes()) / slot_minutes;
    if count == 0 {
        return Err(TzError::NoSlotFits {
            from,
            to,
            slot_minutes,
        });
    }
    let first = from.on(date);
    let boundary = |k: i64| {
        let local = first + Duration::minutes(k * slot_minutes);
        local_to_utc(local.date(), local.time(), zone)
    };
    let mut start = boundary(0)?;
    (1..=count)
        .map(|k| {
            let end = boundary(k)?;
            let slot = UtcInterval { start, end };
            start = end;
            Ok(slot)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tz::utc_to_local;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
    fn lt(s: &str) -> LocalTime {
        LocalTime::parse(s).unwrap()
    }
    fn shanghai_starts(slots: &[UtcInterval]) -> Vec<String> {
        let shanghai = zone("Asia/Shanghai");
        slots
            .iter()
            .map(|s| utc_to_local(s.start, shanghai).format("%H:%M").to_string())
            .collect()
    }

    #[test]
    fn a_berlin_grid_stays_at_nine_and_moves_in_shanghai() {
        let berlin = zone("Europe/Berlin");
        let before = slot_grid(d(2021, 3, 26), lt("09:00"), lt("10:00"), 20, berlin).unwrap();
        let after = slot_grid(d(2021, 3, 29), lt("09:00"), lt("10:00"), 20, berlin).unwrap();
        assert_eq!(shanghai_starts(&before), ["16:00", "16:20", "16:40"]);
        assert_eq!(shanghai_starts(&after), ["15:00", "15:20", "15:40"]);
    }

    #[test]
    fn only_whole_slots_are_made() {
        let grid = slot_grid(d(2021, 3, 26), lt("09:00"), lt("10:00"), 25, zone("UTC")).unwrap();
        assert_eq!(grid.len(), 2);
        assert_eq!(grid[1].end.to_rfc3339(), "2021-03-26T09:50:00+00:00");
    }

    #[test]
    fn a_grid_may_end_at_midnight() {
        let grid = slot_grid(d(2021, 3, 26), lt("23:00"), lt("00:00"), 30, zone("UTC")).unwrap();
        assert_eq!(grid[1].end.to_rfc3339(), "2021-03-27T00:00:00+00:00");
        let whole = slot_grid(d(2021, 3, 26), lt("00:00"), lt("00:00"), 60, zone("UTC")).unwrap();
        assert_eq!(whole.len(), 24);
    }

    #[test]
    fn bad_grids_are_refused() {
        let (date, z) = (d(2021, 3, 26), zone("Europe/Berlin"));
        assert_eq!(
            slot_grid(date, lt("09:00"), lt("10:00"), 0, z),
            Err(TzError::InvalidMinutes(0))
        );
        assert_eq!(
            slot_grid(date, lt("09:00"), lt("10:00"), -15, z),
            Err(TzError::InvalidMinutes(-15))
        );
        assert!(matches!(
            slot_grid(date, lt("10:00"), lt("09:00"), 15, z),
            Err(TzError::EndNotAfterStart { .. })
        ));
        assert!(matches!(
            slot_grid(date, lt("10:00"), lt("10:00"), 15, z),
            Err(TzError::EndNotAfterStart { .. })
        ));
        assert!(matches!(
            slot_grid(date, lt("09:00"), lt("09:10"), 15, z),
            Err(TzError::NoSlotFits { .. })
        ));
    }

    #[test]
    fn a_boundary_in_the_gap_is_an_error() {
        let err = slot_grid(
            d(2021, 3, 28),
            lt("01:00"),
            lt("04:00"),
            30,
            zone("Europe/Berlin"),
        )
        .unwrap_err();
        assert!(matches!(err, TzError::Nonexistent { time, .. } if time.to_string() == "02:00:00"));
        // A grid with no boundary inside the gap is fine; its first slot holds the jump.
        let grid = slot_grid(
            d(2021, 3, 28),
            lt("00:00"),
            lt("06:00"),
            180,
            zone("Europe/Berlin"),
        )
        .unwrap();
        let minutes: Vec<i64> = grid
            .iter()
            .map(|s| (s.end - s.start).num_minutes())
            .collect();
        assert_eq!(minutes, [120, 180]);
    }

    #[test]
    fn the_slot_holding_the_fall_back_is_an_hour_longer() {
        let grid = slot_grid(
            d(2021, 10, 31),
            lt("01:00"),
            lt("04:00"),
            60,
            zone("Europe/Berlin"),
        )
        .unwrap();
        let minutes: Vec<i64> = grid
            .iter()
            .map(|s| (s.end - s.start).num_minutes())
            .collect();
        assert_eq!(minutes, [60, 120, 60]);
        assert!(grid.windows(2).all(|p| p[0].end == p[1].start));
    }
}
