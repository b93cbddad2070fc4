//! UTC instants kept as `NaiveDateTime` (as the database stores them) written out as RFC 3339
//! with `Z`, so that API clients read them as instants and not as some local clock time.

use chrono::{NaiveDateTime, SecondsFormat};
use serde::Serializer;

pub fn serialize<S: Serializer>(at: &NaiveDateTime, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&at.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(
        at: &Option<NaiveDateTime>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => super::serialize(at, serializer),
            None => serializer.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn instants_carry_the_utc_designator() {
        #[derive(serde::Serialize)]
        struct Row {
            #[serde(serialize_with = "super::serialize")]
            at: chrono::NaiveDateTime,
            #[serde(serialize_with = "super::option::serialize")]
            maybe: Option<chrono::NaiveDateTime>,
        }
        let at = chrono::NaiveDate::from_ymd_opt(2021, 3, 25)
            .unwrap()
            .and_hms_milli_opt(8, 0, 0, 250)
            .unwrap();
        let json = serde_json::to_value(Row { at, maybe: None }).unwrap();
        assert_eq!(json["at"], "2021-03-25T08:00:00.250Z");
        assert!(json["maybe"].is_null());
    }
}
