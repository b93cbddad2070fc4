//! Bad input gets a 4xx problem document naming the field, and nothing is half-written.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::scenario::create_tour;
use crate::support::TestApp;

async fn bad_input_is_refused_with_the_field_named(app: TestApp) {
    let (status, problem) = app
        .post(
            "/api/v1/events",
            &json!({"name": "X", "kind": "forum", "time_zone": "Europe/Berlln",
                    "start_date": "2021-03-02", "end_date": "2021-03-01"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "time_zone");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["time_zone", "end_date"]);

    let (status, problem) = app
        .post_raw("/api/v1/events", "application/json", "{\"name\": ")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["code"], "bad_request");

    let (status, problem) = app
        .post("/api/v1/events", &json!({"name": "X", "kind": "forum", "time_zone": "UTC", "start_date": "2021-02-30", "end_date": "2021-03-01"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "start_date");

    let (status, problem) = app.post("/api/v1/events", &json!({"name": "X", "kind": "forum", "time_zone": "UTC", "start_date": "2021-03-01", "end_date": "2021-03-01", "colour": "red"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");

    let event = create_tour(&app).await;
    let id = event["id"].as_i64().unwrap();

    let (status, problem) = app
        .post(&format!("/api/v1/events/{id}/sessions"), &json!({"date": "2021-03-25", "kind": "plenary", "title": "T", "start": "10:00", "end": "09:00"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "end");

    // 02:30 on 28 March 2021 does not exist in Berlin; the 28th is not a day of this event either,
    // so use an event with that day.
    let sunday = app
        .create("/api/v1/events", json!({"name": "Sunday", "kind": "online_event", "time_zone": "Europe/Berlin", "start_date": "2021-03-28", "end_date": "2021-03-28"}))
        .await;
    let (status, problem) = app
        .post(&format!("/api/v1/events/{}/sessions", sunday["id"]), &json!({"date": "2021-03-28", "kind": "plenary", "title": "Night", "start": "02:30", "end": "04:00"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "start");
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("does not exist"));

    let (status, problem) = app
        .post(&format!("/api/v1/events/{id}/sessions"), &json!({"date": "2021-03-27", "kind": "plenary", "title": "T", "start": "09:00", "end": "10:00"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "date");

    let person =
        json!({"name": "Li Na", "email": "li.na@example.cn", "time_zone": "Asia/Shanghai"});
    app.create(&format!("/api/v1/events/{id}/participants"), person.clone())
        .await;
    let (status, problem) = app
        .post(
            &format!("/api/v1/events/{id}/participants"),
            &json!({"name": "Li Na 2", "email": "LI.NA@example.cn", "time_zone": "Asia/Shanghai"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["field"], "email");

    // A participant whose new organisation would be created, but whose zone is wrong: neither is stored.
    let (status, problem) = app
        .post(&format!("/api/v1/events/{id}/participants"), &json!({"name": "Bad", "email": "bad@example.de", "organisation": "Ghost GmbH", "time_zone": "Berlin"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "time_zone");
    let (_, organisations) = app.get(&format!("/api/v1/events/{id}/organisations")).await;
    assert_eq!(organisations, json!([]));
    let (_, people) = app.get(&format!("/api/v1/events/{id}/participants")).await;
    assert_eq!(people["total"], 1);

    let (status, problem) = app.post(&format!("/api/v1/events/{id}/participants"), &json!({"name": "Q", "email": "q@example.de", "time_zone": "UTC", "availability": {"daily": [{"from": "25:00", "to": "26:00"}]}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        problem["field"]
            .as_str()
            .unwrap()
            .starts_with("availability"),
        "{problem}"
    );

    let (status, problem) = app
        .post(
            &format!("/api/v1/events/{id}/groups"),
            &json!({"name": "T", "kind": "tandem", "member_ids": [999, 1000]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "member_ids");

    let (status, problem) = app.post(&format!("/api/v1/events/{id}/requests"), &json!({"from": {"kind": "participant", "id": 4242}, "to": {"kind": "planet", "id": 1}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"to.kind") && fields.contains(&"from.id"),
        "{problem}"
    );

    let (status, problem) = app.get("/api/v1/events/987654").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["code"], "not_found");
    let (status, _) = app
        .get(&format!("/api/v1/events/{id}/participants/987654"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app.get("/api/v1/events/not-a-number").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, problem) = app.get("/api/v1/events?per_page=0").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "per_page");
}
on_both_backends!(bad_input_is_refused_with_the_field_named);

async fn days_with_sessions_are_not_dropped_silently(app: TestApp) {
    let event = create_tour(&app).await;
    let id = event["id"].as_i64().unwrap();
    app.create(&format!("/api/v1/events/{id}/sessions"), json!({"date": "2021-03-30", "kind": "roundtable", "title": "Roundtable", "start": "13:00", "end": "14:00"})).await;
    let (status, problem) = app
        .put(&format!("/api/v1/events/{id}"), &json!({"name": "Shorter", "kind": "matchmaking_tour", "time_zone": "Europe/Berlin", "start_date": "2021-03-25", "end_date": "2021-03-29", "days": ["2021-03-25", "2021-03-26", "2021-03-29"]}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["field"], "days");
    let (_, unchanged) = app.get(&format!("/api/v1/events/{id}")).await;
    assert_eq!(
        unchanged["name"], "Digital health tour",
        "the failed update wrote nothing"
    );
    assert_eq!(unchanged["days"].as_array().unwrap().len(), 4);
}
on_both_backends!(days_with_sessions_are_not_dropped_silently);
