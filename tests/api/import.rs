//! CSV import: all rows or none, with errors per spreadsheet line.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::scenario::create_tour;
use crate::support::TestApp;

const PEOPLE: &str = "\u{feff}Name,Email,Organisation,Side,Time_Zone,Languages,Available_From,Available_To,Comfort_From,Comfort_To,Max_Meetings,Locale,Group
Dr. Anna Becker,anna@charite.example.de,Charité,DE,Europe/Berlin,de en,08:00,15:00,08:00,18:00,12,de,Tandem Berlin
Felix Wagner,felix@medivue.example.de,Medivue GmbH,DE,Europe/Berlin,de en,08:00,15:00,,,12,de,Tandem Berlin
\"Wang, Wei 王伟\",wang.wei@fudan.example.cn,Fudan University,CN,Asia/Shanghai,zh,14:00,21:00,09:00,19:00,,zh,
";

async fn a_clean_sheet_imports_people_tandems_and_requests(app: TestApp) {
    let id = create_tour(&app).await["id"].as_i64().unwrap();
    let (status, report) = app
        .post_raw(
            &format!("/api/v1/events/{id}/import/participants"),
            "text/csv",
            PEOPLE,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    assert_eq!(report, json!({"imported": 3, "groups": 1}));
    let (_, people) = app.get(&format!("/api/v1/events/{id}/participants")).await;
    let wang = &people["items"][2];
    assert_eq!(wang["name"], "Wang, Wei 王伟");
    assert_eq!(
        wang["availability"]["daily"],
        json!([{"from": "14:00", "to": "21:00"}])
    );
    assert_eq!(wang["organisation"], "Fudan University");
    let (_, groups) = app.get(&format!("/api/v1/events/{id}/groups")).await;
    assert_eq!(groups[0]["kind"], "tandem");

    let sheet = "from,to,priority,message\nTandem Berlin,Fudan University,3,Pilot study\nwang.wei@fudan.example.cn,Tandem Berlin,2,\"你好, 期待\"\n";
    let (status, report) = app
        .post_raw(
            &format!("/api/v1/events/{id}/import/requests"),
            "text/csv",
            sheet,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{report}");
    let (_, requests) = app.get(&format!("/api/v1/events/{id}/requests")).await;
    assert_eq!(requests[0]["to"]["kind"], "organisation");
    assert_eq!(requests[1]["message"], "你好, 期待");
}
on_both_backends!(a_clean_sheet_imports_people_tandems_and_requests);

async fn a_broken_row_stores_nothing_and_names_the_line(app: TestApp) {
    let id = create_tour(&app).await["id"].as_i64().unwrap();
    let broken = PEOPLE
        .replace("Asia/Shanghai", "China/Beijing")
        .replace("felix@medivue.example.de", "anna@charite.example.de");
    let (status, problem) = app
        .post_raw(
            &format!("/api/v1/events/{id}/import/participants"),
            "text/csv",
            broken,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"rows[3].email"), "{fields:?}");
    assert!(fields.contains(&"rows[4].time_zone"), "{fields:?}");
    let (_, people) = app.get(&format!("/api/v1/events/{id}/participants")).await;
    assert_eq!(
        people["total"], 0,
        "a failed import stores none of its rows"
    );
    let (_, organisations) = app.get(&format!("/api/v1/events/{id}/organisations")).await;
    assert_eq!(
        organisations,
        json!([]),
        "nor the organisations its rows named"
    );

    let (status, problem) = app
        .post_raw(
            &format!("/api/v1/events/{id}/import/participants"),
            "text/csv",
            "name,email\nA,a@b.de\n",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "rows[1]");
    assert!(problem["detail"].as_str().unwrap().contains("time_zone"));

    let (status, problem) = app
        .post_raw(
            &format!("/api/v1/events/{id}/import/participants"),
            "text/csv",
            "name,email,time_zone\nA,a@b.de,UTC,extra\n",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "rows[2]");

    let (status, problem) = app
        .post_raw(
            &format!("/api/v1/events/{id}/import/requests"),
            "text/csv",
            "from,to\nnobody@example.de,Fudan University\n",
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["field"], "rows[2].from");
}
on_both_backends!(a_broken_row_stores_nothing_and_names_the_line);
