//! Human-facing times in two zones, in English, German and Simplified Chinese, so nobody
//! has to guess which zone a time is in and a date that differs between the zones is marked.
//!
//! Zone labels: a city for zones whose abbreviation is missing, numeric ("+07") or
//! misleading (China's "CST" reads as US Central), e.g. Asia/Shanghai is "Beijing" /
//! "Peking" / "北京时间" as people there say; otherwise the tzdata abbreviation of that
//! instant (CET/CEST, GMT/BST), in German the German one (MEZ/MESZ).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::OffsetName;
use serde::{Deserialize, Serialize};

use super::{utc_to_local, TzError, Zone};

/// The language of formatted times. Parsed from "en", "de", "zh" (case-insensitive; a
/// region or script suffix such as "zh-CN" or "de_DE" is accepted).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    De,
    Zh,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Zh => "zh",
        }
    }
}

impl FromStr for Locale {
    type Err = TzError;
    fn from_str(s: &str) -> Result<Self, TzError> {
        let primary = s.trim().split(['-', '_']).next().unwrap_or_default();
        match primary.to_ascii_lowercase().as_str() {
            "en" => Ok(Locale::En),
            "de" => Ok(Locale::De),
            "zh" => Ok(Locale::Zh),
            _ => Err(TzError::UnknownLocale(s.to_string())),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// City labels (en, de, zh) for zones where a city says more than the abbreviation.
fn city_label(zone: Zone) -> Option<[&'static str; 3]> {
    Some(match zone.name() {
        "Asia/Shanghai" | "Asia/Chongqing" | "Asia/Chungking" | "Asia/Harbin" | "PRC" => {
            ["Beijing", "Peking", "北京时间"]
        }
        "Asia/Hong_Kong" | "Hongkong" => ["Hong Kong", "Hongkong", "香港时间"],
        "Asia/Macau" | "Asia/Macao" => ["Macau", "Macau", "澳门时间"],
        "Asia/Taipei" | "ROC" => ["Taipei", "Taipeh", "台北时间"],
        "Asia/Singapore" | "Singapore" => ["Singapore", "Singapur", "新加坡时间"],
        _ => return None,
    })
}

/// German names of the European abbreviations.
fn german_abbreviation(abbreviation: &str) -> &str {
    match abbreviation {
        "CET" => "MEZ",
        "CEST" => "MESZ",
        "WET" => "WEZ",
        "WEST" => "WESZ",
        "EET" => "OEZ",
        "EEST" => "OESZ",
        other => other,
    }
}

/// The label of `zone` at `instant` (the abbreviation changes with DST: CET vs CEST).
pub fn zone_label(zone: Zone, instant: DateTime<Utc>, locale: Locale) -> String {
    if let Some(labels) = city_label(zone) {
        return labels[locale as usize].to_string();
    }
    let offset = zone.tz().offset_from_utc_datetime(&instant.naive_utc());
    match offset.abbreviation() {
        Some(abbr)
            if (2..=5).contains(&abbr.len()) && abbr.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            match locale {
                Locale::De => german_abbreviation(abbr).to_string(),
                Locale::En | Locale::Zh => abbr.to_string(),
            }
        }
        // Numeric ("+07") or missing: the city of the IANA name.
        _ => zone
            .name()
            .rsplit('/')
            .next()
            .unwrap_or(zone.name())
            .replace('_', " "),
    }
}

fn weekday(day: Weekday, locale: Locale) -> &'static str {
    let i = day.num_days_from_monday() as usize;
    match locale {
        Locale::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i],
        Locale::De => ["Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So."][i],
        Locale::Zh => ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][i],
    }
}

/// A short date with its weekday: "Thu 25 Mar", "Do. 25. März", "3月25日周四".
pub fn format_date(date: NaiveDate, locale: Locale) -> String {
    let m = date.month0() as usize;
    let wd = weekday(date.weekday(), locale);
    match locale {
        Locale::En => {
            let month = [
                "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
            ][m];
            format!("{wd} {} {month}", date.day())
        }
        Locale::De => {
            let month = [
                "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.",
                "Nov.", "Dez.",
            ][m];
            format!("{wd} {}. {month}", date.day())
        }
        Locale::Zh => format!("{}月{}日{wd}", date.month(), date.day()),
    }
}

/// " (+1 day)", " (−1 Tag)", " (+2天)"; empty when the dates agree.
fn day_mark(days: i64, locale: Locale) -> String {
    if days == 0 {
        return String::new();
    }
    // U+2212 MINUS SIGN: a hyphen reads as a dash next to times.
    let sign = if days > 0 { '+' } else { '−' };
    let n = days.abs();
    let unit = match (locale, n) {
        (Locale::En, 1) => " day",
        (Locale::En, _) => " days",
        (Locale::De, 1) => " Tag",
        (Locale::De, _) => " Tage",
        (Locale::Zh, _) => "天",
    };
    format!(" ({sign}{n}{unit})")
}

fn hm(local: NaiveDateTime) -> String {
    format!("{:02}:{:02}", local.hour(), local.minute())
}

/// An instant in one zone: "Thu 25 Mar, 09:40 CET".
pub fn format_instant(instant: DateTime<Utc>, zone: Zone, locale: Locale) -> String {
    let local = utc_to_local(instant, zone);
    let sep = if locale == Locale::Zh { " " } else { ", " };
    format!(
        "{}{sep}{} {}",
        format_date(local.date(), locale),
        hm(local),
        zone_label(zone, instant, locale)
    )
}

/// An instant in two zones: "Thu 25 Mar, 09:40 CET · 16:40 Beijing". The date is the
/// primary zone's; the secondary time carries a day mark when its date differs
/// ("23:30 CET · 06:30 Beijing (+1 day)").
pub fn format_dual(
    instant: DateTime<Utc>,
    primary: Zone,
    secondary: Zone,
    locale: Locale,
) -> String {
    let p = utc_to_local(instant, primary);
    let s = utc_to_local(instant, secondary);
    format!(
        "{} · {} {}{}",
        format_instant(instant, primary, locale),
        hm(s),
        zone_label(secondary, instant, locale),
        day_mark((s.date() - p.date()).num_days(), locale),
    )
}

/// A range in one zone ("09:40–10:00 CET"); day marks are relative to `reference` (the
/// date the reader counts from: the primary zone's start date in a dual range).
pub fn format_range(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    zone: Zone,
    reference: NaiveDate,
    locale: Locale,
) -> String {
    let s = utc_to_local(start, zone);
    let mut e = utc_to_local(end, zone);
    let mut end_text = hm(e);
    // A meeting ending at midnight ends at 24:00 of its own day, not at 00:00 of the next.
    if e.time() == chrono::NaiveTime::MIN && e.date() > s.date() && end > start {
        e -= chrono::Duration::days(1);
        end_text = "24:00".to_string();
    }
    let s_mark = day_mark((s.date() - reference).num_days(), locale);
    let e_mark = day_mark((e.date() - reference).num_days(), locale);
    let (s_label, e_label) = (
        zone_label(zone, start, locale),
        zone_label(zone, end, locale),
    );
    if s_label != e_label {
        // The range holds a DST switch: label both ends (01:30 CEST–02:30 CET).
        format!("{}{s_mark} {s_label}–{end_text}{e_mark} {e_label}", hm(s))
    } else if s_mark == e_mark {
        format!("{}–{end_text} {s_label}{s_mark}", hm(s))
    } else {
        format!("{}{s_mark}–{end_text}{e_mark} {s_label}", hm(s))
    }
}

/// A time range in two zones for itineraries: "09:40–10:00 CET · 16:40–17:00 Beijing".
/// No date (the itinerary groups by day); day marks are relative to the primary start date.
pub fn format_range_dual(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    primary: Zone,
    secondary: Zone,
    locale: Locale,
) -> String {
    let reference = utc_to_local(start, primary).date();
    format!(
        "{} · {}",
        format_range(start, end, primary, reference, locale),
        format_range(start, end, secondary, reference, locale)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }
    fn at(rfc3339: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(rfc3339)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn locales_parse_from_codes() {
        assert_eq!("en".parse::<Locale>().unwrap(), Locale::En);
        assert_eq!("DE".parse::<Locale>().unwrap(), Locale::De);
        assert_eq!("zh-CN".parse::<Locale>().unwrap(), Locale::Zh);
        assert_eq!("de_DE".parse::<Locale>().unwrap(), Locale::De);
        assert_eq!(
            "fr".parse::<Locale>(),
            Err(TzError::UnknownLocale("fr".into()))
        );
        assert_eq!(serde_json::to_string(&Locale::Zh).unwrap(), "\"zh\"");
        assert_eq!(
            serde_json::from_str::<Locale>("\"de\"").unwrap(),
            Locale::De
        );
    }

    #[test]
    fn labels_follow_dst_and_language() {
        let berlin = zone("Europe/Berlin");
        let london = zone("Europe/London");
        let winter = at("2021-03-25T08:40:00Z");
        let summer = at("2021-03-29T08:40:00Z");
        assert_eq!(zone_label(berlin, winter, Locale::En), "CET");
        assert_eq!(zone_label(berlin, summer, Locale::En), "CEST");
        assert_eq!(zone_label(berlin, winter, Locale::De), "MEZ");
        assert_eq!(zone_label(berlin, summer, Locale::De), "MESZ");
        assert_eq!(zone_label(berlin, summer, Locale::Zh), "CEST");
        assert_eq!(zone_label(london, winter, Locale::En), "GMT");
        assert_eq!(zone_label(london, summer, Locale::En), "BST");
    }

    #[test]
    fn cities_where_the_abbreviation_misleads_or_is_numeric() {
        let now = at("2021-03-25T08:40:00Z");
        let shanghai = zone("Asia/Shanghai");
        assert_eq!(zone_label(shanghai, now, Locale::En), "Beijing");
        assert_eq!(zone_label(shanghai, now, Locale::De), "Peking");
        assert_eq!(zone_label(shanghai, now, Locale::Zh), "北京时间");
        assert_eq!(
            zone_label(zone("Asia/Hong_Kong"), now, Locale::Zh),
            "香港时间"
        );
        // tzdata has "+07" for Ho Chi Minh City: the city is clearer.
        assert_eq!(
            zone_label(zone("Asia/Ho_Chi_Minh"), now, Locale::En),
            "Ho Chi Minh"
        );
        assert_eq!(zone_label(zone("UTC"), now, Locale::De), "UTC");
    }

    #[test]
    fn dual_in_three_languages() {
        let (berlin, shanghai) = (zone("Europe/Berlin"), zone("Asia/Shanghai"));
        let t = at("2021-03-25T08:40:00Z");
        assert_eq!(
            format_dual(t, berlin, shanghai, Locale::En),
            "Thu 25 Mar, 09:40 CET · 16:40 Beijing"
        );
        assert_eq!(
            format_dual(t, berlin, shanghai, Locale::De),
            "Do. 25. März, 09:40 MEZ · 16:40 Peking"
        );
        assert_eq!(
            format_dual(t, berlin, shanghai, Locale::Zh),
            "3月25日周四 09:40 CET · 16:40 北京时间"
        );
        assert_eq!(
            format_dual(t, shanghai, berlin, Locale::Zh),
            "3月25日周四 16:40 北京时间 · 09:40 CET"
        );
    }

    #[test]
    fn dual_marks_a_different_date() {
        let (berlin, shanghai) = (zone("Europe/Berlin"), zone("Asia/Shanghai"));
        let late = at("2021-03-25T22:30:00Z");
        assert_eq!(
            format_dual(late, berlin, shanghai, Locale::En),
            "Thu 25 Mar, 23:30 CET · 06:30 Beijing (+1 day)"
        );
        assert_eq!(
            format_dual(late, berlin, shanghai, Locale::De),
            "Do. 25. März, 23:30 MEZ · 06:30 Peking (+1 Tag)"
        );
        assert_eq!(
            format_dual(late, shanghai, berlin, Locale::Zh),
            "3月26日周五 06:30 北京时间 · 23:30 CET (−1天)"
        );
        assert_eq!(
            format_dual(late, shanghai, berlin, Locale::En),
            "Fri 26 Mar, 06:30 Beijing · 23:30 CET (−1 day)"
        );
        // Kiritimati (UTC+14) and Pago Pago (UTC−11) can be two dates apart.
        let (kiritimati, pago) = (zone("Pacific/Kiritimati"), zone("Pacific/Pago_Pago"));
        let t = at("2021-03-25T10:30:00Z");
        assert_eq!(
            format_dual(t, pago, kiritimati, Locale::De),
            "Mi. 24. März, 23:30 SST · 00:30 Kiritimati (+2 Tage)"
        );
        assert!(format_dual(t, kiritimati, pago, Locale::En).ends_with("23:30 SST (−2 days)"));
    }

    #[test]
    fn ranges_for_itineraries() {
        let (berlin, shanghai) = (zone("Europe/Berlin"), zone("Asia/Shanghai"));
        let (s, e) = (at("2021-03-25T08:40:00Z"), at("2021-03-25T09:00:00Z"));
        assert_eq!(
            format_range_dual(s, e, berlin, shanghai, Locale::En),
            "09:40–10:00 CET · 16:40–17:00 Beijing"
        );
        assert_eq!(
            format_range_dual(s, e, berlin, shanghai, Locale::Zh),
            "09:40–10:00 CET · 16:40–17:00 北京时间"
        );
        // Late evening in Berlin is the next morning in Beijing.
        let (s, e) = (at("2021-03-25T22:00:00Z"), at("2021-03-25T23:00:00Z"));
        assert_eq!(
            format_range_dual(s, e, berlin, shanghai, Locale::En),
            "23:00–24:00 CET · 06:00–07:00 Beijing (+1 day)"
        );
        // Across Berlin midnight: only the end carries the mark.
        let (s, e) = (at("2021-03-25T22:30:00Z"), at("2021-03-25T23:30:00Z"));
        assert_eq!(
            format_range_dual(s, e, berlin, shanghai, Locale::De),
            "23:30–00:30 (+1 Tag) MEZ · 06:30–07:30 Peking (+1 Tag)"
        );
        // Across Beijing midnight.
        let (s, e) = (at("2021-03-25T15:30:00Z"), at("2021-03-25T16:30:00Z"));
        assert_eq!(
            format_range_dual(s, e, berlin, shanghai, Locale::En),
            "16:30–17:30 CET · 23:30–00:30 (+1 day) Beijing"
        );
    }

    #[test]
    fn a_range_across_the_switch_labels_both_ends() {
        let (berlin, shanghai) = (zone("Europe/Berlin"), zone("Asia/Shanghai"));
        let (s, e) = (at("2021-10-30T23:30:00Z"), at("2021-10-31T01:30:00Z"));
        assert_eq!(
            format_range_dual(s, e, berlin, shanghai, Locale::En),
            "01:30 CEST–02:30 CET · 07:30–09:30 Beijing"
        );
    }
}
