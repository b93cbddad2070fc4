//! Itineraries and golden hours on the demo tour, which spans the European switch to summer
//! time (28 March 2021): the same Berlin wall-clock time moves by an hour in Shanghai, and
//! both zones are shown on every item.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;

const SWITCH: &str = "2021-03-28";

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("not an instant: {v}"))
}

fn local(v: &Value) -> NaiveDateTime {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not a local date-time: {v}"))
}

fn before_switch(t: DateTime<Utc>) -> bool {
    t.date_naive() < SWITCH.parse::<NaiveDate>().unwrap()
}

/// Berlin's offset on the demo days, from the calendar rule (not from the code under test):
/// CET (+1) until 28 March 2021, CEST (+2) after.
fn berlin_offset(t: DateTime<Utc>) -> (Duration, &'static str, &'static str) {
    if before_switch(t) {
        (Duration::hours(1), "CET", "MEZ")
    } else {
        (Duration::hours(2), "CEST", "MESZ")
    }
}

fn hm(t: NaiveDateTime) -> String {
    t.format("%H:%M").to_string()
}

/// Seeds the demo, solves it and publishes the draft; returns (event id, version id).
async fn published_demo(app: &TestApp) -> (i64, i64) {
    let event =
        matchtour::cli::demo::seed(&mut app.pool.get().expect("a connection")).expect("demo seeds");
    let id = event.id;
    let draft = app
        .create(
            &format!("/api/v1/events/{id}/schedule/solve"),
            json!({"time_limit_seconds": 1}),
        )
        .await;
    let vid = draft["version"]["id"].as_i64().unwrap();
    let (status, published) = app
        .post(
            &format!("/api/v1/events/{id}/schedule/versions/{vid}/publish"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    (id, vid)
}

async fn participants(app: &TestApp, id: i64) -> Vec<Value> {
    let (status, page) = app
        .get(&format!("/api/v1/events/{id}/participants?per_page=500"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"].as_array().unwrap().clone()
}

async fn itinerary(app: &TestApp, id: i64, person: i64) -> Value {
    let (status, body) = app
        .get(&format!(
            "/api/v1/events/{id}/participants/{person}/itinerary"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn a_shanghai_itinerary_follows_the_switch(app: TestApp) {
    let (id, vid) = published_demo(&app).await;
    let people = participants(&app, id).await;
    let zone_of: BTreeMap<i64, String> = people
        .iter()
        .map(|p| {
            (
                p["id"].as_i64().unwrap(),
                p["time_zone"].as_str().unwrap().to_string(),
            )
        })
        .collect();

    // A Shanghai participant with meetings on both sides of the switch.
    let (_, schedule) = app.get(&format!("/api/v1/events/{id}/schedule")).await;
    let bookings = schedule["bookings"].as_array().unwrap();
    let wang = zone_of
        .iter()
        .filter(|(_, z)| *z == "Asia/Shanghai")
        .map(|(p, _)| *p)
        .find(|p| {
            let mine: Vec<bool> = bookings
                .iter()
                .filter(|b| b["participant_ids"].as_array().unwrap().contains(&json!(p)))
                .map(|b| before_switch(instant(&b["starts_at"])))
                .collect();
            mine.contains(&true) && mine.contains(&false)
        })
        .expect("some Shanghai participant meets on both sides of 28 March");

    let it = itinerary(&app, id, wang).await;
    assert_eq!(it["version_id"], vid);
    assert_eq!(it["version_status"], "published");
    assert_eq!(it["participant"]["time_zone"], "Asia/Shanghai");
    assert_eq!(it["participant"]["locale"], "zh");
    assert_eq!(it["event"]["time_zone"], "Europe/Berlin");
    let items = it["items"].as_array().unwrap();
    let starts: Vec<DateTime<Utc>> = items.iter().map(|i| instant(&i["starts_at"])).collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "in time order");

    // The daily plenary, 08:00–08:30 Berlin: 15:00 Beijing before the switch, 14:00 after.
    let plenaries: Vec<&Value> = items
        .iter()
        .filter(|i| i["kind"] == "session" && i["session_kind"] == "plenary")
        .collect();
    assert_eq!(plenaries.len(), 4, "one plenary per event day");
    for (p, (utc, date_label, range)) in plenaries.iter().zip([
        (
            "2021-03-25T07:00:00Z",
            "3月25日周四",
            "15:00–15:30 北京时间 · 08:00–08:30 CET",
        ),
        (
            "2021-03-26T07:00:00Z",
            "3月26日周五",
            "15:00–15:30 北京时间 · 08:00–08:30 CET",
        ),
        (
            "2021-03-29T06:00:00Z",
            "3月29日周一",
            "14:00–14:30 北京时间 · 08:00–08:30 CEST",
        ),
        (
            "2021-03-30T06:00:00Z",
            "3月30日周二",
            "14:00–14:30 北京时间 · 08:00–08:30 CEST",
        ),
    ]) {
        assert_eq!(p["starts_at"], utc);
        assert_eq!(p["date_label"], date_label);
        assert_eq!(p["time_range"], range);
        assert_eq!(p["counterpart"]["time_zone"], "Europe/Berlin");
        assert_eq!(
            p["counterpart"]["start"].as_str().unwrap()[11..16],
            *"08:00"
        );
        assert!(p["video_link"].as_str().unwrap().starts_with("https://"));
    }

    // Every meeting: the Berlin side is the instant + CET/CEST, the own side + 8 h, so the
    // gap is 7 h before the switch and 6 h after; the strings say the same.
    let meetings: Vec<&Value> = items.iter().filter(|i| i["kind"] == "meeting").collect();
    let mut gaps = BTreeMap::new();
    for m in &meetings {
        let (start, end) = (instant(&m["starts_at"]), instant(&m["ends_at"]));
        let (offset, cet, _) = berlin_offset(start);
        let own = (start + Duration::hours(8)).naive_utc();
        let own_end = (end + Duration::hours(8)).naive_utc();
        let berlin = (start + offset).naive_utc();
        let berlin_end = (end + offset).naive_utc();
        assert_eq!(local(&m["own"]["start"]), own);
        assert_eq!(local(&m["counterpart"]["start"]), berlin);
        assert_eq!(m["counterpart"]["time_zone"], "Europe/Berlin");
        assert_eq!(
            m["time_range"],
            format!(
                "{}–{} 北京时间 · {}–{} {cet}",
                hm(own),
                hm(own_end),
                hm(berlin),
                hm(berlin_end)
            )
        );
        assert_eq!(
            m["own"]["range"],
            format!("{}–{} 北京时间", hm(own), hm(own_end))
        );
        assert!(m["when"].as_str().unwrap().ends_with(&format!(
            "{} 北京时间 · {} {cet}",
            hm(own),
            hm(berlin)
        )));
        gaps.insert(before_switch(start), (own - berlin).num_hours());
        let counterparts = m["counterparts"].as_array().unwrap();
        assert!(!counterparts.is_empty());
        assert!(counterparts.iter().all(|c| c["organisation"].is_string()));
        assert!(m["title"].as_str().unwrap().starts_with('与'));
        assert!(m["room"].as_i64().unwrap() >= 1);
    }
    assert_eq!(gaps, BTreeMap::from([(true, 7), (false, 6)]));

    // The German side of one of those meetings sees it in MEZ/MESZ first, Peking second.
    let m = meetings[0];
    let german = m["counterparts"][0]["id"].as_i64().unwrap();
    let theirs = itinerary(&app, id, german).await;
    assert_eq!(theirs["participant"]["locale"], "de");
    let same = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "meeting" && i["id"] == m["id"])
        .expect("the meeting is in the other attendee's itinerary too");
    let (_, _, mez) = berlin_offset(instant(&m["starts_at"]));
    assert_eq!(
        same["time_range"],
        format!(
            "{}–{} {mez} · {}–{} Peking",
            hm(local(&m["counterpart"]["start"])),
            hm(local(&m["counterpart"]["end"])),
            hm(local(&m["own"]["start"])),
            hm(local(&m["own"]["end"])),
        )
    );
    assert!(same["counterparts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == wang));
    // Sessions are in the German's own zone: shown once.
    let plenary = theirs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["session_kind"] == "plenary")
        .unwrap();
    assert_eq!(plenary["time_range"], "08:00–08:30 MEZ");

    // An explicit version, a bad one, an unknown one, an unknown person.
    let (status, again) = app
        .get(&format!(
            "/api/v1/events/{id}/participants/{wang}/itinerary?version={vid}"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["items"], it["items"]);
    let (status, problem) = app
        .get(&format!(
            "/api/v1/events/{id}/participants/{wang}/itinerary?version=latest"
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["field"], "version");
    let (status, _) = app
        .get(&format!(
            "/api/v1/events/{id}/participants/{wang}/itinerary?version={}",
            vid + 1000
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .get(&format!(
            "/api/v1/events/{id}/participants/999999/itinerary"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let paths = &doc["paths"];
    assert!(paths["/api/v1/events/{event_id}/participants/{id}/itinerary"]["get"].is_object());
    assert!(paths["/api/v1/events/{event_id}/golden-hours"]["get"].is_object());
    assert!(doc["components"]["schemas"]["ItineraryItem"].is_object());
}
on_both_backends!(a_shanghai_itinerary_follows_the_switch);

/// (date, from, to) of every window, organiser's zone.
fn windows(golden: &Value) -> Vec<(String, String, String)> {
    golden["days"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| {
            d["windows"].as_array().unwrap().iter().map(move |w| {
                (
                    d["date"].as_str().unwrap().to_string(),
                    w["from"].as_str().unwrap().to_string(),
                    w["to"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect()
}

async fn golden_hours_move_with_the_switch(app: TestApp) {
    let event =
        matchtour::cli::demo::seed(&mut app.pool.get().expect("a connection")).expect("demo seeds");
    let id = event.id;
    let people = participants(&app, id).await;
    let side_total = |side: &str| people.iter().filter(|p| p["side"] == side).count();
    let (de, cn) = (side_total("DE"), side_total("CN"));
    assert_eq!(de + cn, people.len());

    // Four in five: only when both sides are comfortable. Germans 08:00–18:00 Berlin,
    // Chinese 09:00–19:00 Beijing = 02:00–12:00 CET, 03:00–13:00 CEST.
    let (status, golden) = app
        .get(&format!(
            "/api/v1/events/{id}/golden-hours?share=0.8&step=15"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{golden}");
    println!("golden hours share=0.8: {golden:#}");
    assert_eq!(golden["participants"], people.len());
    assert_eq!(golden["assumed_comfort"], 0);
    assert_eq!(
        windows(&golden),
        [
            ("2021-03-25", "08:00", "12:00"),
            ("2021-03-26", "08:00", "12:00"),
            ("2021-03-29", "08:00", "13:00"),
            ("2021-03-30", "08:00", "13:00"),
        ]
        .map(|(d, f, t)| (d.to_string(), f.to_string(), t.to_string()))
    );
    let day = |i: usize| golden["days"][i]["windows"][0].clone();
    // The Chinese evening end stays at 11:00 UTC (19:00 Beijing); in Berlin it moves.
    assert_eq!(day(1)["end_utc"], "2021-03-26T11:00:00Z");
    assert_eq!(day(2)["end_utc"], "2021-03-29T11:00:00Z");
    assert_eq!(day(1)["label"], "08:00–12:00 CET · 15:00–19:00 Beijing");
    assert_eq!(day(2)["label"], "08:00–13:00 CEST · 14:00–19:00 Beijing");
    assert_eq!(
        day(2)["sides"]["DE"],
        json!({"comfortable": de, "total": de})
    );
    assert_eq!(
        day(2)["sides"]["CN"],
        json!({"comfortable": cn, "total": cn})
    );

    // Three in five is met by the Chinese side alone: the whole window moves by an hour in
    // Berlin and stays put in UTC; limited to 00:00–20:00 it is cut nowhere.
    let (status, golden) = app
        .get(&format!(
            "/api/v1/events/{id}/golden-hours?share=0.6&step=30&from=00:00&to=20:00&lang=de"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{golden}");
    let found = windows(&golden);
    assert_eq!(found.len(), 4, "{golden}");
    for (date, from, to) in &found {
        let winter = date.as_str() < SWITCH;
        let expected = if winter {
            ("02:00", "12:00")
        } else {
            ("03:00", "13:00")
        };
        assert_eq!((from.as_str(), to.as_str()), expected, "{date}");
    }
    let w = &golden["days"][3]["windows"][0];
    assert_eq!(w["start_utc"], "2021-03-30T01:00:00Z");
    assert_eq!(w["end_utc"], "2021-03-30T11:00:00Z");
    assert_eq!(w["label"], "03:00–13:00 MESZ · 09:00–19:00 Peking");
    assert_eq!(
        w["sides"]["DE"]["comfortable"], 0,
        "no German is up at 03:00"
    );
    assert_eq!(w["comfortable"], cn);

    for (query, field) in [
        ("share=1.5", "share"),
        ("share=lots", "share"),
        ("step=0", "step"),
        ("from=25:00", "from"),
        ("to=noon", "to"),
        ("lang=fr", "lang"),
    ] {
        let (status, problem) = app
            .get(&format!("/api/v1/events/{id}/golden-hours?{query}"))
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {problem}"
        );
        assert_eq!(problem["field"], field, "{query}");
    }
    let (status, _) = app.get("/api/v1/events/999999/golden-hours").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
on_both_backends!(golden_hours_move_with_the_switch);

async fn a_participant_without_comfort_hours_counts_as_office_hours(app: TestApp) {
    let id = crate::scenario::create_tour(&app).await["id"]
        .as_i64()
        .unwrap();
    app.create(
        &format!("/api/v1/events/{id}/participants"),
        json!({"name": "Wang", "email": "wang@example.cn", "time_zone": "Asia/Shanghai"}),
    )
    .await;
    let (status, golden) = app
        .get(&format!("/api/v1/events/{id}/golden-hours?share=1"))
        .await;
    assert_eq!(status, StatusCode::OK, "{golden}");
    assert_eq!(golden["assumed_comfort"], 1);
    // 08:00–18:00 Beijing is 01:00–11:00 CET and 02:00–12:00 CEST.
    let w = &golden["days"][0]["windows"][0];
    assert_eq!(
        (w["from"].as_str(), w["to"].as_str()),
        (Some("01:00"), Some("11:00"))
    );
    assert_eq!(
        w["sides"]["unassigned"],
        json!({"comfortable": 1, "total": 1})
    );
    let w = &golden["days"][2]["windows"][0];
    assert_eq!(
        (w["from"].as_str(), w["to"].as_str()),
        (Some("02:00"), Some("12:00"))
    );
}
on_both_backends!(a_participant_without_comfort_hours_counts_as_office_hours);
