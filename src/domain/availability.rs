//! A person's availability in their own local time: one daily window list for every
//! programme day, and per-date overrides.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::tz::LocalWindow;

/// Empty means "available whenever the event has bilateral slots".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Availability {
    /// Windows that apply to every programme day without an entry in `days`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>, example = json!([{"from": "08:00", "to": "20:00"}]))]
    pub daily: Vec<LocalWindow>,
    /// Windows for a given date (local to the person); an empty list means not available that day.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub days: BTreeMap<NaiveDate, Vec<LocalWindow>>,
}

impl Availability {
    pub fn is_unrestricted(&self) -> bool {
        self.daily.is_empty() && self.days.is_empty()
    }

    /// The windows that apply on `date`.
    pub fn windows_on(&self, date: NaiveDate) -> &[LocalWindow] {
        self.days
            .get(&date)
            .map(Vec::as_slice)
            .unwrap_or(&self.daily)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_day_entries_override_the_daily_window() {
        let json = r#"{"daily":[{"from":"08:00","to":"20:00"}],"days":{"2021-03-29":[]}}"#;
        let availability: Availability = serde_json::from_str(json).unwrap();
        let monday = NaiveDate::from_ymd_opt(2021, 3, 29).unwrap();
        let friday = NaiveDate::from_ymd_opt(2021, 3, 26).unwrap();
        assert!(availability.windows_on(monday).is_empty());
        assert_eq!(availability.windows_on(friday).len(), 1);
        assert_eq!(serde_json::to_string(&availability).unwrap(), json);
    }

    #[test]
    fn malformed_times_are_refused() {
        let err = serde_json::from_str::<Availability>(r#"{"daily":[{"from":"8h","to":"20:00"}]}"#)
            .unwrap_err();
        assert!(err.to_string().contains("HH:MM"));
    }
}
