//! Schedules by hand: book, refuse double bookings, publish, export.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::scenario::create_tour;
use crate::support::TestApp;

async fn person(app: &TestApp, event: i64, name: &str, zone: &str) -> i64 {
    app.create(
        &format!("/api/v1/events/{event}/participants"),
        json!({"name": name, "email": format!("{}@example.org", name.to_lowercase()), "time_zone": zone}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

async fn organiser_places_meetings_by_hand(app: TestApp) {
    let id = create_tour(&app).await["id"].as_i64().unwrap();
    app.create(
        &format!("/api/v1/events/{id}/windows"),
        json!({"date": "2021-03-26", "start": "09:00", "end": "10:00", "slot_minutes": 20}),
    )
    .await;
    let anna = person(&app, id, "Anna", "Europe/Berlin").await;
    let wang = person(&app, id, "Wang", "Asia/Shanghai").await;
    let li = person(&app, id, "Li", "Asia/Shanghai").await;
    let draft = app
        .create(&format!("/api/v1/events/{id}/schedule/versions"), json!({}))
        .await;
    let v = draft["version"]["id"].as_i64().unwrap();
    assert_eq!(draft["version"]["status"], "draft");
    let bookings = format!("/api/v1/events/{id}/schedule/versions/{v}/bookings");

    let first = app
        .create(
            &bookings,
            json!({"participant_ids": [anna, wang], "start": "2021-03-26T08:00:00Z"}),
        )
        .await;
    assert_eq!(first["ends_at"], "2021-03-26T08:20:00Z");
    assert_eq!(first["room"], 1);

    let (status, problem) = app
        .post(
            &bookings,
            &json!({"participant_ids": [anna, li], "start": "2021-03-26T08:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{problem}");
    assert_eq!(problem["field"], "start");

    // Two slots from 08:20 UTC overlap nothing of Anna's first meeting.
    let long = app
        .create(&bookings, json!({"participant_ids": [anna, li], "start": "2021-03-26T08:20:00Z", "length_slots": 2}))
        .await;
    assert_eq!(long["ends_at"], "2021-03-26T09:00:00Z");
    let (status, problem) = app
        .post(&bookings, &json!({"participant_ids": [wang, li], "start": "2021-03-26T08:40:00Z", "length_slots": 2}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "runs past the window: {problem}"
    );
    let (status, problem) = app
        .post(
            &bookings,
            &json!({"participant_ids": [wang, li], "start": "2021-03-26T08:05:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "start");

    let (status, published) = app
        .post(
            &format!("/api/v1/events/{id}/schedule/versions/{v}/publish"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["version"]["status"], "published");
    let (_, current): (StatusCode, Value) = app.get(&format!("/api/v1/events/{id}/schedule")).await;
    assert_eq!(current["bookings"].as_array().unwrap().len(), 2);
    let (status, _) = app
        .post(
            &format!("/api/v1/events/{id}/schedule/versions/{v}/publish"),
            &json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a published version is not published twice"
    );

    let csv = app
        .client
        .get(app.url(&format!(
            "/api/v1/events/{id}/schedule/versions/{v}/export.csv"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let wang_line = csv
        .lines()
        .find(|l| l.contains("wang@example.org"))
        .expect("Wang's line");
    assert!(
        wang_line.contains("2021-03-26 16:00"),
        "Shanghai local time in the export: {wang_line}"
    );
    assert!(csv
        .lines()
        .any(|l| l.contains("anna@example.org") && l.contains("2021-03-26 09:00")));
}
on_both_backends!(organiser_places_meetings_by_hand);

async fn the_solver_plans_the_demo_tour(app: TestApp) {
    // The demo seeding goes through the same use cases; solve it through the API.
    let mut conn = app_pool(&app);
    let event = matchtour::cli::demo::seed(&mut conn).expect("demo seeds");
    drop(conn);
    let id = event.id;
    let (status, draft) = app
        .post(
            &format!("/api/v1/events/{id}/schedule/solve"),
            &json!({"time_limit_seconds": 1.0, "seed": 7}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{draft}");
    let summary = &draft["version"]["summary"];
    let bookings = draft["bookings"].as_array().unwrap();
    assert_eq!(
        summary["scheduled"].as_u64().unwrap() as usize,
        bookings.len()
    );
    assert!(bookings.len() >= 20, "most demo meetings fit: {summary}");
    let unscheduled = summary["unscheduled"].as_array().unwrap();
    assert_eq!(
        bookings.len() + unscheduled.len(),
        summary["meetings"].as_u64().unwrap() as usize
    );
    assert!(unscheduled
        .iter()
        .all(|u| !u["reason"].as_str().unwrap().is_empty()));

    // Independent check of the hard constraints on what was stored: nobody twice in a slot.
    let mut seen = std::collections::HashSet::new();
    for b in bookings {
        for p in b["participant_ids"].as_array().unwrap() {
            assert!(
                seen.insert((
                    p.as_i64().unwrap(),
                    b["starts_at"].as_str().unwrap().to_string()
                )),
                "double booking of {p}"
            );
        }
    }
    let v = draft["version"]["id"].as_i64().unwrap();
    let (status, _) = app
        .post(
            &format!("/api/v1/events/{id}/schedule/versions/{v}/publish"),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Re-planning keeps published meetings where they were.
    let (status, again) = app
        .post(
            &format!("/api/v1/events/{id}/schedule/solve"),
            &json!({"time_limit_seconds": 1.0, "seed": 8}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(
        again["version"]["summary"]["moved"], 0,
        "{}",
        again["version"]["summary"]
    );

    let (status, problem) = app
        .post(
            &format!("/api/v1/events/{id}/schedule/solve"),
            &json!({"time_limit_seconds": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "time_limit_seconds");
}
on_both_backends!(the_solver_plans_the_demo_tour);

fn app_pool(app: &TestApp) -> matchtour::db::Conn {
    app.pool.get().expect("a connection")
}
