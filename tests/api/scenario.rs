//! The organiser's journey through the API: an event, days, sessions, participants in Berlin
//! and Shanghai, a tandem, requests — and everything reads back intact.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::support::TestApp;

pub async fn create_tour(app: &TestApp) -> Value {
    app.create(
        "/api/v1/events",
        json!({
            "name": "Digital health tour",
            "kind": "matchmaking_tour",
            "time_zone": "Europe/Berlin",
            "start_date": "2021-03-25",
            "end_date": "2021-03-30",
            "days": ["2021-03-25", "2021-03-26", "2021-03-29", "2021-03-30"],
            "rooms": 8
        }),
    )
    .await
}

async fn organiser_builds_a_tour(app: TestApp) {
    let event = create_tour(&app).await;
    let id = event["id"].as_i64().unwrap();
    assert_eq!(event["days"].as_array().unwrap().len(), 4);
    assert_eq!(event["status"], "draft");

    // A plenary before and after the DST switch: same Berlin time, different UTC.
    for date in ["2021-03-26", "2021-03-29"] {
        app.create(
            &format!("/api/v1/events/{id}/sessions"),
            json!({"date": date, "kind": "plenary", "title": "Daily briefing", "start": "09:00", "end": "09:30"}),
        )
        .await;
    }
    let window = app
        .create(
            &format!("/api/v1/events/{id}/windows"),
            json!({"date": "2021-03-29", "start": "09:40", "end": "11:00", "slot_minutes": 20}),
        )
        .await;
    assert_eq!(window["slots"].as_array().unwrap().len(), 4);
    assert_eq!(window["slots"][0]["start"], "2021-03-29T07:40:00Z");

    let org = app
        .create(
            &format!("/api/v1/events/{id}/organisations"),
            json!({"name": "Fudan University", "kind": "university", "country": "CN"}),
        )
        .await;
    let berliner = |name: &str, email: &str| {
        json!({
            "name": name, "email": email, "organisation": "Charité", "side": "DE", "country": "DE",
            "time_zone": "Europe/Berlin", "languages": ["de", "en"],
            "availability": {"daily": [{"from": "08:00", "to": "15:00"}]},
            "comfort": {"from": "08:00", "to": "18:00"}, "max_meetings": 12, "locale": "de"
        })
    };
    let anna = app
        .create(
            &format!("/api/v1/events/{id}/participants"),
            berliner("Dr. Anna Becker", "anna@charite.example.de"),
        )
        .await;
    let felix = app
        .create(
            &format!("/api/v1/events/{id}/participants"),
            berliner("Felix Wagner", "Felix@Medivue.example.de"),
        )
        .await;
    let wang = app
        .create(
            &format!("/api/v1/events/{id}/participants"),
            json!({
                "name": "王伟 Wang Wei", "email": "wang.wei@fudan.example.cn", "organisation_id": org["id"],
                "side": "CN", "time_zone": "Asia/Shanghai", "languages": ["zh"],
                "availability": {"daily": [{"from": "14:00", "to": "21:00"}], "days": {"2021-03-30": []}},
                "comfort": {"from": "09:00", "to": "19:00"}, "locale": "zh"
            }),
        )
        .await;
    assert_eq!(
        felix["email"], "felix@medivue.example.de",
        "emails are stored lowercased"
    );
    assert_eq!(anna["organisation"], "Charité");

    let tandem = app
        .create(
            &format!("/api/v1/events/{id}/groups"),
            json!({"name": "Tandem Berlin", "kind": "tandem", "member_ids": [anna["id"], felix["id"]]}),
        )
        .await;
    let request = app
        .create(
            &format!("/api/v1/events/{id}/requests"),
            json!({"from": {"kind": "group", "id": tandem["id"]}, "to": {"kind": "organisation", "id": org["id"]},
                   "priority": 3, "message": "Joint pilot study?"}),
        )
        .await;
    assert_eq!(request["status"], "requested");
    assert_eq!(request["mutual"], false);
    let (status, problem) = app
        .post(
            &format!("/api/v1/events/{id}/requests"),
            &json!({"from": {"kind": "organisation", "id": org["id"]}, "to": {"kind": "group", "id": tandem["id"]}}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an organisation cannot send requests"
    );
    assert_eq!(problem["field"], "from.kind");
    let reverse = app
        .create(
            &format!("/api/v1/events/{id}/requests"),
            json!({"from": {"kind": "participant", "id": wang["id"]}, "to": {"kind": "group", "id": tandem["id"]}}),
        )
        .await;
    let (status, accepted) = app
        .post(
            &format!("/api/v1/events/{id}/requests/{}/accept", reverse["id"]),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["status"], "accepted");

    // Read everything back.
    let (_, sessions) = app.get(&format!("/api/v1/events/{id}/sessions")).await;
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["starts_at"], "2021-03-26T08:00:00Z");
    assert_eq!(sessions[1]["starts_at"], "2021-03-29T07:00:00Z");
    assert!(sessions
        .iter()
        .all(|s| s["start_local"] == "09:00" && s["time_zone"] == "Europe/Berlin"));

    let (_, people) = app
        .get(&format!("/api/v1/events/{id}/participants?per_page=2"))
        .await;
    assert_eq!(people["total"], 3);
    assert_eq!(people["items"].as_array().unwrap().len(), 2);
    let (_, stored_wang) = app
        .get(&format!("/api/v1/events/{id}/participants/{}", wang["id"]))
        .await;
    assert_eq!(stored_wang, wang);
    assert_eq!(stored_wang["name"], "王伟 Wang Wei");
    assert_eq!(stored_wang["availability"]["days"]["2021-03-30"], json!([]));
    assert_eq!(
        stored_wang["comfort"],
        json!({"from": "09:00", "to": "19:00"})
    );

    let (_, groups) = app.get(&format!("/api/v1/events/{id}/groups")).await;
    assert_eq!(groups[0]["member_ids"], json!([anna["id"], felix["id"]]));
    let (_, requests) = app.get(&format!("/api/v1/events/{id}/requests")).await;
    let requests = requests.as_array().unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0]["priority"], 3);
    assert_eq!(requests[0]["message"], "Joint pilot study?");

    // Update and delete.
    let mut changed = berliner("Dr. Anna Becker-Lang", "anna@charite.example.de");
    changed["time_zone"] = json!("Europe/London");
    let (status, updated) = app
        .put(
            &format!("/api/v1/events/{id}/participants/{}", anna["id"]),
            &changed,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["time_zone"], "Europe/London");
    assert_eq!(
        app.delete(&format!("/api/v1/events/{id}/windows/{}", window["id"]))
            .await,
        StatusCode::NO_CONTENT
    );
    let (_, windows) = app.get(&format!("/api/v1/events/{id}/windows")).await;
    assert_eq!(windows, json!([]));
    assert_eq!(
        app.delete(&format!("/api/v1/events/{id}")).await,
        StatusCode::NO_CONTENT
    );
    let (status, _) = app.get(&format!("/api/v1/events/{id}/participants")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
on_both_backends!(organiser_builds_a_tour);

async fn the_api_describes_itself(app: TestApp) {
    let (status, doc) = app.get("/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["paths"]["/api/v1/events/{event_id}/participants"]["post"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    let (status, _) = app.get("/health").await;
    assert_eq!(status, StatusCode::OK);
    let (status, ready) = app.get("/ready").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ready["status"], "ready");
}
on_both_backends!(the_api_describes_itself);
