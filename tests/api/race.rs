//! Self-booking under concurrency: 200 simultaneous attempts at the same person and slot give
//! exactly one booking and clear 409s — in one process on SQLite, and across two real server
//! processes on one PostgreSQL database.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::authz::fixture;
use crate::support::{postgres_database, TestApp, PG_ENV};

const ATTEMPTS: usize = 200;
const BOOKERS: usize = 10;

/// Books the fixture's free slot with the same participant `ATTEMPTS` times at once, from
/// `BOOKERS` participants, spread over `servers`; checks one winner and 409 for the rest.
async fn race(app: &TestApp, servers: &[String]) {
    let f = fixture(app, "Race tour", true).await;
    let target = f.others[2];
    let mut bookers = Vec::new();
    for i in 0..BOOKERS {
        let p = app
            .create(
                &format!("/api/v1/events/{}/participants", f.event),
                json!({"name": format!("Booker {i}"), "email": format!("booker{i}@example.org"), "time_zone": "Europe/Berlin"}),
            )
            .await["id"]
            .as_i64()
            .unwrap();
        bookers.push((p, app.participant_token(f.event, p).await));
    }
    let client = reqwest::Client::new();
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..ATTEMPTS {
        let (booker, token) = bookers[i % BOOKERS].clone();
        let url = format!(
            "{}/api/v1/events/{}/participants/{booker}/bookings",
            servers[i % servers.len()],
            f.event
        );
        let request = client
            .post(url)
            .header("authorization", format!("Participant {token}"))
            .json(&json!({"with": target, "start": f.free_slot}));
        attempts.spawn(async move {
            let response = request.send().await.expect("request sent");
            let status = response.status();
            let kind = response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap_or_default().to_string());
            let body: Value = response.json().await.unwrap_or(Value::Null);
            (status, kind, body)
        });
    }
    let started = Instant::now();
    let mut won = 0;
    let mut conflicts = 0;
    while let Some(done) = attempts.join_next().await {
        let (status, kind, body) = done.expect("attempt finished");
        match status {
            StatusCode::CREATED => won += 1,
            StatusCode::CONFLICT => {
                assert_eq!(kind.as_deref(), Some("application/problem+json"));
                assert_eq!(body["code"], "conflict", "{body}");
                assert_eq!(body["field"], "start", "{body}");
                conflicts += 1;
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    eprintln!(
        "{ATTEMPTS} attempts over {} server(s): {won} booked, {conflicts} conflicts in {:?}",
        servers.len(),
        started.elapsed()
    );
    assert_eq!(won, 1);
    assert_eq!(conflicts, ATTEMPTS - 1);
    let (_, schedule) = app
        .get(&format!("/api/v1/events/{}/schedule", f.event))
        .await;
    let holding: Vec<&Value> = schedule["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| {
            b["participant_ids"]
                .as_array()
                .unwrap()
                .contains(&json!(target))
        })
        .filter(|b| b["starts_at"] == json!(f.free_slot))
        .collect();
    assert_eq!(holding.len(), 1, "{schedule}");
}

#[actix_web::test]
async fn one_of_200_simultaneous_self_bookings_wins_on_sqlite() {
    let app = TestApp::sqlite().await;
    let base = app.base.clone();
    race(&app, &[base]).await;
}

/// A `matchtour serve` child process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn spawn_server(database_url: &str) -> (Server, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_matchtour"))
        .arg("serve")
        .env("DATABASE_URL", database_url)
        .env("MATCHTOUR__SERVER__HOST", "127.0.0.1")
        .env("MATCHTOUR__SERVER__PORT", port.to_string())
        .env("MATCHTOUR__MAIL__TRANSPORT", "memory")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the matchtour binary starts");
    let server = Server(child);
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = reqwest::get(format!("{base}/ready")).await {
            if r.status() == StatusCode::OK {
                break;
            }
        }
        assert!(
            Instant::now() < deadline,
            "server on {port} did not get ready"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (server, base)
}

#[actix_web::test]
async fn one_of_200_simultaneous_self_bookings_wins_across_two_processes_on_postgres() {
    let Some(app) = TestApp::postgres("two-process self-booking race").await else {
        eprintln!("SKIPPED the two-process race: it needs {PG_ENV}");
        return;
    };
    // The harness has migrated the database, so the two servers find nothing to apply.
    let (_first, one) = spawn_server(&app.database_url).await;
    let (_second, two) = spawn_server(&app.database_url).await;
    race(&app, &[one, two]).await;
}

/// The first organiser may sign up without an invitation; after that sign-up is closed. Eight
/// first sign-ups at once over two processes must still make exactly one organiser.
#[actix_web::test]
async fn one_of_simultaneous_first_signups_wins_across_two_processes_on_postgres() {
    let Some(database) = postgres_database("first sign-up race") else {
        return;
    };
    // The first server migrates; the second finds nothing to apply.
    let (_first, one) = spawn_server(&database.url).await;
    let (_second, two) = spawn_server(&database.url).await;
    let client = reqwest::Client::new();
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..8 {
        let base = if i % 2 == 0 { &one } else { &two };
        let request = client
            .post(format!("{base}/api/v1/auth/signup"))
            .json(&json!({"email": format!("first{i}@example.org"), "name": "First", "password": "correct horse battery staple"}));
        attempts.spawn(async move {
            let response = request.send().await.expect("request sent");
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        });
    }
    let mut created = 0;
    while let Some(done) = attempts.join_next().await {
        let (status, body) = done.expect("attempt finished");
        match status {
            StatusCode::CREATED => created += 1,
            StatusCode::FORBIDDEN => assert_eq!(body["code"], "forbidden", "{body}"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1, "exactly one first organiser");
}
